// Package api is the contract between socklab's engine and its Lua
// modules: the Host and Thread that the runtime provides, the one error
// type that travels from a binding's raise to the host's traceback, the
// description of a module (Module, Type, Func), and the argument checks
// every binding uses. The runtime and the modules import it; it imports
// neither.
package api

import (
	"context"
	"io"
	"net/netip"

	lua "github.com/yuin/gopher-lua"
)

// Host is what the runtime gives the bindings: the interpreter lock, the
// host's streams, the resource registry, the network policy and threads.
// Every method is called on the goroutine of the Lua state that runs the
// binding, while it holds the interpreter lock (except where noted).
type Host interface {
	// Unlocked runs fn with the interpreter lock released, so that other
	// threads run while fn blocks. fn must not touch any Lua value.
	Unlocked(fn func())
	// Contended reports whether another thread waits for the lock, so
	// that a short system call is worth making with it released.
	Contended() bool
	// Stdout and Stderr are the host's output streams; writes are whole.
	Stdout() io.Writer
	Stderr() io.Writer
	// ReadLine shows prompt and reads one line of input without its end
	// of line; io.EOF at end of input. It releases the lock itself while
	// it waits and returns ctx's error when ctx ends first.
	ReadLine(ctx context.Context, prompt string) (string, error)
	// StdinFD is the descriptor of standard input when it is an OS file
	// that poll(2) can wait on, or -1.
	StdinFD() int
	// Track registers a resource that the runtime closes when it ends. It
	// fails when the open-socket limit is reached. The returned func
	// unregisters it (call it from Close).
	Track(c io.Closer) (untrack func(), err error)
	// Allowed reports whether the network policy lets the script talk to
	// addr.
	Allowed(addr netip.Addr) bool
	// Tracef writes one line of --trace output; it does nothing when
	// tracing is off. Tracing reports whether it is on.
	Tracef(format string, args ...any)
	Tracing() bool
	// Listening tells the host that a socket is ready for peers: a stream
	// socket listens, or a datagram socket is bound. addr is its local
	// address as "host:port" or a path.
	Listening(network, addr string)
	// StartThread runs fn(args...) on a new thread of the runtime.
	StartThread(L *lua.LState, spec ThreadSpec) (Thread, error)
	// CurrentThread returns the thread that runs L.
	CurrentThread(L *lua.LState) Thread
	// ActiveThreads counts the threads alive, the main one included.
	ActiveThreads() int
	// Context is what a blocking call of L's thread waits on, with the
	// lock released: it ends when the program is cancelled. Never wait on
	// L.Context() itself, which only the state's own goroutine may ask,
	// holding the lock (the runtime switches threads there).
	Context(L *lua.LState) context.Context
	// Resolver looks names up for the socket module; nil: as the system
	// is configured to.
	Resolver() Resolver
}

// Resolver looks host and service names up (getaddrinfo, gethostbyname,
// getfqdn, a connect to a name); *net.Resolver is one. A call is made with
// the interpreter lock released, with the calling thread's context, and
// must return soon after that context ends, so that Ctrl-C or the
// runtime's end interrupts a look-up.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	LookupCNAME(ctx context.Context, host string) (string, error)
	LookupPort(ctx context.Context, network, service string) (int, error)
}

// ThreadSpec describes a thread to start.
type ThreadSpec struct {
	Fn     *lua.LFunction
	Args   []lua.LValue
	Name   string
	Daemon bool
}

// Thread is a running or finished runtime thread.
type Thread interface {
	Name() string
	Daemon() bool
	Ident() int
	Alive() bool
	// Done is closed when the thread has finished.
	Done() <-chan struct{}
}

const hostKey = "socklab.host"

// Install stores h in L's registry, where HostOf finds it. The runtime
// calls it once per Lua state, before it opens the modules.
func Install(L *lua.LState, h Host) {
	ud := L.NewUserData()
	ud.Value = h
	L.SetField(L.Get(lua.RegistryIndex), hostKey, ud)
}

// HostOf returns the Host that Install stored in L's registry.
func HostOf(L *lua.LState) Host {
	ud, ok := L.GetField(L.Get(lua.RegistryIndex), hostKey).(*lua.LUserData)
	if !ok {
		L.RaiseError("socklab: no host in this Lua state")
	}
	return ud.Value.(Host)
}
