// Package bench is socklab's benchmark suite: each workload as a Lua
// script for socklab, the same workload in Python and in Go (embedded
// here, written out and built at run time), and the runner that runs them
// side by side and prints one table of medians with the ratio to CPython.
//
// Every workload runs both its sides in the same implementation, as
// separate processes talking over 127.0.0.1 on ports the kernel chooses:
// a server prints "PORT n" as its first line, and the runner waits for
// that line (with a bound) before starting the client. The processes time
// themselves where that is fairer (from the first round trip to the last)
// and print "RESULT key=value ..." lines, which the runner parses and
// checks (bytes counted, connections served, round trips completed).
// W7 and W8 use one Go load generator against all three servers.
//
// Repetitions are interleaved (repetition 1 of socklab, CPython and Go,
// then repetition 2, ...) so that the machine's noise spreads evenly.
package bench

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// sources holds the workloads: lua/*.lua, python/*.py and the Go peer
// program under go/.
//
//go:embed lua python go
var sources embed.FS

// Impl is one implementation: a column of the table.
type Impl string

// The implementations, in the order the runner runs them.
const (
	Socklab Impl = "socklab"
	CPython Impl = "python"
	Go      Impl = "go"
)

// impls is the run order; the table lists CPython, Go, socklab.
var impls = []Impl{Socklab, CPython, Go}

// Options configure a run.
type Options struct {
	// Socklab is the command that runs socklab: the runner appends "run",
	// the script and its arguments. SocklabEnv is added to its
	// environment (a test re-executing itself sets SOCKLAB_AS_MAIN=1).
	Socklab    []string
	SocklabEnv []string
	// Python is the CPython interpreter; "" leaves its column out.
	Python string
	// GoTool is the go command that builds the Go peers; "" leaves the Go
	// column out, and W7/W8, which need the Go load generator.
	GoTool string
	// Reps is the number of repetitions (at least 1).
	Reps int
	// Only selects workloads by ID ("W1", "w4"); empty means all.
	Only []string
	// Smoke runs tiny sizes: a check that every workload works, not a
	// measurement.
	Smoke bool
	// GsubSize overrides W9's input size in bytes (0: the default).
	GsubSize int
	// RunTimeout overrides every workload's own limit on one run (0: the
	// workload's default). A run past it is killed and reported as
	// "timeout".
	RunTimeout time.Duration
	// Progress gets one line per run; nil discards them.
	Progress io.Writer
}

// Run runs the selected workloads and returns their results. It fails
// only when nothing can be measured at all (socklab missing, a bad
// option); a workload that fails or times out is recorded in the results.
func Run(ctx context.Context, opts Options) (*Results, error) {
	if len(opts.Socklab) == 0 {
		return nil, errors.New("bench: no socklab command")
	}
	if opts.Reps < 1 {
		opts.Reps = 1
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	sz := fullSizes()
	if opts.Smoke {
		sz = smokeSizes()
	}
	if opts.GsubSize > 0 {
		sz.gsubSize = opts.GsubSize
	}
	selected, err := selectWorkloads(workloads(sz), opts.Only)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "socklab-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	r := &runner{opts: opts, dir: dir, sz: sz, res: &Results{Reps: opts.Reps, Smoke: opts.Smoke}}
	if err := r.prepare(ctx); err != nil {
		return nil, err
	}
	r.res.Machine = r.machine(ctx)
	r.runAll(ctx, selected)
	return r.res, nil
}

// selectWorkloads keeps the workloads named in only (all when empty).
func selectWorkloads(all []*workload, only []string) ([]*workload, error) {
	if len(only) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	for _, id := range only {
		id = strings.ToUpper(strings.TrimSpace(id))
		if id == "" {
			continue
		}
		found := false
		for _, w := range all {
			found = found || w.id == id
		}
		if !found {
			return nil, fmt.Errorf("bench: no workload %q (there are W1 to W%d)", id, len(all))
		}
		want[id] = true
	}
	var out []*workload
	for _, w := range all {
		if want[w.id] {
			out = append(out, w)
		}
	}
	return out, nil
}
