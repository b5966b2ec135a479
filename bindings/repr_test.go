package bindings

import (
	"regexp"
	"strings"
	"testing"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/bindings/api/apitest"
	lua "github.com/yuin/gopher-lua"
)

// evalOne runs "return <expr>" in L and returns the value.
func evalOne(t *testing.T, L *lua.LState, expr string) lua.LValue {
	t.Helper()
	if err := L.DoString("return " + expr); err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	v := L.Get(-1)
	L.Pop(1)
	return v
}

func TestReprStrings(t *testing.T) {
	// The wanted texts are what CPython 3.11 prints for repr of the same
	// str (when the Lua string is text) or bytes (when it is not).
	tests := []struct {
		in, want string
	}{
		{"hello", `'hello'`},
		{"", `''`},
		{"今天下了一天的雨", `'今天下了一天的雨'`},
		{"é", `'é'`},
		{"😀", `'😀'`},
		{"it's", `"it's"`},
		{`say "hi"`, `'say "hi"'`},
		{`both ' and "`, `'both \' and "'`},
		{`back\slash`, `'back\\slash'`},
		{"tab\there\nnl\rcr", `'tab\there\nnl\rcr'`},
		{"\u00a0nbsp", `'\xa0nbsp'`},
		{"\u200bzw", `'\u200bzw'`},
		{"\u3000", `'\u3000'`},
		{"\U000e0001", `'\U000e0001'`},
		// Not text: bytes.
		{"\x12\x00\x00\x00", `b'\x12\x00\x00\x00'`},
		{"hi\xff", `b'hi\xff'`},
		{"it's\xff", `b"it's\xff"`},
		{"both ' \" \xff", `b'both \' " \xff'`},
		{"\\\x00", `b'\\\x00'`},
		{"\t\n\r\x7f\x80", `b'\t\n\r\x7f\x80'`},
		{"\x1b[0m", `b'\x1b[0m'`},
		{"\xe4\xbb", `b'\xe4\xbb'`},                 // a cut-off character
		{"\xed\xa0\x80", `b'\xed\xa0\x80'`},         // a surrogate
		{"a\u0085b", `b'a\xc2\x85b'`},               // C1 control: bytes
		{"\xc4\xe3\xba\xc3", `b'\xc4\xe3\xba\xc3'`}, // 你好 in gbk
	}
	for _, tt := range tests {
		if got := Repr(nil, lua.LString(tt.in)); got != tt.want {
			t.Errorf("Repr(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestReprScalars(t *testing.T) {
	tests := []struct {
		in   lua.LValue
		want string
	}{
		{lua.LNil, "nil"},
		{lua.LTrue, "true"},
		{lua.LFalse, "false"},
		{lua.LNumber(1), "1"},
		{lua.LNumber(-42), "-42"},
		{lua.LNumber(9000), "9000"},
		{lua.LNumber(1.5), "1.5"},
		{lua.LNumber(0.1), "0.1"},
		{lua.LNumber(1e100), "1e+100"},
		{lua.LNumber(9007199254740992), "9007199254740992"},
	}
	for _, tt := range tests {
		if got := Repr(nil, tt.in); got != tt.want {
			t.Errorf("Repr(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestReprLua(t *testing.T) {
	L := newTestState(t, apitest.New())
	tests := []struct {
		expr, want string
	}{
		{"1/0", "inf"},
		{"-1/0", "-inf"},
		{"0/0", "nan"},
		{"2^53", "9007199254740992"},
		{"{}", "{}"},
		{"{1, 2, 'a'}", "{1, 2, 'a'}"},
		{"{host = '127.0.0.1', port = 9000}", "{host = '127.0.0.1', port = 9000}"},
		{"{'x', 'y', host = '127.0.0.1', port = 9000}", "{'x', 'y', host = '127.0.0.1', port = 9000}"},
		{"{1, 2, nil, 4}", "{1, 2, [4] = 4}"},
		{"{[2.5] = 'x', [true] = 1, ['a b'] = 2, z = 1, a = 2, ['end'] = 3, [10] = 0, _ok = 1, ['1x'] = 1}",
			"{[2.5] = 'x', [10] = 0, ['1x'] = 1, _ok = 1, a = 2, ['a b'] = 2, ['end'] = 3, z = 1, [true] = 1}"},
		{"{[-1] = 'neg', [0] = 'zero', 'one'}", "{'one', [-1] = 'neg', [0] = 'zero'}"},
		{"{{1, 2}, {x = {y = {}}}}", "{{1, 2}, {x = {y = {}}}}"},
		{"{'今天', '\\18\\0\\0\\0', \"it's\"}", `{'今天', b'\x12\x00\x00\x00', "it's"}`},
		{"{[{}] = 1}", "{[{}] = 1}"},
		{"{{{{{{{1}}}}}}}", "{{{{{{{...}}}}}}}"},
		{"{{{{{{1}}}}}}", "{{{{{{1}}}}}}"},
		{"(function() local t = {1}; t[2] = t; return t end)()", "{1, {...}}"},
		{"(function() local t = {}; t.self = t; t.list = {t}; return t end)()", "{list = {{...}}, self = {...}}"},
		// A table seen twice without a cycle prints twice.
		{"(function() local s = {1}; return {s, s} end)()", "{{1}, {1}}"},
		{"setmetatable({}, {__tostring = function() return \"('127.0.0.1', 9000)\" end})", "('127.0.0.1', 9000)"},
		{"{setmetatable({}, {__tostring = function() return 'X' end})}", "{X}"},
		{"setmetatable({a = 1}, {})", "{a = 1}"},
		{"setmetatable({}, {__tostring = function() return 42 end})", "42"},
	}
	for _, tt := range tests {
		v := evalOne(t, L, tt.expr)
		if got := Repr(L, v); got != tt.want {
			t.Errorf("repr(%s) = %s, want %s", tt.expr, got, tt.want)
		}
	}
}

func TestReprOpaque(t *testing.T) {
	L := newTestState(t, apitest.New())
	tests := []struct {
		expr string
		want *regexp.Regexp
	}{
		{"print", regexp.MustCompile(`^function: 0x[0-9a-f]+$`)},
		{"function() end", regexp.MustCompile(`^function: 0x[0-9a-f]+$`)},
		{"coroutine.create(function() end)", regexp.MustCompile(`^thread: 0x[0-9a-f]+$`)},
		{"{print}", regexp.MustCompile(`^\{function: 0x[0-9a-f]+\}$`)},
	}
	for _, tt := range tests {
		v := evalOne(t, L, tt.expr)
		if got := Repr(L, v); !tt.want.MatchString(got) {
			t.Errorf("repr(%s) = %s, want match %s", tt.expr, got, tt.want)
		}
	}
	ud := L.NewUserData()
	if got := Repr(L, ud); !regexp.MustCompile(`^userdata: 0x[0-9a-f]+$`).MatchString(got) {
		t.Errorf("repr(userdata) = %s", got)
	}
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("<socket fd=3>"))
		return 1
	}))
	ud.Metatable = mt
	if got := Repr(L, ud); got != "<socket fd=3>" {
		t.Errorf("repr(userdata with __tostring) = %s", got)
	}
	// Without a state, metamethods are not run.
	if got := Repr(nil, ud); !strings.HasPrefix(got, "userdata: 0x") {
		t.Errorf("Repr(nil, userdata) = %s", got)
	}
}

func TestReprErrorObject(t *testing.T) {
	L := newTestState(t, apitest.New())
	e := api.Value(L, &api.Error{Kind: api.ConnectionRefusedError, Errno: 111, Message: "Connection refused"})
	if got, want := Repr(L, e), "ConnectionRefusedError: [Errno 111] Connection refused"; got != want {
		t.Errorf("Repr(error) = %s, want %s", got, want)
	}
}

func TestReprLimits(t *testing.T) {
	L := newTestState(t, apitest.New())
	v := evalOne(t, L, "(function() local t = {} for i = 1, 150 do t[i] = i end t.x = 1 return t end)()")
	var want strings.Builder
	want.WriteString("{")
	for i := 1; i <= 100; i++ {
		want.WriteString(lua.LNumber(i).String() + ", ")
	}
	want.WriteString("...}")
	if got := Repr(L, v); got != want.String() {
		t.Errorf("repr of 150 items = %s\nwant %s", got, want.String())
	}

	// 1000 tables of 1000 items: the whole output stays small.
	v = evalOne(t, L, `(function()
		local t = {}
		for i = 1, 1000 do
			local s = {}
			for j = 1, 1000 do s[j] = j end
			t[i] = s
		end
		return t
	end)()`)
	got := Repr(L, v)
	if len(got) > 8000 || !strings.HasSuffix(got, ", ...}") || strings.Count(got, "{") > 20 {
		t.Errorf("repr of 1000x1000 is %d bytes: %.200s ... %s", len(got), got, got[max(0, len(got)-100):])
	}
}

func TestReprGlobal(t *testing.T) {
	h := apitest.New()
	L := newTestState(t, h)
	err := L.DoString(`
		assert(repr("hello") == "'hello'")
		assert(repr("\18\0\0\0") == "b'\\x12\\x00\\x00\\x00'")
		assert(repr({1, 2, 'a'}) == "{1, 2, 'a'}")
		assert(repr(nil) == "nil")
		local ok, e = pcall(repr)
		assert(not ok and tostring(e):find("bad argument #1 to 'repr' %(value expected%)"), tostring(e))
		-- an error in __tostring propagates, as in Python
		local ok, e = pcall(repr, setmetatable({}, {__tostring = function() error("boom") end}))
		assert(not ok and tostring(e):find("boom"), tostring(e))
		-- an error object raised by __tostring keeps its kind
		local ok, e = pcall(repr, setmetatable({}, {__tostring = function() return ("\255"):decode() end}))
		assert(not ok and e.kind == "UnicodeDecodeError", tostring(e))
	`)
	if err != nil {
		t.Fatal(err)
	}
	// Exported Repr shows the failure instead of raising it.
	v := evalOne(t, L, `setmetatable({}, {__tostring = function() error("boom") end})`)
	top := L.GetTop()
	if got := Repr(L, v); !strings.HasPrefix(got, "<repr failed: ") || !strings.Contains(got, "boom") {
		t.Errorf("Repr with failing __tostring = %s", got)
	}
	v = evalOne(t, L, `{setmetatable({}, {__tostring = function() return "ok" end})}`)
	if got := Repr(L, v); got != "{ok}" {
		t.Errorf("Repr = %s, want {ok}", got)
	}
	if L.GetTop() != top {
		t.Errorf("Repr left %d values on the stack", L.GetTop()-top)
	}
	if h.Out() != "" {
		t.Errorf("repr wrote %q", h.Out())
	}
}

func TestHexdump(t *testing.T) {
	// The wanted texts are "hexdump -C" output of the same bytes (util-linux),
	// except that repeated lines are not squeezed into "*" and an empty
	// input prints a lone offset.
	tests := []struct {
		in, want string
	}{
		{"", "00000000\n"},
		{"hello\n",
			"00000000  68 65 6c 6c 6f 0a                                 |hello.|\n" +
				"00000006\n"},
		{"01234567",
			"00000000  30 31 32 33 34 35 36 37                           |01234567|\n" +
				"00000008\n"},
		{"012345678",
			"00000000  30 31 32 33 34 35 36 37  38                       |012345678|\n" +
				"00000009\n"},
		{"0123456789abcdef",
			"00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n" +
				"00000010\n"},
		{"0123456789abcdefXYZ\x00\x01\xff\x7f~ ",
			"00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n" +
				"00000010  58 59 5a 00 01 ff 7f 7e  20                       |XYZ....~ |\n" +
				"00000019\n"},
		{"\x12\x00\x00\x00今天",
			"00000000  12 00 00 00 e4 bb 8a e5  a4 a9                    |..........|\n" +
				"0000000a\n"},
		{strings.Repeat("\x00", 33),
			"00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n" +
				"00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n" +
				"00000020  00                                                |.|\n" +
				"00000021\n"},
	}
	for _, tt := range tests {
		if got := Hexdump([]byte(tt.in)); got != tt.want {
			t.Errorf("Hexdump(%q) =\n%s\nwant\n%s", tt.in, got, tt.want)
		}
	}
}

func TestHexdumpGlobal(t *testing.T) {
	h := apitest.New()
	L := newTestState(t, h)
	if err := L.DoString(`
		local r = {hexdump("hi")}
		assert(#r == 0)
		hexdump(12)
		local ok, e = pcall(hexdump, {})
		assert(not ok and tostring(e):find("bad argument #1 to 'hexdump' %(string expected, got table%)"), tostring(e))
		local ok, e = pcall(hexdump)
		assert(not ok and tostring(e):find("string expected, got no value"), tostring(e))
	`); err != nil {
		t.Fatal(err)
	}
	want := "00000000  68 69                                             |hi|\n00000002\n" +
		"00000000  31 32                                             |12|\n00000002\n"
	if got := h.Out(); got != want {
		t.Errorf("hexdump wrote\n%s\nwant\n%s", got, want)
	}
}
