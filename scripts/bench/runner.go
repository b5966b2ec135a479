package bench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"time"
)

// runner is one run of the suite.
type runner struct {
	opts Options
	dir  string // the workloads written out, and the Go peers built
	sz   sizes
	res  *Results
	// have says which implementations can run.
	have map[Impl]bool
}

// Paths inside the runner's directory.
const (
	peerBin  = "bin/peer"
	helloBin = "bin/hello"
)

// errTimeout marks a run killed at its time limit.
var errTimeout = errors.New("timeout")

// prepare writes the workloads out, checks the interpreters and builds
// the Go peers.
func (r *runner) prepare(ctx context.Context) error {
	err := fs.WalkDir(sources, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := sources.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(r.dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		return fmt.Errorf("bench: writing the workloads: %w", err)
	}
	r.have = map[Impl]bool{Socklab: true}
	if r.opts.Python == "" {
		r.note("CPython: no python3 given or found; its column is empty")
	} else if _, err := exec.LookPath(r.opts.Python); err != nil {
		r.note(fmt.Sprintf("CPython: %s not found; its column is empty", r.opts.Python))
	} else {
		r.have[CPython] = true
	}
	if r.opts.GoTool == "" {
		r.note("Go: no go command on PATH; the Go column is empty, and W7/W8 (Go load generator) are skipped")
	} else if err := r.buildPeers(ctx); err != nil {
		r.note(fmt.Sprintf("Go: building the Go peers failed, the Go column is empty and W7/W8 are skipped: %v", err))
	} else {
		r.have[Go] = true
	}
	return nil
}

// buildPeers builds the Go peer and hello-world in a module of their own.
func (r *runner) buildPeers(ctx context.Context) error {
	src := filepath.Join(r.dir, "go")
	// The module's go line turns on range-over-int and per-iteration loop
	// variables; the toolchain is whatever GoTool is.
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module socklabbench/peer\n\ngo 1.24\n"), 0o644); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.opts.GoTool, "build", "-tags", "socklabbench", "-o", filepath.Join(r.dir, "bin")+string(filepath.Separator), ".", "./hello")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// command is the command line that runs program (a script's base name:
// "w1_tcp_pingpong_server") in impl.
func (r *runner) command(ctx context.Context, impl Impl, program string, args ...string) *exec.Cmd {
	var argv []string
	var env []string
	switch impl {
	case Socklab:
		argv = append(append(append([]string{}, r.opts.Socklab...), "run", filepath.Join(r.dir, "lua", program+".lua")), args...)
		env = r.opts.SocklabEnv
	case CPython:
		argv = append([]string{r.opts.Python, filepath.Join(r.dir, "python", program+".py")}, args...)
	case Go:
		if program == "w5_empty" {
			argv = []string{filepath.Join(r.dir, helloBin)}
		} else {
			argv = append([]string{filepath.Join(r.dir, peerBin), program}, args...)
		}
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = r.dir
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	// A server's children (there are none today) must not hold its
	// output open past its end.
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// runAll runs the workloads, repetitions interleaved across the
// implementations, and fills the results.
func (r *runner) runAll(ctx context.Context, selected []*workload) {
	type plan struct {
		w     *workload
		impls []Impl
		rows  []*Row
	}
	var plans []plan
	total := 0
	for _, w := range selected {
		p := plan{w: w}
		for _, spec := range w.rows {
			row := newRow(w.id, spec)
			p.rows = append(p.rows, row)
			r.res.Rows = append(r.res.Rows, row)
		}
		why := ""
		if w.needsGo && !r.have[Go] {
			why = "it needs the Go load generator"
		} else if w.unable != nil {
			why = w.unable()
		}
		if why != "" {
			for _, row := range p.rows {
				for _, impl := range impls {
					row.skip(impl, why)
				}
			}
			r.note(w.id + ": skipped, " + why)
			continue
		}
		for _, impl := range impls {
			if r.have[impl] {
				p.impls = append(p.impls, impl)
			} else {
				for _, row := range p.rows {
					row.skip(impl, "not available")
				}
			}
		}
		total += len(p.impls) * r.opts.Reps
		plans = append(plans, p)
	}
	step := 0
	for _, p := range plans {
		for rep := 1; rep <= r.opts.Reps; rep++ {
			for _, impl := range p.impls {
				if ctx.Err() != nil {
					// Interrupted: what has been measured is still reported.
					r.note(fmt.Sprintf("interrupted after %d of %d runs", step, total))
					r.finish()
					return
				}
				step++
				fmt.Fprintf(r.opts.Progress, "[%d/%d] %s %s %s rep %d ... ", step, total, p.w.id, p.w.short, impl, rep)
				start := time.Now()
				m, err := r.once(ctx, p.w, impl)
				if ctx.Err() != nil {
					fmt.Fprintln(r.opts.Progress, "interrupted")
					continue // the loop's check ends the run
				}
				if err != nil {
					fmt.Fprintf(r.opts.Progress, "%s\n", firstLine(err.Error()))
				} else {
					fmt.Fprintf(r.opts.Progress, "%s (%s)\n", r.summary(p.rows, impl, m), time.Since(start).Round(time.Millisecond))
				}
				r.record(p.rows, impl, rep, m, err)
			}
		}
	}
	r.finish()
}

// finish computes every row's statistics.
func (r *runner) finish() {
	for _, row := range r.res.Rows {
		row.finish()
	}
}

// once runs a workload once, under its time limit.
func (r *runner) once(ctx context.Context, w *workload, impl Impl) (metrics, error) {
	limit := r.sz.timeout
	if w.timeout > 0 {
		limit = w.timeout
	}
	if r.opts.RunTimeout > 0 {
		limit = r.opts.RunTimeout
	}
	rctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	m, err := w.run(rctx, r, impl)
	if err != nil && errors.Is(rctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		return m, fmt.Errorf("%w after %s", errTimeout, limit)
	}
	return m, err
}

// record adds a run's values (or its failure) to the workload's rows.
func (r *runner) record(rows []*Row, impl Impl, rep int, m metrics, err error) {
	for _, row := range rows {
		if row.Only != "" && row.Only != impl {
			continue
		}
		if err != nil {
			row.fail(impl, rep, err)
			continue
		}
		v, ok := m[row.Key]
		if !ok {
			row.fail(impl, rep, fmt.Errorf("no %s in the results", row.Key))
			continue
		}
		row.Values[impl] = append(row.Values[impl], v)
	}
}

// summary is a run's values for the progress line.
func (r *runner) summary(rows []*Row, impl Impl, m metrics) string {
	var parts []string
	for _, row := range rows {
		if row.Only != "" && row.Only != impl {
			continue
		}
		if v, ok := m[row.Key]; ok {
			parts = append(parts, formatValue(row.Kind, v)+" "+row.Unit)
		}
	}
	return strings.Join(parts, ", ")
}

func (r *runner) note(s string) { r.res.Notes = append(r.res.Notes, s) }

// machine describes where the run happens.
func (r *runner) machine(ctx context.Context) Machine {
	m := Machine{
		OS:      goruntime.GOOS + "/" + goruntime.GOARCH,
		CPUs:    goruntime.NumCPU(),
		Socklab: strings.Join(r.opts.Socklab, " "),
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if r.have[CPython] {
		if out, err := exec.CommandContext(ctx, r.opts.Python, "-c", "import platform; print(platform.python_implementation(), platform.python_version())").Output(); err == nil {
			m.Python = strings.TrimSpace(string(out))
		}
	}
	if r.have[Go] {
		if out, err := exec.CommandContext(ctx, r.opts.GoTool, "env", "GOVERSION").Output(); err == nil {
			m.Go = strings.TrimSpace(string(out))
		}
	}
	return m
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
