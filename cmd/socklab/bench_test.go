package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/scripts/bench"
)

// TestBenchSmoke runs the whole suite in smoke mode, socklab being this
// test binary re-executed (TestMain), and checks that every workload ran
// in every implementation present and gave correct results (the runner
// checks bytes counted, connections served, round trips completed), and
// that the table, the JSON and the chart were written. It asserts no
// speed.
func TestBenchSmoke(t *testing.T) {
	// The children run this binary as socklab; t.Setenv keeps the test
	// serial, so no parallel test sees the variable.
	t.Setenv("SOCKLAB_AS_MAIN", "1")
	dir := t.TempDir()
	jsonPath, chartPath := filepath.Join(dir, "results.json"), filepath.Join(dir, "ratios.svg")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"bench", "--smoke", "--reps", "1", "--json", jsonPath, "--chart", chartPath}, strings.NewReader(""), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	for _, w := range []string{"| workload", "W1 TCP ping-pong", "W2 TCP bulk", "W3 UDP", "W4 struct", "W4 floor", "W5 empty", "W6 connect", "W7", "W8", "W9 gsub"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("table lacks %q:\n%s", w, out.String())
		}
	}
	if !strings.Contains(errOut.String(), "[1/") || !strings.Contains(errOut.String(), "W2 bulk socklab rep 1 ...") {
		t.Errorf("no progress lines on stderr:\n%s", errOut.String())
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var res bench.Results
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("results JSON: %v", err)
	}
	for _, note := range res.Notes {
		// Python or Go absent: their parts are skipped, as the runner says.
		t.Logf("note: %s", note)
	}
	for _, row := range res.Rows {
		for _, impl := range []bench.Impl{bench.Socklab, bench.CPython, bench.Go} {
			if row.Only != "" && row.Only != impl {
				continue
			}
			if why, skipped := row.Skipped[impl]; skipped {
				t.Logf("%s %s skipped: %s", row.Label, impl, why)
				continue
			}
			if len(row.Failures[impl]) > 0 || len(row.Values[impl]) != 1 {
				t.Errorf("%s %s: values %v, failures %q", row.Label, impl, row.Values[impl], row.Failures[impl])
			}
		}
	}
	if res.Rows[0].Skipped[bench.Socklab] != "" {
		t.Error("socklab itself was skipped")
	}
	svg, err := os.ReadFile(chartPath)
	if err != nil || !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("chart: %v\n%.200s", err, svg)
	}
}

func TestBenchUsage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"bench", "--help"}, 0, "-reps"},
		{[]string{"bench", "extra"}, 2, "usage: socklab bench"},
		{[]string{"bench", "--only", "W42", "--python", "", "--go", ""}, 2, `no workload "W42"`},
	}
	for _, c := range cases {
		code, _, errOut := socklab(t, "", c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
}
