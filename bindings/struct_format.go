package bindings

// The compiled form of a struct format string, shared by the module
// functions and struct.Struct: a port of CPython's Modules/_struct.c
// (prepare_s and the packers) for x86-64 Linux, kept free of Lua values.

import (
	"fmt"
	"math"
	"strings"
	"sync"
)

// structKind is what a format code packs.
type structKind uint8

const (
	skPad    structKind = iota // x
	skChar                     // c: a 1-byte string
	skInt                      // b h i l q n
	skUint                     // B H I L Q N
	skPtr                      // P: like CPython's void*, -2**63 <= v < 2**64
	skBool                     // ?
	skHalf                     // e
	skFloat                    // f
	skDouble                   // d
	skString                   // s
	skPascal                   // p
)

// structDef is one row of CPython's formatdef tables.
type structDef struct {
	code  byte
	kind  structKind
	size  int64
	align int64
}

func makeStructTable(native bool) map[byte]*structDef {
	t := map[byte]*structDef{}
	add := func(code byte, kind structKind, size, align int64) {
		if !native {
			align = 0 // standard modes never align
		}
		t[code] = &structDef{code, kind, size, align}
	}
	add('x', skPad, 1, 0)
	add('c', skChar, 1, 0)
	add('b', skInt, 1, 0)
	add('B', skUint, 1, 0)
	add('?', skBool, 1, 1)
	add('s', skString, 1, 0)
	add('p', skPascal, 1, 0)
	add('h', skInt, 2, 2)
	add('H', skUint, 2, 2)
	add('e', skHalf, 2, 2)
	add('i', skInt, 4, 4)
	add('I', skUint, 4, 4)
	add('f', skFloat, 4, 4)
	add('q', skInt, 8, 8)
	add('Q', skUint, 8, 8)
	add('d', skDouble, 8, 8)
	if native {
		// LP64: long, size_t and pointers are 8 bytes.
		add('l', skInt, 8, 8)
		add('L', skUint, 8, 8)
		add('n', skInt, 8, 8)
		add('N', skUint, 8, 8)
		add('P', skPtr, 8, 8)
	} else {
		add('l', skInt, 4, 0)
		add('L', skUint, 4, 0)
	}
	return t
}

var (
	structNative   = makeStructTable(true)
	structStandard = makeStructTable(false)
)

// structItem is a run of one code: repeat values of size bytes each from
// offset on, or for s and p one string of size bytes.
type structItem struct {
	def    *structDef
	offset int64
	size   int64
	repeat int64
}

// structFormat is a compiled format; it is immutable once made, so one
// value serves every Lua state.
type structFormat struct {
	format string
	size   int64 // calcsize
	nvals  int64 // how many values pack takes and unpack returns
	items  []structItem
	little bool
	native bool // native sizes and alignment (@ or no prefix)
}

// structSpace is Py_ISSPACE.
func structSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

const (
	errStructTooLong = "total struct size too long"
	structSsizeMax   = math.MaxInt64
)

// compileStruct parses format as CPython's prepare_s does; msg is the
// struct.error message when it fails.
func compileStruct(format string) (sf *structFormat, msg string) {
	if strings.IndexByte(format, 0) >= 0 {
		return nil, "embedded null character"
	}
	sf = &structFormat{format: format, little: true, native: true}
	s := format
	if s != "" {
		switch s[0] {
		case '<', '=':
			sf.native = false
			s = s[1:]
		case '>', '!':
			sf.native, sf.little = false, false
			s = s[1:]
		case '@':
			s = s[1:]
		}
	}
	table := structStandard
	if sf.native {
		table = structNative
	}
	var size int64
	for i := 0; i < len(s); {
		c := s[i]
		i++
		if structSpace(c) {
			continue
		}
		num := int64(1)
		if '0' <= c && c <= '9' {
			num = int64(c - '0')
			for {
				if i == len(s) {
					return nil, "repeat count given without format specifier"
				}
				c = s[i]
				i++
				if c < '0' || c > '9' {
					break
				}
				d := int64(c - '0')
				if num >= structSsizeMax/10 && (num > structSsizeMax/10 || d > structSsizeMax%10) {
					return nil, errStructTooLong
				}
				num = num*10 + d
			}
		}
		def := table[c]
		if def == nil {
			return nil, "bad char in struct format"
		}
		switch def.kind {
		case skString, skPascal:
			sf.nvals++
		case skPad:
		default:
			sf.nvals += num
		}
		if def.align != 0 && size > 0 {
			extra := (def.align - 1) - (size-1)%def.align
			if extra > structSsizeMax-size {
				return nil, errStructTooLong
			}
			size += extra
		}
		if num > (structSsizeMax-size)/def.size {
			return nil, errStructTooLong
		}
		switch {
		case def.kind == skString || def.kind == skPascal:
			sf.items = append(sf.items, structItem{def: def, offset: size, size: num, repeat: 1})
		case def.kind == skPad || num == 0:
		default:
			sf.items = append(sf.items, structItem{def: def, offset: size, size: def.size, repeat: num})
		}
		size += num * def.size
	}
	sf.size = size
	return sf, ""
}

// The format cache: a learner packs "i" in a loop. Like CPython's, it is
// emptied when full.
const (
	structCacheMax    = 100
	structCacheMaxLen = 256 // longer formats are compiled every time
)

var structCache = struct {
	sync.Mutex
	m map[string]*structFormat
}{m: make(map[string]*structFormat)}

// lookupStruct returns the compiled format, from the cache when it can.
func lookupStruct(format string) (*structFormat, string) {
	structCache.Lock()
	sf := structCache.m[format]
	structCache.Unlock()
	if sf != nil {
		return sf, ""
	}
	sf, msg := compileStruct(format)
	if sf == nil || len(format) > structCacheMaxLen {
		return sf, msg
	}
	structCache.Lock()
	if len(structCache.m) >= structCacheMax {
		clear(structCache.m)
	}
	structCache.m[format] = sf
	structCache.Unlock()
	return sf, ""
}

// rangeMessage is CPython 3.12's error for an integer out of def's range.
func (def *structDef) rangeMessage() string {
	bits := uint(def.size * 8)
	if def.kind == skUint {
		return fmt.Sprintf("'%c' format requires 0 <= number <= %d", def.code, uint64(math.MaxUint64)>>(64-bits))
	}
	hi := int64(math.MaxInt64) >> (64 - bits)
	return fmt.Sprintf("'%c' format requires %d <= number <= %d", def.code, -hi-1, hi)
}

// intBits converts the Lua number x for an integer code: the bits to
// store, or the struct.error message.
func (def *structDef) intBits(x float64) (uint64, string) {
	if math.IsInf(x, 0) || x != math.Trunc(x) { // NaN too
		return 0, "required argument is not an integer"
	}
	bits := float64(def.size * 8)
	var lo, hi float64 // lo <= x < hi, all powers of two: exact
	switch def.kind {
	case skInt:
		lo, hi = -math.Exp2(bits-1), math.Exp2(bits-1)
	case skUint:
		lo, hi = 0, math.Exp2(bits)
	default: // skPtr
		lo, hi = -0x1p63, 0x1p64
	}
	if x < lo || x >= hi {
		if def.kind == skPtr {
			return 0, "int too large to convert"
		}
		return 0, def.rangeMessage()
	}
	if x < 0 {
		return uint64(int64(x)), ""
	}
	return uint64(x), ""
}

// structPutUint stores the low n bytes of v.
func structPutUint(b []byte, v uint64, n int, little bool) {
	if little {
		for i := 0; i < n; i++ {
			b[i] = byte(v)
			v >>= 8
		}
		return
	}
	for i := n - 1; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

// structGetUint reads an n-byte unsigned integer.
func structGetUint(b string, n int, little bool) uint64 {
	var v uint64
	if little {
		for i := n - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		return v
	}
	for i := 0; i < n; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// structExactInt and structExactUint report whether a double holds v exactly.
func structExactInt(v int64) bool {
	if v >= -1<<53 && v <= 1<<53 {
		return true
	}
	f := float64(v)
	return f < 0x1p63 && int64(f) == v
}

func structExactUint(v uint64) bool {
	if v <= 1<<53 {
		return true
	}
	f := float64(v)
	return f < 0x1p64 && uint64(f) == v
}

func structInexact(what string, v any) string {
	return fmt.Sprintf("%s %d cannot be represented exactly as a Lua number", what, v)
}

// structPackHalf is CPython's PyFloat_Pack2: IEEE half precision, rounding half
// to even; ok is false when x is too large.
func structPackHalf(x float64) (h uint16, ok bool) {
	var sign, bits uint16
	var e int
	switch {
	case x == 0:
		if math.Signbit(x) {
			sign = 1
		}
	case math.IsInf(x, 0):
		if x < 0 {
			sign = 1
		}
		e = 0x1f
	case math.IsNaN(x):
		if math.Signbit(x) {
			sign = 1
		}
		e, bits = 0x1f, 512
	default:
		if x < 0 {
			sign, x = 1, -x
		}
		f, exp := math.Frexp(x) // f in [0.5, 1)
		f, e = f*2, exp-1       // f in [1, 2)
		switch {
		case e >= 16:
			return 0, false
		case e < -25: // |x| < 2**-25: underflow to zero
			f, e = 0, 0
		case e < -14: // gradual underflow
			f, e = math.Ldexp(f, 14+e), 0
		default:
			e += 15
			f -= 1 // drop the leading 1
		}
		f *= 1024
		bits = uint16(f) // truncates
		if rest := f - float64(bits); rest > 0.5 || rest == 0.5 && bits%2 == 1 {
			bits++
			if bits == 1024 { // the carry ran out of the fraction
				bits = 0
				e++
				if e == 31 {
					return 0, false
				}
			}
		}
	}
	return bits | uint16(e)<<10 | sign<<15, true
}

// structUnpackHalf is CPython's PyFloat_Unpack2 (a NaN comes out as the quiet
// NaN of its sign, as Py_NAN does).
func structUnpackHalf(h uint16) float64 {
	neg := h>>15 != 0
	e := int(h>>10) & 0x1f
	f := h & 0x3ff
	if e == 0x1f {
		if f == 0 {
			if neg {
				return math.Inf(-1)
			}
			return math.Inf(1)
		}
		if neg {
			return math.Float64frombits(0xfff8000000000000)
		}
		return math.Float64frombits(0x7ff8000000000000)
	}
	x := float64(f) / 1024
	if e == 0 {
		e = -14
	} else {
		x++
		e -= 15
	}
	x = math.Ldexp(x, e)
	if neg {
		x = -x
	}
	return x
}

// structFormatRepr quotes a valid format string as Python's repr does; a valid
// format holds only ASCII letters, digits, ?, byte order marks and spaces.
func structFormatRepr(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\'' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
