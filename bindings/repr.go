package bindings

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// Limits that keep repr of a huge or deep table from flooding the screen.
const (
	reprMaxDepth = 6    // tables nested deeper print as {...}
	reprMaxItems = 100  // entries shown per table before "..."
	reprMaxTotal = 1000 // entries shown in one repr, all tables together
)

// Repr returns v the way Python's repr would print it: 'text', b'\x00'
// for binary strings, {1, 2, key = 'v'} for tables, and a value's
// __tostring result (addresses, sockets, error objects) when it has one.
//
// L is the state v belongs to; it runs __tostring metamethods, and must be
// used on its own goroutine while holding the interpreter lock. With L nil,
// metamethods are not called and such values print like plain ones. An
// error inside a __tostring is shown in place rather than raised.
func Repr(L *lua.LState, v lua.LValue) string {
	s, err := reprTop(L, v, true)
	if err != nil {
		return fmt.Sprintf("<repr failed: %v>", err)
	}
	return s
}

// reprTop is Repr; protect says whether an error in __tostring is returned
// (true) or raised in L (false, for the repr global).
func reprTop(L *lua.LState, v lua.LValue, protect bool) (string, error) {
	r := &reprer{L: L, protect: protect, path: map[*lua.LTable]bool{}}
	r.value(v, 1)
	return r.b.String(), r.err
}

type reprer struct {
	L       *lua.LState
	protect bool
	b       strings.Builder
	path    map[*lua.LTable]bool // tables being printed: a cycle prints {...}
	total   int
	err     error
}

func (r *reprer) value(v lua.LValue, depth int) {
	if s, ok := r.tostring(v); ok {
		r.b.WriteString(s)
		return
	}
	switch v := v.(type) {
	case lua.LString:
		r.b.WriteString(reprString(string(v)))
	case lua.LNumber:
		r.b.WriteString(reprNumber(v))
	case *lua.LTable:
		r.table(v, depth)
	default:
		r.b.WriteString(v.String())
	}
}

// tostring runs v's __tostring metamethod, if it has one.
func (r *reprer) tostring(v lua.LValue) (string, bool) {
	var mt lua.LValue = lua.LNil
	switch v := v.(type) {
	case *lua.LTable:
		mt = v.Metatable
	case *lua.LUserData:
		mt = v.Metatable
	default:
		return "", false
	}
	mtt, ok := mt.(*lua.LTable)
	if !ok {
		return "", false
	}
	fn := mtt.RawGetString("__tostring")
	if fn == lua.LNil {
		return "", false
	}
	if r.L == nil || r.err != nil {
		return "", false
	}
	L := r.L
	if err := L.CallByParam(lua.P{Fn: fn, NRet: 1, Protect: r.protect}, v); err != nil {
		r.err = err
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) && apiErr.Object != nil {
			if e, ok := api.FromValue(apiErr.Object); ok {
				r.err = e
			}
		}
		return "<__tostring failed>", true
	}
	res := L.Get(-1)
	L.Pop(1)
	switch res := res.(type) {
	case lua.LString:
		return string(res), true
	case lua.LNumber:
		return res.String(), true
	}
	return res.String(), true
}

// reprNumber is Lua's tostring of n, with inf and nan spelled as Lua and
// Python spell them (gopher-lua says +Inf and NaN).
func reprNumber(n lua.LNumber) string {
	f := float64(n)
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	return n.String()
}

func (r *reprer) table(t *lua.LTable, depth int) {
	if r.path[t] || depth > reprMaxDepth || r.total >= reprMaxTotal {
		r.b.WriteString("{...}")
		return
	}
	r.path[t] = true
	defer delete(r.path, t)

	// The sequence part: 1..n with no hole.
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	// The other keys, sorted so that the output is deterministic.
	var keys []lua.LValue
	t.ForEach(func(k, _ lua.LValue) {
		if i, ok := k.(lua.LNumber); ok && float64(i) == math.Trunc(float64(i)) && i >= 1 && int(i) <= n {
			return
		}
		keys = append(keys, k)
	})
	sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })

	r.b.WriteByte('{')
	shown := 0
	more := func() bool {
		if shown > 0 {
			r.b.WriteString(", ")
		}
		if shown >= reprMaxItems || r.total >= reprMaxTotal {
			r.b.WriteString("...")
			return false
		}
		shown++
		r.total++
		return true
	}
	done := false
	for i := 1; i <= n && !done; i++ {
		if !more() {
			done = true
			break
		}
		r.value(t.RawGetInt(i), depth+1)
	}
	for _, k := range keys {
		if done {
			break
		}
		if !more() {
			done = true
			break
		}
		if s, ok := k.(lua.LString); ok && isLuaName(string(s)) {
			r.b.WriteString(string(s))
		} else {
			r.b.WriteByte('[')
			r.value(k, depth+1)
			r.b.WriteByte(']')
		}
		r.b.WriteString(" = ")
		r.value(t.RawGet(k), depth+1)
	}
	r.b.WriteByte('}')
}

// keyLess orders table keys: numbers, then strings, then booleans, then
// everything else by type and address.
func keyLess(a, b lua.LValue) bool {
	ra, rb := keyRank(a), keyRank(b)
	if ra != rb {
		return ra < rb
	}
	switch a := a.(type) {
	case lua.LNumber:
		x, y := float64(a), float64(b.(lua.LNumber))
		if math.IsNaN(x) || math.IsNaN(y) { // cannot be keys; be total anyway
			return !math.IsNaN(x) && math.IsNaN(y)
		}
		return x < y
	case lua.LString:
		return a < b.(lua.LString)
	case lua.LBool:
		return !bool(a) && bool(b.(lua.LBool))
	}
	return a.String() < b.String()
}

func keyRank(v lua.LValue) int {
	switch v.(type) {
	case lua.LNumber:
		return 0
	case lua.LString:
		return 1
	case lua.LBool:
		return 2
	case *lua.LTable:
		return 3
	case *lua.LFunction:
		return 4
	case *lua.LUserData:
		return 5
	}
	return 6
}

// isLuaKeyword reports whether s is a reserved word of Lua (goto too,
// which Lua 5.2 reserves).
func isLuaKeyword(s string) bool {
	switch s {
	case "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto",
		"if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true",
		"until", "while":
		return true
	}
	return false
}

// isLuaName reports whether s can be written as a bare key: a Lua
// identifier that is not a keyword.
func isLuaName(s string) bool {
	if s == "" || isLuaKeyword(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// isText reports whether s is text for repr: valid UTF-8 without control
// characters other than \t, \n and \r. Other strings are binary data.
func isText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if unicode.IsControl(c) && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// reprString is repr of a Lua string: Python's str repr ('今天', "it's")
// when s is text (see isText), Python's bytes repr (b'\x12\x00') when not.
func reprString(s string) string {
	if isText(s) {
		return reprStr(s)
	}
	return reprBytes(s)
}

// pyQuote is the quote Python's repr picks: ' unless s holds ' and no ".
func pyQuote(s string) byte {
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		return '"'
	}
	return '\''
}

const hexDigits = "0123456789abcdef"

// reprStr is Python's repr of a str (s is valid UTF-8).
func reprStr(s string) string {
	q := pyQuote(s)
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for _, c := range s {
		switch {
		case c == rune(q) || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x7f && c >= 0x20 || c >= 0x7f && unicode.IsPrint(c):
			b.WriteRune(c)
		case c <= 0xff:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		case c <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			fmt.Fprintf(&b, `\U%08x`, c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// reprBytes is Python's repr of a bytes object.
func reprBytes(s string) string {
	q := pyQuote(s)
	var b strings.Builder
	b.Grow(len(s) + 3)
	b.WriteByte('b')
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
	}
	b.WriteByte(q)
	return b.String()
}

// Hexdump formats b like "hexdump -C" (without squeezing repeated lines
// into "*"): offset, 16 bytes in two groups of 8, the ASCII column, and a
// last line with the length. An empty b gives "00000000\n".
func Hexdump(b []byte) string {
	var sb strings.Builder
	for off := 0; off < len(b); off += 16 {
		line := b[off:min(off+16, len(b))]
		fmt.Fprintf(&sb, "%08x  ", off)
		for i := 0; i < 16; i++ {
			if i < len(line) {
				sb.WriteByte(hexDigits[line[i]>>4])
				sb.WriteByte(hexDigits[line[i]&0xf])
				sb.WriteByte(' ')
			} else {
				sb.WriteString("   ")
			}
			if i == 7 {
				sb.WriteByte(' ')
			}
		}
		sb.WriteString(" |")
		for _, c := range line {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			sb.WriteByte(c)
		}
		sb.WriteString("|\n")
	}
	fmt.Fprintf(&sb, "%08x\n", len(b))
	return sb.String()
}
