package runtime

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/socklab/socklab/bindings"
	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// openLibs loads the bindings and replaces the parts of gopher-lua's
// standard library that would reach past the host: print, and io.write
// and io.read on the default files, use Options.Stdout and the host's
// stdin, os.exit unwinds instead of ending the process, pcall/xpcall run
// on child states (and debug.traceback sees through them), and the
// pattern functions and table.concat run in linear time.
func (rt *Runtime) openLibs() {
	L := rt.ls
	bindings.Open(L, host{rt})
	openStringLib(L)
	L.SetGlobal("print", L.NewFunction(rt.print))
	rt.errorFn = L.NewFunction(luaError)
	L.SetGlobal("error", rt.errorFn)
	L.SetGlobal("pcall", L.NewFunction(rt.pcall))
	L.SetGlobal("xpcall", L.NewFunction(rt.xpcall))
	if io, ok := L.GetGlobal("io").(*lua.LTable); ok {
		rt.openIO(L, io)
	}
	if dbg, ok := L.GetGlobal("debug").(*lua.LTable); ok {
		if tb, ok := dbg.RawGetString("traceback").(*lua.LFunction); ok && tb.IsG {
			orig := tb.GFunction
			dbg.RawSetString("traceback", L.NewFunction(func(L *lua.LState) int {
				return rt.traceback(L, orig)
			}))
		}
	}
	if m, ok := L.GetGlobal("math").(*lua.LTable); ok {
		// gopher-lua's math.huge is the largest double, not infinity.
		m.RawSetString("huge", lua.LNumber(math.Inf(1)))
	}
	exit := L.NewFunction(osExit)
	if os, ok := L.GetGlobal("os").(*lua.LTable); ok {
		os.RawSetString("exit", exit)
	}
	L.SetGlobal("exit", exit) // Python's exit(), handy at the prompt
}

// print writes its arguments, tostring'ed and tab-separated, in one Write.
func (rt *Runtime) print(L *lua.LState) int {
	var b strings.Builder
	for i := 1; i <= L.GetTop(); i++ {
		if i > 1 {
			b.WriteByte('\t')
		}
		b.WriteString(L.ToStringMeta(L.Get(i)).String())
	}
	b.WriteByte('\n')
	io.WriteString(rt.stdout, b.String())
	return 0
}

// gopher-lua v1.1.2's io functions share one upvalue, a table holding the
// default output and input files (io.output(), io.input()) at these
// indexes.
const (
	ioDefaultOut = 1
	ioDefaultIn  = 2
)

// openIO makes io.write and io.read use the host's stdout and stdin while
// the default file is io.stdout or io.stdin, and gopher-lua's own once a
// script has set another (io.output(file)), as under plain gopher-lua.
// The replacements share the upvalue of gopher-lua's functions, so that
// those run in the replacements' frames, with the same error messages.
// Should gopher-lua's io table look otherwise, io.write and io.read are
// the host's only, and the io tests say so.
func (rt *Runtime) openIO(L *lua.LState, iot *lua.LTable) {
	write, _ := iot.RawGetString("write").(*lua.LFunction)
	read, _ := iot.RawGetString("read").(*lua.LFunction)
	stdout, stdin := iot.RawGetString("stdout"), iot.RawGetString("stdin")
	var defaults *lua.LTable
	if write != nil && read != nil && write.IsG && read.IsG && len(write.Upvalues) == 1 {
		defaults, _ = write.Upvalues[0].Value().(*lua.LTable)
	}
	if defaults == nil || defaults.RawGetInt(ioDefaultOut) != stdout || defaults.RawGetInt(ioDefaultIn) != stdin {
		iot.RawSetString("write", L.NewFunction(rt.ioWrite))
		iot.RawSetString("read", L.NewFunction(rt.ioRead))
		return
	}
	fileWrite, fileRead := write.GFunction, read.GFunction
	iot.RawSetString("write", L.NewClosure(func(L *lua.LState) int {
		if defaults.RawGetInt(ioDefaultOut) != stdout {
			return fileWrite(L)
		}
		return rt.ioWrite(L)
	}, defaults))
	iot.RawSetString("read", L.NewClosure(func(L *lua.LState) int {
		if defaults.RawGetInt(ioDefaultIn) != stdin {
			return fileRead(L)
		}
		return rt.ioRead(L)
	}, defaults))
}

// ioWrite is io.write on the host's stdout. It takes and returns what
// gopher-lua's does: strings and numbers, true.
func (rt *Runtime) ioWrite(L *lua.LState) int {
	var b strings.Builder
	for i := 1; i <= L.GetTop(); i++ {
		L.CheckTypes(i, lua.LTNumber, lua.LTString)
		b.WriteString(lua.LVAsString(L.Get(i)))
	}
	io.WriteString(rt.stdout, b.String())
	L.Push(lua.LTrue)
	return 1
}

// ioRead is io.read() on the host's stdin: a line ("l", "*l", "L"),
// a number ("n") or everything left ("a").
func (rt *Runtime) ioRead(L *lua.LState) int {
	format := strings.TrimPrefix(L.OptString(1, "l"), "*")
	switch format {
	case "l", "L", "n":
		line, err := rt.readLine(L.Context(), "")
		if err == io.EOF {
			L.Push(lua.LNil)
			return 1
		} else if err != nil {
			api.RaiseErr(L, err)
		}
		switch format {
		case "L":
			line += "\n"
		case "n":
			if n, err := parseNumber(line); err == nil {
				L.Push(n)
				return 1
			}
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LString(line))
	case "a":
		var b strings.Builder
		for {
			line, err := rt.readLine(L.Context(), "")
			if err != nil {
				if err != io.EOF {
					api.RaiseErr(L, err)
				}
				break
			}
			b.WriteString(line + "\n")
		}
		L.Push(lua.LString(b.String()))
	default:
		L.ArgError(1, "invalid format")
	}
	return 1
}

func parseNumber(s string) (lua.LNumber, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return lua.LNumber(f), err
}

// luaError is Lua's error(v [, level]): gopher-lua's own puts a level-2
// message one level too deep, at the function that called error instead
// of its caller.
func luaError(L *lua.LState) int {
	v := L.Get(1)
	level := L.OptInt(2, 1)
	if s, ok := v.(lua.LString); ok && level > 0 {
		if dbg, ok := L.GetStack(level); ok {
			if _, err := L.GetInfo("Sl", dbg, nil); err == nil && dbg.CurrentLine > 0 {
				v = lua.LString(fmt.Sprintf("%s:%d: %s", dbg.Source, dbg.CurrentLine, s))
			}
		}
	}
	L.Error(v, 0)
	return 0
}

// osExit raises SystemExit, which unwinds to the runtime like Python's
// sys.exit; gopher-lua's own os.exit would end the host process.
func osExit(L *lua.LState) int {
	api.Raise(L, &api.Error{Kind: api.SystemExit, Code: exitCode(L.Get(1))})
	return 0
}
