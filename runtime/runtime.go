// Package runtime is socklab's engine: one Lua state per Runtime, the
// interpreter lock and threads, script loading, error values,
// cancellation, the network policy and the embedding API.
//
// A Runtime runs one program at a time. RunFile and RunString return when
// the main chunk has returned and every non-daemon thread has finished
// (Python's exit rule); by then every socket the program opened is closed
// and every goroutine it started has returned.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"sync"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// Options are what the host gives a runtime. The zero value runs with the
// process's standard streams, no arguments and no limits.
type Options struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Args become the script's arg[1], arg[2], ...; arg[0] is its name.
	Args []string
	// Allow is the network policy: when non-nil, connecting or sending to
	// an address outside these prefixes raises PermissionError.
	Allow []netip.Prefix
	// Trace, when set, receives one line per socket call.
	Trace io.Writer
	// MaxSockets and MaxThreads limit what a script may hold open at once;
	// 0 means no limit.
	MaxSockets int
	MaxThreads int
	// OnError, when set, is called with an uncaught error of the main
	// chunk as soon as it happens, before the runtime waits for the other
	// threads (CPython prints the traceback first, then waits). RunString
	// still returns the error.
	OnError func(*ScriptError)
	// Lines, when set, is where input() reads, showing its prompt: the
	// REPL's line editor. Otherwise input() writes the prompt to Stdout
	// and reads Stdin.
	Lines LineReader
	// OnListen is called when a socket becomes ready for peers: a stream
	// socket listens, or a datagram socket is bound. It runs on the
	// script's goroutine and must not block.
	OnListen func(network, addr string)
	// Resolver, when set, looks names up for the socket module
	// (getaddrinfo, gethostbyname, getfqdn, connect to a name...);
	// otherwise names are looked up as the system is configured to.
	Resolver Resolver
}

// Resolver looks host and service names up; *net.Resolver is one (and
// bindings.NewResolver makes one whose DNS queries go where a test says).
type Resolver = api.Resolver

// Runtime is one Lua global state with its threads and sockets.
type Runtime struct {
	opts   Options
	ls     *lua.LState // the main state
	gil    *gil
	stdout io.Writer
	stderr io.Writer
	trace  io.Writer
	input  *lineInput

	// Guarded by the interpreter lock.
	idle    []*lua.LState       // states for threads and protected calls, to reuse
	proto   *lua.LState         // the state they are made from (states.go)
	sources map[string][]string // chunk name -> source lines
	handler *lua.LFunction      // the traceback message handler
	main    *thread             // the main thread of the current run
	errorFn *lua.LFunction      // the global error, as openLibs made it
	// calls maps the child state of each protected call under way to its
	// caller, for debug.traceback (pcall.go).
	calls map[*lua.LState]protectedCall

	mu        sync.Mutex // guards what goroutines touch without the lock
	resources map[*resource]struct{}
	threads   map[*thread]struct{} // the live ones
	started   int                  // threads started, for their default names
	runCtx    context.Context
	cancelRun context.CancelFunc
	interrupt context.CancelFunc // the REPL chunk that runs
	wg        sync.WaitGroup     // every goroutine the runtime started
	closed    bool
}

// New makes a runtime with every socklab module loaded.
func New(opts Options) *Runtime {
	if opts.Stdin == nil {
		opts.Stdin = os.Stdin
	}
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	rt := &Runtime{
		opts:      opts,
		gil:       newGIL(),
		stdout:    &lockedWriter{w: opts.Stdout},
		stderr:    &lockedWriter{w: opts.Stderr},
		input:     &lineInput{src: opts.Stdin},
		sources:   map[string][]string{},
		calls:     map[*lua.LState]protectedCall{},
		resources: map[*resource]struct{}{},
		threads:   map[*thread]struct{}{},
	}
	if opts.Trace != nil {
		rt.trace = &lockedWriter{w: opts.Trace}
	}
	rt.ls = lua.NewState(stateOptions())
	rt.openLibs()
	return rt
}

// RunFile runs the Lua script at path with the runtime's Args.
func (rt *Runtime) RunFile(ctx context.Context, path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("run %s: %w", path, err)
	}
	return rt.RunString(ctx, path, string(src))
}

// RunString runs src as a script named name (the name appears in error
// messages and tracebacks as name:line). It returns a *ScriptError when
// the script fails, is cancelled (Kind "KeyboardInterrupt") or calls
// os.exit (Kind "SystemExit").
func (rt *Runtime) RunString(ctx context.Context, name, src string) error {
	if rt.isClosed() {
		return errors.New("socklab: runtime is closed")
	}
	runCtx, cancel, main := rt.begin(ctx, name)
	defer cancel()

	rt.gil.acquire()
	rt.ls.SetContext(runCtx)
	var serr *ScriptError
	fn, err := rt.load(name, src)
	if err != nil {
		serr = err
	} else {
		rt.ls.Push(fn)
		serr = rt.callTraced(rt.ls, 0, 0)
	}
	close(main.done)
	rt.gil.release()
	if serr != nil && rt.opts.OnError != nil {
		rt.opts.OnError(serr)
	}

	// Python's exit rule: wait for the non-daemon threads.
	if werr := rt.waitThreads(runCtx); serr == nil && werr != nil {
		serr = werr
	}
	rt.end(cancel)
	if serr == nil && ctx.Err() != nil {
		serr = api.Interrupt(ctx.Err())
	}
	if serr == nil {
		return nil
	}
	return serr
}

// begin starts a program (a script run or a REPL session): its context,
// which the threads it starts derive theirs from, and its main thread.
func (rt *Runtime) begin(ctx context.Context, name string) (context.Context, context.CancelFunc, *thread) {
	runCtx, cancel := context.WithCancel(ctx)
	main := &thread{name: "MainThread", ident: nextIdent(), done: make(chan struct{})}
	runCtx = withThread(runCtx, main)
	rt.mu.Lock()
	rt.runCtx, rt.cancelRun = runCtx, cancel
	rt.mu.Unlock()
	rt.gil.acquire()
	rt.main = main
	rt.setArgs(name)
	rt.gil.release()
	return runCtx, cancel, main
}

// end stops what the program left running (daemon threads) and closes
// every socket it opened.
func (rt *Runtime) end(cancel context.CancelFunc) {
	cancel()
	rt.wg.Wait()
	rt.closeResources()
	rt.mu.Lock()
	clear(rt.threads)
	rt.mu.Unlock()
}

// Close ends the runtime: it cancels what runs, closes every socket and
// releases the Lua state. It is safe to call more than once.
func (rt *Runtime) Close() error {
	rt.mu.Lock()
	if rt.closed {
		rt.mu.Unlock()
		return nil
	}
	rt.closed = true
	if rt.cancelRun != nil {
		rt.cancelRun() // a run in progress ends as if interrupted
	}
	rt.mu.Unlock()
	rt.closeResources()
	rt.wg.Wait()
	rt.gil.acquire()
	rt.ls.Close()
	rt.gil.release()
	return nil
}

func (rt *Runtime) isClosed() bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.closed
}

// load compiles src, keeping its lines for tracebacks.
func (rt *Runtime) load(name, src string) (*lua.LFunction, *ScriptError) {
	rt.sources[name] = strings.Split(src, "\n")
	fn, err := rt.ls.Load(strings.NewReader(src), name)
	if err != nil {
		return nil, &ScriptError{Kind: api.SyntaxError, Message: err.Error()}
	}
	return fn, nil
}

// setArgs sets the global arg table as the lua interpreter does.
func (rt *Runtime) setArgs(name string) {
	t := rt.ls.NewTable()
	t.RawSetInt(0, lua.LString(name))
	for i, a := range rt.opts.Args {
		t.RawSetInt(i+1, lua.LString(a))
	}
	rt.ls.SetGlobal("arg", t)
}

// lockedWriter makes each Write whole when threads print at once.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
