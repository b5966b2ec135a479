package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// ScriptError is how a script's failure reaches the host: an uncaught
// error, a cancellation (Kind api.KeyboardInterrupt) or os.exit (Kind
// api.SystemExit, with Code). It is the very error object the script
// raised: one type from raise to traceback, whose Unwrap is the cause,
// so that errors.Is(err, context.Canceled) and errors.Is(err,
// syscall.ECONNREFUSED) hold, and errors.Is(err, api.OSError) matches
// every OSError as Python's except OSError does. Kind is "LuaError" for
// an error raised with a plain value, "SyntaxError" for a script that
// does not compile.
type ScriptError = api.Error

// Frame is one Lua call in a ScriptError's traceback, outermost first.
type Frame = api.Frame

// traceHandler is the message handler of every top-level protected call:
// it runs where the error was raised, with the stack still there, and
// turns the error value into a *ScriptError with its frames.
func (rt *Runtime) traceHandler(L *lua.LState) int {
	serr := rt.scriptError(L, L.Get(1))
	serr.Frames = nil // an object raised again (the REPL keeps values) gets the new frames
	for level := 1; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("nSl", dbg, nil); err != nil || dbg.What == "G" || dbg.CurrentLine < 0 {
			continue
		}
		f := Frame{Source: dbg.Source, Line: dbg.CurrentLine, Function: "function '" + dbg.Name + "'"}
		if dbg.What == "main" {
			f.Function = "main chunk"
		} else if dbg.Name == "" || dbg.Name == "?" {
			f.Function = fmt.Sprintf("function <%s:%d>", dbg.Source, dbg.LineDefined)
		}
		if lines := rt.sources[dbg.Source]; dbg.CurrentLine > 0 && dbg.CurrentLine <= len(lines) {
			f.Text = strings.TrimSpace(lines[dbg.CurrentLine-1])
		}
		serr.Frames = append(serr.Frames, f)
	}
	// Outermost first, as Python prints.
	for i, j := 0, len(serr.Frames)-1; i < j; i, j = i+1, j-1 {
		serr.Frames[i], serr.Frames[j] = serr.Frames[j], serr.Frames[i]
	}
	if serr.Where == "" && len(serr.Frames) > 0 {
		last := serr.Frames[len(serr.Frames)-1]
		serr.Where = fmt.Sprintf("%s:%d", last.Source, last.Line)
	}
	closeUpvalues(L)
	ud := L.NewUserData()
	ud.Value = serr
	L.Push(ud)
	return 1
}

// scriptError is the error for a raised Lua value: the error object's
// own Error, or a KeyboardInterrupt when L's context has ended, or a
// LuaError for any other value.
func (rt *Runtime) scriptError(L *lua.LState, v lua.LValue) *ScriptError {
	if e, ok := api.FromValue(v); ok {
		return e
	}
	if e := interrupted(L, v); e != nil {
		return e
	}
	return &ScriptError{Kind: api.LuaError, Message: L.ToStringMeta(v).String()}
}

// interrupted is the KeyboardInterrupt that v stands for when L's
// context has ended: gopher-lua then stops the state by raising a string
// (the context's error, with a position). Any string raised once the
// context has ended is taken as that interrupt, whatever its text: the
// program is being stopped, as Python's pending KeyboardInterrupt wins.
func interrupted(L *lua.LState, v lua.LValue) *api.Error {
	ctx := L.Context()
	if ctx == nil || ctx.Err() == nil {
		return nil
	}
	if _, ok := v.(lua.LString); !ok {
		return nil
	}
	e := api.Interrupt(context.Cause(ctx))
	e.Where = api.Position(L)
	return e
}

// exitCode is the process status for os.exit's argument.
func exitCode(v lua.LValue) int {
	switch v := v.(type) {
	case lua.LNumber:
		return int(v)
	case lua.LBool:
		if v {
			return 0
		}
		return 1
	}
	return 0
}

// callTraced calls the function below nargs arguments on L's stack with
// the traceback handler, keeping nret results, and returns the failure,
// if any.
func (rt *Runtime) callTraced(L *lua.LState, nargs, nret int) *ScriptError {
	if rt.handler == nil {
		rt.handler = L.NewFunction(rt.traceHandler)
	}
	if err := L.PCall(nargs, nret, rt.handler); err != nil {
		return rt.callFailed(L, err)
	}
	return nil
}

// callFailed is callTraced's failure, apart so that callTraced's frame,
// under every frame of a thread, stays small.
func (rt *Runtime) callFailed(L *lua.LState, err error) *ScriptError {
	var apiErr *lua.ApiError
	if errors.As(err, &apiErr) {
		if ud, ok := apiErr.Object.(*lua.LUserData); ok {
			if serr, ok := ud.Value.(*ScriptError); ok {
				return serr
			}
		}
		if apiErr.Type == lua.ApiErrorPanic {
			return &ScriptError{Kind: api.SystemError, Message: "internal error: " + apiErr.Error(), Err: apiErr}
		}
		return rt.scriptError(L, apiErr.Object)
	}
	return &ScriptError{Kind: api.SystemError, Message: err.Error(), Err: err}
}
