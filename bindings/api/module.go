package api

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// Func is one Lua-callable function or method with its documentation.
// Doc's first line is the call signature; a line starting "Python:" names
// the Python equivalent.
type Func struct {
	Name string
	Doc  string
	Fn   lua.LGFunction
}

// Type is a userdata type: its metatable is registered in the registry
// under Name (never as a global) and its methods are reached through
// __index.
type Type struct {
	Name    string // registry name of the metatable, e.g. "socket.socket"
	Doc     string
	Methods []Func
	// Meta holds extra metamethods (__tostring, __eq, __index for fields).
	// An __index here is called for the names in Fields.
	Meta map[string]lua.LGFunction
	// Fields are the names Meta's __index serves. Any other name that is
	// not a method raises AttributeError, as Python does, with the
	// nearest name as a suggestion (s:sendAll -> Did you mean: 'sendall'?).
	Fields []string
}

// Module is one Lua module.
type Module struct {
	Name  string // the global and require() name; "_G" for the globals
	Doc   string
	Funcs []Func
	Types []*Type
	// Init fills in what is not a function (constants, sub-tables) after
	// the functions are set. It may be nil.
	Init func(L *lua.LState, mod *lua.LTable)
	// State, when set, makes the module's own value for one runtime (a
	// cache, say): Open calls it once per Lua state and gives the result
	// to every function in Funcs as its upvalue, where moduleState finds
	// it without a lookup.
	State func() any
}

// MethodsField is the metatable field that holds a type's methods table,
// where the REPL's completion after ":" finds them.
const MethodsField = "__methods"

// Protect makes a Go panic in fn a Lua error (SystemError) instead of a
// crash; Lua's own errors, which gopher-lua raises as panics of
// *lua.ApiError, pass through.
func Protect(name string, fn lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(*lua.ApiError); ok {
					panic(r)
				}
				Raise(L, &Error{Kind: SystemError, Message: fmt.Sprintf("internal error in %s: %v", name, r)})
			}
		}()
		return fn(L)
	}
}
