package bench

import (
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStat(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   []float64
		want Stat
	}{
		{[]float64{5}, Stat{Median: 5, Min: 5, Max: 5, N: 1}},
		{[]float64{3, 1, 2}, Stat{Median: 2, Min: 1, Max: 3, N: 3}},
		{[]float64{4, 1, 3, 2}, Stat{Median: 2.5, Min: 1, Max: 4, N: 4}},
		{[]float64{10, 10, 1}, Stat{Median: 10, Min: 1, Max: 10, N: 3}},
	}
	for _, c := range cases {
		in := append([]float64{}, c.in...)
		if got := stat(c.in); got != c.want {
			t.Errorf("stat(%v) = %+v, want %+v", in, got, c.want)
		}
		for i := range in {
			if c.in[i] != in[i] {
				t.Errorf("stat sorted its input: %v, was %v", c.in, in)
				break
			}
		}
	}
}

func TestFormatValue(t *testing.T) {
	t.Parallel()
	cases := []struct {
		k    kind
		v    float64
		want string
	}{
		{rate, 12800, "12.8k"},
		{rate, 224000, "224k"},
		{rate, 9610000, "9.61M"},
		{rate, 999.6, "1.00k"},
		{rate, 999400, "999k"},
		{rate, 125, "125"},
		{speed, 1485.3, "1485"},
		{speed, 218, "218"},
		{speed, 2.09, "2.09"},
		{timing, 8.9, "8.90"},
		{timing, 0.0025, "0.0025"},
		{memory, 25.1, "25.1"},
		{memory, 231.4, "231"},
		{count, 10000, "10000"},
		{timing, 0, "0.00"},
	}
	for _, c := range cases {
		if got := formatValue(c.k, c.v); got != c.want {
			t.Errorf("formatValue(%s, %v) = %q, want %q", c.k, c.v, got, c.want)
		}
	}
}

func TestRatioText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		k     kind
		ratio float64
		want  string
	}{
		{rate, 1.67, "1.67× the rate (faster)"},
		{rate, 0.15, "0.15× the rate (slower)"},
		{speed, 0.0204, "0.02× the rate (slower)"},
		{timing, 0.31, "0.31× the time (faster)"},
		{timing, 2.72, "2.72× the time (slower)"},
		{memory, 2.18, "2.18× the memory (more)"},
		{memory, 0.45, "0.45× the memory (less)"},
		{count, 1, "1.00× the count"},
		{count, 0.5, "0.50× the count (fewer)"},
		{rate, 123.4, "123× the rate (faster)"},
		{rate, 0, "—"},
		{speed, 0.00045, "0.00045× the rate (slower)"},
		{speed, 0.0099, "0.0099× the rate (slower)"},
	}
	for _, c := range cases {
		row := &Row{Kind: c.k, Ratio: c.ratio}
		if got := ratioText(row); got != c.want {
			t.Errorf("ratioText(%s, %v) = %q, want %q", c.k, c.ratio, got, c.want)
		}
	}
}

// sampleResults is a finished run with one of everything: values, a
// range, a skipped column, a timeout, a partial failure, the W4 floor.
func sampleResults() *Results {
	res := &Results{Reps: 3, Machine: Machine{CPU: "Test CPU", CPUs: 2, Kernel: "6.1", Python: "CPython 3.11.2", Go: "go1.26.8"}}
	w1 := newRow("W1", rowSpec{key: "rt_per_s", label: "W1 TCP ping-pong", unit: "rt/s", kind: rate})
	w1.Values[CPython] = []float64{12800, 12100, 13000}
	w1.Values[Go] = []float64{13700}
	w1.Values[Socklab] = []float64{21400, 21000, 22000}
	w2 := newRow("W2", rowSpec{key: "mb_per_s", label: "W2 TCP bulk", unit: "MB/s", kind: speed})
	w2.Values[CPython] = []float64{1485, 1485, 1485}
	w2.Failures[Socklab] = []string{"rep 1: timeout after 3m0s"}
	w2.Skipped[Go] = "not available"
	w4 := newRow("W4", rowSpec{key: "ops_per_s", label: "W4 struct", unit: "ops/s", kind: rate})
	w4.Values[CPython] = []float64{9.61e6}
	w4.Values[Socklab] = []float64{1.97e6, 2e6}
	w4.Failures[Socklab] = []string{"rep 3: 999 pack+unpack pairs, want 1000"}
	floor := newRow("W4", rowSpec{key: "floor_ops_per_s", label: "W4 floor", unit: "ops/s", kind: rate, only: Socklab})
	floor.Values[Socklab] = []float64{4e6, 3.9e6}
	rss := newRow("W7", rowSpec{key: rssKey, label: "W7 server peak RSS", unit: "MiB", kind: memory})
	rss.Values[CPython] = []float64{11.5}
	rss.Values[Socklab] = []float64{25.1}
	res.Rows = []*Row{w1, w2, w4, floor, rss}
	for _, row := range res.Rows {
		row.finish()
	}
	res.Notes = []string{"Go: a note"}
	return res
}

func TestTable(t *testing.T) {
	t.Parallel()
	table := sampleResults().Table()
	lines := strings.Split(table, "\n")
	wantLines := []struct{ prefix, contains string }{
		{"socklab bench: medians of 3 repetitions (min–max); Test CPU, 2 CPUs; Linux 6.1; CPython 3.11.2; go1.26.8", ""},
		{"| workload", "| CPython"},
		{"| ---", "| ---"},
		{"| W1 TCP ping-pong", "| 12.8k (12.1k–13.0k) | 13.7k"},
		{"| W1 TCP ping-pong", "| 21.4k (21.0k–22.0k) "},
		{"| W1 TCP ping-pong", "| 1.67× the rate (faster) |"},
		{"| W2 TCP bulk", "| 1485 "},
		{"| W2 TCP bulk", "| —  "},
		{"| W2 TCP bulk", "| timeout "},
		{"| W4 struct ", "| 1.99M (1.97M–2.00M) [1 failed]"},
		{"| W4 floor", "| 3.95M (3.90M–4.00M)"},
		{"| W7 server peak RSS", "| 2.18× the memory (more)"},
		{"- socklab / CPython is socklab's median", ""},
		{"- W4: socklab's pack+unpack loop takes 1.99× the time", ""},
		{"- Go: a note", ""},
		{"- failed: W2 socklab rep 1: timeout after 3m0s", ""},
		{"- failed: W4 socklab rep 3: 999 pack+unpack pairs", ""},
	}
	for _, w := range wantLines {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, w.prefix) && strings.Contains(l, w.contains)
		}
		if !found {
			t.Errorf("no line starting %q containing %q in\n%s", w.prefix, w.contains, table)
		}
	}
	// Aligned: every table line has the same width.
	width := -1
	for _, l := range lines {
		if !strings.HasPrefix(l, "|") {
			continue
		}
		if n := len([]rune(l)); width == -1 {
			width = n
		} else if n != width {
			t.Errorf("table line %d runes wide, others %d: %q", n, width, l)
		}
	}
}

func TestCellFloorRowOnlySocklab(t *testing.T) {
	t.Parallel()
	res := sampleResults()
	floor := res.Rows[3]
	for impl, want := range map[Impl]string{CPython: "—", Go: "—", Socklab: "3.95M (3.90M–4.00M)"} {
		if got := floor.cell(impl); got != want {
			t.Errorf("floor cell %s = %q, want %q", impl, got, want)
		}
	}
	if floor.Ratio != 0 {
		t.Errorf("floor row has a ratio %v; it has no CPython side", floor.Ratio)
	}
}

func TestChart(t *testing.T) {
	t.Parallel()
	svg, err := sampleResults().Chart()
	if err != nil {
		t.Fatal(err)
	}
	// Well-formed XML, and an svg root.
	dec := xml.NewDecoder(strings.NewReader(string(svg)))
	var root string
	rects := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("chart is not well-formed XML: %v\n%s", err, svg)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if se.Name.Local == "rect" {
				rects++
			}
		}
	}
	if root != "svg" {
		t.Errorf("root element %q", root)
	}
	// A background and one bar per row with a ratio: W1, W7 RSS (W2 has
	// no socklab value, W4's floor no CPython side, W4 has both).
	if rects != 1+3 {
		t.Errorf("%d rects, want 4 (background and 3 bars)", rects)
	}
	for _, want := range []string{"1.67×", "2.18×", "0.21×", ">1×<", "#27ae60", "#c0392b", "W1 TCP ping-pong (rt/s)"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}

func TestChartNothingToDraw(t *testing.T) {
	t.Parallel()
	res := &Results{Rows: []*Row{newRow("W1", rowSpec{key: "x", kind: rate})}}
	if _, err := res.Chart(); !errors.Is(err, errNoRows) {
		t.Errorf("Chart of nothing: %v, want errNoRows", err)
	}
}

func TestTicks(t *testing.T) {
	t.Parallel()
	lin := func(f float64) float64 { return f * 100 }
	cases := []struct {
		lo, hi float64
		want   []float64
	}{
		{0.4, 3, []float64{0.5, 1, 2}},
		// 0.2 is too close to 0.1 at this scale (10 units for two
		// labels of 4 characters); 1 and the powers of ten come first.
		{0.05, 30, []float64{0.1, 0.5, 1, 2, 5, 10, 20}},
		{0.9, 1.1, []float64{1}},
	}
	for _, c := range cases {
		got := ticks(c.lo, c.hi, lin)
		if len(got) != len(c.want) {
			t.Errorf("ticks(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
			continue
		}
		for i := range got {
			if d := got[i] - c.want[i]; d > 1e-9 || d < -1e-9 {
				t.Errorf("ticks(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
				break
			}
		}
	}
}

func TestTickLabel(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]string{0.0001: "0.0001", 0.002: "0.002", 0.5: "0.5", 1: "1", 20: "20", 500: "500", 1000: "1000", 0.30000000000000004: "0.3"} {
		if got := tickLabel(in); got != want {
			t.Errorf("tickLabel(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestSelectWorkloads(t *testing.T) {
	t.Parallel()
	all := workloads(smokeSizes())
	cases := []struct {
		only    []string
		want    string
		wantErr bool
	}{
		{nil, "W1 W2 W3 W4 W5 W6 W7 W8 W9", false},
		{[]string{"w4", " W1"}, "W1 W4", false},
		{[]string{"W9", ""}, "W9", false},
		{[]string{"W10"}, "", true},
	}
	for _, c := range cases {
		got, err := selectWorkloads(all, c.only)
		if (err != nil) != c.wantErr {
			t.Errorf("selectWorkloads(%q): err %v", c.only, err)
			continue
		}
		var ids []string
		for _, w := range got {
			ids = append(ids, w.id)
		}
		if s := strings.Join(ids, " "); s != c.want {
			t.Errorf("selectWorkloads(%q) = %s, want %s", c.only, s, c.want)
		}
	}
}

func TestLineParser(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		chunks  []string
		port    int // 0: none
		results metrics
		notes   int
	}{
		{"server", []string{"PORT 4", "1234\nRESULT bytes=10 mb_per_s=1.5\n"}, 41234, metrics{"bytes": 10, "mb_per_s": 1.5}, 0},
		{"no port", []string{"RESULT rounds=3\r\nNOTE hi\n"}, 0, metrics{"rounds": 3}, 1},
		{"port not first", []string{"hello\nPORT 5\n"}, 0, metrics{}, 0},
		{"junk values", []string{"RESULT a=x b c=2\n", "RESULT d=1"}, 0, metrics{"c": 2}, 0},
	}
	for _, c := range cases {
		lp := &lineParser{port: make(chan int, 1), results: metrics{}}
		for _, ch := range c.chunks {
			lp.Write([]byte(ch))
		}
		port := 0
		select {
		case port = <-lp.port:
		default:
		}
		if port != c.port {
			t.Errorf("%s: port %d, want %d", c.name, port, c.port)
		}
		if len(lp.results) != len(c.results) {
			t.Errorf("%s: results %v, want %v", c.name, lp.results, c.results)
		}
		for k, v := range c.results {
			if lp.results[k] != v {
				t.Errorf("%s: %s = %v, want %v", c.name, k, lp.results[k], v)
			}
		}
		if len(lp.notes) != c.notes {
			t.Errorf("%s: notes %q", c.name, lp.notes)
		}
	}
}

func TestSizeNames(t *testing.T) {
	t.Parallel()
	cases := []struct {
		f    func(int) string
		n    int
		want string
	}{
		{amount, 50000, "50k"}, {amount, 10000, "10k"}, {amount, 200, "200"}, {amount, 2000000, "2M"}, {amount, 1500, "1500"},
		{byteSize, 1 << 30, "1 GiB"}, {byteSize, 64 << 10, "64 KiB"}, {byteSize, 1000000, "1 MB"}, {byteSize, 100000, "100 KB"}, {byteSize, 1<<20 + 100, "1048676 B"},
	}
	for _, c := range cases {
		if got := c.f(c.n); got != c.want {
			t.Errorf("%d: %q, want %q", c.n, got, c.want)
		}
	}
}

func TestWriteAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "r.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := sampleResults().WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), `"socklab_over_cpython": 1.671875`) {
		t.Errorf("JSON: %v\n%s", err, data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	if err := sampleResults().WriteChart(filepath.Join(dir, "no", "such", "dir.svg")); err == nil {
		t.Error("WriteChart into a missing directory succeeded")
	}
}

func TestNofileFor(t *testing.T) {
	t.Parallel()
	if why := nofileFor(10); why != "" {
		t.Errorf("10 connections: %s", why)
	}
	if why := nofileFor(1 << 40); !strings.Contains(why, "hard limit") {
		t.Errorf("2^40 connections: %q, want a hard-limit message", why)
	}
}
