package runtime

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// thread is one Lua thread: a goroutine running its own state made with
// NewThread, sharing the globals. The main chunk runs as "MainThread".
type thread struct {
	name   string
	ident  int
	daemon bool
	done   chan struct{}
}

func (t *thread) Name() string          { return t.name }
func (t *thread) Daemon() bool          { return t.daemon }
func (t *thread) Ident() int            { return t.ident }
func (t *thread) Done() <-chan struct{} { return t.done }
func (t *thread) Alive() bool {
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}

// threadKey finds the running thread from any state's context: thread
// states, protected-call children and coroutines all derive theirs from
// the thread's.
type threadKey struct{}

// threadContext is a thread's context: its program's, with the thread
// attached. gopher-lua asks a state's context for Done before every
// instruction, so Done answers from a field rather than down a chain of
// wrapped contexts.
type threadContext struct {
	context.Context
	done <-chan struct{}
	t    *thread
}

func withThread(ctx context.Context, t *thread) context.Context {
	return &threadContext{Context: ctx, done: ctx.Done(), t: t}
}

func (c *threadContext) Done() <-chan struct{} { return c.done }

func (c *threadContext) Value(key any) any {
	if key == (threadKey{}) {
		return c.t
	}
	return c.Context.Value(key)
}

var idents atomic.Int64

func nextIdent() int { return int(idents.Add(1)) }

// StartThread starts spec.Fn(spec.Args...) on a new goroutine. It waits
// for the interpreter lock, so it runs when the caller next blocks.
func (rt *Runtime) startThread(L *lua.LState, spec api.ThreadSpec) (api.Thread, error) {
	rt.mu.Lock()
	runCtx := rt.runCtx
	n := len(rt.threads)
	rt.mu.Unlock()
	if runCtx == nil || runCtx.Err() != nil {
		return nil, api.NewError(api.RuntimeError, "can't create new thread at interpreter shutdown")
	}
	if rt.opts.MaxThreads > 0 && n >= rt.opts.MaxThreads {
		return nil, api.NewError(api.RuntimeError, "can't start new thread")
	}
	t := &thread{name: spec.Name, ident: nextIdent(), daemon: spec.Daemon, done: make(chan struct{})}
	if t.name == "" {
		rt.mu.Lock()
		rt.started++
		t.name = fmt.Sprintf("Thread-%d", rt.started)
		rt.mu.Unlock()
	}
	// The run's context, naming the thread. A thread needs no cancellation
	// of its own: it stops when the run does.
	ctx := withThread(runCtx, t)
	th := rt.state(L, ctx)

	th.Push(spec.Fn)
	for _, a := range spec.Args {
		th.Push(a)
	}

	rt.mu.Lock()
	rt.threads[t] = struct{}{}
	rt.mu.Unlock()
	rt.wg.Add(1)
	go rt.runThread(t, th, len(spec.Args))
	return t, nil
}

// runThread runs thread t: the function on th's stack, below its nargs
// arguments. Its frame lies under every frame of the thread, so it stays
// small (no defers; a protected call recovers every panic): a goroutine's
// first stack (4 KiB) holds 3168 bytes of frames, and a thread blocked in
// pcall(sk.recv, ...) needs 3152.
func (rt *Runtime) runThread(t *thread, th *lua.LState, nargs int) {
	rt.gil.acquire()
	if err := rt.callTraced(th, nargs, 0); err != nil {
		rt.threadFailed(t, th, err)
	}
	rt.finish(t, th)
	rt.gil.release()
	rt.wg.Done()
}

// threadFailed reports an uncaught error of thread t, as CPython's
// threading.excepthook does.
func (rt *Runtime) threadFailed(t *thread, th *lua.LState, err *ScriptError) {
	if err.Kind == api.SystemExit {
		return
	}
	if err.Kind == api.KeyboardInterrupt && th.Context().Err() != nil {
		return // stopped at the end of the program, as daemons are
	}
	fmt.Fprintf(rt.stderr, "Exception in thread %s:\n%s", t.name, err.Traceback())
}

// finish ends thread t, whose state was th: the state goes back to the
// idle ones and the runtime forgets the thread at once, so that a server
// starting a thread per connection holds only the live ones.
func (rt *Runtime) finish(t *thread, th *lua.LState) {
	rt.release(th)
	rt.mu.Lock()
	delete(rt.threads, t)
	rt.mu.Unlock()
	close(t.done)
}

// CurrentThread returns the thread that runs L.
func (rt *Runtime) currentThread(L *lua.LState) api.Thread {
	if ctx := L.Context(); ctx != nil {
		if t, ok := ctx.Value(threadKey{}).(*thread); ok {
			return t
		}
	}
	return rt.main
}

// ActiveThreads counts the live threads, the main one included.
func (rt *Runtime) activeThreads() int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	n := len(rt.threads)
	if rt.main != nil && rt.main.Alive() {
		n++
	}
	return n
}

// waitThreads waits for every non-daemon thread, or for ctx to end; it
// returns a KeyboardInterrupt error in the latter case.
func (rt *Runtime) waitThreads(ctx context.Context) *ScriptError {
	for {
		var wait *thread
		rt.mu.Lock()
		for t := range rt.threads {
			if !t.daemon {
				wait = t
				break
			}
		}
		rt.mu.Unlock()
		if wait == nil {
			return nil
		}
		select {
		case <-wait.done:
		case <-ctx.Done():
			return api.Interrupt(ctx.Err())
		}
	}
}
