package bench

import (
	"errors"
	"fmt"
	"slices"
)

// Results are one run of the suite: what the table, the chart and the
// JSON file are made from.
type Results struct {
	Machine Machine  `json:"machine"`
	Reps    int      `json:"reps"`
	Smoke   bool     `json:"smoke"`
	Rows    []*Row   `json:"rows"`
	Notes   []string `json:"notes,omitempty"`
}

// Machine is where the run happened.
type Machine struct {
	CPU     string `json:"cpu"`
	CPUs    int    `json:"cpus"`
	OS      string `json:"os"`
	Kernel  string `json:"kernel"`
	Python  string `json:"python,omitempty"`
	Go      string `json:"go,omitempty"`
	Socklab string `json:"socklab"` // the command measured
}

// Row is one line of the table: one measured quantity of a workload in
// every implementation.
type Row struct {
	Workload string `json:"workload"`
	Key      string `json:"key"` // the RESULT key it comes from
	Label    string `json:"label"`
	Unit     string `json:"unit"`
	Kind     kind   `json:"kind"`
	// Only names the one implementation that has this row, if one.
	Only Impl `json:"only,omitempty"`
	// Values are the successful repetitions' values, in order.
	Values map[Impl][]float64 `json:"values"`
	// Failures are the failed repetitions: "rep 2: timeout after 3m0s".
	Failures map[Impl][]string `json:"failures,omitempty"`
	// Skipped says why an implementation has no values at all.
	Skipped map[Impl]string `json:"skipped,omitempty"`
	// Stats and Ratio are filled when the run ends; Ratio is socklab's
	// median over CPython's (0 when either is missing).
	Stats map[Impl]Stat `json:"stats"`
	Ratio float64       `json:"socklab_over_cpython,omitempty"`
}

// Stat summarises an implementation's repetitions.
type Stat struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	N      int     `json:"n"`
}

func newRow(workload string, spec rowSpec) *Row {
	return &Row{
		Workload: workload, Key: spec.key, Label: spec.label, Unit: spec.unit, Kind: spec.kind, Only: spec.only,
		Values: map[Impl][]float64{}, Failures: map[Impl][]string{}, Skipped: map[Impl]string{}, Stats: map[Impl]Stat{},
	}
}

func (row *Row) skip(impl Impl, why string) {
	if row.Only == "" || row.Only == impl {
		row.Skipped[impl] = why
	}
}

func (row *Row) fail(impl Impl, rep int, err error) {
	row.Failures[impl] = append(row.Failures[impl], fmt.Sprintf("rep %d: %s", rep, firstLine(err.Error())))
}

// finish computes the statistics and the ratio.
func (row *Row) finish() {
	for impl, vs := range row.Values {
		if len(vs) > 0 {
			row.Stats[impl] = stat(vs)
		}
	}
	s, okS := row.Stats[Socklab]
	c, okC := row.Stats[CPython]
	row.Ratio = 0
	if okS && okC && c.Median != 0 && row.Only == "" {
		row.Ratio = s.Median / c.Median
	}
}

// stat is the median, minimum and maximum of vs (not empty).
func stat(vs []float64) Stat {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Stat{Median: med, Min: s[0], Max: s[n-1], N: n}
}

// Failed reports whether any run failed or timed out (skips are not
// failures).
func (res *Results) Failed() bool {
	for _, row := range res.Rows {
		for _, f := range row.Failures {
			if len(f) > 0 {
				return true
			}
		}
	}
	return false
}

// Problems lists every failed run, as the table's notes do.
func (res *Results) Problems() []string {
	var out []string
	seen := map[string]bool{}
	for _, row := range res.Rows {
		for _, impl := range impls {
			for _, f := range row.Failures[impl] {
				// A workload's rows fail together: say it once.
				p := fmt.Sprintf("%s %s %s", row.Workload, impl, f)
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// errNoRows is returned by the chart when nothing can be drawn.
var errNoRows = errors.New("bench: no row has both a socklab and a CPython value to chart")
