package bindings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// JSONArrayType is the registry name of the metatable that marks a table
// as a JSON array (json.array, and every array json.loads returns).
const JSONArrayType = "json.array"

// JSONNullType is the registry name of json.null's metatable.
const JSONNullType = "json.null"

const jsonNullKey = "socklab.json.null"

// jsonNullValue is what json.null's userdata holds: dumps recognises the
// sentinel by it, in any state.
type jsonNullValue struct{}

var jsonNull = &jsonNullValue{}

var jsonModule = api.Module{
	Name: "json",
	Doc: `Python's json module on Go's encoding/json. Lua tables with the keys 1..n
are arrays, other tables objects; an empty table is an object ({}) unless it
is marked with json.array. JSON null is nil, except inside arrays where it
is json.null, so that indexes stay right. Object keys are always written in
sorted order: Lua tables have no order of their own.`,
	Funcs: []api.Func{
		{Name: "dumps", Doc: `json.dumps(value [, opts]) -> string
Serialises value as Python's json.dumps does, byte for byte: separators ", "
and ": ", non-ASCII escaped as \uXXXX, NaN and Infinity allowed. A table
with the keys 1..n (n >= 1) is an array; any other table is an object whose
keys, strings or numbers (or booleans), are written as strings in sorted
order (numbers first, numerically, then booleans, then strings), whatever
sort_keys says, since a Lua table has no order. An empty table is {}: use
json.array() or json.array(t) for []. json.null and nil are null. A number
with an integral value (below 2^63) prints as Python's int, without ".0";
others as Python's float (1e-05, 1.5e+300, NaN, Infinity for math.huge).
A string that is not valid
UTF-8 is bytes to Python: TypeError. Cycles raise ValueError.
opts (all optional): indent (number of spaces, or a string: one item a line,
as Python lays it out), sort_keys (accepted; keys are always sorted),
ensure_ascii (default true), allow_nan (default true; false raises ValueError
for NaN and infinities), separators ({item, key}, e.g. {",", ":"} for the
most compact form), skipkeys (skip keys that are not strings or numbers
instead of raising TypeError), default (a function called with a value that
cannot be serialised, returning one that can).
Python: json.dumps(obj, indent=None, sort_keys=False, ensure_ascii=True, allow_nan=True, separators=None, skipkeys=False, default=None)`, Fn: jsonDumps},
		{Name: "loads", Doc: `json.loads(s) -> value
Parses the JSON document s (UTF-8; a leading BOM is skipped). Objects become
tables with string keys; arrays tables with keys 1..n (marked as json.array,
so they dump back as arrays even when empty); null is nil as an object value
or the whole document, and json.null inside arrays; numbers are Lua numbers.
NaN, Infinity and -Infinity are read, as Python does; a lone surrogate
escape (\ud800) becomes U+FFFD, as UTF-8 cannot hold it. An integer that a Lua
number (a double) cannot hold exactly, such as 2^53 + 1, raises ValueError
instead of being rounded; non-integral numbers are rounded as Python's
float() does. A malformed document raises json.JSONDecodeError with Python's
message and position ("Expecting value: line 1 column 1 (char 0)"); the
error also has the fields msg, pos (0-based, in characters), lineno and
colno. Invalid UTF-8 raises UnicodeDecodeError, as for Python's bytes.
Python: json.loads(s)`, Fn: jsonLoads},
		{Name: "array", Doc: `json.array([t]) -> t
Marks the table t (a new empty one by default) as a JSON array, so that
json.dumps writes it as [...] even when it is empty; its values are those at
the keys 1..n, and missing ones are null. It sets t's metatable, which must
be unset. A table whose metatable has __jsontype = "array" (or "object") is
written as such, as dkjson does.
Python: [] (a list)`, Fn: jsonArray},
	},
	Init: func(L *lua.LState, mod *lua.LTable) {
		amt := L.NewTypeMetatable(JSONArrayType)
		amt.RawSetString("__jsontype", lua.LString("array"))
		nmt := L.NewTypeMetatable(JSONNullType)
		nmt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LString("json.null"))
			return 1
		}))
		null := L.NewUserData()
		null.Value = jsonNull
		null.Metatable = nmt
		L.SetField(L.Get(lua.RegistryIndex), jsonNullKey, null)
		// json.null: JSON null where nil cannot stand (in arrays).
		mod.RawSetString("null", null)
		// json.JSONDecodeError is the kind of decoding errors, so that
		// e.kind == json.JSONDecodeError reads like Python's except clause.
		mod.RawSetString("JSONDecodeError", lua.LString("json.JSONDecodeError"))
	},
}

// ---- dumps ----

// jsonMaxDepth bounds nesting (and default() chains) as Python's
// recursion limit does.
const jsonMaxDepth = 1000

type jsonEncoder struct {
	L           *lua.LState
	out         bytes.Buffer
	scratch     bytes.Buffer
	strEnc      *json.Encoder
	indent      string
	hasIndent   bool
	itemSep     string
	keySep      string
	ensureASCII bool
	allowNaN    bool
	skipKeys    bool
	def         *lua.LFunction
	visiting    map[*lua.LTable]bool
	level       int // nesting of containers, for indentation
	depth       int // nesting of containers and default() calls
}

func jsonDumps(L *lua.LState) int {
	if L.GetTop() < 1 {
		api.Function(L, "dumps").Error(1, "value expected")
	}
	e := &jsonEncoder{
		L:           L,
		itemSep:     ", ",
		keySep:      ": ",
		ensureASCII: true,
		allowNaN:    true,
		visiting:    map[*lua.LTable]bool{},
	}
	e.strEnc = json.NewEncoder(&e.scratch)
	e.strEnc.SetEscapeHTML(false)
	e.options(L, 2)
	if pe := e.encode(L.Get(1)); pe != nil {
		api.Raise(L, pe)
	}
	L.Push(lua.LString(e.out.String()))
	return 1
}

// options reads dumps's option table at index n.
func (e *jsonEncoder) options(L *lua.LState, n int) {
	var opts *lua.LTable
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return
	case *lua.LTable:
		opts = v
	default:
		api.Function(L, "dumps").Error(n, "table expected, got "+api.TypeNameAt(L, n))
	}
	seps := false
	opts.ForEach(func(k, v lua.LValue) {
		name, ok := k.(lua.LString)
		if !ok {
			api.Raisef(L, api.TypeError, "dumps() keywords must be strings")
		}
		switch name {
		case "indent":
			switch x := v.(type) {
			case lua.LNumber:
				if x != lua.LNumber(math.Trunc(float64(x))) {
					api.Raisef(L, api.TypeError, "indent must be an integer or a string, not %s", x)
				}
				e.hasIndent = true
				if x > 0 {
					e.indent = strings.Repeat(" ", int(min(x, 1e6)))
				}
			case lua.LString:
				e.hasIndent, e.indent = true, string(x)
			case lua.LBool:
				if x {
					api.Raisef(L, api.TypeError, "indent must be a number or a string, not boolean")
				}
			default:
				api.Raisef(L, api.TypeError, "indent must be a number or a string, not %s", v.Type())
			}
		case "sort_keys":
			// Keys are always sorted: a Lua table has no order to keep.
		case "ensure_ascii":
			e.ensureASCII = lua.LVAsBool(v)
		case "allow_nan":
			e.allowNaN = lua.LVAsBool(v)
		case "skipkeys":
			e.skipKeys = lua.LVAsBool(v)
		case "separators":
			t, ok := v.(*lua.LTable)
			if !ok {
				t = L.NewTable()
			}
			item, ok1 := t.RawGetInt(1).(lua.LString)
			key, ok2 := t.RawGetInt(2).(lua.LString)
			if !ok1 || !ok2 {
				api.Raisef(L, api.TypeError, "separators must be a table of two strings {item_separator, key_separator}")
			}
			e.itemSep, e.keySep, seps = string(item), string(key), true
		case "default":
			fn, ok := v.(*lua.LFunction)
			if !ok {
				api.Raisef(L, api.TypeError, "default must be a function, not %s", v.Type())
			}
			e.def = fn
		default:
			api.Raisef(L, api.TypeError, "dumps() got an unexpected keyword argument '%s'", string(name))
		}
	})
	if e.hasIndent && !seps {
		// Python drops the space after "," when indenting.
		e.itemSep = ","
	}
}

func notSerializable(typ string) *api.Error {
	return api.NewError(api.TypeError, "Object of type %s is not JSON serializable", typ)
}

// encode appends the JSON text of v.
func (e *jsonEncoder) encode(v lua.LValue) *api.Error {
	switch x := v.(type) {
	case *lua.LNilType:
		e.out.WriteString("null")
	case lua.LBool:
		if x {
			e.out.WriteString("true")
		} else {
			e.out.WriteString("false")
		}
	case lua.LNumber:
		s, pe := e.number(float64(x))
		if pe != nil {
			return pe
		}
		e.out.WriteString(s)
	case lua.LString:
		if !utf8.ValidString(string(x)) {
			return e.fallback(v, "bytes")
		}
		e.str(string(x))
	case *lua.LTable:
		return e.table(x)
	case *lua.LUserData:
		if x.Value == jsonNull {
			e.out.WriteString("null")
			return nil
		}
		return e.fallback(v, "userdata")
	default:
		return e.fallback(v, v.Type().String())
	}
	return nil
}

// fallback serialises what default(v) returns, or raises TypeError.
func (e *jsonEncoder) fallback(v lua.LValue, typ string) *api.Error {
	if e.def == nil {
		return notSerializable(typ)
	}
	if e.depth >= jsonMaxDepth {
		return api.NewError(api.RecursionError, "maximum recursion depth exceeded while encoding a JSON object")
	}
	L := e.L
	L.Push(e.def)
	L.Push(v)
	L.Call(1, 1)
	res := L.Get(-1)
	L.Pop(1)
	e.depth++
	defer func() { e.depth-- }()
	return e.encode(res)
}

// number formats f as Python does: integral values as ints, others as
// repr(float).
func (e *jsonEncoder) number(f float64) (string, *api.Error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if !e.allowNaN {
			return "", api.NewError(api.ValueError, "Out of range float values are not JSON compliant")
		}
	}
	return pyNumber(f), nil
}

// pyNumber is str() of f as Python would hold it: an int when f is
// integral (and fits in 64 bits), else repr(float): shortest round-trip
// digits, exponent form below 1e-4 or from 1e16, NaN and Infinity as json
// writes them.
func pyNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == math.Trunc(f) && math.Abs(f) < 1<<63:
		return strconv.FormatInt(int64(f), 10)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case exp < -4 || exp >= 16:
		b.WriteByte(digits[0])
		if len(digits) > 1 {
			b.WriteByte('.')
			b.WriteString(digits[1:])
		}
		fmt.Fprintf(&b, "e%+03d", exp)
	case exp < 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -exp-1))
		b.WriteString(digits)
	default:
		if len(digits) <= exp+1 {
			b.WriteString(digits)
			b.WriteString(strings.Repeat("0", exp+1-len(digits)))
			b.WriteString(".0")
		} else {
			b.WriteString(digits[:exp+1])
			b.WriteByte('.')
			b.WriteString(digits[exp+1:])
		}
	}
	return b.String()
}

// str appends s as a JSON string. encoding/json does the escaping; what
// differs from Python is adjusted on its output: with ensure_ascii every
// non-ASCII character (and DEL) becomes \uXXXX (a surrogate pair beyond the
// BMP); without it, U+2028 and U+2029, which Go always escapes, are kept.
func (e *jsonEncoder) str(s string) {
	e.scratch.Reset()
	e.strEnc.Encode(s) // a string cannot fail
	enc := bytes.TrimSuffix(e.scratch.Bytes(), []byte("\n"))
	if e.ensureASCII {
		for len(enc) > 0 {
			c := enc[0]
			if c < 0x7f {
				e.out.WriteByte(c)
				enc = enc[1:]
				continue
			}
			r, n := utf8.DecodeRune(enc)
			enc = enc[n:]
			if r >= 0x10000 {
				r1, r2 := utf16Surrogates(r)
				fmt.Fprintf(&e.out, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(&e.out, `\u%04x`, r)
			}
		}
		return
	}
	for len(enc) > 0 {
		c := enc[0]
		if c == '\\' {
			switch {
			case bytes.HasPrefix(enc, []byte(`\u2028`)):
				e.out.WriteString("\u2028")
				enc = enc[6:]
			case bytes.HasPrefix(enc, []byte(`\u2029`)):
				e.out.WriteString("\u2029")
				enc = enc[6:]
			default: // another escape: copy both bytes as they are
				e.out.Write(enc[:2])
				enc = enc[2:]
			}
			continue
		}
		e.out.WriteByte(c)
		enc = enc[1:]
	}
}

func utf16Surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// jsonKey is one object key: its Lua value and its JSON string.
type jsonKey struct {
	k   lua.LValue
	v   lua.LValue
	str string
}

// jsonKeyRank orders keys of different types: numbers, booleans, strings.
func jsonKeyRank(v lua.LValue) int {
	switch v.(type) {
	case lua.LNumber:
		return 0
	case lua.LBool:
		return 1
	}
	return 2
}

func (e *jsonEncoder) table(t *lua.LTable) *api.Error {
	if e.visiting[t] {
		return api.NewError(api.ValueError, "Circular reference detected")
	}
	if e.depth >= jsonMaxDepth {
		return api.NewError(api.RecursionError, "maximum recursion depth exceeded while encoding a JSON object")
	}
	e.visiting[t] = true
	e.depth++
	e.level++
	defer func() {
		delete(e.visiting, t)
		e.depth--
		e.level--
	}()

	kind := ""
	if mt, ok := t.Metatable.(*lua.LTable); ok {
		if k, ok := mt.RawGetString("__jsontype").(lua.LString); ok {
			kind = string(k)
		}
	}
	// Count the keys and see whether they are exactly 1..n.
	n, maxIndex, allIndexes := 0, 0, true
	t.ForEach(func(k, _ lua.LValue) {
		n++
		if f, ok := k.(lua.LNumber); ok && f >= 1 && float64(f) == math.Trunc(float64(f)) && f <= 1<<53 {
			maxIndex = max(maxIndex, int(f))
		} else {
			allIndexes = false
		}
	})
	switch kind {
	case "array":
		if !allIndexes {
			return api.NewError(api.ValueError, "a table marked as a JSON array has keys that are not indexes 1..n")
		}
		if maxIndex > 64*n+64 {
			return api.NewError(api.ValueError, "a table marked as a JSON array is too sparse (%d values, last index %d)", n, maxIndex)
		}
		return e.array(t, maxIndex)
	case "object":
	default:
		if n > 0 && allIndexes && maxIndex == n {
			return e.array(t, n)
		}
	}
	return e.object(t)
}

func (e *jsonEncoder) array(t *lua.LTable, n int) *api.Error {
	if n == 0 {
		e.out.WriteString("[]")
		return nil
	}
	e.out.WriteByte('[')
	nl := e.newline(e.level)
	e.out.WriteString(nl)
	for i := 1; i <= n; i++ {
		if i > 1 {
			e.out.WriteString(e.itemSep)
			e.out.WriteString(nl)
		}
		if pe := e.encode(t.RawGetInt(i)); pe != nil {
			return pe
		}
	}
	e.out.WriteString(e.newline(e.level - 1))
	e.out.WriteByte(']')
	return nil
}

// newline is what starts a line at the given level when indenting.
func (e *jsonEncoder) newline(level int) string {
	if !e.hasIndent {
		return ""
	}
	return "\n" + strings.Repeat(e.indent, level)
}

func (e *jsonEncoder) object(t *lua.LTable) *api.Error {
	var keys []jsonKey
	var bad *api.Error
	t.ForEach(func(k, v lua.LValue) {
		if bad != nil {
			return
		}
		var s string
		switch x := k.(type) {
		case lua.LString:
			if !utf8.ValidString(string(x)) {
				if e.skipKeys {
					return
				}
				bad = api.NewError(api.TypeError, "keys must be str, int, float, bool or None, not bytes")
				return
			}
			s = string(x)
		case lua.LNumber:
			if s, bad = e.number(float64(x)); bad != nil {
				return
			}
		case lua.LBool:
			s = "false"
			if x {
				s = "true"
			}
		default:
			if e.skipKeys {
				return
			}
			bad = api.NewError(api.TypeError, "keys must be str, int, float, bool or None, not %s", k.Type())
			return
		}
		keys = append(keys, jsonKey{k, v, s})
	})
	if bad != nil {
		return bad
	}
	if len(keys) == 0 {
		e.out.WriteString("{}")
		return nil
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if ra, rb := jsonKeyRank(a.k), jsonKeyRank(b.k); ra != rb {
			return ra < rb
		}
		switch x := a.k.(type) {
		case lua.LNumber:
			return x < b.k.(lua.LNumber)
		case lua.LBool:
			return !bool(x)
		}
		return a.str < b.str
	})
	e.out.WriteByte('{')
	nl := e.newline(e.level)
	e.out.WriteString(nl)
	for i, kv := range keys {
		if i > 0 {
			e.out.WriteString(e.itemSep)
			e.out.WriteString(nl)
		}
		e.str(kv.str)
		e.out.WriteString(e.keySep)
		if pe := e.encode(kv.v); pe != nil {
			return pe
		}
	}
	e.out.WriteString(e.newline(e.level - 1))
	e.out.WriteByte('}')
	return nil
}

func jsonArray(L *lua.LState) int {
	var t *lua.LTable
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
		t = L.NewTable()
	case *lua.LTable:
		t = v
	default:
		api.Function(L, "array").Error(1, "table expected, got "+api.TypeNameAt(L, 1))
	}
	mt := L.GetTypeMetatable(JSONArrayType)
	if t.Metatable != lua.LNil && t.Metatable != mt {
		api.Raisef(L, api.ValueError, "json.array: the table already has a metatable (set __jsontype = \"array\" in it instead)")
	}
	t.Metatable = mt
	L.Push(t)
	return 1
}

// ---- loads ----

func jsonLoads(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if !ok {
		if L.GetTop() < 1 {
			api.Function(L, "loads").Error(1, "string expected, got no value")
		}
		api.Raisef(L, api.TypeError, "the JSON object must be str, bytes or bytearray, not %s", api.TypeNameAt(L, 1))
	}
	data := []byte(s)
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		if _, pe := decode(string(data), "utf-8", "strict"); pe != nil {
			api.Raise(L, pe)
		}
	}
	work, specials, derr := jsonValidate(data)
	if derr != nil {
		raiseDecodeError(L, data, derr)
	}
	d := &jsonDecoder{
		L:        L,
		data:     data,
		specials: specials,
		null:     L.GetField(L.Get(lua.RegistryIndex), jsonNullKey),
		arrayMT:  L.GetTypeMetatable(JSONArrayType),
		dec:      json.NewDecoder(bytes.NewReader(work)),
	}
	d.dec.UseNumber()
	v, err := d.value()
	if err != nil {
		api.Raise(L, api.FromGoError(err))
	}
	L.Push(v)
	return 1
}

// jsonDecodeError is a decoding error at a byte offset of the document.
type jsonDecodeError struct {
	kind api.Kind // api.JSONDecodeError, api.ValueError...
	msg  string
	off  int
}

// raiseDecodeError raises e with Python's position suffix and fields.
func raiseDecodeError(L *lua.LState, data []byte, e *jsonDecodeError) {
	off := min(e.off, len(data))
	pos := utf8.RuneCount(data[:off])
	line := bytes.Count(data[:off], []byte("\n")) + 1
	col := pos + 1
	if i := bytes.LastIndexByte(data[:off], '\n'); i >= 0 {
		col = utf8.RuneCount(data[i+1 : off])
		col++
	}
	if e.kind == api.RecursionError {
		api.Raisef(L, e.kind, "%s", e.msg)
	}
	pe := &api.Error{Kind: e.kind, Message: fmt.Sprintf("%s: line %d column %d (char %d)", e.msg, line, col, pos)}
	if e.kind == api.JSONDecodeError {
		pe.Attrs = map[string]any{"msg": e.msg, "pos": pos, "lineno": line, "colno": col}
	}
	api.Raise(L, pe)
}

// jsonSpecial marks where NaN, Infinity or -Infinity stood.
type jsonSpecial struct {
	value float64
	size  int // bytes of the substitute number
}

var jsonSpecialWords = []struct {
	word, repl string
	value      float64
}{
	{"NaN", "0  ", math.NaN()},
	{"Infinity", "1       ", math.Inf(1)},
	{"-Infinity", "-1       ", math.Inf(-1)},
}

// jsonValidate checks data with encoding/json. Python's NaN, Infinity and
// -Infinity, which encoding/json rejects, are found where it stops at them
// and replaced by numbers padded with spaces (so every offset stays the
// same); the returned map says where they start. A real error comes back in
// Python's words.
func jsonValidate(data []byte) ([]byte, map[int]jsonSpecial, *jsonDecodeError) {
	work := data
	var specials map[int]jsonSpecial
	for {
		var raw json.RawMessage
		err := json.Unmarshal(work, &raw)
		if err == nil {
			return work, specials, nil
		}
		var se *json.SyntaxError
		if !errors.As(err, &se) {
			return nil, nil, &jsonDecodeError{kind: api.ValueError, msg: err.Error()}
		}
		bad := syntaxErrorIndex(work, se)
		start, w := -1, -1
		if strings.HasSuffix(se.Error(), "looking for beginning of value") {
			for i, sw := range jsonSpecialWords[:2] {
				if bytes.HasPrefix(work[bad:], []byte(sw.word)) {
					start, w = bad, i
				}
			}
		} else if strings.HasSuffix(se.Error(), " in numeric literal") && bad > 0 && work[bad-1] == '-' &&
			bytes.HasPrefix(work[bad:], []byte("Infinity")) {
			start, w = bad-1, 2
		}
		if start < 0 {
			return nil, nil, pythonSyntaxError(work, se, len(data))
		}
		if specials == nil {
			specials = map[int]jsonSpecial{}
			work = bytes.Clone(data)
		}
		sw := jsonSpecialWords[w]
		copy(work[start:], sw.repl)
		specials[start] = jsonSpecial{sw.value, len(strings.TrimSpace(sw.repl))}
	}
}

// syntaxErrorIndex is the index of the byte that encoding/json stopped at;
// len(data) when it was the end of the input (which the scanner reports as
// "unexpected end", or as a space it pretends to read there).
func syntaxErrorIndex(data []byte, se *json.SyntaxError) int {
	off := int(se.Offset)
	switch {
	case se.Error() == "unexpected end of JSON input":
		return len(data)
	case off >= len(data) && strings.HasPrefix(se.Error(), "invalid character ' '") &&
		(len(data) == 0 || data[len(data)-1] != ' '):
		return len(data)
	case off < 1:
		return 0
	}
	return min(off-1, len(data))
}

// pyNumberPrefix is the number Python's scanner takes at a position;
// only error messages need it, so it is compiled at the first.
var pyNumberPrefix = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?`)
})

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// pythonSyntaxError turns encoding/json's syntax error into the message
// and position CPython's json module reports. n is the length of the
// document itself (data may carry a sentinel beyond it).
func pythonSyntaxError(data []byte, se *json.SyntaxError, n int) *jsonDecodeError {
	msg := se.Error()
	bad := syntaxErrorIndex(data, se)
	at := func(m string, off int) *jsonDecodeError {
		return &jsonDecodeError{kind: api.JSONDecodeError, msg: m, off: off}
	}
	revalidate := func(d []byte) *json.SyntaxError {
		var raw json.RawMessage
		var se2 *json.SyntaxError
		if errors.As(json.Unmarshal(d, &raw), &se2) {
			return se2
		}
		return nil
	}
	switch {
	case msg == "unexpected end of JSON input":
		// What was expected at the end? Put an impossible character
		// there and let the scanner say.
		d := append(bytes.Clone(data[:n]), '#')
		se2 := revalidate(d)
		if se2 == nil || se2.Error() == "unexpected end of JSON input" {
			return at("Unterminated string starting at", openQuote(data[:n]))
		}
		return pythonSyntaxError(d, se2, n)
	case strings.HasSuffix(msg, "exceeded max depth"):
		return &jsonDecodeError{kind: api.RecursionError, msg: "maximum recursion depth exceeded while decoding a JSON document", off: bad}
	case strings.HasSuffix(msg, "looking for beginning of value"):
		return at("Expecting value", bad)
	case strings.HasSuffix(msg, "looking for beginning of object key string"):
		return at("Expecting property name enclosed in double quotes", bad)
	case strings.HasSuffix(msg, "after object key"):
		return at("Expecting ':' delimiter", bad)
	case strings.HasSuffix(msg, "after object key:value pair"), strings.HasSuffix(msg, "after array element"):
		return at("Expecting ',' delimiter", bad)
	case strings.HasSuffix(msg, "after top-level value"):
		return at("Extra data", bad)
	case strings.HasSuffix(msg, "in string literal"):
		return at("Invalid control character at", bad)
	case strings.HasSuffix(msg, "in string escape code"):
		if bad >= n {
			return at("Unterminated string starting at", openQuote(data[:n]))
		}
		return at("Invalid \\escape", bad-1)
	case strings.HasSuffix(msg, "hexadecimal character escape"):
		u := bad - 1
		for u > 0 && isHexDigit(data[u]) {
			u--
		}
		return at("Invalid \\uXXXX escape", u)
	case strings.Contains(msg, "numeric literal"):
		s := bad
		for s > 0 && strings.IndexByte("0123456789.eE+-", data[s-1]) >= 0 {
			s--
		}
		p := s + len(pyNumberPrefix().Find(data[s:bad]))
		if p == s {
			return at("Expecting value", s)
		}
		// Python stops the number at p: what does the scanner make of
		// an impossible character there?
		d := bytes.Clone(data)
		d[p] = '#'
		if se2 := revalidate(d); se2 != nil {
			return pythonSyntaxError(d, se2, n)
		}
		return at("Extra data", p)
	case strings.Contains(msg, "in literal"):
		s := bad
		for s > 0 && 'a' <= data[s-1] && data[s-1] <= 'z' {
			s--
		}
		return at("Expecting value", s)
	}
	return at(strings.TrimPrefix(msg, "json: "), bad)
}

// openQuote is the offset of the string left open at the end of data, a
// valid JSON prefix.
func openQuote(data []byte) int {
	start, in := 0, false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case !in && c == '"':
			start, in = i, true
		case in && c == '\\':
			i++
		case in && c == '"':
			in = false
		}
	}
	return start
}

// jsonDecoder builds Lua values from encoding/json's tokens.
type jsonDecoder struct {
	L        *lua.LState
	data     []byte
	specials map[int]jsonSpecial
	null     lua.LValue
	arrayMT  lua.LValue
	dec      *json.Decoder
}

func (d *jsonDecoder) value() (lua.LValue, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, err
	}
	return d.fromToken(tok, false)
}

func (d *jsonDecoder) fromToken(tok json.Token, inArray bool) (lua.LValue, error) {
	L := d.L
	switch x := tok.(type) {
	case nil:
		if inArray {
			return d.null, nil
		}
		return lua.LNil, nil
	case bool:
		return lua.LBool(x), nil
	case string:
		return lua.LString(x), nil
	case json.Number:
		end := int(d.dec.InputOffset())
		start := end - len(x)
		if sp, ok := d.specials[start]; ok && sp.size == len(x) {
			return lua.LNumber(sp.value), nil
		}
		f, perr := jsonNumber(string(x))
		if perr != "" {
			derr := &jsonDecodeError{kind: api.ValueError, msg: perr, off: start}
			raiseDecodeError(L, d.data, derr)
		}
		return lua.LNumber(f), nil
	case json.Delim:
		switch x {
		case '[':
			t := L.NewTable()
			t.Metatable = d.arrayMT
			for i := 1; d.dec.More(); i++ {
				tok, err := d.dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := d.fromToken(tok, true)
				if err != nil {
					return nil, err
				}
				t.RawSetInt(i, v)
			}
			_, err := d.dec.Token() // ]
			return t, err
		case '{':
			t := L.NewTable()
			for d.dec.More() {
				ktok, err := d.dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := ktok.(string)
				tok, err := d.dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := d.fromToken(tok, false)
				if err != nil {
					return nil, err
				}
				// Duplicate keys: the last one wins, as in Python.
				t.RawSetString(key, v)
			}
			_, err := d.dec.Token() // }
			return t, err
		}
	}
	return nil, fmt.Errorf("json: unexpected token %v", tok)
}

// jsonNumber converts a JSON number. An integer that a double cannot hold
// exactly is an error (Python would keep it exact); other numbers round as
// float() does, overflowing to infinity.
func jsonNumber(lit string) (float64, string) {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, err.Error()
	}
	if strings.ContainsAny(lit, ".eE") {
		return f, ""
	}
	if f == 0 {
		return 0, "" // "-0" is Python's int 0
	}
	if math.Abs(f) < 1<<53 {
		return f, "" // below 2^53 every integer is exact
	}
	exact, _ := new(big.Int).SetString(lit, 10)
	if !math.IsInf(f, 0) {
		if back, _ := big.NewFloat(f).Int(nil); back.Cmp(exact) == 0 {
			return f, ""
		}
	}
	shown := lit
	if len(shown) > 40 {
		shown = shown[:20] + "..." + shown[len(shown)-10:] + fmt.Sprintf(" (%d digits)", len(strings.TrimPrefix(lit, "-")))
	}
	return 0, fmt.Sprintf("integer %s cannot be represented exactly by a Lua number (a double)", shown)
}
