package runtime

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// host is the runtime as the bindings see it: the api.Host that Open
// stores in the Lua state. It is apart from Runtime so that the embedding
// API is only what an embedder calls; its methods run on a Lua state's
// goroutine, holding the interpreter lock, unless their doc says not.
type host struct{ rt *Runtime }

var _ api.Host = host{}

// Unlocked runs fn with the interpreter lock released.
func (h host) Unlocked(fn func()) {
	h.rt.gil.release()
	defer h.rt.gil.acquire()
	fn()
}

// Contended reports whether another thread waits for the interpreter
// lock: a call that is about to make a system call then releases it
// around the call, as CPython does, so that the other thread runs Lua
// meanwhile; uncontended, releasing would only cost time.
func (h host) Contended() bool { return h.rt.gil.contended() }

// Stdout is the script's standard output.
func (h host) Stdout() io.Writer { return h.rt.stdout }

// Stderr is the script's standard error.
func (h host) Stderr() io.Writer { return h.rt.stderr }

// Allowed applies the network policy of Options.Allow.
func (h host) Allowed(addr netip.Addr) bool {
	if h.rt.opts.Allow == nil {
		return true
	}
	addr = addr.Unmap()
	for _, p := range h.rt.opts.Allow {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Tracing reports whether --trace output is on.
func (h host) Tracing() bool { return h.rt.trace != nil }

// Tracef writes one timestamped trace line.
func (h host) Tracef(format string, args ...any) {
	if h.rt.trace == nil {
		return
	}
	line := time.Now().Format("15:04:05.000000") + " " + fmt.Sprintf(format, args...) + "\n"
	io.WriteString(h.rt.trace, line)
}

// Listening forwards to Options.OnListen.
func (h host) Listening(network, addr string) {
	if h.rt.opts.OnListen != nil {
		h.rt.opts.OnListen(network, addr)
	}
}

func (h host) StartThread(L *lua.LState, spec api.ThreadSpec) (api.Thread, error) {
	return h.rt.startThread(L, spec)
}

func (h host) CurrentThread(L *lua.LState) api.Thread { return h.rt.currentThread(L) }
func (h host) ActiveThreads() int                     { return h.rt.activeThreads() }
func (h host) Track(c io.Closer) (func(), error)      { return h.rt.track(c) }
func (h host) StdinFD() int                           { return h.rt.stdinFD() }

func (h host) ReadLine(ctx context.Context, prompt string) (string, error) {
	return h.rt.readLine(ctx, prompt)
}

// Context is the context of L's thread without the switch check that
// gopher-lua's instruction loop makes on L.Context() (lock.go): blocking
// calls wait on it with the lock released.
func (h host) Context(L *lua.LState) context.Context {
	ctx := L.Context()
	if c, ok := ctx.(*threadContext); ok {
		return c.Context
	}
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// Resolver is Options.Resolver (nil: the system's).
func (h host) Resolver() api.Resolver { return h.rt.opts.Resolver }
