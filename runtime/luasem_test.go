package runtime_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/runtime"
	lua "github.com/yuin/gopher-lua"
)

// Where socklab replaces a gopher-lua function, scripts must see what
// plain gopher-lua gives them. Each case is a script that leaves its
// result in the global got; it runs under plain gopher-lua (the
// reference) and under socklab, and the two must agree. $DIR in a script
// is a new empty directory for each of the two runs, so that neither sees
// the other's files.

// plainGot runs src, named test.lua, in a plain gopher-lua state and
// returns tostring(got).
func plainGot(t *testing.T, src string) string {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	fn, err := L.Load(strings.NewReader(src), "test.lua")
	if err != nil {
		t.Fatalf("plain gopher-lua: %v", err)
	}
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		t.Fatalf("plain gopher-lua: %v", err)
	}
	return L.ToStringMeta(L.GetGlobal("got")).String()
}

// socklabGot runs src, named test.lua, under socklab and returns
// tostring(got), printed after the script's last line (so that line
// numbers are the same as plainGot's).
func socklabGot(t *testing.T, src string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	rt := runtime.New(runtime.Options{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader("")})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	marker := "<<got>>"
	if err := rt.RunString(ctx, "test.lua", src+"\nprint("+fmt.Sprintf("%q", marker)+" .. tostring(got))"); err != nil {
		t.Fatalf("socklab: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	s := out.String()
	i := strings.LastIndex(s, marker)
	if i < 0 {
		t.Fatalf("socklab printed no result:\n%s", s)
	}
	return strings.TrimSuffix(s[i+len(marker):], "\n")
}

type semCase struct{ name, src string }

func compareWithGopherLua(t *testing.T, cases []semCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			want := plainGot(t, strings.ReplaceAll(c.src, "$DIR", t.TempDir()))
			if got := socklabGot(t, strings.ReplaceAll(c.src, "$DIR", t.TempDir())); got != want {
				t.Errorf("socklab:\n%s\nplain gopher-lua:\n%s", got, want)
			}
		})
	}
}

// io.write and io.read use the file io.output(f) and io.input(f) set, as
// in gopher-lua; on the default files (io.stdout, io.stdin) they are the
// host's, an intended deviation, with gopher-lua's results.
func TestIOUsesDefaultFiles(t *testing.T) {
	t.Parallel()
	const path = "$DIR/out.txt"
	compareWithGopherLua(t, []semCase{
		{"write to io.output(name)", fmt.Sprintf(`
			local path = %q
			assert(io.output(path) ~= io.stdout)
			local r = {io.write("alo ", 1, "\n")}
			io.close(io.output())
			io.output(io.stdout)
			local f = assert(io.open(path))
			got = tostring(r[1]) .. #r .. "|" .. f:read("*a")
			f:close()`, path)},
		{"write to io.output(file)", fmt.Sprintf(`
			local f = assert(io.open(%q, "w"))
			io.output(f)
			io.write("x", "y")
			f:close()
			io.output(io.stdout)
			f = assert(io.open(%[1]q))
			got = f:read("*a")
			f:close()`, path+"2")},
		{"read from io.input(name)", fmt.Sprintf(`
			local f = assert(io.open(%q, "w"))
			f:write("first\n42\nrest\n")
			f:close()
			io.input(%[1]q)
			got = table.concat({io.read(), io.read("*n"), io.read("*a")}, "|")
			io.close(io.input())
			io.input(io.stdin)`, path+"3")},
		{"write on a closed default file", fmt.Sprintf(`
			io.output(%q)
			io.close()
			got = select(2, pcall(io.write, "x"))
			io.output(io.stdout)`, path+"4")},
		{"write result on stdout", `got = table.concat({tostring(io.write("")), select("#", io.write(""))}, " ")`},
		{"write of a bad argument", `got = select(2, pcall(function() io.write({}) end))`},
	})
}

// require finds modules on a package.path the script changed, written by
// the script with io.output and io.write (as gopher-lua's attrib.lua
// does), and reports a missing one as gopher-lua does.
func TestRequireAfterPackagePathChange(t *testing.T) {
	t.Parallel()
	const dir = "$DIR"
	compareWithGopherLua(t, []semCase{
		{"written module", fmt.Sprintf(`
			local dir = %q
			io.output(dir .. "/mymod.lua")
			io.write("return {v = 42, name = ...}")
			io.close(io.output())
			io.output(io.stdout)
			package.path = dir .. "/?.lua;" .. package.path
			local m = require "mymod"
			got = m.v .. " " .. m.name .. " " .. tostring(package.loaded.mymod == m)`, dir)},
		{"missing module", `package.path = ""
			local ok, e = pcall(require, "nosuchmodule")
			got = tostring(ok) .. " " .. e`},
	})
}

// pcall of what is not a function, and errors raised by the Go function
// pcall calls, read as in gopher-lua: with no leading space, and with the
// position of pcall's caller.
func TestPcallErrorMessages(t *testing.T) {
	t.Parallel()
	compareWithGopherLua(t, []semCase{
		{"nil", `got = table.concat({tostring(pcall(nil)), select(2, pcall(nil))}, "|")`},
		{"number", `got = select(2, pcall(42))`},
		{"table", `got = select(2, pcall({}))`},
		{"callable table", `got = select(2, pcall(setmetatable({}, {__call = function(_, a) return a end}), 7))`},
		{"no argument", `got = select(2, pcall(function() return pcall() end))`},
		{"go function's argument error", `got = select(2, pcall(string.rep))`},
		{"go function's error", `got = select(2, pcall(setmetatable, 1, {}))`},
		{"xpcall of nil", `got = select(2, pcall(function() return xpcall(nil, print) end))`},
		{"xpcall of a go function", `got = select(2, xpcall(string.rep, function(e) return "h: " .. e end))`},
		{"error level 0", `got = select(2, pcall(error, " spaced", 0))`},
	})
}

// debug.traceback inside a protected call lists the frames plain
// gopher-lua lists, with the same levels: pcall runs on a child state,
// whose frames are only part of the stack.
func TestTracebackUnderProtectedCalls(t *testing.T) {
	t.Parallel()
	levels := `local function level4() error("error!") end
local function level3() level4() end
local function level2() level3() end
local function level1() level2() end
`
	var cases []semCase
	for _, level := range []string{"0", "1", "2", "3", "7", "8", "9", "10", "nil"} {
		cases = append(cases, semCase{"xpcall handler level " + level, levels +
			`local ok, tb = xpcall(level1, function(err) return debug.traceback("msg", ` + level + `) end)
got = tb`})
	}
	cases = append(cases,
		semCase{"handler with no message", levels + `got = select(2, xpcall(level1, debug.traceback))`},
		semCase{"inside pcall", `local function f() return debug.traceback("here") end
local ok, tb = pcall(f)
got = tb`},
		semCase{"go function called by pcall", `local ok, tb = pcall(debug.traceback, "direct", 0)
got = tb`},
		semCase{"tail call inside pcall", `local function g() return debug.traceback("t", 0) end
local function f() return g() end
got = select(2, pcall(f))`},
		semCase{"nested protected calls", `local function inner() return debug.traceback("nested", 0) end
local function outer() return select(2, pcall(inner)) end
got = select(2, xpcall(function() error(outer()) end, function(e) return e end))`},
		semCase{"deep, elided", `local function rec(n) if n == 0 then return debug.traceback("deep", 0) end return (rec(n - 1)) end
got = select(2, pcall(rec, 30))`},
		semCase{"deep, past the elision", `local function rec(n) if n == 0 then return debug.traceback("deep", 12) end return (rec(n - 1)) end
got = select(2, pcall(rec, 30))`},
		semCase{"coroutine", `local co = coroutine.create(function() coroutine.yield() end)
coroutine.resume(co)
got = select(2, pcall(debug.traceback, co))`},
	)
	compareWithGopherLua(t, cases)
}
