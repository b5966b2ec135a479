// Package bindings holds the Lua modules that socklab preloads: socket,
// struct, time, threading, queue, select, json and the globals (input,
// repr, hexdump, string encode/decode). Each module is one Module value: a
// table of functions and methods with their docs beside them, so the
// REPL's help and completion read the same source as the loader; Open
// loads them in the order of the one list in this file.
package bindings

import (
	"fmt"
	"slices"
	"strings"

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

// modules are the modules Open loads, in the order it loads them, listed
// here as gopher-lua's linit.go lists its libraries: a module is defined
// in its own file, and registered nowhere else. Never written.
var modules = [...]*Module{
	&socketModule,
	&structModule,
	&timeModule,
	&threadingModule,
	&queueModule,
	&selectModule,
	&jsonModule,
	&globalsModule,
}

// Modules returns the modules Open loads, in order.
func Modules() []*Module { return slices.Clone(modules[:]) }

// Lookup returns the module named name, or nil.
func Lookup(name string) *Module {
	for _, m := range modules {
		if m.Name == name {
			return m
		}
	}
	return nil
}

const hostKey = "socklab.host"

// Open makes every module available in L: module tables become globals and
// package.preload entries, "_G" functions become globals. Each Type's
// metatable is made when the first object of the type is (typeMetatable):
// most scripts use few of them. h is stored in the registry for the
// functions to reach through hostOf.
func Open(L *lua.LState, h Host) {
	ud := L.NewUserData()
	ud.Value = h
	L.SetField(L.Get(lua.RegistryIndex), hostKey, ud)
	docs := openHelp(L, modules[:])
	openErrors(L)
	for _, m := range modules {
		var state []lua.LValue // the functions' upvalue
		if m.State != nil {
			ud := L.NewUserData()
			ud.Value = m.State()
			state = append(state, ud)
		}
		if m.Name == "_G" {
			for _, f := range m.Funcs {
				L.SetGlobal(f.Name, docs.function(L, f.Name, f, state...))
			}
			if m.Init != nil {
				m.Init(L, L.G.Global)
			}
			continue
		}
		mod := L.CreateTable(0, len(m.Funcs))
		for _, f := range m.Funcs {
			mod.RawSetString(f.Name, docs.function(L, m.Name+"."+f.Name, f, state...))
		}
		if m.Init != nil {
			m.Init(L, mod)
		}
		L.SetGlobal(m.Name, mod)
		L.PreloadModule(m.Name, func(L *lua.LState) int {
			L.Push(mod)
			return 1
		})
	}
}

// typeMetatable returns the metatable of the registered type name,
// making it on first use from the Type of a module Open loaded; LNil for a
// name that no module declares.
func typeMetatable(L *lua.LState, name string) lua.LValue {
	if mt := L.GetTypeMetatable(name); mt != lua.LNil {
		return mt
	}
	docs := docsOf(L)
	if docs == nil {
		return lua.LNil
	}
	for _, m := range docs.modules {
		for _, t := range m.Types {
			if t.Name == name {
				registerType(L, t, docs)
				return L.GetTypeMetatable(name)
			}
		}
	}
	return lua.LNil
}

func registerType(L *lua.LState, t *Type, docs *docIndex) {
	mt := L.NewTypeMetatable(t.Name)
	methods := L.NewTable()
	for _, f := range t.Methods {
		methods.RawSetString(f.Name, docs.function(L, t.Name+"."+f.Name, f))
	}
	// For the REPL's completion after ":".
	mt.RawSetString(MethodsField, methods)
	for name, fn := range t.Meta {
		if name != "__index" {
			mt.RawSetString(name, L.NewFunction(Protect(name, fn)))
		}
	}
	if fields, ok := t.Meta["__index"]; ok {
		// Methods first, then the type's own fields.
		mt.RawSetString("__index", L.NewFunction(Protect("__index", func(L *lua.LState) int {
			key := L.Get(2)
			if m := methods.RawGet(key); m != lua.LNil {
				L.Push(m)
				return 1
			}
			if name, ok := key.(lua.LString); ok && slices.Contains(t.Fields, string(name)) {
				return fields(L)
			}
			attributeError(L, t, key)
			return 0
		})))
		return
	}
	mt.RawSetString("__index", methods)
	if len(t.Methods) > 0 {
		miss := L.NewTable()
		miss.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
			attributeError(L, t, L.Get(2))
			return 0
		}))
		methods.Metatable = miss
	}
}

// attributeError raises Python's AttributeError for a name that objects of
// type t do not have, suggesting the nearest of their names.
func attributeError(L *lua.LState, t *Type, key lua.LValue) {
	class := t.Name[strings.LastIndexByte(t.Name, '.')+1:]
	name, isName := key.(lua.LString)
	if !isName {
		Raisef(L, "AttributeError", "'%s' object has no attribute %s", class, key)
	}
	names := slices.Clone(t.Fields)
	for _, f := range t.Methods {
		names = append(names, f.Name)
	}
	msg := fmt.Sprintf("'%s' object has no attribute '%s'", class, name)
	if near := suggestion(string(name), names); near != "" {
		msg += fmt.Sprintf(". Did you mean: '%s'?", near)
	}
	Raisef(L, "AttributeError", "%s", msg)
}

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
				Raise(L, &PyError{Kind: "SystemError", Message: fmt.Sprintf("internal error in %s: %v", name, r)})
			}
		}()
		return fn(L)
	}
}

// moduleState returns the value Module.State made for this runtime, from
// the running function's upvalue; the zero T when the function has none.
func moduleState[T any](L *lua.LState) T {
	v, _ := L.Get(lua.UpvalueIndex(1)).(*lua.LUserData)
	if v == nil {
		var zero T
		return zero
	}
	t, _ := v.Value.(T)
	return t
}

// hostOf returns the Host that Open stored in L's registry.
func hostOf(L *lua.LState) Host {
	ud, ok := L.GetField(L.Get(lua.RegistryIndex), hostKey).(*lua.LUserData)
	if !ok {
		L.RaiseError("socklab: no host in this Lua state")
	}
	return ud.Value.(Host)
}

// argError raises Lua's "bad argument #n to 'name' (msg)" at the calling
// line. For methods n does not count the receiver, as Lua 5.1 reports
// them: the stack index minus one.
func argError(L *lua.LState, n int, name, msg string) {
	text := fmt.Sprintf("bad argument #%d to '%s' (%s)", n, name, msg)
	if where := Position(L); where != "" {
		text = where + ": " + text
	}
	L.Error(lua.LString(text), 0)
}

// newObject wraps v as a userdata of the registered type typeName.
func newObject(L *lua.LState, typeName string, v any) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = v
	ud.Metatable = typeMetatable(L, typeName)
	return ud
}

// checkSelf returns the receiver of method fname, which must hold a T,
// or raises the error for a call without a colon.
func checkSelf[T any](L *lua.LState, fname, want string) T {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if v, ok := ud.Value.(T); ok {
			return v
		}
	}
	selfError(L, fname, want)
	var zero T
	return zero
}

// selfError raises the error for a method called on something that is not
// its object, most often the Python habit sk.bind(...) for sk:bind(...).
func selfError(L *lua.LState, fname, want string) {
	argError(L, 1, fname, fmt.Sprintf("%s expected, got %s; call methods with a colon: x:%s(...)", want, typeNameAt(L, 1), fname))
}

// typeName is the Lua type name of a value, as messages print it.
func typeName(v lua.LValue) string { return v.Type().String() }
