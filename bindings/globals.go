package bindings

import (
	"io"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// globalsModule holds the functions that Open makes plain globals, and
// (through Init) the string methods encode and decode.
var globalsModule = api.Module{
	Name: "_G",
	Doc:  "The globals repr, hexdump and input, and the string methods encode and decode.",
	Funcs: []api.Func{
		{Name: "repr", Fn: luaRepr, Doc: `repr(v) -> string
Returns a printable representation of v, the way Python's repr does: text
prints quoted ('hello', '今天'), a string of binary data prints as bytes
(b'\x12\x00\x00\x00'), tables print as {1, 2, host = 'x'}, and values with
a __tostring (addresses, sockets, errors) print through it.
Python: repr(v)`},
		{Name: "hexdump", Fn: luaHexdump, Doc: `hexdump(s)
Prints s as a hex dump like the shell's "hexdump -C": each line has the
offset, 16 bytes in hex (two groups of 8) and the same bytes as ASCII, with
"." for the unprintable ones; the last line is the length in hex. Every line
is shown (no "*" for repeated lines). Returns nothing.
Python: no builtin; like print(data.hex(" ")) but with offsets and ASCII`},
		inputFunc,
	},
	Init: func(L *lua.LState, _ *lua.LTable) {
		str, ok := L.GetGlobal("string").(*lua.LTable)
		if !ok {
			// No string library in this state: nothing to extend.
			return
		}
		for _, f := range StringMethods {
			str.RawSetString(f.Name, L.NewFunction(f.Fn))
		}
	},
}

// StringMethods are the functions Init adds to Lua's string table, so
// that s:encode() and s:decode() work through the string metatable. They
// are kept here, with their docs, for the REPL's help and completion.
var StringMethods = []api.Func{
	{Name: "encode", Fn: strEncode, Doc: `s:encode([encoding [, errors]]) -> string
Converts the text s (a Lua string holding UTF-8) to the bytes of encoding:
"utf-8" (the default; checks s and returns it unchanged), "ascii",
"latin-1" or "gbk", with Python's spellings ("utf8", "UTF-8", "latin1",
"iso-8859-1", "cp936" ...). errors is "strict" (the default: raise
UnicodeEncodeError), "replace" (write "?") or "ignore" (drop the character).
Python: s.encode(encoding="utf-8", errors="strict")`},
	{Name: "decode", Fn: strDecode, Doc: `s:decode([encoding [, errors]]) -> string
Converts the bytes s, in encoding, to text (a Lua string holding UTF-8).
encoding is "utf-8" (the default), "ascii", "latin-1" or "gbk". errors is
"strict" (the default: raise UnicodeDecodeError with the byte position),
"replace" (write U+FFFD "�") or "ignore" (drop the bytes).
Python: data.decode(encoding="utf-8", errors="strict")`},
}

// luaRepr is the global repr(v).
func luaRepr(L *lua.LState) int {
	if L.GetTop() == 0 {
		api.Function(L, "repr").Error(1, "value expected")
	}
	s, _ := reprTop(L, L.Get(1), false) // an error in __tostring is raised in L
	L.Push(lua.LString(s))
	return 1
}

// luaHexdump is the global hexdump(s).
func luaHexdump(L *lua.LState) int {
	var b string
	switch v := L.Get(1).(type) {
	case lua.LString:
		b = string(v)
	case lua.LNumber:
		b = v.String()
	default:
		api.Function(L, "hexdump").Error(1, "string expected, got "+api.TypeNameAt(L, 1))
	}
	io.WriteString(api.HostOf(L).Stdout(), Hexdump([]byte(b)))
	return 0
}
