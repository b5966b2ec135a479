package api

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

// Error is a Python-style exception, the one error type of socklab: a
// binding raises it into Lua as an error object that holds it, pcall hands
// that object to the script, and an uncaught one reaches the host, with
// its traceback, as the same *Error (runtime.ScriptError).
type Error struct {
	Kind    Kind
	Errno   int // 0 when the exception has no errno
	Message string
	Where   string // "script.lua:3", filled in when raised
	Code    int    // SystemExit: the exit status
	// Attrs are further fields a script reads: EOFError's partial data
	// (a string), JSONDecodeError's msg, pos, lineno and colno. Values are
	// strings, ints, float64s or bools.
	Attrs map[string]any
	// Frames is the traceback, outermost first, filled in when the error
	// leaves a thread's top-level call.
	Frames []Frame
	// Err is the cause: the errno, context.Canceled, os.ErrDeadlineExceeded...
	Err error
}

// Frame is one Lua call in a traceback.
type Frame struct {
	Source   string // chunk name: the script's file name
	Line     int
	Function string // "main chunk", "function 'f'"
	Text     string // the source line, when known
}

// NewError makes an Error of the given kind.
func NewError(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Error reads like Python's last traceback line:
// "ConnectionRefusedError: [Errno 111] Connection refused". A LuaError or
// SyntaxError is its message alone, as lua.c prints it.
func (e *Error) Error() string {
	switch {
	case e.Kind == LuaError || e.Kind == SyntaxError:
		return e.Message
	case e.Errno != 0:
		return fmt.Sprintf("%s: [Errno %d] %s", e.Kind, e.Errno, e.Message)
	case e.Message != "":
		return string(e.Kind) + ": " + e.Message
	}
	return string(e.Kind)
}

// Unwrap returns the cause, so that errors.Is(err, syscall.ECONNREFUSED)
// and errors.Is(err, context.Canceled) hold for the errors they caused.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, api.OSError) hold for every OSError, subclasses
// included, as Python's except OSError catches them.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && e.Kind.Subclass(k)
}

// Error makes a Kind an error value that errors.Is matches by class.
func (k Kind) Error() string { return string(k) }

// Traceback is the text printed for an uncaught error: the frames, most
// recent call last, then the error.
func (e *Error) Traceback() string {
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

// errnoKind is the OSError subclass CPython picks for errno.
func errnoKind(errno syscall.Errno) Kind {
	switch errno {
	case unix.EAGAIN, unix.EALREADY, unix.EINPROGRESS:
		return BlockingIOError
	case unix.ECHILD:
		return ChildProcessError
	case unix.EPIPE, unix.ESHUTDOWN:
		return BrokenPipeError
	case unix.ECONNABORTED:
		return ConnectionAbortedError
	case unix.ECONNREFUSED:
		return ConnectionRefusedError
	case unix.ECONNRESET:
		return ConnectionResetError
	case unix.EEXIST:
		return FileExistsError
	case unix.ENOENT:
		return FileNotFoundError
	case unix.EISDIR:
		return IsADirectoryError
	case unix.ENOTDIR:
		return NotADirectoryError
	case unix.EINTR:
		return InterruptedError
	case unix.EACCES, unix.EPERM:
		return PermissionError
	case unix.ESRCH:
		return ProcessLookupError
	case unix.ETIMEDOUT:
		return TimeoutError
	}
	return OSError
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
func ErrnoError(errno syscall.Errno) *Error {
	return &Error{Kind: errnoKind(errno), Errno: int(errno), Message: Strerror(errno), Err: errno}
}

// Interrupt is the KeyboardInterrupt for a context that ended with err.
func Interrupt(err error) *Error {
	return &Error{Kind: KeyboardInterrupt, Err: err}
}

// FromGoError turns an error from a system call or the poller into the
// exception Python would raise, keeping err as its cause.
func FromGoError(err error) *Error {
	var e *Error
	var errno syscall.Errno
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Interrupt(err)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &Error{Kind: TimeoutError, Message: "timed out", Err: err}
	case errors.Is(err, os.ErrClosed):
		e = ErrnoError(unix.EBADF)
		e.Err = err
		return e
	case errors.As(err, &errno):
		e = ErrnoError(errno)
		e.Err = err
		return e
	}
	return &Error{Kind: OSError, Message: err.Error(), Err: err}
}

// Raise raises e in L as an error object; it does not return.
func Raise(L *lua.LState, e *Error) {
	if e.Where == "" {
		e.Where = Position(L)
	}
	L.Error(Value(L, e), 0)
}

// RaiseErr raises the Python exception for a Go error.
func RaiseErr(L *lua.LState, err error) {
	Raise(L, FromGoError(err))
}

// Raisef raises a new exception of kind.
func Raisef(L *lua.LState, kind Kind, format string, args ...any) {
	Raise(L, NewError(kind, format, args...))
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
