package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/socklab/socklab/scripts/bench"
)

// benchFlags are socklab bench's own flags.
type benchFlags struct {
	reps       int
	only       string
	smoke      bool
	chart      string
	json       string
	python     string
	goTool     string
	socklab    string
	gsubSize   int
	runTimeout time.Duration
	from       string
}

func setupBench(fs *flag.FlagSet, e *env) {
	b := &e.bench
	fs.IntVar(&b.reps, "reps", 3, "repetitions of each workload in each implementation, interleaved")
	fs.StringVar(&b.only, "only", "", "run only these workloads, comma-separated: W1,W4")
	fs.BoolVar(&b.smoke, "smoke", false, "tiny sizes: check that every workload works and gives correct results (not a measurement)")
	fs.StringVar(&b.chart, "chart", "", "write an SVG bar chart of the socklab/CPython ratios to `FILE.svg`")
	fs.StringVar(&b.json, "json", "", "write the raw results (every repetition) to `FILE` as JSON")
	fs.StringVar(&b.python, "python", defaultPython(), "the CPython interpreter (empty: no CPython column)")
	fs.StringVar(&b.goTool, "go", defaultGo(), "the go command that builds the Go peers (empty: no Go column, and no W7/W8)")
	fs.StringVar(&b.socklab, "socklab", "", "the socklab binary to measure (default: this one)")
	fs.IntVar(&b.gsubSize, "gsub-size", 0, "W9's input size in bytes (default 1000000; smoke 10000)")
	fs.StringVar(&b.from, "from", "", "run nothing: print the table (and write --chart) from an earlier run's --json `FILE`")
	fs.DurationVar(&b.runTimeout, "run-timeout", 0, "limit on each single run, reported as timeout (default: 3m, W8 10m; smoke 1m)")
}

// defaultPython is the real CPython when it is at /usr/bin/python3 (a
// python3 earlier on PATH may be a wrapper that starts slowly), else
// python3 on PATH.
func defaultPython() string {
	if fileExists("/usr/bin/python3") {
		return "/usr/bin/python3"
	}
	if p, err := exec.LookPath("python3"); err == nil {
		return p
	}
	return ""
}

func defaultGo() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return ""
}

func cmdBench(e *env) int {
	b := e.bench
	if len(e.args) != 0 {
		fmt.Fprintln(e.stderr, "usage: socklab bench [--reps N] [--only W1,W4] [--smoke] [--chart FILE.svg] [--json FILE]")
		return exitUsage
	}
	opts := bench.Options{
		Python: b.python, GoTool: b.goTool, Reps: b.reps, Smoke: b.smoke,
		GsubSize: b.gsubSize, RunTimeout: b.runTimeout, Progress: e.stderr,
	}
	if b.only != "" {
		opts.Only = strings.Split(b.only, ",")
	}
	if b.socklab != "" {
		opts.Socklab = []string{b.socklab}
	} else {
		exe, err := os.Executable()
		if err != nil {
			fmt.Fprintf(e.stderr, "socklab bench: finding this binary: %v (give --socklab)\n", err)
			return exitError
		}
		opts.Socklab = []string{exe}
	}
	ctx, cancel := e.runContext()
	defer cancel()
	var res *bench.Results
	var err error
	if b.from != "" {
		res, err = bench.ReadJSON(b.from)
	} else {
		res, err = bench.Run(ctx, opts)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "socklab %v\n", strings.TrimPrefix(err.Error(), "bench: "))
		return exitUsage
	}
	io.WriteString(e.stdout, res.Table())
	status := exitOK
	if b.json != "" {
		if err := res.WriteJSON(b.json); err != nil {
			fmt.Fprintf(e.stderr, "socklab bench: --json: %v\n", err)
			status = exitError
		}
	}
	if b.chart != "" {
		if err := res.WriteChart(b.chart); err != nil {
			fmt.Fprintf(e.stderr, "socklab bench: --chart: %v\n", err)
			status = exitError
		}
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && e.ctx.Err() == nil:
		fmt.Fprintf(e.stderr, "socklab bench: timed out after %s\n", e.flags.timeout)
		return exitTimeout
	case ctx.Err() != nil:
		return exitInterrupted
	}
	if res.Failed() {
		return exitError
	}
	return status
}
