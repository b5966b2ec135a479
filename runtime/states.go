package runtime

import (
	"context"

	lua "github.com/yuin/gopher-lua"
)

// Every thread, protected call and REPL chunk runs on a Lua state of its
// own that shares the globals (LState.NewThread). A thread-per-connection
// server holds one per connection, and one more for each pcall a thread
// is blocked in, so what a state costs is what a connection costs.

// stateOptions size the main state; NewThread copies its parent's
// options, so the states made from the main one (parent below) start from
// them too.
//
// gopher-lua v1.1.2 grows a registry (the data stack) safely: every write
// checks the size, and upvalues and frames refer to slots by index, never
// by address, so the #448 workaround (pcall.go) is not affected. Growth is
// linear, to the size needed plus RegistryGrowStep, copying the whole
// array each time.
func stateOptions() lua.Options {
	return lua.Options{
		// 1024 frames deep, as Python's recursion limit; the frames come
		// in segments of 8 as they are used (MinimizeStackMemory), so
		// the limit costs only a slice of 128 pointers.
		CallStackSize:       1024,
		MinimizeStackMemory: true,
		// NewState's smallest (2 KiB); 1024 slots, as before, cost 16 KiB
		// for every thread and protected call, which a blocked thread
		// touches little of but the collector scans whole.
		RegistrySize:    128,
		RegistryMaxSize: 1024 * 1024,
		// Large enough that what pushes many values (table.concat pushes
		// every part, unpack every element) does not copy the registry
		// once per 32 values: with gopher-lua's default of 32, a
		// table.concat of 100,000 parts took 9 s of CPU, with 1024 0.25 s.
		// A state that outgrows its first slots pays 16 KiB, as every
		// state did before.
		RegistryGrowStep: 1024,
	}
}

// stateRegistrySize is the registry a thread's or protected call's state
// starts with: 64 slots (1 KiB). Run with a trace of registry growth, no
// thread or protected call of the tests and bundled exercises outgrew 32.
const stateRegistrySize = 64

// maxIdle bounds the idle states kept for reuse.
const maxIdle = 16

// state returns a state sharing L's globals and environment, running with
// ctx: an idle one if there is one, else a new one.
func (rt *Runtime) state(L *lua.LState, ctx context.Context) *lua.LState {
	var c *lua.LState
	if n := len(rt.idle); n > 0 {
		c = rt.idle[n-1]
		rt.idle[n-1] = nil
		rt.idle = rt.idle[:n-1]
	} else {
		c, _ = rt.parent().NewThread()
	}
	c.Env = L.Env // setfenv(0, env) changes a state's own environment
	if ctx != nil {
		c.SetContext(ctx)
	}
	return c
}

// parent is the state new states are made from. It never runs, and has no
// context: NewThread derives a context (context.WithCancel) for the new
// state from its parent's, which the caller would replace at once.
func (rt *Runtime) parent() *lua.LState {
	if rt.proto == nil {
		p, stop := rt.ls.NewThread()
		if stop != nil {
			stop()
		}
		p.RemoveContext()
		p.Options.RegistrySize = stateRegistrySize // what NewThread makes from p
		rt.proto = p
	}
	return rt.proto
}

// release returns a state to the idle ones. The caller's call on it has
// returned, normally or by an error, so no frame is left and none of its
// upvalues is open: the next use starts clean.
func (rt *Runtime) release(c *lua.LState) {
	c.SetTop(0)
	c.RemoveContext() // an idle state keeps no finished thread alive
	if len(rt.idle) < maxIdle {
		rt.idle = append(rt.idle, c)
	}
}
