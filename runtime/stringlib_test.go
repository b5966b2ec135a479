package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// The runtime's string.find/match/gmatch/gsub and table.concat must give
// what gopher-lua v1.1.2's own give — results, their types, and error
// messages — on a plain lua.NewState().

// helpers is Lua defined in both states: replacement values for gsub and
// a gmatch loop that returns everything it saw.
const helpers = `
RT = {a = "[A]", b = false, c = 7, ["1"] = "one", [1] = "pos1", [2] = true, hello = "HI", al = "AL"}
RM = setmetatable({}, {__index = function(t, k) return "<" .. tostring(k) .. ">" end})
RF = function(...)
	local t = {}
	for i = 1, select("#", ...) do local v = select(i, ...); t[i] = type(v) .. ":" .. tostring(v) end
	if t[1] == "string:b" then return nil end
	if t[1] == "string:l" then return false end
	if t[1] == "string:o" then return 0.5 end
	if t[1] == "string:e" then return {} end
	return "{" .. table.concat(t, ",") .. "}"
end
GM = function(s, p)
	local out, n = {}, 0
	for a, b, c in string.gmatch(s, p) do
		n = n + 1
		out[n] = type(a) .. ":" .. tostring(a) .. "|" .. tostring(b) .. "|" .. tostring(c)
		if n > 100 then break end
	end
	return n, table.concat(out, ";")
end
`

// luaState is one side of the comparison.
type luaState struct {
	L     *lua.LState
	close func()
}

func gopherLuaState(t testing.TB) *luaState {
	L := lua.NewState()
	if err := L.DoString(helpers); err != nil {
		t.Fatal(err)
	}
	return &luaState{L: L, close: L.Close}
}

func socklabState(t testing.TB) *luaState {
	rt := New(Options{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
	if err := rt.ls.DoString(helpers); err != nil {
		t.Fatal(err)
	}
	return &luaState{L: rt.ls, close: func() { rt.Close() }}
}

// describe renders a value with its type, so that "1" and 1 differ.
func describe(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LString:
		return strconv.Quote(string(v))
	case lua.LNumber:
		return "n:" + v.String()
	case lua.LBool, *lua.LNilType:
		return v.String()
	}
	return v.Type().String()
}

// outcome is how a call ended: its results, or its error.
type outcome struct {
	text  string
	panic bool // a Go panic inside the function (gopher-lua's bugs)
}

// pcallResults calls fn (already pushed, with nargs arguments) protected.
func (s *luaState) pcallResults(nargs int) outcome {
	L := s.L
	base := L.GetTop() - nargs - 1
	if err := L.PCall(nargs, lua.MultRet, nil); err != nil {
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) {
			return outcome{text: "error: " + apiErr.Object.String(), panic: apiErr.Type == lua.ApiErrorPanic}
		}
		return outcome{text: "error: " + err.Error()}
	}
	var parts []string
	for i := base + 1; i <= L.GetTop(); i++ {
		parts = append(parts, describe(L.Get(i)))
	}
	L.SetTop(base)
	return outcome{text: strings.Join(parts, ", ")}
}

// call calls a global function, or a field of the string or table
// tables ("string.gsub"), with args: Go strings and numbers, nil, or a
// global's name as global("RT").
func (s *luaState) call(fn string, args ...any) outcome {
	L := s.L
	var f lua.LValue
	if mod, name, ok := strings.Cut(fn, "."); ok {
		f = L.GetField(L.GetGlobal(mod), name)
	} else {
		f = L.GetGlobal(fn)
	}
	L.Push(f)
	for _, a := range args {
		switch a := a.(type) {
		case string:
			L.Push(lua.LString(a))
		case int:
			L.Push(lua.LNumber(a))
		case float64:
			L.Push(lua.LNumber(a))
		case bool:
			L.Push(lua.LBool(a))
		case global:
			L.Push(L.GetGlobal(string(a)))
		case nil:
			L.Push(lua.LNil)
		}
	}
	return s.pcallResults(len(args))
}

// eval evaluates a Lua expression.
func (s *luaState) eval(expr string) outcome {
	fn, err := s.L.LoadString("return " + expr)
	if err != nil {
		return outcome{text: "compile: " + err.Error()}
	}
	s.L.Push(fn)
	return s.pcallResults(0)
}

// global names a value defined by helpers.
type global string

// pair holds both sides; every comparison runs on the same two states.
type pair struct{ ref, got *luaState }

func newPair(t testing.TB) *pair {
	p := &pair{ref: gopherLuaState(t), got: socklabState(t)}
	t.Cleanup(func() { p.ref.close(); p.got.close() })
	return p
}

// compare calls fn on both sides and reports a difference. When
// gopher-lua's own panics (a Go panic: slicing out of range), the
// runtime's must still end as a result or a Lua error.
func (p *pair) compare(t *testing.T, fn string, args ...any) {
	t.Helper()
	want := p.ref.call(fn, args...)
	got := p.got.call(fn, args...)
	p.check(t, fn+describeArgs(args), want, got)
	if want.panic {
		p.ref.close()
		p.ref = gopherLuaState(t)
	}
}

func (p *pair) check(t *testing.T, what string, want, got outcome) {
	t.Helper()
	if got.panic {
		t.Errorf("%s: Go panic: %s", what, got.text)
		return
	}
	if !want.panic && got.text != want.text {
		t.Errorf("%s\n got: %s\nwant: %s", what, got.text, want.text)
	}
}

func describeArgs(args []any) string {
	var parts []string
	for _, a := range args {
		if s, ok := a.(string); ok {
			parts = append(parts, strconv.Quote(s))
		} else {
			parts = append(parts, fmt.Sprint(a))
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

var (
	testSubjects = []string{
		"", "a", "abc", "aaa", "hello world", "  trim me  ", "a\nb\r\nc\n",
		"(foo(bar))baz(", "x=1, y=22, z=333", "ab\x00cd\x00", "\xe1\xff\x00\x7f",
		"a.b-c+d*e?f[g]h^i$j%k", "THE (quick) fox", "xuxx uu ppar r", "]]]-[a]",
	}
	testPatterns = []string{
		"", "a", "b", ".", "..", "%a+", "%w*", "x*", "(%w+)", "()", "(a)(b)", "^a", "a$",
		"^$", "$", "^", "^.", ".$", "%s+", "^%s*(.-)%s*$", "%b()", "%bxx", "%b)(", "[%w_]+",
		"[^%s]+", "[a-c]", "[%a-z]", "[]]", "[^]]", "[a-]", "[a-%d]", "[-a]", "[%]]",
		"[a-b-c]", "[^%a%d]", "%f[%w]", "(.)%1", "((a)%1)", "(a(b)%1)", "()%1", "%1",
		"(%1)", "(%d+)", "%d-", "a?b?c?", "[%.%-]", ".-b", "(h)(e)(l)(l)(o)", "%",
		"a%", "(", ")", "[", "[a", "[^", "%b", "%ba", "%z", "%Z+", "%c", "%p+", "%x+",
		"%u%l*", "(()a())", "a**", "a*?", "a-?", "%$", "$a", "a$b", "(a$)", "^^", "%0",
		"(.-)%s", "%s*$", "((%w)(%w))", "(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)", "[%s%p]",
		"\x00", "%z+", "[\x00-\x1f]", "[\xe0-\xff]+", ".-", ".*", "(.*)", "a.-", "%w+()",
		"%%", "%.", "%(", "(%()", "[]", "[^]", "-", "+", "*", "?", "%-+", "u+%1",
	}
	testRepls = []any{
		"-", "", "%0", "%1", "%2", "%9", "%%", "%", "<%1>", "%x", "%%%1%", "[%0|%1]",
		global("RT"), global("RM"), global("RF"),
	}
	testLimits = []any{nil, 0, 1, 2, -1, -3, 1.5}
)

func TestGsubMatchesGopherLua(t *testing.T) {
	p := newPair(t)
	for _, s := range testSubjects {
		for _, pat := range testPatterns {
			for _, r := range testRepls {
				for _, n := range testLimits {
					if n == nil {
						p.compare(t, "string.gsub", s, pat, r)
					} else {
						p.compare(t, "string.gsub", s, pat, r, n)
					}
				}
			}
		}
	}
}

// Subjects of a few kilobytes, so that skipping ahead, literal runs and
// the result buffer see more than a handful of matches.
func TestLongSubjectsMatchGopherLua(t *testing.T) {
	p := newPair(t)
	rng := rand.New(rand.NewPCG(8, 4))
	const alphabet = "aab  \n\r()=,.%xyzXY09\x00\xe1"
	for _, size := range []int{1000, 4000} {
		b := make([]byte, size)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(b)
		for _, pat := range testPatterns {
			if strings.Count(pat, "-")+strings.Count(pat, "*") > 1 {
				continue // gopher-lua's backtracking over kilobytes is slow
			}
			p.compare(t, "string.gsub", s, pat, "<%0>")
			p.compare(t, "string.gsub", s, pat, global("RF"), 50)
			p.compare(t, "string.find", s, pat, size/2)
			p.compare(t, "GM", s, pat)
		}
	}
}

func TestFindMatchGmatchMatchGopherLua(t *testing.T) {
	p := newPair(t)
	inits := []any{nil, 1, 2, 0, -1, -2, -100, 3, 5, 100}
	for _, s := range testSubjects {
		for _, pat := range testPatterns {
			p.compare(t, "GM", s, pat)
			for _, init := range inits {
				if init == nil {
					p.compare(t, "string.find", s, pat)
					p.compare(t, "string.match", s, pat)
					continue
				}
				p.compare(t, "string.find", s, pat, init)
				p.compare(t, "string.find", s, pat, init, true)
				p.compare(t, "string.find", s, pat, init, false)
				p.compare(t, "string.find", s, pat, init, true, 1)
				p.compare(t, "string.match", s, pat, init)
			}
		}
	}
}

// Cases beyond the cross product: argument checks, coercions, the
// string metatable, table and function replacements, table.concat.
func TestStringLibEdgesMatchGopherLua(t *testing.T) {
	p := newPair(t)
	for _, expr := range []string{
		`("abc"):gsub("", "-")`,
		`("abc"):gsub("x*", "-")`,
		`("hello world"):gsub("%w*", "-")`,
		`("hello world"):gsub("o", {o = "0"})`,
		`("hello world"):gsub("(o)", function(o) return o:upper() end, 1)`,
		`("abc"):gsub("%w", "%1%0")`,
		`("abc"):gsub("^", "X")`,
		`("abc"):gsub("$", "X")`,
		`string.gsub(123, "2", "x")`,
		`string.gsub(123, "x", "y")`,
		`string.gsub("a2c", 2, "x")`,
		`string.gsub("abc", "b", 5)`,
		`string.gsub("abc", "b", true)`,
		`string.gsub("abc", "b")`,
		`string.gsub("abc")`,
		`string.gsub()`,
		`string.gsub("abc", "b", "x", "2")`,
		`string.gsub("abc", "b", "x", "z")`,
		`string.gsub("abc", "b", "x", {})`,
		`string.gsub("abc", {}, "x")`,
		`string.find("abc", "b", "2")`,
		`string.find("abc", "b", "z")`,
		`string.find("abc", {}, 1)`,
		`string.find({}, "x")`,
		`string.find(12345, 34)`,
		`string.find("abc", "", "x")`,
		`string.match(12345, "(3)(4)")`,
		`string.match("abc", "b", {})`,
		`string.gmatch("abc")`,
		`select("#", string.gmatch("abc", "."))`,
		`select("#", string.match("abc", "x"))`,
		`string.gfind == string.gmatch`,
		`("x").gsub == string.gsub and ("x").find == string.find and ("x").match == string.match and ("x").gmatch == string.gmatch`,
		`GM("abc", "^.")`,
		`GM("abc", "")`,
		`GM("a,b,,c", "([^,]*)")`,
		`GM("key = value, k2=v2", "(%w+)%s*=%s*(%w+)")`,
		`string.gsub("abc", ".", setmetatable({}, {__index = function(t, k) return k == "b" and "B" or nil end}))`,
		`string.gsub("a b", "%w", function() return 1.25 end)`,
		`string.gsub("abc", "(b)", function(x, y) return tostring(y) end)`,
		`string.gsub("hello", "()", function(p) return p end)`,
		`string.gsub("hello", "()", RT)`,
		`string.gsub("hello", "(l)()", RT)`,
		`string.gsub("alo alo", "().", {2,5,6})`,
		`table.concat({1, 2, 3})`,
		`table.concat({1, 2, 3}, ", ")`,
		`table.concat({1, 2.5, "x"}, 1)`,
		`table.concat({5})`,
		`table.concat({"a"}, ",")`,
		`table.concat({})`,
		`table.concat({}, ",", 1, 0)`,
		`table.concat({1, 2, 3}, ",", 2)`,
		`table.concat({1, 2, 3}, ",", 4)`,
		`table.concat({1, 2, 3}, ",", 0)`,
		`table.concat({1, 2, 3}, ",", -1)`,
		`table.concat({1, 2, 3}, ",", 2, 3)`,
		`table.concat({1, 2, 3}, ",", 2, 2)`,
		`table.concat({1, 2, 3}, ",", 3, 2)`,
		`table.concat({1, 2, 3}, ",", 1, 10)`,
		`table.concat({1, 2, 3}, ",", 0, 10)`,
		`table.concat({1, {}, 3})`,
		`table.concat({1, true, 3}, ",")`,
		`table.concat({1, nil, 3}, ",")`,
		`table.concat({1, 2, 3}, {})`,
		`table.concat("x")`,
		`table.concat({1e15, 1e100, -0, 1/0}, " ")`,
		`table.concat({"a", "b"}, nil, nil, nil)`,
		`string.rep("ab", 3)`,
		`string.rep("ab", 0)`,
		`string.rep("ab", -1)`,
	} {
		p.check(t, expr, p.ref.eval(expr), p.got.eval(expr))
	}
}

// gopher-lua's own pattern and string tests (copied from its module into
// testdata/gopher-lua, with their licences) pass under the runtime, as
// they do under plain gopher-lua.
func TestGopherLuaStringScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "gopher-lua", "*.lua"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata/gopher-lua: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// The scripts end without a word of their own.
			code := string(src) + "\nprint('END OF SCRIPT')\n"
			// The options of gopher-lua's own script tests.
			L := lua.NewState(lua.Options{RegistrySize: 1024 * 20, CallStackSize: 1024})
			defer L.Close()
			L.SetGlobal("print", L.NewFunction(func(*lua.LState) int { return 0 }))
			if err := L.DoString(code); err != nil {
				t.Fatalf("plain gopher-lua: %v", err)
			}
			var out, errOut bytes.Buffer
			rt := New(Options{Stdout: &out, Stderr: &errOut})
			defer rt.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := rt.RunString(ctx, filepath.Base(file), code); err != nil {
				t.Fatalf("socklab: %v\n%s", err, out.String())
			}
			if !strings.HasSuffix(out.String(), "END OF SCRIPT\n") {
				t.Errorf("socklab: the script did not reach its end:\n%s", out.String())
			}
		})
	}
}

// Large inputs: what gopher-lua gets wrong or cannot finish, checked
// against plain Go.
func TestStringLibLarge(t *testing.T) {
	var out, errOut bytes.Buffer
	rt := New(Options{Stdout: &out, Stderr: &errOut})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := rt.RunString(ctx, "large.lua", `
		local s = string.rep("a\n", 500000)
		local r, n = s:gsub("\n", "\r\n")
		assert(n == 500000 and #r == 1500000 and r:sub(1, 6) == "a\r\na\r\n")
		assert(select(2, s:gsub("\n", "\r\n", 10)) == 10)
		-- gopher-lua recurses once per character here and gives up past
		-- a million ("pattern/input too complex"); Lua 5.1 does not.
		local big = string.rep("x", 2000000)
		assert(big:find("^x*$") == 1)
		assert(#big:match("(x*)$") == 2000000)
		local lines = 0
		for line in s:gmatch("[^\n]+") do lines = lines + 1 end
		assert(lines == 500000)
		local t = {}
		for i = 1, 1200000 do t[i] = "x" end
		assert(#table.concat(t, ",") == 2399999)
		print("done")`)
	if err != nil || out.String() != "done\n" {
		t.Fatalf("err %v, output %q %s", err, out.String(), errOut.String())
	}
}

// A gsub, find or gmatch that would run for hours stops with
// KeyboardInterrupt when the run is cancelled.
func TestPatternMatchingIsInterruptible(t *testing.T) {
	cases := []struct{ name, stmt string }{
		// Each of these backtracks for hours over 64 KB of "a".
		{"gsub", `s:gsub(".-.-.-b", "x")`},
		{"gsub with a function", `s:gsub("a", function(c) return s:find(".-.-.-b") end)`},
		{"find", `s:find("(.-)(.-)(.-)b")`},
		{"match", `s:match(".-.-.-b")`},
		{"gmatch", `for x in s:gmatch("a*.-.-b") do end`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ready := &signalWriter{seen: make(chan struct{})}
			rt := New(Options{Stdout: ready, Stderr: &bytes.Buffer{}})
			defer rt.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				done <- rt.RunString(ctx, "slow.lua", `local s = string.rep("a", 65536) print("start") `+c.stmt)
			}()
			select {
			case <-ready.seen:
			case err := <-done:
				t.Fatalf("script ended before it started matching: %v", err)
			case <-time.After(20 * time.Second):
				t.Fatal("script did not start")
			}
			cancel()
			select {
			case err := <-done:
				var serr *ScriptError
				if !errors.As(err, &serr) || serr.Kind != api.KeyboardInterrupt {
					t.Fatalf("err = %v, want KeyboardInterrupt", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the match did not stop when cancelled")
			}
		})
	}
}

// signalWriter closes seen at its first write.
type signalWriter struct {
	seen chan struct{}
	once bool
}

func (w *signalWriter) Write(p []byte) (int, error) {
	if !w.once {
		w.once = true
		close(w.seen)
	}
	return len(p), nil
}
