package bindings

// The compiled form of a struct format string, shared by the module
// functions and struct.Struct: a port of CPython's Modules/_struct.c
// (prepare_s and the packers) for x86-64 Linux, kept free of Lua values.

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
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

// structDef is one row of CPython's formatdef tables. For the integer
// codes, lo <= x < hi is the range pack takes (powers of two: exact).
type structDef struct {
	code   byte
	kind   structKind
	size   int64
	align  int64
	lo, hi float64
}

// structTable is a formatdef table indexed by the code; a row of size 0
// is a bad char. The tables are constants in all but name: compiled into
// the binary, nothing to build at start-up, shared by every runtime.
type structTable [128]structDef

// structNative is the native mode (@, the default): LP64 sizes and
// alignment, so long, size_t and pointers are 8 bytes.
var structNative = structTable{
	'x': {code: 'x', kind: skPad, size: 1},
	'c': {code: 'c', kind: skChar, size: 1},
	'b': {code: 'b', kind: skInt, size: 1, lo: -1 << 7, hi: 1 << 7},
	'B': {code: 'B', kind: skUint, size: 1, lo: 0, hi: 1 << 8},
	'?': {code: '?', kind: skBool, size: 1, align: 1},
	's': {code: 's', kind: skString, size: 1},
	'p': {code: 'p', kind: skPascal, size: 1},
	'h': {code: 'h', kind: skInt, size: 2, align: 2, lo: -1 << 15, hi: 1 << 15},
	'H': {code: 'H', kind: skUint, size: 2, align: 2, lo: 0, hi: 1 << 16},
	'e': {code: 'e', kind: skHalf, size: 2, align: 2},
	'i': {code: 'i', kind: skInt, size: 4, align: 4, lo: -1 << 31, hi: 1 << 31},
	'I': {code: 'I', kind: skUint, size: 4, align: 4, lo: 0, hi: 1 << 32},
	'f': {code: 'f', kind: skFloat, size: 4, align: 4},
	'q': {code: 'q', kind: skInt, size: 8, align: 8, lo: -1 << 63, hi: 1 << 63},
	'Q': {code: 'Q', kind: skUint, size: 8, align: 8, lo: 0, hi: 1 << 64},
	'd': {code: 'd', kind: skDouble, size: 8, align: 8},
	'l': {code: 'l', kind: skInt, size: 8, align: 8, lo: -1 << 63, hi: 1 << 63},
	'L': {code: 'L', kind: skUint, size: 8, align: 8, lo: 0, hi: 1 << 64},
	'n': {code: 'n', kind: skInt, size: 8, align: 8, lo: -1 << 63, hi: 1 << 63},
	'N': {code: 'N', kind: skUint, size: 8, align: 8, lo: 0, hi: 1 << 64},
	'P': {code: 'P', kind: skPtr, size: 8, align: 8, lo: -1 << 63, hi: 1 << 64},
}

// structStandard is the standard modes (= < > !): standard sizes, no
// alignment.
var structStandard = structTable{
	'x': {code: 'x', kind: skPad, size: 1},
	'c': {code: 'c', kind: skChar, size: 1},
	'b': {code: 'b', kind: skInt, size: 1, lo: -1 << 7, hi: 1 << 7},
	'B': {code: 'B', kind: skUint, size: 1, lo: 0, hi: 1 << 8},
	'?': {code: '?', kind: skBool, size: 1},
	's': {code: 's', kind: skString, size: 1},
	'p': {code: 'p', kind: skPascal, size: 1},
	'h': {code: 'h', kind: skInt, size: 2, lo: -1 << 15, hi: 1 << 15},
	'H': {code: 'H', kind: skUint, size: 2, lo: 0, hi: 1 << 16},
	'e': {code: 'e', kind: skHalf, size: 2},
	'i': {code: 'i', kind: skInt, size: 4, lo: -1 << 31, hi: 1 << 31},
	'I': {code: 'I', kind: skUint, size: 4, lo: 0, hi: 1 << 32},
	'f': {code: 'f', kind: skFloat, size: 4},
	'q': {code: 'q', kind: skInt, size: 8, lo: -1 << 63, hi: 1 << 63},
	'Q': {code: 'Q', kind: skUint, size: 8, lo: 0, hi: 1 << 64},
	'd': {code: 'd', kind: skDouble, size: 8},
	'l': {code: 'l', kind: skInt, size: 4, lo: -1 << 31, hi: 1 << 31},
	'L': {code: 'L', kind: skUint, size: 4, lo: 0, hi: 1 << 32},
}

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
	table := &structStandard
	if sf.native {
		table = &structNative
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
		if c >= byte(len(table)) || table[c].size == 0 {
			return nil, "bad char in struct format"
		}
		def := &table[c]
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

// structState is what the struct module keeps per runtime (Module.State),
// so that runtimes share nothing mutable and take no lock: the format
// cache, and the boxes for packed strings and unpacked numbers.
type structState struct {
	cache   structCache
	numbers numberBoxes
	strings stringBoxes
}

func newStructRuntime() any {
	return &structState{cache: structCache{m: map[string]*structFormat{}}}
}

// lookup is structCache.lookup; a nil state compiles every time.
func (st *structState) lookup(format string) (*structFormat, string) {
	if st == nil {
		return compileStruct(format)
	}
	return st.cache.lookup(format)
}

// numberBoxes and stringBoxes return the state's boxes, nil for a nil
// state.
func (st *structState) numberBoxes() *numberBoxes {
	if st == nil {
		return nil
	}
	return &st.numbers
}

func (st *structState) stringBoxes() *stringBoxes {
	if st == nil {
		return nil
	}
	return &st.strings
}

// structCache is one runtime's compiled formats: a learner packs "i" in a
// loop. Like CPython's cache it is emptied when full.
type structCache struct {
	// recent holds the last format seen at each slot of a cheap hash, so
	// that a loop over a few formats finds them without hashing the whole
	// string; m holds the rest.
	recent [16]*structFormat
	m      map[string]*structFormat
}

const (
	structCacheMax    = 100
	structCacheMaxLen = 256 // longer formats are compiled every time
)

// lookup returns the compiled format, from the cache when it can.
func (c *structCache) lookup(format string) (*structFormat, string) {
	if len(format) > structCacheMaxLen {
		return compileStruct(format)
	}
	slot := &c.recent[structSlot(format)]
	if sf := *slot; sf != nil && sf.format == format {
		return sf, ""
	}
	sf := c.m[format]
	if sf == nil {
		var msg string
		if sf, msg = compileStruct(format); sf == nil {
			return nil, msg
		}
		if len(c.m) >= structCacheMax {
			clear(c.m)
		}
		c.m[format] = sf
	}
	*slot = sf
	return sf, ""
}

// structSlot mixes the length and the first and last bytes of a format
// into an index of structCache.recent.
func structSlot(format string) int {
	n := len(format)
	if n == 0 {
		return 0
	}
	return (n + 3*int(format[0]) + 5*int(format[n-1])) % 16
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
	if x < def.lo || x >= def.hi || x != math.Trunc(x) { // NaN and infinities too
		if math.IsInf(x, 0) || x != math.Trunc(x) {
			return 0, "required argument is not an integer"
		}
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

// structPutUint stores the low n bytes of v; the sizes of the integer
// and float codes take one store each.
func structPutUint(b []byte, v uint64, n int, little bool) {
	switch {
	case n == 2 && little:
		binary.LittleEndian.PutUint16(b, uint16(v))
	case n == 2:
		binary.BigEndian.PutUint16(b, uint16(v))
	case n == 4 && little:
		binary.LittleEndian.PutUint32(b, uint32(v))
	case n == 4:
		binary.BigEndian.PutUint32(b, uint32(v))
	case n == 8 && little:
		binary.LittleEndian.PutUint64(b, v)
	case n == 8:
		binary.BigEndian.PutUint64(b, v)
	case little:
		for i := 0; i < n; i++ {
			b[i] = byte(v)
			v >>= 8
		}
	default:
		for i := n - 1; i >= 0; i-- {
			b[i] = byte(v)
			v >>= 8
		}
	}
}

// structGetUint reads an n-byte unsigned integer at b[off:]; the
// expressions for 2, 4 and 8 bytes compile to one load each.
func structGetUint(b string, off, n int, little bool) uint64 {
	switch {
	case n == 2 && little:
		b = b[off : off+2]
		return uint64(b[0]) | uint64(b[1])<<8
	case n == 2:
		b = b[off : off+2]
		return uint64(b[1]) | uint64(b[0])<<8
	case n == 4 && little:
		b = b[off : off+4]
		return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24
	case n == 4:
		b = b[off : off+4]
		return uint64(b[3]) | uint64(b[2])<<8 | uint64(b[1])<<16 | uint64(b[0])<<24
	case n == 8 && little:
		b = b[off : off+8]
		return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
	case n == 8:
		b = b[off : off+8]
		return uint64(b[7]) | uint64(b[6])<<8 | uint64(b[5])<<16 | uint64(b[4])<<24 |
			uint64(b[3])<<32 | uint64(b[2])<<40 | uint64(b[1])<<48 | uint64(b[0])<<56
	}
	var v uint64
	b = b[off : off+n]
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
