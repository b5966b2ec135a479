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

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// modules are the modules Open loads, in the order it loads them, listed
// here as gopher-lua's linit.go lists its libraries: a module is defined
// in its own file, and registered nowhere else. Never written.
var modules = [...]*api.Module{
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
func Modules() []*api.Module { return slices.Clone(modules[:]) }

// Lookup returns the module named name, or nil.
func Lookup(name string) *api.Module {
	for _, m := range modules {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Open makes every module available in L: module tables become globals and
// package.preload entries, "_G" functions become globals. Each Type's
// metatable is made when the first object of the type is (typeMetatable):
// most scripts use few of them. h is stored in the registry for the
// functions to reach through api.HostOf.
func Open(L *lua.LState, h api.Host) {
	api.Install(L, h)
	docs := openHelp(L, modules[:])
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

func registerType(L *lua.LState, t *api.Type, docs *docIndex) {
	mt := L.NewTypeMetatable(t.Name)
	methods := L.NewTable()
	for _, f := range t.Methods {
		methods.RawSetString(f.Name, docs.function(L, t.Name+"."+f.Name, f))
	}
	// For the REPL's completion after ":".
	mt.RawSetString(api.MethodsField, methods)
	for name, fn := range t.Meta {
		if name != "__index" {
			mt.RawSetString(name, L.NewFunction(api.Protect(name, fn)))
		}
	}
	if fields, ok := t.Meta["__index"]; ok {
		// Methods first, then the type's own fields.
		mt.RawSetString("__index", L.NewFunction(api.Protect("__index", func(L *lua.LState) int {
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
func attributeError(L *lua.LState, t *api.Type, key lua.LValue) {
	class := t.Name[strings.LastIndexByte(t.Name, '.')+1:]
	name, isName := key.(lua.LString)
	if !isName {
		api.Raisef(L, api.AttributeError, "'%s' object has no attribute %s", class, key)
	}
	names := slices.Clone(t.Fields)
	for _, f := range t.Methods {
		names = append(names, f.Name)
	}
	msg := fmt.Sprintf("'%s' object has no attribute '%s'", class, name)
	if near := suggestion(string(name), names); near != "" {
		msg += fmt.Sprintf(". Did you mean: '%s'?", near)
	}
	api.Raisef(L, api.AttributeError, "%s", msg)
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

// newObject wraps v as a userdata of the registered type typeName.
func newObject(L *lua.LState, typeName string, v any) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = v
	ud.Metatable = typeMetatable(L, typeName)
	return ud
}

// typeName is the Lua type name of a value, as messages print it.
func typeName(v lua.LValue) string { return v.Type().String() }
