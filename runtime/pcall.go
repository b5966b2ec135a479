package runtime

import (
	"fmt"
	"slices"
	"strings"

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
	L.CheckAny(1)
	// What cannot be called fails as in gopher-lua's pcall, which checks
	// first; called, it would fail on the child with no position.
	if v := L.Get(1); v.Type() != lua.LTFunction && L.GetMetaField(v, "__call").Type() != lua.LTFunction {
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a " + v.Type().String() + " value"))
		return 2
	}
	return rt.protected(L, 1, nil)
}

// xpcall(f, handler, ...) calls handler with the error, stack intact.
// Unlike gopher-lua's, it passes f the arguments after handler (Lua 5.2).
func (rt *Runtime) xpcall(L *lua.LState) int {
	L.CheckFunction(1)
	handler := L.CheckFunction(2)
	L.Remove(2)
	return rt.protected(L, 1, handler)
}

// protectedCall is what debug.traceback on a protected call's child state
// goes on with: the state that made the call, and for xpcall the handler
// wrapper that messageHandler made, which is no frame of plain gopher-lua.
type protectedCall struct {
	caller  *lua.LState
	wrapper *lua.LFunction
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
		h = rt.messageHandler(L, c, L.Get(fn), handler)
	}
	rt.calls[c] = protectedCall{caller: L, wrapper: h}
	err := c.PCall(top-fn, lua.MultRet, h)
	delete(rt.calls, c)
	if err != nil {
		return rt.protectedFailed(L, c, err, L.Get(fn), h == nil)
	}
	n := c.GetTop()
	L.Push(lua.LTrue)
	for i := 1; i <= n; i++ {
		L.Push(c.Get(i))
	}
	rt.release(c)
	return n + 1
}

// messageHandler calls xpcall's handler with the error that f raised,
// then closes the upvalues gopher-lua leaves open when a handler is set.
// caller is the state that called xpcall.
func (rt *Runtime) messageHandler(caller, c *lua.LState, f lua.LValue, handler *lua.LFunction) *lua.LFunction {
	return c.NewFunction(func(L *lua.LState) int {
		L.Push(handler)
		L.Push(rt.placed(caller, f, L.Get(1)))
		L.Call(1, 1)
		closeUpvalues(L)
		return 1
	})
}

// placed is the error v that f, called by a protected call that caller
// made, raised on the call's child state, with the position plain
// gopher-lua would give it.
//
// gopher-lua prefixes an error raised from Go (RaiseError, ArgError) with
// the position of the nearest Lua frame and a space. When f is a Go
// function (pcall(require, "m")) the child has no Lua frame, so the
// position is empty and the message starts with the space alone; under
// plain gopher-lua the nearest Lua frame is the caller's. Such a message
// gets the caller's position here, and an argument error the name
// gopher-lua gives a function that a Go function (pcall) called, where
// on the child, with no frame under it, f is the "main chunk". error is
// left alone: its levels count
// frames as Lua 5.1 does (luaError). A string starting with a space and
// without a position that a Lua function called by such an f raises
// (table.sort's comparator calling error(" x", 0)) is taken for one too.
func (rt *Runtime) placed(caller *lua.LState, f, v lua.LValue) lua.LValue {
	s, ok := v.(lua.LString)
	if !ok || !strings.HasPrefix(string(s), " ") {
		return v
	}
	if fn, ok := f.(*lua.LFunction); !ok || !fn.IsG || fn == rt.errorFn {
		return v
	}
	msg := string(s)
	if strings.HasPrefix(msg, " bad argument #") {
		msg = strings.Replace(msg, " to main chunk (", " to (anonymous) (", 1)
	}
	if where := api.Position(caller); where != "" {
		msg = where + ":" + msg
	}
	return lua.LString(msg)
}

// protectedFailed returns pcall's false and the error from the child c
// whose call of f failed with err; SystemExit goes on up. raw is whether
// the error is the raised value, not what xpcall's handler made of it.
func (rt *Runtime) protectedFailed(L, c *lua.LState, err error, f lua.LValue, raw bool) int {
	v := rt.caught(c, err)
	rt.release(c)
	if raw {
		v = rt.placed(L, f, v)
	}
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

// traceback is debug.traceback([msg [, level]]); orig is gopher-lua's.
// On a protected call's child state, gopher-lua's would list the child's
// frames only, the function pcall called as "main chunk", and in xpcall's
// handler the handler wrapper as a frame of its own. This one lists what
// plain gopher-lua's lists, where the whole call runs on one state: the
// child's frames, then its caller's, on down the chain of protected calls,
// with the same levels, names and elision. The lines are gopher-lua's own,
// per state: only which states, and the bottom frame's name, are ours.
func (rt *Runtime) traceback(L *lua.LState, orig lua.LGFunction) int {
	if _, ok := rt.calls[L]; !ok {
		return orig(L)
	}
	if _, ok := L.Get(1).(*lua.LState); ok {
		return orig(L) // a coroutine's traceback: its own stack
	}
	msg := ""
	if s, ok := L.Get(1).(lua.LString); ok {
		msg = string(s)
	}
	level := L.OptInt(2, 1)
	var lines []string
	for s := L; ; {
		entries := stackEntries(L, s, orig)
		call, ok := rt.calls[s]
		if !ok {
			lines = append(lines, entries...)
			break
		}
		lines = append(lines, childEntries(s, call, entries)...)
		s = call.caller
	}
	// As gopher-lua's stackTrace from here: the end mark, the level, the
	// elision of long tracebacks.
	lines = append(lines, "\t[G]: ?")
	lines = lines[max(0, min(level, len(lines))):]
	if len(lines) > 20 {
		lines = append(append(lines[:7:7], "\t..."), lines[len(lines)-7:]...)
	}
	tb := strings.TrimSpace("stack traceback:\n" + strings.Join(lines, "\n"))
	if msg != "" {
		tb = msg + "\n" + tb
	}
	L.SetTop(0)
	L.Push(lua.LString(tb))
	return 1
}

// stackEntries are the lines of gopher-lua's traceback of state s, one a
// level, without the header and the end mark, got from orig run in L's
// frame (so that, for s == L, level 0 is debug.traceback's, as in
// gopher-lua). orig elides the middle of more than 20 lines; the levels
// are then read 7 at a time. It leaves L's stack empty.
func stackEntries(L, s *lua.LState, orig lua.LGFunction) []string {
	var out []string
	for from := 0; ; from += 7 {
		L.SetTop(0)
		L.Push(s)
		L.Push(lua.LNumber(from))
		orig(L)
		lines := strings.Split(L.ToString(-1), "\n")[1:]
		L.SetTop(0)
		if len(lines) == 15 && lines[7] == "\t..." {
			out = append(out, lines[:7]...)
			continue
		}
		out = append(out, lines...)
		break
	}
	if n := len(out); n > 0 && out[n-1] == "\t[G]: ?" {
		out = out[:n-1]
	}
	return out
}

// childEntries are the entries of the child state c of a protected call,
// as they would read with the call on its caller's state: the bottom frame
// has pcall's frame under it, so it is named as a function, not "main
// chunk"; xpcall's handler wrapper is no frame. Entries are levels:
// GetStack(i) is entry i.
func childEntries(c *lua.LState, call protectedCall, entries []string) []string {
	wrapper := -1
	var bottom *lua.Debug
	for i := 0; ; i++ {
		dbg, ok := c.GetStack(i)
		if !ok {
			break
		}
		bottom = dbg // the last level is the bottom frame, or its tail calls, which GetStack answers with it
		if call.wrapper != nil {
			if f, _ := c.GetInfo("f", dbg, nil); f == lua.LValue(call.wrapper) {
				wrapper = i
			}
		}
	}
	out := slices.Clone(entries)
	if bottom != nil {
		b := len(out) - 1
		for b >= 0 && out[b] == "\t(tailcall): ?" {
			b--
		}
		if b >= 0 && strings.HasSuffix(out[b], " in main chunk") {
			name := "function (anonymous)"
			if f, _ := c.GetInfo("f", bottom, nil); f != nil {
				if fn, ok := f.(*lua.LFunction); ok && !fn.IsG {
					name = fmt.Sprintf("function <%s:%d>", fn.Proto.SourceName, fn.Proto.LineDefined)
				}
			}
			out[b] = strings.TrimSuffix(out[b], " in main chunk") + " in " + name
		}
	}
	if wrapper >= 0 && wrapper < len(out) {
		out = slices.Delete(out, wrapper, wrapper+1)
	}
	return out
}
