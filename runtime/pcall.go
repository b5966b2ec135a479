package runtime

import (
	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// Protected calls run on a child state of their own.
//
// gopher-lua v1.1.2 (open bug #448) closes the open upvalues of every
// frame of a state when an error is raised in it, so after pcall caught an
// error, closures no longer share their enclosing function's locals. On a
// child state, "every frame" is exactly the frames of the protected call,
// which the error unwinds anyway: the caller's upvalues stay open.
//
// gopher-lua has the opposite problem when a message handler is set
// (xpcall, and the traceback handler of every top-level call): it closes
// no upvalue at all, and the registry slots they point to are cleared as
// the stack unwinds, so a closure that outlives the failed call (a thread
// using the main chunk's locals, say) reads Go nil and crashes. Every
// handler therefore ends with closeUpvalues.
//
// Children come from the runtime's idle states (states.go): after a
// protected call returns, normally or by an error, none of its upvalues is
// open, so the next call starts clean.

// pcall is Lua's pcall(f, ...) on a child state. SystemExit goes through
// it, as sys.exit goes through Python's `except Exception`.
func (rt *Runtime) pcall(L *lua.LState) int {
	return rt.protected(L, 1, nil)
}

// xpcall(f, handler, ...) calls handler with the error, stack intact.
func (rt *Runtime) xpcall(L *lua.LState) int {
	handler := L.CheckFunction(2)
	L.Remove(2)
	return rt.protected(L, 1, handler)
}

// protected calls the function at index fn with the values above it. Its
// frame lies under every frame of the call, so what is not the call itself
// is in functions of its own.
func (rt *Runtime) protected(L *lua.LState, fn int, handler *lua.LFunction) int {
	top := L.GetTop()
	if top < fn {
		L.ArgError(1, "value expected")
	}
	c := rt.state(L, L.Context())
	for i := fn; i <= top; i++ {
		c.Push(L.Get(i))
	}
	var h *lua.LFunction
	if handler != nil {
		h = messageHandler(c, handler)
	}
	if err := c.PCall(top-fn, lua.MultRet, h); err != nil {
		return rt.protectedFailed(L, c, err)
	}
	n := c.GetTop()
	L.Push(lua.LTrue)
	for i := 1; i <= n; i++ {
		L.Push(c.Get(i))
	}
	rt.release(c)
	return n + 1
}

// messageHandler calls xpcall's handler with the error, then closes the
// upvalues gopher-lua leaves open when a handler is set.
func messageHandler(c *lua.LState, handler *lua.LFunction) *lua.LFunction {
	return c.NewFunction(func(L *lua.LState) int {
		L.Push(handler)
		L.Push(L.Get(1))
		L.Call(1, 1)
		closeUpvalues(L)
		return 1
	})
}

// protectedFailed returns pcall's false and the error from the child c
// whose call failed with err; SystemExit goes on up.
func (rt *Runtime) protectedFailed(L, c *lua.LState, err error) int {
	v := rt.caught(c, err)
	rt.release(c)
	if e, ok := api.FromValue(v); ok {
		if e.Where == "" {
			// Raised by a function pcall called directly: the error
			// happened at pcall's line.
			e.Where = api.Position(L)
		}
		if e.Kind == api.SystemExit {
			L.Error(v, 0)
		}
	}
	L.Push(lua.LFalse)
	L.Push(v)
	return 2
}

// caught is the Lua value pcall returns for err: the raised value, a
// KeyboardInterrupt error object when the context ended, or an error
// object for a Go panic.
func (rt *Runtime) caught(c *lua.LState, err error) lua.LValue {
	apiErr, ok := err.(*lua.ApiError)
	if !ok {
		return lua.LString(err.Error())
	}
	if apiErr.Type == lua.ApiErrorPanic {
		return api.Value(c, &api.Error{Kind: api.SystemError, Message: "internal error: " + apiErr.Object.String()})
	}
	if e := interrupted(c, apiErr.Object); e != nil {
		return api.Value(c, e)
	}
	return apiErr.Object
}

// closeUpvalues closes the open upvalues of every frame on L's stack, from
// inside a message handler, where gopher-lua would not. It leans on
// gopher-lua v1.1.2's PCall: an error raised while a handler is set closes
// nothing but PCall's cleanup clears the handler flag, so the second
// error below is raised as if there were no handler, and closes them.
// TestPcallKeepsUpvaluesShared and TestThreadKeepsLocalsAfterMainError
// catch a gopher-lua that behaves otherwise.
func closeUpvalues(L *lua.LState) {
	raise := L.NewFunction(func(L *lua.LState) int {
		L.Error(lua.LNil, 0)
		return 0
	})
	for range 2 {
		L.Push(raise)
		L.PCall(0, 0, nil)
	}
}
