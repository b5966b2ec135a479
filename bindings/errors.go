package bindings

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// ErrorType is the registry name of the error objects' metatable.
const ErrorType = "socklab.error"

// PyError is a Python-style exception: the Go side of the error objects
// that bindings raise into Lua (SPEC §3.4).
type PyError struct {
	Kind    string // Python exception name: "ConnectionRefusedError"
	Errno   int    // 0 when the exception has no errno
	Message string
	Where   string     // "script.lua:3", filled in when raised
	Extra   lua.LValue // EOFError: the partial data; SystemExit: the code
}

// String reads like Python's last traceback line:
// "ConnectionRefusedError: [Errno 111] Connection refused".
func (e *PyError) String() string {
	switch {
	case e.Errno != 0:
		return fmt.Sprintf("%s: [Errno %d] %s", e.Kind, e.Errno, e.Message)
	case e.Message != "":
		return e.Kind + ": " + e.Message
	}
	return e.Kind
}

// Error makes a PyError a Go error, reading as String does.
func (e *PyError) Error() string { return e.String() }

// NewError makes a PyError of the given kind.
func NewError(kind, format string, args ...any) *PyError {
	return &PyError{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// errnoKind is the OSError subclass CPython picks for errno.
func errnoKind(errno syscall.Errno) string {
	switch errno {
	case unix.EAGAIN, unix.EALREADY, unix.EINPROGRESS:
		return "BlockingIOError"
	case unix.ECHILD:
		return "ChildProcessError"
	case unix.EPIPE, unix.ESHUTDOWN:
		return "BrokenPipeError"
	case unix.ECONNABORTED:
		return "ConnectionAbortedError"
	case unix.ECONNREFUSED:
		return "ConnectionRefusedError"
	case unix.ECONNRESET:
		return "ConnectionResetError"
	case unix.EEXIST:
		return "FileExistsError"
	case unix.ENOENT:
		return "FileNotFoundError"
	case unix.EISDIR:
		return "IsADirectoryError"
	case unix.ENOTDIR:
		return "NotADirectoryError"
	case unix.EINTR:
		return "InterruptedError"
	case unix.EACCES, unix.EPERM:
		return "PermissionError"
	case unix.ESRCH:
		return "ProcessLookupError"
	case unix.ETIMEDOUT:
		return "TimeoutError"
	}
	return "OSError"
}

// Strerror is the C library's message for errno, as Python prints it.
func Strerror(errno syscall.Errno) string {
	s := errno.Error()
	if s == "" || strings.HasPrefix(s, "errno ") {
		return fmt.Sprintf("Unknown error %d", int(errno))
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ErrnoError is the OSError (or subclass) that CPython raises for errno.
func ErrnoError(errno syscall.Errno) *PyError {
	return &PyError{Kind: errnoKind(errno), Errno: int(errno), Message: Strerror(errno)}
}

// FromGoError turns an error from a system call or the poller into the
// exception Python would raise.
func FromGoError(err error) *PyError {
	var pe *PyError
	var errno syscall.Errno
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &PyError{Kind: "KeyboardInterrupt"}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &PyError{Kind: "TimeoutError", Message: "timed out"}
	case errors.Is(err, os.ErrClosed):
		return ErrnoError(unix.EBADF)
	case errors.As(err, &errno):
		return ErrnoError(errno)
	}
	return &PyError{Kind: "OSError", Message: err.Error()}
}

// Raise raises e in L as an error object; it does not return.
func Raise(L *lua.LState, e *PyError) {
	if e.Where == "" {
		e.Where = Position(L)
	}
	L.Error(ErrorValue(L, e), 0)
}

// RaiseErr raises the Python exception for a Go error.
func RaiseErr(L *lua.LState, err error) {
	Raise(L, FromGoError(err))
}

// Raisef raises a new exception of kind.
func Raisef(L *lua.LState, kind, format string, args ...any) {
	Raise(L, NewError(kind, format, args...))
}

// ErrorValue builds the Lua error object for e: a table with kind, errno,
// message, where (and partial or code) whose tostring is e.String().
func ErrorValue(L *lua.LState, e *PyError) *lua.LTable {
	t := L.CreateTable(0, 6)
	t.RawSetString("kind", lua.LString(e.Kind))
	if e.Errno != 0 {
		t.RawSetString("errno", lua.LNumber(e.Errno))
	}
	t.RawSetString("message", lua.LString(e.Message))
	t.RawSetString("where", lua.LString(e.Where))
	if e.Extra != nil {
		switch e.Kind {
		case "SystemExit":
			t.RawSetString("code", e.Extra)
		default:
			t.RawSetString("partial", e.Extra)
		}
	}
	t.Metatable = L.GetTypeMetatable(ErrorType)
	return t
}

// ErrorFromValue reads an error object back; ok is false for any other
// value (a plain string from error("..."), say).
func ErrorFromValue(v lua.LValue) (*PyError, bool) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, false
	}
	mt, ok := t.Metatable.(*lua.LTable)
	if !ok || mt.RawGetString("__name") != lua.LString(ErrorType) {
		return nil, false
	}
	e := &PyError{
		Kind:    lua.LVAsString(t.RawGetString("kind")),
		Message: lua.LVAsString(t.RawGetString("message")),
		Where:   lua.LVAsString(t.RawGetString("where")),
	}
	if n, ok := t.RawGetString("errno").(lua.LNumber); ok {
		e.Errno = int(n)
	}
	if v := t.RawGetString("code"); v != lua.LNil {
		e.Extra = v
	} else if v := t.RawGetString("partial"); v != lua.LNil {
		e.Extra = v
	}
	return e, true
}

func openErrors(L *lua.LState) {
	mt := L.NewTypeMetatable(ErrorType)
	mt.RawSetString("__name", lua.LString(ErrorType))
	str := func(L *lua.LState) string {
		if e, ok := ErrorFromValue(L.Get(1)); ok {
			return e.String()
		}
		return L.ToStringMeta(L.Get(1)).String()
	}
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(str(L)))
		return 1
	}))
	// "error: " .. e works as it does for string errors.
	mt.RawSetString("__concat", L.NewFunction(func(L *lua.LState) int {
		a, b := L.Get(1), L.Get(2)
		s := func(v lua.LValue) string {
			if e, ok := ErrorFromValue(v); ok {
				return e.String()
			}
			return lua.LVAsString(v)
		}
		L.Push(lua.LString(s(a) + s(b)))
		return 1
	}))
}

// Position is "source:line" of the innermost Lua function on L's stack,
// the line that called the binding; "" when none (a function called
// straight from pcall runs on a state of its own, and the runtime fills
// the position in when pcall returns).
func Position(L *lua.LState) string {
	for level := 1; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return ""
		}
		if _, err := L.GetInfo("Sl", dbg, nil); err == nil && dbg.CurrentLine > 0 {
			return fmt.Sprintf("%s:%d", dbg.Source, dbg.CurrentLine)
		}
	}
}
