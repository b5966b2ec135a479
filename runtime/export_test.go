package runtime

import lua "github.com/yuin/gopher-lua"

// SetGlobalFunc makes fn the global name in rt's Lua state, as a plain
// gopher-lua function: for benchmarks of the interpreter's own call cost.
func SetGlobalFunc(rt *Runtime, name string, fn lua.LGFunction) {
	rt.ls.SetGlobal(name, rt.ls.NewFunction(fn))
}
