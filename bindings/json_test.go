package bindings_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/runtime"
)

// jsonRun runs src in a fresh runtime and returns what it printed and
// its error.
func jsonRun(t *testing.T, src string) (string, *runtime.ScriptError) {
	t.Helper()
	var out, errOut bytes.Buffer
	rt := runtime.New(runtime.Options{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader("")})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := rt.RunString(ctx, "test.lua", src)
	if err == nil {
		return out.String(), nil
	}
	var serr *runtime.ScriptError
	if !errors.As(err, &serr) {
		t.Fatalf("error %v (%T) is not a *runtime.ScriptError", err, err)
	}
	return out.String(), serr
}

// jsonLuaString makes s a Lua string literal, every byte outside printable
// ASCII written as a decimal escape.
func jsonLuaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// jsonParityDoc is the same document as the Python dict below, whose
// json.dumps outputs (CPython 3.11.2) the parity test expects. Python
// inserts its keys in sorted order: socklab always sorts them.
//
//	doc = {"bools": [True, False], "empty_list": [], "empty_obj": {},
//	  "escapes": "quote\" backslash\\ slash/ \b\f\n\r\t \x01\x1f \x7f <>&",
//	  "floats": [0.5, -2.25, 0.1, 1e-05, 0.0001, 1.5e300, 123456789.125, 3.14159, -1e-07, 2.5e-310],
//	  "ints": [0, 1, -1, 42, 9007199254740992, -123456789012, 10**16],
//	  "mixed": [1, "two", {"three": 3}, [4]], "name": "socklab",
//	  "nested": {"a": {"b": {"c": [1, [2, [3]]], "d": []}}}, "none": None,
//	  "nulls": [None, 1, None], "sep": "a\u2028b\u2029c",
//	  "special": [float("nan"), float("inf"), -float("inf")],
//	  "\u00fcn\u00efc\u00f6d\u00e9": "h\u00e9llo w\u00f6rld \u2713 \u4e2d\u6587 \U0001F600"}
const jsonParityDoc = `{
	name = "socklab",
	["ünïcödé"] = "héllo wörld ✓ 中文 😀",
	escapes = "quote\" backslash\\ slash/ \b\f\n\r\t \1\31 \127 <>&",
	ints = {0, 1, -1, 42, 9007199254740992, -123456789012, 1e16},
	floats = {0.5, -2.25, 0.1, 1e-05, 0.0001, 1.5e300, 123456789.125, 3.14159, -1e-07, 2.5e-310},
	bools = {true, false},
	nulls = {json.null, 1, json.null},
	empty_list = json.array(),
	empty_obj = {},
	nested = {a = {b = {c = {1, {2, {3}}}, d = json.array{}}}},
	special = {0/0, 1/0, -1/0},
	sep = "a\226\128\168b\226\128\169c",
	none = json.null,
	mixed = {1, "two", {three = 3}, {4}},
}`

func TestJSONDumpsParityWithCPython(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, opts, want string }{
		{"default", "nil",
			"{\"bools\": [true, false], \"empty_list\": [], \"empty_obj\": {}, \"escapes\": \"quote\\\" backslash\\\\ slash/ \\b\\f\\n\\r\\t \\u0001\\u001f \\u007f <>&\", \"floats\": [0.5, -2.25, 0.1, 1e-05, 0.0001, 1.5e+300, 123456789.125, 3.14159, -1e-07, 2.5e-310], \"ints\": [0, 1, -1, 42, 9007199254740992, -123456789012, 10000000000000000], \"mixed\": [1, \"two\", {\"three\": 3}, [4]], \"name\": \"socklab\", \"nested\": {\"a\": {\"b\": {\"c\": [1, [2, [3]]], \"d\": []}}}, \"none\": null, \"nulls\": [null, 1, null], \"sep\": \"a\\u2028b\\u2029c\", \"special\": [NaN, Infinity, -Infinity], \"\\u00fcn\\u00efc\\u00f6d\\u00e9\": \"h\\u00e9llo w\\u00f6rld \\u2713 \\u4e2d\\u6587 \\ud83d\\ude00\"}"},
		{"indent=2", "{indent = 2}",
			"{\n  \"bools\": [\n    true,\n    false\n  ],\n  \"empty_list\": [],\n  \"empty_obj\": {},\n  \"escapes\": \"quote\\\" backslash\\\\ slash/ \\b\\f\\n\\r\\t \\u0001\\u001f \\u007f <>&\",\n  \"floats\": [\n    0.5,\n    -2.25,\n    0.1,\n    1e-05,\n    0.0001,\n    1.5e+300,\n    123456789.125,\n    3.14159,\n    -1e-07,\n    2.5e-310\n  ],\n  \"ints\": [\n    0,\n    1,\n    -1,\n    42,\n    9007199254740992,\n    -123456789012,\n    10000000000000000\n  ],\n  \"mixed\": [\n    1,\n    \"two\",\n    {\n      \"three\": 3\n    },\n    [\n      4\n    ]\n  ],\n  \"name\": \"socklab\",\n  \"nested\": {\n    \"a\": {\n      \"b\": {\n        \"c\": [\n          1,\n          [\n            2,\n            [\n              3\n            ]\n          ]\n        ],\n        \"d\": []\n      }\n    }\n  },\n  \"none\": null,\n  \"nulls\": [\n    null,\n    1,\n    null\n  ],\n  \"sep\": \"a\\u2028b\\u2029c\",\n  \"special\": [\n    NaN,\n    Infinity,\n    -Infinity\n  ],\n  \"\\u00fcn\\u00efc\\u00f6d\\u00e9\": \"h\\u00e9llo w\\u00f6rld \\u2713 \\u4e2d\\u6587 \\ud83d\\ude00\"\n}"},
		{"sort_keys", "{sort_keys = true}",
			"{\"bools\": [true, false], \"empty_list\": [], \"empty_obj\": {}, \"escapes\": \"quote\\\" backslash\\\\ slash/ \\b\\f\\n\\r\\t \\u0001\\u001f \\u007f <>&\", \"floats\": [0.5, -2.25, 0.1, 1e-05, 0.0001, 1.5e+300, 123456789.125, 3.14159, -1e-07, 2.5e-310], \"ints\": [0, 1, -1, 42, 9007199254740992, -123456789012, 10000000000000000], \"mixed\": [1, \"two\", {\"three\": 3}, [4]], \"name\": \"socklab\", \"nested\": {\"a\": {\"b\": {\"c\": [1, [2, [3]]], \"d\": []}}}, \"none\": null, \"nulls\": [null, 1, null], \"sep\": \"a\\u2028b\\u2029c\", \"special\": [NaN, Infinity, -Infinity], \"\\u00fcn\\u00efc\\u00f6d\\u00e9\": \"h\\u00e9llo w\\u00f6rld \\u2713 \\u4e2d\\u6587 \\ud83d\\ude00\"}"},
		{"ensure_ascii=false", "{ensure_ascii = false}",
			"{\"bools\": [true, false], \"empty_list\": [], \"empty_obj\": {}, \"escapes\": \"quote\\\" backslash\\\\ slash/ \\b\\f\\n\\r\\t \\u0001\\u001f \x7f <>&\", \"floats\": [0.5, -2.25, 0.1, 1e-05, 0.0001, 1.5e+300, 123456789.125, 3.14159, -1e-07, 2.5e-310], \"ints\": [0, 1, -1, 42, 9007199254740992, -123456789012, 10000000000000000], \"mixed\": [1, \"two\", {\"three\": 3}, [4]], \"name\": \"socklab\", \"nested\": {\"a\": {\"b\": {\"c\": [1, [2, [3]]], \"d\": []}}}, \"none\": null, \"nulls\": [null, 1, null], \"sep\": \"a\u2028b\u2029c\", \"special\": [NaN, Infinity, -Infinity], \"\u00fcn\u00efc\u00f6d\u00e9\": \"h\u00e9llo w\u00f6rld \u2713 \u4e2d\u6587 \U0001f600\"}"},
		{"separators compact", `{separators = {",", ":"}}`,
			"{\"bools\":[true,false],\"empty_list\":[],\"empty_obj\":{},\"escapes\":\"quote\\\" backslash\\\\ slash/ \\b\\f\\n\\r\\t \\u0001\\u001f \\u007f <>&\",\"floats\":[0.5,-2.25,0.1,1e-05,0.0001,1.5e+300,123456789.125,3.14159,-1e-07,2.5e-310],\"ints\":[0,1,-1,42,9007199254740992,-123456789012,10000000000000000],\"mixed\":[1,\"two\",{\"three\":3},[4]],\"name\":\"socklab\",\"nested\":{\"a\":{\"b\":{\"c\":[1,[2,[3]]],\"d\":[]}}},\"none\":null,\"nulls\":[null,1,null],\"sep\":\"a\\u2028b\\u2029c\",\"special\":[NaN,Infinity,-Infinity],\"\\u00fcn\\u00efc\\u00f6d\\u00e9\":\"h\\u00e9llo w\\u00f6rld \\u2713 \\u4e2d\\u6587 \\ud83d\\ude00\"}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, serr := jsonRun(t, "io.write(json.dumps("+jsonParityDoc+", "+c.opts+"))")
			if serr != nil {
				t.Fatalf("error: %s", serr.Traceback())
			}
			if out != c.want {
				t.Errorf("json.dumps(doc, %s)\n got %q\nwant %q", c.opts, out, c.want)
			}
		})
	}
}

// Expected values checked against CPython 3.11 where Python has the same
// value (a Lua number with an integral value is Python's int).
func TestJSONDumps(t *testing.T) {
	t.Parallel()
	cases := []struct{ expr, want string }{
		{"nil", "null"},
		{"json.null", "null"},
		{"true", "true"},
		{"false", "false"},
		{"0", "0"},
		{"-0", "0"},
		{"42", "42"},
		{"-7", "-7"},
		{"1.5", "1.5"},
		{"0.1 + 0.2", "0.30000000000000004"},
		{"1e15 + 0.5", "1000000000000000.5"},
		{"2^53", "9007199254740992"},
		{"2^62", "4611686018427387904"},
		{"2^63", "9.223372036854776e+18"},
		{"-2^63", "-9.223372036854776e+18"},
		{"1e300", "1e+300"},
		{"5e-324", "5e-324"},
		{"1.7976931348623157e308", "1.7976931348623157e+308"},
		{"0/0", "NaN"},
		{"1/0", "Infinity"},
		{"math.huge", "Infinity"}, // the runtime makes math.huge infinity, as in Lua
		{"-1/0", "-Infinity"},
		{`"plain"`, `"plain"`},
		{`""`, `""`},
		{`"tab\tnew\nline"`, `"tab\tnew\nline"`},
		{`"\0"`, `"\u0000"`},
		{`"中文"`, `"\u4e2d\u6587"`},
		{`"\240\159\152\128"`, `"\ud83d\ude00"`},
		{`"<script>&'"`, `"<script>&'"`},
		{`"a\\u2028b"`, `"a\\u2028b"`}, // a backslash, then "u2028": not U+2028
		{"{}", "{}"},
		{"json.array()", "[]"},
		{"json.array{}", "[]"},
		{"{1, 2, 3}", "[1, 2, 3]"},
		{`{"a", {"b", {}}}`, `["a", ["b", {}]]`},
		{"{[1] = 1, [3] = 3}", `{"1": 1, "3": 3}`},
		{"{[0] = 'z', 'a'}", `{"0": "z", "1": "a"}`},
		{"{[1.5] = 'x'}", `{"1.5": "x"}`},
		{"{[1/0] = 1}", `{"Infinity": 1}`},
		{"{[true] = 1, [false] = 0}", `{"false": 0, "true": 1}`},
		{"{[10] = 1, [9] = 2, b = 3, a = 4, [true] = 5}", `{"9": 2, "10": 1, "true": 5, "a": 4, "b": 3}`},
		{"{b = 1, a = 2, A = 3, ['é'] = 4, ['z'] = 5}", `{"A": 3, "a": 2, "b": 1, "z": 5, "\u00e9": 4}`},
		{"json.array{[1] = 1, [3] = 3}", "[1, null, 3]"},
		{"{1, json.null, 3}", "[1, null, 3]"},
		{"{x = json.null}", `{"x": null}`},
		{"(function() local t = {1}; return {t, t} end)()", "[[1], [1]]"},
		{"setmetatable({}, {__jsontype = 'array'})", "[]"},
		{"setmetatable({1, 2}, {__jsontype = 'object'})", `{"1": 1, "2": 2}`},
		{"json.loads('[]')", "[]"},
		{"json.loads('{\"a\": []}')", `{"a": []}`},
		{`{a = 1, b = {1, 2}}, {indent = 2}`, "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}"},
		{`{a = {}}, {indent = 0}`, "{\n\"a\": {}\n}"},
		{`{1, {}}, {indent = "\t"}`, "[\n\t1,\n\t{}\n]"},
		{`{1, 2}, {indent = 2, separators = {", ", ": "}}`, "[\n  1, \n  2\n]"},
		{`{a = {1, 2}}, {indent = 1, separators = {",", "="}}`, "{\n \"a\"=[\n  1,\n  2\n ]\n}"},
		{`{a = 1}, {separators = {";", " = "}}`, `{"a" = 1}`},
		{`"é😀", {ensure_ascii = false}`, "\"é😀\""},
		{`"\226\128\168\127", {ensure_ascii = false}`, "\"\u2028\x7f\""},
		{`{1, print, 3}, {default = function(v) return type(v) end}`, `[1, "function", 3]`},
		{`{[{}] = 1, b = 2}, {skipkeys = true}`, `{"b": 2}`},
		{`1.5, {allow_nan = false}`, "1.5"},
		{`{a = 1}, {sort_keys = false}`, `{"a": 1}`},
		{"setmetatable({}, {__index = function() return 1 end})", "{}"},
	}
	for _, c := range cases {
		out, serr := jsonRun(t, "io.write(json.dumps("+c.expr+"))")
		if serr != nil {
			t.Errorf("json.dumps(%s): %s", c.expr, serr)
			continue
		}
		if out != c.want {
			t.Errorf("json.dumps(%s)\n got %q\nwant %q", c.expr, out, c.want)
		}
	}
}

func TestJSONDumpsErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ src, kind, msg string }{
		{"local t = {}; t.self = t; json.dumps(t)", "ValueError", "Circular reference detected"},
		{"local t = {1}; t[2] = {t}; json.dumps(t)", "ValueError", "Circular reference detected"},
		{"json.dumps(print)", "TypeError", "Object of type function is not JSON serializable"},
		{"json.dumps({f = function() end})", "TypeError", "Object of type function is not JSON serializable"},
		{"json.dumps(coroutine.create(print))", "TypeError", "Object of type thread is not JSON serializable"},
		{"json.dumps(socket.socket())", "TypeError", "Object of type userdata is not JSON serializable"},
		{`json.dumps("\255")`, "TypeError", "Object of type bytes is not JSON serializable"},
		{`json.dumps({"ok", "\0\1\2\200"})`, "TypeError", "Object of type bytes is not JSON serializable"},
		{`json.dumps({["\200"] = 1})`, "TypeError", "keys must be str, int, float, bool or None, not bytes"},
		{"json.dumps({[{}] = 1})", "TypeError", "keys must be str, int, float, bool or None, not table"},
		{"json.dumps({[print] = 1})", "TypeError", "keys must be str, int, float, bool or None, not function"},
		{"json.dumps(0/0, {allow_nan = false})", "ValueError", "Out of range float values are not JSON compliant"},
		{"json.dumps({1/0}, {allow_nan = false})", "ValueError", "Out of range float values are not JSON compliant"},
		{"json.dumps({[-1/0] = 1}, {allow_nan = false})", "ValueError", "Out of range float values are not JSON compliant"},
		{"json.dumps(1, {bogus = 1})", "TypeError", "dumps() got an unexpected keyword argument 'bogus'"},
		{"json.dumps(1, {separators = {','}})", "TypeError", "separators must be a table of two strings {item_separator, key_separator}"},
		{"json.dumps(1, {indent = 1.5})", "TypeError", "indent must be an integer or a string, not 1.5"},
		{"json.dumps(1, {default = 1})", "TypeError", "default must be a function, not number"},
		{"json.dumps(1, 2)", "TypeError", "bad argument #2 to 'dumps' (table expected, got number)"},
		{"json.dumps()", "TypeError", "bad argument #1 to 'dumps' (value expected)"},
		{"json.dumps(json.array{1, x = 2})", "ValueError", "a table marked as a JSON array has keys that are not indexes 1..n"},
		{"json.array(setmetatable({}, {}))", "ValueError", "json.array: the table already has a metatable (set __jsontype = \"array\" in it instead)"},
		{"json.array(1)", "TypeError", "bad argument #1 to 'array' (table expected, got number)"},
		{"json.dumps(print, {default = function(v) return v end})", "RecursionError", "maximum recursion depth exceeded while encoding a JSON object"},
		{"local t = {}; for i = 1, 2000 do t = {t} end; json.dumps(t)", "RecursionError", "maximum recursion depth exceeded while encoding a JSON object"},
		{"json.dumps(print, {default = function(v) error('no way', 0) end})", "LuaError", "no way"},
	}
	for _, c := range cases {
		_, serr := jsonRun(t, c.src)
		if serr == nil {
			t.Errorf("%s: no error, want %s: %s", c.src, c.kind, c.msg)
			continue
		}
		if string(serr.Kind) != c.kind || serr.Message != c.msg {
			t.Errorf("%s\n got %s: %s\nwant %s: %s", c.src, serr.Kind, serr.Message, c.kind, c.msg)
		}
	}
}

// jsonShow is a Lua function that renders a decoded value
// deterministically: tables with sorted keys, arrays marked "A", numbers
// with %.17g.
const jsonShow = `
local function show(v)
	if v == json.null then return "null" end
	local t = type(v)
	if t == "string" then return string.format("%q", v) end
	if t == "number" then
		if v ~= v then return "nan" end
		if v == 1/0 then return "inf" elseif v == -1/0 then return "-inf" end
		return string.format("%.17g", v)
	end
	if t ~= "table" then return tostring(v) end
	local keys = {}
	for k in pairs(v) do keys[#keys + 1] = k end
	table.sort(keys, function(a, b)
		if type(a) ~= type(b) then return type(a) < type(b) end
		return a < b
	end)
	local parts = {}
	for _, k in ipairs(keys) do
		local ks = type(k) == "string" and k or "[" .. tostring(k) .. "]"
		parts[#parts + 1] = ks .. "=" .. show(v[k])
	end
	local mark = getmetatable(v) and getmetatable(v).__jsontype == "array" and "A" or ""
	return mark .. "{" .. table.concat(parts, ",") .. "}"
end
`

func TestJSONLoads(t *testing.T) {
	t.Parallel()
	cases := []struct{ doc, want string }{
		{`null`, "nil"},
		{`true`, "true"},
		{` false `, "false"},
		{`0`, "0"},
		{`-0`, "0"},
		{`-0.0`, "-0"},
		{`42`, "42"},
		{`-1.5e3`, "-1500"},
		{`0.1`, "0.10000000000000001"},
		{`1E2`, "100"},
		{`1e400`, "inf"},
		{`-1e400`, "-inf"},
		{`1e-400`, "0"},
		{`9007199254740992`, "9007199254740992"},
		{`-9007199254740992`, "-9007199254740992"},
		{`18446744073709551616`, "1.8446744073709552e+19"}, // 2^64: a double holds it exactly
		{`9007199254740993.0`, "9007199254740992"},         // a float: rounded, as Python's float()
		{`NaN`, "nan"},
		{`[NaN, Infinity, -Infinity]`, "A{[1]=nan,[2]=inf,[3]=-inf}"},
		{`{"x":NaN}`, "{x=nan}"},
		{`[Infinity , 1]`, "A{[1]=inf,[2]=1}"},
		{`"abc"`, `"abc"`},
		{`"\u00e9\ud83d\ude00\n\t\"\\\/"`, `"é😀\n\t\"\\/"`},
		{`"中文"`, `"中文"`},
		{`"\ud800"`, `"` + "\uFFFD" + `"`}, // a lone surrogate: U+FFFD
		{`[]`, "A{}"},
		{`{}`, "{}"},
		{`[1, "two", null, true, [], {}]`, `A{[1]=1,[2]="two",[3]=null,[4]=true,[5]=A{},[6]={}}`},
		{`[null]`, "A{[1]=null}"},
		{`{"a": null, "b": 1}`, "{b=1}"},
		{`{"1": "one", "2": "two"}`, `{1="one",2="two"}`},
		{`{"a": 1, "a": 2}`, "{a=2}"},
		{`{"nested": {"list": [[1], [2, [3]]]}}`, "{nested={list=A{[1]=A{[1]=1},[2]=A{[1]=2,[2]=A{[1]=3}}}}}"},
		{"\xef\xbb\xbf[1]", "A{[1]=1}"},
		{" \t\r\n[1]\n", "A{[1]=1}"},
	}
	for _, c := range cases {
		out, serr := jsonRun(t, jsonShow+"io.write(show(json.loads("+jsonLuaString(c.doc)+")))")
		if serr != nil {
			t.Errorf("json.loads(%q): %s", c.doc, serr)
			continue
		}
		if out != c.want {
			t.Errorf("json.loads(%q)\n got %s\nwant %s", c.doc, out, c.want)
		}
	}
}

// The messages are CPython 3.11's, for the same documents.
func TestJSONLoadsErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ doc, msg string }{
		{``, "Expecting value: line 1 column 1 (char 0)"},
		{` `, "Expecting value: line 1 column 2 (char 1)"},
		{`  `, "Expecting value: line 1 column 3 (char 2)"},
		{`[1,]`, "Expecting value: line 1 column 4 (char 3)"},
		{`[true,]`, "Expecting value: line 1 column 7 (char 6)"},
		{`{"a":1,}`, "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"},
		{`{a:1}`, "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
		{`{"a" 1}`, "Expecting ':' delimiter: line 1 column 6 (char 5)"},
		{`[1 2]`, "Expecting ',' delimiter: line 1 column 4 (char 3)"},
		{`{"a":1 "b":2}`, "Expecting ',' delimiter: line 1 column 8 (char 7)"},
		{`1 2`, "Extra data: line 1 column 3 (char 2)"},
		{`"abc`, "Unterminated string starting at: line 1 column 1 (char 0)"},
		{"\"a\x01b\"", "Invalid control character at: line 1 column 3 (char 2)"},
		{"\"a\nb\"", "Invalid control character at: line 1 column 3 (char 2)"},
		{"\"\t\"", "Invalid control character at: line 1 column 2 (char 1)"},
		{`"a\qb"`, "Invalid \\escape: line 1 column 3 (char 2)"},
		{`"\u12"`, "Invalid \\uXXXX escape: line 1 column 3 (char 2)"},
		{`"\u12x4"`, "Invalid \\uXXXX escape: line 1 column 3 (char 2)"},
		{`[1.x]`, "Expecting ',' delimiter: line 1 column 3 (char 2)"},
		{`1.`, "Extra data: line 1 column 2 (char 1)"},
		{`1.x`, "Extra data: line 1 column 2 (char 1)"},
		{`-`, "Expecting value: line 1 column 1 (char 0)"},
		{`-x`, "Expecting value: line 1 column 1 (char 0)"},
		{`-Inf`, "Expecting value: line 1 column 1 (char 0)"},
		{`tru`, "Expecting value: line 1 column 1 (char 0)"},
		{`[tx]`, "Expecting value: line 1 column 2 (char 1)"},
		{`{"a":tx}`, "Expecting value: line 1 column 6 (char 5)"},
		{`01`, "Extra data: line 1 column 2 (char 1)"},
		{`[01]`, "Expecting ',' delimiter: line 1 column 3 (char 2)"},
		{`[0x1]`, "Expecting ',' delimiter: line 1 column 3 (char 2)"},
		{`{`, "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
		{`[`, "Expecting value: line 1 column 2 (char 1)"},
		{`[1`, "Expecting ',' delimiter: line 1 column 3 (char 2)"},
		{`{"a"`, "Expecting ':' delimiter: line 1 column 5 (char 4)"},
		{`{"a":`, "Expecting value: line 1 column 6 (char 5)"},
		{`Nax`, "Expecting value: line 1 column 1 (char 0)"},
		{`NaNx`, "Extra data: line 1 column 4 (char 3)"},
		{"\n\n  [1,\n  x]", "Expecting value: line 4 column 3 (char 10)"},
		{`"é" x`, "Extra data: line 1 column 5 (char 4)"},
		{`[1,2]]`, "Extra data: line 1 column 6 (char 5)"},
		{`{"a":1}}`, "Extra data: line 1 column 8 (char 7)"},
		{`"\`, "Unterminated string starting at: line 1 column 1 (char 0)"},
		{`"\u`, "Invalid \\uXXXX escape: line 1 column 3 (char 2)"},
		{`[1e]`, "Expecting ',' delimiter: line 1 column 3 (char 2)"},
		{`[1e+]`, "Expecting ',' delimiter: line 1 column 3 (char 2)"},
		{`[-]`, "Expecting value: line 1 column 2 (char 1)"},
		{`[1.5e5x]`, "Expecting ',' delimiter: line 1 column 7 (char 6)"},
		{`["a", "b\"c", "d`, "Unterminated string starting at: line 1 column 15 (char 14)"},
		{`[1.`, "Expecting ',' delimiter: line 1 column 3 (char 2)"},
		{`[NaN, Nan]`, "Expecting value: line 1 column 7 (char 6)"},
		{`[Infinity5]`, "Expecting ',' delimiter: line 1 column 10 (char 9)"},
		{"\"中文\"\n  ]", "Extra data: line 2 column 3 (char 7)"},
		{`"\u1`, "Invalid \\uXXXX escape: line 1 column 3 (char 2)"},
		{`{"a":1,`, "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"},
		{`[1,`, "Expecting value: line 1 column 4 (char 3)"},
		{`{"a":1`, "Expecting ',' delimiter: line 1 column 7 (char 6)"},
		{`"a\`, "Unterminated string starting at: line 1 column 1 (char 0)"},
		{`[1e5`, "Expecting ',' delimiter: line 1 column 5 (char 4)"},
		{`{"a" : 1 , `, "Expecting property name enclosed in double quotes: line 1 column 12 (char 11)"},
		{`[-Infinity, -NaN]`, "Expecting value: line 1 column 13 (char 12)"},
		{`true false`, "Extra data: line 1 column 6 (char 5)"},
		{`[1] [2]`, "Extra data: line 1 column 5 (char 4)"},
		{`{"a":[1,2}`, "Expecting ',' delimiter: line 1 column 10 (char 9)"},
		{`[1,2}`, "Expecting ',' delimiter: line 1 column 5 (char 4)"},
		{`{"a":1]`, "Expecting ',' delimiter: line 1 column 7 (char 6)"},
	}
	for _, c := range cases {
		src := `local ok, e = pcall(json.loads, ` + jsonLuaString(c.doc) + `)
			assert(not ok, "no error")
			print(e.kind, e.message)
			print(e.msg, e.pos, e.lineno, e.colno)`
		out, serr := jsonRun(t, src)
		if serr != nil {
			t.Errorf("json.loads(%q): %s", c.doc, serr)
			continue
		}
		lines := strings.Split(out, "\n")
		if want := "json.JSONDecodeError\t" + c.msg; lines[0] != want {
			t.Errorf("json.loads(%q)\n got %s\nwant %s", c.doc, lines[0], want)
			continue
		}
		// msg, pos, lineno and colno agree with the message.
		var msg string
		var pos, line, col int
		if i := strings.LastIndex(c.msg, ": line "); i >= 0 {
			msg = c.msg[:i]
			fmt.Sscanf(c.msg[i:], ": line %d column %d (char %d)", &line, &col, &pos)
		}
		if want := fmt.Sprintf("%s\t%d\t%d\t%d", msg, pos, line, col); lines[1] != want {
			t.Errorf("json.loads(%q) fields: got %q, want %q", c.doc, lines[1], want)
		}
	}
}

func TestJSONLoadsOtherErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ src, kind, msg string }{
		{`json.loads("9007199254740993")`, "ValueError",
			"integer 9007199254740993 cannot be represented exactly by a Lua number (a double): line 1 column 1 (char 0)"},
		{`json.loads("[1, -9007199254740993]")`, "ValueError",
			"integer -9007199254740993 cannot be represented exactly by a Lua number (a double): line 1 column 5 (char 4)"},
		{`json.loads("{\"big\": 123456789012345678901234567890123456789012345}")`, "ValueError",
			"integer 12345678901234567890...6789012345 (45 digits) cannot be represented exactly by a Lua number (a double): line 1 column 9 (char 8)"},
		{`json.loads("1" .. string.rep("0", 400))`, "ValueError",
			"integer 10000000000000000000...0000000000 (401 digits) cannot be represented exactly by a Lua number (a double): line 1 column 1 (char 0)"},
		{`json.loads("\"\255\"")`, "UnicodeDecodeError", "'utf-8' codec can't decode byte 0xff in position 1: invalid start byte"},
		{`json.loads(5)`, "TypeError", "the JSON object must be str, bytes or bytearray, not number"},
		{`json.loads({})`, "TypeError", "the JSON object must be str, bytes or bytearray, not table"},
		{`json.loads()`, "TypeError", "bad argument #1 to 'loads' (string expected, got no value)"},
		{`json.loads(string.rep("[", 20000))`, "RecursionError", "maximum recursion depth exceeded while decoding a JSON document"},
		{`json.loads("[1,]")`, "json.JSONDecodeError", "Expecting value: line 1 column 4 (char 3)"},
	}
	for _, c := range cases {
		_, serr := jsonRun(t, c.src)
		if serr == nil {
			t.Errorf("%s: no error, want %s: %s", c.src, c.kind, c.msg)
			continue
		}
		if string(serr.Kind) != c.kind || serr.Message != c.msg {
			t.Errorf("%s\n got %s: %s\nwant %s: %s", c.src, serr.Kind, serr.Message, c.kind, c.msg)
		}
	}
	// The error is caught like any other and says where it was raised.
	out, serr := jsonRun(t, `
		local ok, e = pcall(json.loads, "{")
		print(ok, e.kind == json.JSONDecodeError, e.where, tostring(e))`)
	if serr != nil {
		t.Fatal(serr)
	}
	if want := "false\ttrue\ttest.lua:2\tjson.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// dumps(loads(s)) gives s back for what Python's json.dumps writes (null
// object values aside: they load as nil), and loads(dumps(v)) gives v.
func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	docs := []string{
		`{"bools": [true, false], "empty_list": [], "empty_obj": {}, "floats": [0.5, -2.25, 0.1, 1e-05, 1.5e+300], "ints": [0, -1, 9007199254740992], "nulls": [null, 1, null], "s": "h\u00e9llo \ud83d\ude00 \"q\" \\ \n"}`,
		`[[], [[]], {}, [{}], {"a": [{"b": []}]}]`,
		`[NaN, Infinity, -Infinity]`,
		`"\u2028"`,
	}
	for _, doc := range docs {
		out, serr := jsonRun(t, "io.write(json.dumps(json.loads("+jsonLuaString(doc)+")))")
		if serr != nil {
			t.Errorf("%s: %s", doc, serr)
			continue
		}
		if out != doc {
			t.Errorf("dumps(loads(s)) is not s:\n got %s\nwant %s", out, doc)
		}
	}
	out, serr := jsonRun(t, jsonShow+`
		local v = {name = "x", list = json.array{1, 2.5, "three", json.null, {deep = true}}, n = -0.125, e = json.array()}
		print(show(json.loads(json.dumps(v))) == show(v), show(json.loads(json.dumps(v, {indent = 4}))) == show(v))
		print(json.loads('{"a": null}').a == nil, json.loads("null") == nil, select("#", json.loads("null")))
		print(tostring(json.null), type(json.null), json.loads("[null]")[1] == json.null, #json.loads("[null, null]"))`)
	if serr != nil {
		t.Fatal(serr.Traceback())
	}
	if want := "true\ttrue\ntrue\ttrue\t1\njson.null\tuserdata\ttrue\t2\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestJSONHelp(t *testing.T) {
	t.Parallel()
	out, serr := jsonRun(t, `print(type(json.dumps), type(json.loads), type(json.array), require("json") == json)`)
	if serr != nil {
		t.Fatal(serr)
	}
	if out != "function\tfunction\tfunction\ttrue\n" {
		t.Errorf("got %q", out)
	}
}
