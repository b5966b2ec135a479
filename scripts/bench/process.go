package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// readyWait bounds how long a server may take to print its port.
const readyWait = 30 * time.Second

// proc is a started workload process whose output is parsed as it comes:
// the first "PORT n" line, "RESULT k=v ..." lines and "NOTE ..." lines.
type proc struct {
	name   string
	cmd    *exec.Cmd
	out    *lineParser
	errs   *tail
	exited chan struct{} // closed once the process has ended and err is set
	err    error
}

// start starts cmd, parsing its output, and waits for it in the
// background so that an early exit is seen at once.
func start(name string, cmd *exec.Cmd) (*proc, error) {
	p := &proc{name: name, cmd: cmd, out: &lineParser{port: make(chan int, 1), results: metrics{}},
		errs: &tail{max: 4096}, exited: make(chan struct{})}
	cmd.Stdout = p.out
	cmd.Stderr = p.errs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// waitPort waits, with a bound, for the server's "PORT n" line.
func (p *proc) waitPort(ctx context.Context) (int, error) {
	timer := time.NewTimer(readyWait)
	defer timer.Stop()
	select {
	case port := <-p.out.port:
		return port, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-timer.C:
		return 0, fmt.Errorf("%s: no PORT line within %s%s", p.name, readyWait, p.errs.suffix())
	case <-p.exited:
		return 0, fmt.Errorf("%s ended before printing its port (%v)%s", p.name, p.err, p.errs.suffix())
	}
}

// wait waits for the process to end (the run's context bounds it: exec
// kills the process when it ends) and checks it succeeded.
func (p *proc) wait() error {
	<-p.exited
	if p.err != nil {
		return fmt.Errorf("%s: %v%s", p.name, p.err, p.errs.suffix())
	}
	return nil
}

// kill ends a server that runs until it is killed.
func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.exited
}

// results are the RESULT values; call after wait or kill (the process's
// output has all been parsed by then).
func (p *proc) results() metrics { return p.out.results }

// pair runs a server and its client in impl: the client gets the
// server's port, then clientArgs; both must succeed. The metrics are both
// sides' RESULT lines.
func (r *runner) pair(ctx context.Context, impl Impl, server string, serverArgs []string, client string, clientArgs []string) (metrics, error) {
	srv, err := start(server, r.command(ctx, impl, server, serverArgs...))
	if err != nil {
		return nil, err
	}
	port, err := srv.waitPort(ctx)
	if err != nil {
		srv.kill()
		return nil, err
	}
	cl, err := start(client, r.command(ctx, impl, client, append([]string{strconv.Itoa(port)}, clientArgs...)...))
	if err != nil {
		srv.kill()
		return nil, err
	}
	cerr := cl.wait()
	if cerr != nil {
		srv.kill()
		return nil, cerr
	}
	if err := srv.wait(); err != nil {
		return nil, err
	}
	m := metrics{}
	for k, v := range srv.results() {
		m[k] = v
	}
	for k, v := range cl.results() {
		m[k] = v
	}
	return m, nil
}

// single runs a one-process workload.
func (r *runner) single(ctx context.Context, impl Impl, program string, args ...string) (metrics, error) {
	p, err := start(program, r.command(ctx, impl, program, args...))
	if err != nil {
		return nil, err
	}
	if err := p.wait(); err != nil {
		return nil, err
	}
	return p.results(), nil
}

// echoLoad runs impl's echo server against the Go load generator and
// adds the server's peak RSS.
func (r *runner) echoLoad(ctx context.Context, impl Impl, conns, rounds, size, backlog int) (metrics, error) {
	srv, err := start("w7_echo_server", r.command(ctx, impl, "w7_echo_server", strconv.Itoa(backlog)))
	if err != nil {
		return nil, err
	}
	defer srv.kill()
	port, err := srv.waitPort(ctx)
	if err != nil {
		return nil, err
	}
	// The generator stops itself a little before the run's limit, so that
	// a stuck server still yields a count of what was served.
	deadline := 24 * time.Hour
	if d, ok := ctx.Deadline(); ok {
		deadline = max(time.Until(d)-5*time.Second, time.Second)
	}
	args := []string{strconv.Itoa(port), strconv.Itoa(conns), strconv.Itoa(rounds), strconv.Itoa(size), strconv.Itoa(int(deadline.Seconds()))}
	gen, err := start("loadgen", r.command(ctx, Go, "loadgen", args...))
	if err != nil {
		return nil, err
	}
	if err := gen.wait(); err != nil {
		return nil, err
	}
	m := gen.results()
	select {
	case <-srv.exited:
		// Its /proc entry is gone with it: no peak to read.
		return m, fmt.Errorf("w7_echo_server ended during the run (%v)%s", srv.err, srv.errs.suffix())
	default:
	}
	rss, err := peakRSS(srv.cmd.Process.Pid)
	if err != nil {
		return m, err
	}
	m[rssKey] = rss
	if m["served"] != float64(conns) && len(gen.out.notes) > 0 {
		return m, fmt.Errorf("%.0f of %d served (%s)", m["served"], conns, gen.out.notes[0])
	}
	return m, nil
}

// startup times n starts of impl's empty program, from outside: the wall
// time from starting the process to its end, averaged.
func (r *runner) startup(ctx context.Context, impl Impl, n int) (metrics, error) {
	var total time.Duration
	for range n {
		cmd := r.command(ctx, impl, "w5_empty")
		var errs tail
		errs.max = 4096
		cmd.Stderr = &errs
		t0 := time.Now()
		err := cmd.Run()
		total += time.Since(t0)
		if err != nil {
			return nil, fmt.Errorf("w5_empty: %v%s", err, errs.suffix())
		}
	}
	return metrics{startKey: total.Seconds() * 1000 / float64(n)}, nil
}

// peakRSS is a process's VmHWM in MiB.
func peakRSS(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0, fmt.Errorf("peak RSS: %q: %w", line, err)
			}
			return kb / 1024, nil
		}
	}
	return 0, errors.New("peak RSS: no VmHWM in /proc/PID/status")
}

// nofileFor says why the descriptor hard limit does not let a server
// and the load generator each hold conns connections, or "" when it
// does. The soft limit is each process's business: Go raises its own at
// start, and the Python server does it with resource.setrlimit.
func nofileFor(conns int) string {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Sprintf("cannot read RLIMIT_NOFILE: %v", err)
	}
	need := uint64(conns) + 100
	if lim.Max < need {
		return fmt.Sprintf("the open-files hard limit (RLIMIT_NOFILE) is %d, and %d connections need at least %d: raise it (ulimit -Hn as root, or limits.conf)", lim.Max, conns, need)
	}
	return ""
}

// lineParser is a process's stdout, parsed line by line.
type lineParser struct {
	mu      sync.Mutex
	partial []byte
	first   bool // the first line has been seen
	port    chan int
	results metrics
	notes   []string
}

// Write parses complete lines; exec calls it from one goroutine.
func (lp *lineParser) Write(b []byte) (int, error) {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	lp.partial = append(lp.partial, b...)
	for {
		i := bytes.IndexByte(lp.partial, '\n')
		if i < 0 {
			break
		}
		lp.line(strings.TrimRight(string(lp.partial[:i]), "\r"))
		lp.partial = lp.partial[i+1:]
	}
	return len(b), nil
}

func (lp *lineParser) line(s string) {
	if !lp.first {
		lp.first = true
		if rest, ok := strings.CutPrefix(s, "PORT "); ok {
			if port, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil {
				lp.port <- port
				return
			}
		}
	}
	if rest, ok := strings.CutPrefix(s, "RESULT "); ok {
		for kv := range strings.FieldsSeq(rest) {
			k, v, ok := strings.Cut(kv, "=")
			if f, err := strconv.ParseFloat(v, 64); ok && err == nil {
				lp.results[k] = f
			}
		}
	} else if rest, ok := strings.CutPrefix(s, "NOTE "); ok {
		lp.notes = append(lp.notes, rest)
	}
}

// tail keeps the last max bytes written: a process's stderr for messages.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(b), nil
}

// suffix is the stderr tail as the end of an error message.
func (t *tail) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.buf))
	if s == "" {
		return ""
	}
	return "\n" + s
}
