package bench

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Chart geometry, in SVG user units.
const (
	chartWidth  = 900
	labelWidth  = 430 // the rows' labels, right-aligned against the plot
	plotRight   = 820
	rowHeight   = 26
	chartTop    = 58
	chartBottom = 40
)

// Chart draws the socklab/CPython ratio of every row that has both, as
// horizontal bars on a log scale growing from a 1× line: green where
// socklab is better (faster, or less memory), red where it is worse.
func (res *Results) Chart() ([]byte, error) {
	var rows []*Row
	for _, row := range res.Rows {
		if row.Ratio > 0 && !math.IsInf(row.Ratio, 0) {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		return nil, errNoRows
	}
	lo, hi := 1.0, 1.0
	for _, row := range rows {
		lo, hi = math.Min(lo, row.Ratio), math.Max(hi, row.Ratio)
	}
	// The extremes sit labelRoom inside the plot, leaving room for the
	// bars' labels; lo and hi become the plot's edges.
	if hi/lo < 4 {
		lo, hi = lo/1.5, hi*1.5
	}
	const labelRoom = 72
	perPixel := (math.Log(hi) - math.Log(lo)) / (plotRight - labelWidth - 2*labelRoom)
	lo, hi = lo*math.Exp(-labelRoom*perPixel), hi*math.Exp(labelRoom*perPixel)
	x := func(r float64) float64 {
		return labelWidth + (plotRight-labelWidth)*(math.Log(r)-math.Log(lo))/(math.Log(hi)-math.Log(lo))
	}
	height := chartTop + rowHeight*len(rows) + chartBottom
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">
<rect width="100%%" height="100%%" fill="white"/>
<text x="%d" y="22" font-size="15" font-weight="bold">socklab / CPython, %s</text>
<text x="%d" y="40" fill="#555">log scale; green: socklab better (faster, or less memory), red: worse</text>
`, chartWidth, height, chartWidth, height, 10, esc(res.chartSubtitle()), 10)
	plotBottom := chartTop + rowHeight*len(rows)
	for _, t := range ticks(lo, hi, func(t float64) float64 { return x(t) }) {
		tx := x(t)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>
<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s×</text>
`, tx, chartTop-4, tx, plotBottom+4, tx, plotBottom+18, esc(tickLabel(t)))
	}
	one := x(1)
	for i, row := range rows {
		y := chartTop + rowHeight*i
		rx := x(row.Ratio)
		left, width := math.Min(one, rx), math.Abs(rx-one)
		color := "#c0392b"
		if isBetter(row.Kind, row.Ratio) {
			color = "#27ae60"
		} else if ratioNumber(row.Ratio) == "1.00" {
			color = "#888"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s (%s)</text>
<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>
`, labelWidth-8, y+17, esc(row.Label), esc(row.Unit), left, y+5, math.Max(width, 1), rowHeight-10, color)
		anchor, tx := "start", rx+4
		if row.Ratio < 1 {
			anchor, tx = "end", rx-4
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="%s">%s×</text>
`, tx, y+17, anchor, ratioNumber(row.Ratio))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" stroke-width="1.5"/>
<text x="%d" y="%d" fill="#555" font-size="11">%s</text>
</svg>
`, one, chartTop-8, one, plotBottom+6, 10, height-10, esc(res.Machine.line()))
	return b.Bytes(), nil
}

// chartSubtitle says what the bars are.
func (res *Results) chartSubtitle() string {
	if res.Reps == 1 {
		return "one repetition"
	}
	return fmt.Sprintf("medians of %d repetitions", res.Reps)
}

// ticks are the 1-2-5 values between lo and hi that can be labelled
// without crowding at x (the labels' half widths plus a gap apart), in
// order: 1 first, then the powers of ten, then the 2s and 5s where there
// is room.
func ticks(lo, hi float64, x func(float64) float64) []float64 {
	var kept []float64
	// About 7 units a character at font-size 12, and the "×".
	halfWidth := func(t float64) float64 { return 3.5 * float64(len(tickLabel(t))+1) }
	room := func(t float64) bool {
		for _, k := range kept {
			if math.Abs(x(t)-x(k)) < halfWidth(t)+halfWidth(k)+12 {
				return false
			}
		}
		return true
	}
	for _, mantissas := range [][]float64{{1}, {2, 5}} {
		for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
			for _, m := range mantissas {
				if t := m * math.Pow(10, e); t >= lo && t <= hi && room(t) {
					kept = append(kept, t)
				}
			}
		}
	}
	slices.Sort(kept)
	return kept
}

// tickLabel writes a tick without trailing zeros: 0.0005, 0.5, 1, 20.
func tickLabel(t float64) string {
	// Three significant digits hide float noise (2*1e-3); 'f' keeps
	// 1000 out of exponent form.
	v, _ := strconv.ParseFloat(strconv.FormatFloat(t, 'g', 3, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// esc escapes text for XML.
func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
