package api

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Args reads the arguments of one call of a binding and raises Lua's
// "bad argument #n to 'name' (...)" for a wrong one, as a TypeError (or
// ValueError) object like every other error. Indexes are stack indexes;
// a method's receiver, at index 1, is not counted in the message, as Lua
// 5.1 counts: s:recv("x") is "bad argument #1 to 'recv'".
type Args struct {
	L    *lua.LState
	Name string // the function's name as messages print it: "recv"
	Self bool   // index 1 is the receiver
}

// Method reads the arguments of method name: index 2 is argument #1.
func Method(L *lua.LState, name string) Args { return Args{L: L, Name: name, Self: true} }

// Function reads the arguments of a module function: index 1 is #1.
func Function(L *lua.LState, name string) Args { return Args{L: L, Name: name} }

// Error raises the TypeError "bad argument #n to 'name' (msg)" for the
// argument at stack index n.
func (a Args) Error(n int, msg string) {
	if a.Self {
		n--
	}
	Raisef(a.L, TypeError, "bad argument #%d to '%s' (%s)", n, a.Name, msg)
}

// expected raises the error for the argument at n that is not a what.
func (a Args) expected(n int, what string) {
	a.Error(n, what+" expected, got "+TypeNameAt(a.L, n))
}

// Int reads the integer at n; a numeric string is taken as Lua takes it,
// and a number with a fraction raises TypeError, as Python does for
// recv(1.5), where Lua 5.1 would truncate it silently.
func (a Args) Int(n int) int {
	switch v := a.L.Get(n).(type) {
	case lua.LNumber:
		return Integral(a.L, float64(v))
	case lua.LString:
		if f, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64); err == nil {
			return Integral(a.L, f)
		}
	}
	a.expected(n, "number")
	return 0
}

// OptInt is Int with def for nil or no value.
func (a Args) OptInt(n, def int) int {
	if a.L.Get(n) == lua.LNil {
		return def
	}
	return a.Int(n)
}

// Number reads the number at n (a numeric string too).
func (a Args) Number(n int) float64 {
	switch v := a.L.Get(n).(type) {
	case lua.LNumber:
		return float64(v)
	case lua.LString:
		if f, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64); err == nil {
			return f
		}
	}
	a.expected(n, "number")
	return 0
}

// String reads the string at n; a number is taken as its text, as Lua
// takes it.
func (a Args) String(n int) string {
	switch v := a.L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	}
	a.expected(n, "string")
	return ""
}

// OptString is String with def for nil or no value.
func (a Args) OptString(n int, def string) string {
	if a.L.Get(n) == lua.LNil {
		return def
	}
	return a.String(n)
}

// StrictString reads the string at n, taking no number: where Python
// wants bytes or str and would not take an int.
func (a Args) StrictString(n int) string {
	s, ok := a.L.Get(n).(lua.LString)
	if !ok {
		a.expected(n, "string")
	}
	return string(s)
}

// Table reads the table at n.
func (a Args) Table(n int) *lua.LTable {
	t, ok := a.L.Get(n).(*lua.LTable)
	if !ok {
		a.expected(n, "table")
	}
	return t
}

// OptBool reads an optional boolean: nil (or none) is def.
func (a Args) OptBool(n int, def bool) bool {
	switch v := a.L.Get(n).(type) {
	case *lua.LNilType:
		return def
	case lua.LBool:
		return bool(v)
	}
	a.expected(n, "boolean")
	return def
}

// OptSeconds reads an optional timeout in seconds: ok is false for nil.
// NaN raises ValueError, as Python's does.
func (a Args) OptSeconds(n int) (secs float64, ok bool) {
	switch v := a.L.Get(n).(type) {
	case *lua.LNilType:
		return 0, false
	case lua.LNumber:
		if math.IsNaN(float64(v)) {
			Raisef(a.L, ValueError, "Invalid value NaN (not a number)")
		}
		return float64(v), true
	}
	a.expected(n, "number or nil")
	return 0, false
}

// Integral is f as an int; a number with a fraction (or not finite)
// raises Python's TypeError.
func Integral(L *lua.LState, f float64) int {
	if f != math.Trunc(f) || math.IsInf(f, 0) {
		Raisef(L, TypeError, "'float' object cannot be interpreted as an integer")
	}
	return int(f)
}

// Self returns the receiver of method name, which must hold a T (a want,
// as the message names it), or raises the error for a call without a
// colon, most often the Python habit sk.bind(...) for sk:bind(...).
func Self[T any](L *lua.LState, name, want string) T {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if v, ok := ud.Value.(T); ok {
			return v
		}
	}
	SelfError(L, name, want)
	var zero T
	return zero
}

// SelfError raises the error for method name called on something that is
// not a want.
func SelfError(L *lua.LState, name, want string) {
	Function(L, name).Error(1, fmt.Sprintf("%s expected, got %s; call methods with a colon: x:%s(...)", want, TypeNameAt(L, 1), name))
}

// TypeNameAt is the Lua type name of the value at stack index n, or "no
// value" past the top, as Lua's messages print them.
func TypeNameAt(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return L.Get(n).Type().String()
}
