package api

import (
	lua "github.com/yuin/gopher-lua"
)

// ErrorType is the registry name of the error objects' metatable.
const ErrorType = "socklab.error"

// Value is the Lua error object for e: a userdata holding e itself, whose
// fields (kind, errno, message, where, and code or e's Attrs) read e and
// whose tostring is e.Error(). e:is(class) is Python's isinstance.
func Value(L *lua.LState, e *Error) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = e
	ud.Metatable = errorMetatable(L)
	return ud
}

// FromValue returns the Error an error object holds; ok is false for any
// other value (a plain string from error("..."), say).
func FromValue(v lua.LValue) (*Error, bool) {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return nil, false
	}
	e, ok := ud.Value.(*Error)
	return e, ok
}

// errorMetatable returns the error objects' metatable, making it in L's
// registry the first time.
func errorMetatable(L *lua.LState) lua.LValue {
	if mt := L.GetTypeMetatable(ErrorType); mt != lua.LNil {
		return mt
	}
	mt := L.NewTypeMetatable(ErrorType)
	mt.RawSetString("__name", lua.LString(ErrorType))
	mt.RawSetString("__index", L.NewFunction(errorIndex))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(errorString(L, L.Get(1))))
		return 1
	}))
	// "error: " .. e works as it does for string errors.
	mt.RawSetString("__concat", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(errorString(L, L.Get(1)) + errorString(L, L.Get(2))))
		return 1
	}))
	return mt
}

func errorString(L *lua.LState, v lua.LValue) string {
	if e, ok := FromValue(v); ok {
		return e.Error()
	}
	if s, ok := v.(lua.LString); ok {
		return string(s)
	}
	return L.ToStringMeta(v).String()
}

// errorIndex reads a field of an error object.
func errorIndex(L *lua.LState) int {
	e, _ := FromValue(L.Get(1))
	if e == nil {
		return 0
	}
	key := L.CheckString(2)
	switch key {
	case "kind":
		L.Push(lua.LString(e.Kind))
	case "errno":
		if e.Errno == 0 {
			return 0
		}
		L.Push(lua.LNumber(e.Errno))
	case "message":
		L.Push(lua.LString(e.Message))
	case "where":
		L.Push(lua.LString(e.Where))
	case "code":
		if e.Kind != SystemExit {
			return 0
		}
		L.Push(lua.LNumber(e.Code))
	case "is":
		L.Push(L.NewFunction(errorIs))
	default:
		v, ok := e.Attrs[key]
		if !ok {
			return 0
		}
		L.Push(goValue(v))
	}
	return 1
}

// errorIs is e:is(class): whether e is an instance of the class named
// class ("OSError", socket.timeout...), subclasses included.
func errorIs(L *lua.LState) int {
	e, ok := FromValue(L.Get(1))
	if !ok {
		SelfError(L, "is", "error object")
	}
	class := Method(L, "is").StrictString(2)
	L.Push(lua.LBool(e.Kind.Subclass(KindOf(class))))
	return 1
}

// goValue is the Lua value of an Attrs value.
func goValue(v any) lua.LValue {
	switch v := v.(type) {
	case string:
		return lua.LString(v)
	case int:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	case bool:
		return lua.LBool(v)
	}
	return lua.LNil
}
