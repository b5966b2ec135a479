package scripts

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
	"golang.org/x/sys/unix"
)

// DemoOptions configure Demo.
type DemoOptions struct {
	// Port is the port the scripts use; negative means the seed's port, 0
	// a free port the kernel picks (the later roles learn it from the
	// first).
	Port   int
	Stdout io.Writer
	Stderr io.Writer
	// Stdin, when set, is where every role's input() reads, one line per
	// call, whichever role asks (the -i flag); otherwise each role reads
	// the exercise's scripted lines, echoed so the transcript reads as if
	// typed.
	Stdin io.Reader
	// Runtime is the base of each role's runtime options (Trace, Allow).
	Runtime runtime.Options
}

// RoleError is the failure of one role of a demo.
type RoleError struct {
	Role string
	Err  error
}

// Error names the role and its failure.
func (e *RoleError) Error() string { return e.Role + ": " + e.Err.Error() }

// Unwrap gives the role's error (a *runtime.ScriptError, usually).
func (e *RoleError) Unwrap() error { return e.Err }

// Demo runs an exercise's roles in one process, each in its own runtime,
// its output prefixed with [role]: the first role at once, the others once
// it listens. Roles marked Forever are interrupted when the others are
// done. It returns the first role's failure as a *RoleError.
func Demo(ctx context.Context, name string, o DemoOptions) error {
	ex, err := Lookup(name)
	if err != nil {
		return err
	}
	port, port2 := o.Port, ex.Port2
	switch {
	case port < 0 && !portFree(ex.Network, ex.Port, ex.Port2):
		// A previous run's connections linger in TIME_WAIT (the reuseaddr
		// exercise shows why): run on free ports rather than fail.
		fmt.Fprintf(o.Stderr, "[demo] port %d is still busy (TIME_WAIT from an earlier run?); using a free port instead\n", ex.Port)
		port = 0
		if port2 != 0 {
			if port2, err = freePort(); err != nil {
				return err
			}
		}
	case port < 0:
		port = ex.Port
	case port == 0 && port2 != 0:
		if port2, err = freePort(); err != nil {
			return err
		}
	case port2 != 0:
		port2 = port + 1
	}
	// "{tmpdir}" in a role's arguments: a directory of the demo's own, so
	// that a demo writes nothing where it is run.
	tmpdir, err := os.MkdirTemp("", "socklab-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmpdir)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := &syncWriter{w: o.Stdout}
	errw := &syncWriter{w: o.Stderr}
	var shared *lineSource
	if o.Stdin != nil {
		shared = &lineSource{r: bufio.NewReader(o.Stdin), echo: !isTerminal(o.Stdin)}
	}

	runs := make([]*roleRun, len(ex.Roles))
	for i, role := range ex.Roles {
		r := &roleRun{role: role, done: make(chan struct{})}
		runs[i] = r
		file, src, err := Source(ex.ScriptName(role))
		if err != nil {
			return err
		}
		opts := o.Runtime
		r.stdout = newPrefixWriter(out, "["+role.Name+"] ")
		r.stderr = newPrefixWriter(errw, "["+role.Name+"] ")
		opts.Stdout, opts.Stderr = r.stdout, r.stderr
		if opts.Trace != nil {
			opts.Trace = newPrefixWriter(&syncWriter{w: opts.Trace}, "["+role.Name+"] ")
		}
		if shared != nil {
			opts.Stdin = &sharedInput{src: shared, prompt: r.stdout}
		} else {
			opts.Stdin = &scriptedInput{ctx: ctx, lines: role.Input, out: r.stdout}
		}
		ready := make(chan string, 1)
		if i == 0 {
			var once sync.Once
			opts.OnListen = func(network, addr string) {
				once.Do(func() { ready <- addr })
			}
		}
		opts.Args = expandArgs(role.Args, port, port2, tmpdir)
		r.ctx, r.stop = context.WithCancel(ctx)
		r.start(file, src, opts, cancel)
		if i == 0 {
			// The others start once the first one is ready for them.
			select {
			case addr := <-ready:
				if _, p, err := net.SplitHostPort(addr); err == nil && port == 0 {
					port, _ = strconv.Atoi(p)
				}
			case <-r.done:
				if r.err == nil {
					r.err = fmt.Errorf("it ended before it listened")
				}
				return &RoleError{Role: role.Name, Err: r.err}
			case <-ctx.Done():
				<-r.done
				if r.err != nil {
					return &RoleError{Role: role.Name, Err: r.err}
				}
				return ctx.Err()
			}
		}
	}
	// Wait for the roles that end by themselves, then stop the servers
	// that loop for ever, as a person would with Ctrl-C.
	for _, r := range runs {
		if !r.role.Forever {
			<-r.done
		}
	}
	for _, r := range runs {
		if r.role.Forever {
			r.stopped.Store(true)
			r.stop()
			<-r.done
		}
	}
	return firstError(runs)
}

// roleRun is one role's runtime, running.
type roleRun struct {
	role    Role
	ctx     context.Context
	stop    context.CancelFunc
	stdout  *prefixWriter
	stderr  *prefixWriter
	done    chan struct{}
	err     error
	stopped atomic.Bool // interrupted by the demo on purpose
}

func (r *roleRun) start(file, src string, opts runtime.Options, cancelAll context.CancelFunc) {
	go func() {
		defer close(r.done)
		rt := runtime.New(opts)
		defer rt.Close()
		r.err = rt.RunString(r.ctx, file, src)
		var serr *runtime.ScriptError
		interrupted := errors.As(r.err, &serr) && serr.Kind == api.KeyboardInterrupt
		if interrupted && r.stopped.Load() {
			io.WriteString(r.stdout, "^C (the demo stops the server, which would wait for clients for ever)\n")
			r.err = nil
		}
		if r.err != nil && serr != nil && !interrupted {
			io.WriteString(r.stderr, serr.Traceback())
		}
		r.stdout.Flush()
		r.stderr.Flush()
		if r.err != nil {
			cancelAll() // one side failed: stop the others
		}
	}()
}

// firstError is the first failure that is not the interruption another
// role's failure caused.
func firstError(runs []*roleRun) error {
	for _, wantInterrupt := range []bool{false, true} {
		for _, r := range runs {
			var serr *runtime.ScriptError
			interrupted := errors.As(r.err, &serr) && serr.Kind == api.KeyboardInterrupt
			if r.err != nil && interrupted == wantInterrupt {
				return &RoleError{Role: r.role.Name, Err: r.err}
			}
		}
	}
	return nil
}

func expandArgs(args []string, port, port2 int, tmpdir string) []string {
	if args == nil {
		args = []string{"{port}"}
	}
	r := strings.NewReplacer("{port2}", strconv.Itoa(port2), "{port}", strconv.Itoa(port), "{tmpdir}", tmpdir)
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = r.Replace(a)
	}
	return out
}

// portFree reports whether the seed's ports can be bound on 127.0.0.1 as
// the scripts bind them: without SO_REUSEADDR, so that a port held by a
// connection in TIME_WAIT counts as busy.
func portFree(network string, ports ...int) bool {
	typ := unix.SOCK_STREAM
	if network == "udp" {
		typ = unix.SOCK_DGRAM
	}
	for _, p := range ports {
		if p == 0 {
			continue
		}
		fd, err := unix.Socket(unix.AF_INET, typ|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return false
		}
		err = unix.Bind(fd, &unix.SockaddrInet4{Port: p, Addr: [4]byte{127, 0, 0, 1}})
		unix.Close(fd)
		if err != nil {
			return false
		}
	}
	return true
}

// freePort asks the kernel for a port that is free now (for the second
// port of a demo on free ports).
func freePort() (int, error) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncWriter serialises the writes of several roles.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// prefixWriter writes whole lines, each prefixed; a partial line (a
// prompt) waits for its end, for Flush, or for ShowPartial. It keeps the
// role's transcript for "@wait" input lines.
type prefixWriter struct {
	mu      sync.Mutex
	w       io.Writer
	prefix  string
	buf     bytes.Buffer
	started bool // the current line's prefix is already out
	seen    strings.Builder
	changed chan struct{} // closed and replaced on every write
}

func newPrefixWriter(w io.Writer, prefix string) *prefixWriter {
	return &prefixWriter{w: w, prefix: prefix, changed: make(chan struct{})}
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen.Write(b)
	close(p.changed)
	p.changed = make(chan struct{})
	p.buf.Write(b)
	var out bytes.Buffer
	for {
		line, err := p.buf.ReadBytes('\n')
		if err != nil {
			p.buf.Write(line) // no newline yet: keep it
			break
		}
		if !p.started {
			out.WriteString(p.prefix)
		}
		p.started = false
		out.Write(line)
	}
	if out.Len() > 0 {
		if _, err := p.w.Write(out.Bytes()); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// ShowPartial writes a pending partial line (a prompt) now, so that a
// person can answer it.
func (p *prefixWriter) ShowPartial() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.buf.Len() == 0 {
		return
	}
	if !p.started {
		io.WriteString(p.w, p.prefix)
		p.started = true
	}
	p.w.Write(p.buf.Bytes())
	p.buf.Reset()
}

// Flush ends a pending partial line.
func (p *prefixWriter) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.buf.Len() > 0 || p.started {
		if !p.started {
			io.WriteString(p.w, p.prefix)
		}
		fmt.Fprintf(p.w, "%s\n", p.buf.String())
		p.buf.Reset()
		p.started = false
	}
}

// waitFor blocks until the transcript contains text or ctx ends.
func (p *prefixWriter) waitFor(ctx context.Context, text string) error {
	for {
		p.mu.Lock()
		found := strings.Contains(p.seen.String(), text)
		changed := p.changed
		p.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// scriptedInput hands out one line per Read, echoing it as a terminal
// would, so a prompt and its answer appear together. "@wait TEXT" lines
// hold the next line back until the role has printed TEXT.
type scriptedInput struct {
	ctx   context.Context
	lines []string
	out   *prefixWriter
	quiet bool // no echo (a peer that is not a terminal's)
}

func (s *scriptedInput) Read(p []byte) (int, error) {
	for len(s.lines) > 0 {
		text, ok := strings.CutPrefix(s.lines[0], "@wait ")
		if !ok {
			break
		}
		if err := s.out.waitFor(s.ctx, text); err != nil {
			return 0, err
		}
		s.lines = s.lines[1:]
	}
	if len(s.lines) == 0 {
		return 0, io.EOF
	}
	line := s.lines[0] + "\n"
	if len(line) > len(p) {
		return 0, io.ErrShortBuffer
	}
	s.lines = s.lines[1:]
	if !s.quiet {
		io.WriteString(s.out, line)
	}
	return copy(p, line), nil
}

// lineSource is the person's terminal, shared by every role with -i: one
// line per read, whichever role asks.
type lineSource struct {
	mu   sync.Mutex
	r    *bufio.Reader
	echo bool // not a terminal: nobody else shows the line
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

type sharedInput struct {
	src    *lineSource
	prompt *prefixWriter
}

func (s *sharedInput) Read(p []byte) (int, error) {
	s.prompt.ShowPartial()
	s.src.mu.Lock()
	defer s.src.mu.Unlock()
	line, err := s.src.r.ReadString('\n')
	if line == "" {
		return 0, err
	}
	if len(line) > len(p) {
		return 0, io.ErrShortBuffer
	}
	if s.src.echo {
		io.WriteString(s.prompt, strings.TrimRight(line, "\n")+"\n")
	} else {
		s.prompt.mu.Lock()
		s.prompt.started = false // the person's Enter ended the prompt's line
		s.prompt.mu.Unlock()
	}
	return copy(p, line), nil
}
