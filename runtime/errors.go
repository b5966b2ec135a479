package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/socklab/socklab/bindings"
	lua "github.com/yuin/gopher-lua"
)

// ScriptError is how a script's failure reaches the host: an uncaught
// error, a cancellation (Kind "KeyboardInterrupt") or os.exit (Kind
// "SystemExit", with Code).
type ScriptError struct {
	// Kind is the Python exception name ("ConnectionRefusedError"), or
	// "LuaError" for an error raised with a plain value, "SyntaxError"
	// for a script that does not compile.
	Kind    string
	Errno   int // 0 when none
	Message string
	Where   string // "script.lua:3" where it was raised, when known
	Code    int    // the exit status for SystemExit
	Frames  []Frame
}

// Frame is one Lua call in a traceback, outermost first.
type Frame struct {
	Source   string // chunk name: the script's file name
	Line     int
	Function string // "main chunk", "function 'f'"
	Text     string // the source line, when known
}

// Error reads like Python's last traceback line.
func (e *ScriptError) Error() string {
	switch {
	case e.Kind == "LuaError" || e.Kind == "SyntaxError":
		return e.Message
	case e.Errno != 0:
		return fmt.Sprintf("%s: [Errno %d] %s", e.Kind, e.Errno, e.Message)
	case e.Message != "":
		return e.Kind + ": " + e.Message
	}
	return e.Kind
}

// Traceback is the text printed for an uncaught error: the frames, most
// recent call last, then the error.
func (e *ScriptError) Traceback() string {
	var b strings.Builder
	if len(e.Frames) > 0 {
		b.WriteString("Traceback (most recent call last):\n")
		for _, f := range e.Frames {
			fmt.Fprintf(&b, "  %s:%d: in %s\n", f.Source, f.Line, f.Function)
			if f.Text != "" {
				fmt.Fprintf(&b, "    %s\n", f.Text)
			}
		}
	}
	b.WriteString(e.Error())
	b.WriteString("\n")
	return b.String()
}

// traceHandler is the message handler of every top-level protected call:
// it runs where the error was raised, with the stack still there, and
// turns the error value into a *ScriptError with its frames.
func (rt *Runtime) traceHandler(L *lua.LState) int {
	serr := rt.scriptError(L, L.Get(1))
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

// scriptError converts a raised Lua value into a ScriptError.
func (rt *Runtime) scriptError(L *lua.LState, v lua.LValue) *ScriptError {
	if e := interrupted(L, v); e != nil {
		v = bindings.ErrorValue(L, e)
	}
	if e, ok := bindings.ErrorFromValue(v); ok {
		serr := &ScriptError{Kind: e.Kind, Errno: e.Errno, Message: e.Message, Where: e.Where}
		if e.Kind == "SystemExit" {
			serr.Code = exitCode(e.Extra)
		}
		return serr
	}
	return &ScriptError{Kind: "LuaError", Message: L.ToStringMeta(v).String()}
}

// interrupted reports the KeyboardInterrupt that v stands for when L's
// context has ended: gopher-lua raises the context's error as a string.
func interrupted(L *lua.LState, v lua.LValue) *bindings.PyError {
	ctx := L.Context()
	if ctx == nil || ctx.Err() == nil {
		return nil
	}
	s, ok := v.(lua.LString)
	if !ok {
		return nil
	}
	if strings.HasSuffix(string(s), context.Canceled.Error()) || strings.HasSuffix(string(s), context.DeadlineExceeded.Error()) {
		return &bindings.PyError{Kind: "KeyboardInterrupt", Where: strings.TrimSuffix(strings.TrimSuffix(string(s), ctx.Err().Error()), ": ")}
	}
	return nil
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
			return &ScriptError{Kind: "SystemError", Message: "internal error: " + apiErr.Error()}
		}
		return rt.scriptError(L, apiErr.Object)
	}
	return &ScriptError{Kind: "SystemError", Message: err.Error()}
}
