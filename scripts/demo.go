package scripts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"

	"github.com/socklab/socklab/runtime"
)

// DemoOptions configure Demo.
type DemoOptions struct {
	// Port is passed to both scripts; negative means the seed's port, 0 a
	// free port the kernel picks (the client learns it from the server).
	Port   int
	Stdout io.Writer
	Stderr io.Writer
	// Stdin, when set, is where the roles' input() reads (the -i flag);
	// otherwise each role reads the exercise's scripted lines, echoed so
	// the transcript reads as if typed.
	Stdin io.Reader
	// Runtime is the base of each role's runtime options (Trace, Allow).
	Runtime runtime.Options
}

// Demo runs an exercise's roles in one process: the first role (the
// server) at once, the next ones once it listens, each one's output
// prefixed with [role]. It returns the first role's failure.
func Demo(ctx context.Context, name string, o DemoOptions) error {
	ex, err := Lookup(name)
	if err != nil {
		return err
	}
	port := o.Port
	if port < 0 {
		port = ex.Port
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := &syncWriter{w: o.Stdout}
	errw := &syncWriter{w: o.Stderr}

	errs := make([]error, len(ex.Roles))
	var wg sync.WaitGroup
	ready := make(chan string, 1)
	for i, role := range ex.Roles {
		file, src, err := Source(name + "/" + role)
		if err != nil {
			return err
		}
		opts := o.Runtime
		stdout := newPrefixWriter(out, "["+role+"] ")
		stderr := newPrefixWriter(errw, "["+role+"] ")
		opts.Stdout, opts.Stderr = stdout, stderr
		if opts.Trace != nil {
			opts.Trace = newPrefixWriter(&syncWriter{w: opts.Trace}, "["+role+"] ")
		}
		opts.Stdin = o.Stdin
		if opts.Stdin == nil {
			opts.Stdin = &scriptedInput{lines: ex.Input[role], echo: stdout}
		}
		opts.Args = []string{strconv.Itoa(port)}
		roleDone := make(chan struct{})
		if i == 0 {
			var once sync.Once
			opts.OnListen = func(network, addr string) {
				once.Do(func() { ready <- addr })
			}
		} else {
			// The next roles start once the server is ready, on its port.
			select {
			case addr := <-ready:
				if _, p, err := net.SplitHostPort(addr); err == nil {
					opts.Args = []string{p}
				}
			case <-waitAll(&wg):
				return firstError(ex.Roles, errs, fmt.Errorf("demo %s: %s ended before it listened", name, ex.Roles[0]))
			case <-ctx.Done():
				wg.Wait()
				return ctx.Err()
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(roleDone)
			rt := runtime.New(opts)
			defer rt.Close()
			errs[i] = rt.RunString(ctx, file, src)
			stdout.Flush()
			stderr.Flush()
			if errs[i] != nil {
				var serr *runtime.ScriptError
				if errors.As(errs[i], &serr) && serr.Kind != "KeyboardInterrupt" {
					io.WriteString(stderr, serr.Traceback())
					stderr.Flush()
				}
				cancel() // one side failed: stop the other
			}
		}()
	}
	wg.Wait()
	return firstError(ex.Roles, errs, nil)
}

// RoleError is the failure of one role of a demo.
type RoleError struct {
	Role string
	Err  error
}

func (e *RoleError) Error() string { return e.Role + ": " + e.Err.Error() }
func (e *RoleError) Unwrap() error { return e.Err }

func firstError(roles []string, errs []error, fallback error) error {
	// The first failure that is not the cancellation it caused.
	for _, want := range []bool{true, false} {
		for i, err := range errs {
			var serr *runtime.ScriptError
			interrupted := errors.As(err, &serr) && serr.Kind == "KeyboardInterrupt"
			if err != nil && interrupted != want {
				return &RoleError{Role: roles[i], Err: err}
			}
		}
	}
	return fallback
}

func waitAll(wg *sync.WaitGroup) <-chan struct{} {
	ch := make(chan struct{})
	go func() { wg.Wait(); close(ch) }()
	return ch
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
// prompt) waits for its end or for Flush.
type prefixWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	buf    bytes.Buffer
}

func newPrefixWriter(w io.Writer, prefix string) *prefixWriter {
	return &prefixWriter{w: w, prefix: prefix}
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf.Write(b)
	var out bytes.Buffer
	for {
		line, err := p.buf.ReadBytes('\n')
		if err != nil {
			p.buf.Write(line) // no newline yet: keep it
			break
		}
		out.WriteString(p.prefix)
		out.Write(line)
	}
	if out.Len() > 0 {
		if _, err := p.w.Write(out.Bytes()); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// Flush writes a pending partial line.
func (p *prefixWriter) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.buf.Len() > 0 {
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf.String())
		p.buf.Reset()
	}
}

// scriptedInput hands out one line per Read, echoing it as a terminal
// would, so a prompt and its answer appear together.
type scriptedInput struct {
	lines []string
	echo  io.Writer
}

func (s *scriptedInput) Read(p []byte) (int, error) {
	if len(s.lines) == 0 {
		return 0, io.EOF
	}
	line := s.lines[0] + "\n"
	if len(line) > len(p) {
		return 0, io.ErrShortBuffer
	}
	s.lines = s.lines[1:]
	io.WriteString(s.echo, line)
	return copy(p, line), nil
}
