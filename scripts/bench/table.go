package bench

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// columns are the table's implementation columns, in order.
var columns = []struct {
	impl  Impl
	title string
}{{CPython, "CPython"}, {Go, "Go"}, {Socklab, "socklab"}}

// ratioTitle heads the last column. A cell reads "1.67× the rate
// (faster)": socklab's median over CPython's, what that ratio is of, and
// which way it goes, so that rows where lower is better (ms, MiB) read as
// plainly as the others.
const ratioTitle = "socklab / CPython"

// Table is the results as a Markdown table (aligned, so it reads in a
// terminal too), with a header line and notes.
func (res *Results) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "socklab bench: %s\n\n", res.describe())
	header := []string{"workload", "unit"}
	for _, c := range columns {
		header = append(header, c.title)
	}
	header = append(header, ratioTitle)
	rows := [][]string{header}
	for _, row := range res.Rows {
		line := []string{row.Label, row.Unit}
		for _, c := range columns {
			line = append(line, row.cell(c.impl))
		}
		line = append(line, ratioText(row))
		rows = append(rows, line)
	}
	writeMarkdown(&b, rows)
	notes := res.tableNotes()
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}

// describe is the run in one line: repetitions and machine.
func (res *Results) describe() string {
	what := fmt.Sprintf("medians of %d repetitions (min–max)", res.Reps)
	if res.Reps == 1 {
		what = "one repetition"
	}
	if res.Smoke {
		what += ", SMOKE sizes (a correctness check, not a measurement)"
	}
	if m := res.Machine.line(); m != "" {
		what += "; " + m
	}
	return what
}

// line is the machine and versions in one line.
func (m Machine) line() string {
	var parts []string
	if m.CPU != "" {
		parts = append(parts, fmt.Sprintf("%s, %d CPUs", m.CPU, m.CPUs))
	} else {
		parts = append(parts, fmt.Sprintf("%d CPUs", m.CPUs))
	}
	if m.Kernel != "" {
		parts = append(parts, "Linux "+m.Kernel)
	}
	if m.Python != "" {
		parts = append(parts, m.Python)
	}
	if m.Go != "" {
		parts = append(parts, m.Go)
	}
	return strings.Join(parts, "; ")
}

// cell is one implementation's value: median (min–max), "—" when the
// implementation has no such row or was skipped, or why every repetition
// failed.
func (row *Row) cell(impl Impl) string {
	if row.Only != "" && row.Only != impl {
		return "—"
	}
	if _, skipped := row.Skipped[impl]; skipped {
		return "—"
	}
	st, ok := row.Stats[impl]
	if !ok {
		if fs := row.Failures[impl]; len(fs) > 0 {
			if strings.Contains(fs[0], errTimeout.Error()) {
				return "timeout"
			}
			return "failed"
		}
		return "—"
	}
	s := formatValue(row.Kind, st.Median)
	if st.N > 1 && st.Min != st.Max {
		s += fmt.Sprintf(" (%s–%s)", formatValue(row.Kind, st.Min), formatValue(row.Kind, st.Max))
	}
	if len(row.Failures[impl]) > 0 {
		s += fmt.Sprintf(" [%d failed]", len(row.Failures[impl]))
	}
	return s
}

// ratioText is the last column: "1.67× the rate (faster)", "0.31× the
// time (faster)", "2.18× the memory (more)", "1.00× the count".
func ratioText(row *Row) string {
	r := row.Ratio
	if r == 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		return "—"
	}
	of, better, worse := "", "", ""
	switch row.Kind {
	case rate, speed:
		of, better, worse = "the rate", "faster", "slower"
	case timing:
		of, better, worse = "the time", "faster", "slower"
	case memory:
		of, better, worse = "the memory", "less", "more"
	case count:
		of, better, worse = "the count", "more", "fewer"
	}
	s := fmt.Sprintf("%s× %s", ratioNumber(r), of)
	switch {
	case ratioNumber(r) == "1.00":
	case isBetter(row.Kind, r):
		s += " (" + better + ")"
	default:
		s += " (" + worse + ")"
	}
	return s
}

// isBetter reports whether socklab's side of ratio r is the better one.
func isBetter(k kind, r float64) bool {
	if k.lowerIsBetter() {
		return r < 1
	}
	return r > 1
}

// ratioNumber writes a ratio with two decimals, as the table
// does, with more digits above 10 and two significant ones below 0.01
// (so that a tiny ratio does not read as 0.00).
func ratioNumber(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	case r >= 0.00995:
		return fmt.Sprintf("%.2f", r)
	}
	return strconv.FormatFloat(r, 'g', 2, 64)
}

// formatValue writes a value as its row reads: rates with k and M, the
// rest with three significant digits, counts whole.
func formatValue(k kind, v float64) string {
	switch k {
	case count:
		return fmt.Sprintf("%.0f", v)
	case rate:
		switch a := math.Abs(v); {
		case a >= 999.5e3:
			return sig3(v/1e6) + "M"
		case a >= 999.5:
			return sig3(v/1e3) + "k"
		}
	}
	return sig3(v)
}

// sig3 writes v with three significant digits, never in exponent form
// and never dropping integer digits: 9.61, 12.8, 218, 1485.
func sig3(v float64) string {
	switch a := math.Abs(v); {
	case a >= 99.95:
		return fmt.Sprintf("%.0f", v)
	case a >= 9.995:
		return fmt.Sprintf("%.1f", v)
	case a >= 0.9995 || a == 0:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// tableNotes are the lines under the table.
func (res *Results) tableNotes() []string {
	var notes []string
	notes = append(notes, "socklab / CPython is socklab's median over CPython's; for time and memory, below 1× is better.")
	if n := res.floorNote(); n != "" {
		notes = append(notes, n)
	}
	notes = append(notes, res.Notes...)
	for _, p := range res.Problems() {
		notes = append(notes, "failed: "+p)
	}
	return notes
}

// floorNote compares W4's struct loop with its empty-call floor.
func (res *Results) floorNote() string {
	var ops, floor float64
	for _, row := range res.Rows {
		if row.Workload != "W4" {
			continue
		}
		if st, ok := row.Stats[Socklab]; ok {
			switch row.Key {
			case "ops_per_s":
				ops = st.Median
			case "floor_ops_per_s":
				floor = st.Median
			}
		}
	}
	if ops == 0 || floor == 0 {
		return ""
	}
	return fmt.Sprintf("W4: socklab's pack+unpack loop takes %s× the time of the same loop calling two near-empty Go functions (rawequal) with the same arguments.", ratioNumber(floor/ops))
}

// writeMarkdown writes rows (the first is the header) as a Markdown
// table with aligned columns.
func writeMarkdown(b *strings.Builder, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	line := func(r []string) {
		b.WriteString("|")
		for i, c := range r {
			b.WriteString(" " + c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)) + " |")
		}
		b.WriteString("\n")
	}
	line(rows[0])
	sep := make([]string, len(widths))
	for i, w := range widths {
		sep[i] = strings.Repeat("-", w)
	}
	line(sep)
	for _, r := range rows[1:] {
		line(r)
	}
}
