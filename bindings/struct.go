package bindings

// The Lua struct module (SPEC §3.2): Python's struct, byte for byte as
// CPython on x86-64 Linux, with CPython 3.12's error messages. The format
// language lives in struct_format.go.

import (
	"math"
	"strconv"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// structType is the registry name of struct.Struct's metatable.
const structType = "struct.Struct"

// structMaxPack bounds what pack allocates; above it pack raises
// MemoryError, as CPython does when the allocation fails.
const structMaxPack = 1 << 30

var structModule = api.Module{
	Name:  "struct",
	State: newStructRuntime,
	Doc: `Pack Lua values into binary strings and back, byte for byte as Python's
struct module on x86-64 Linux.

A format is an optional byte order, then items, each an optional repeat
count and a code; whitespace between items is ignored.
  @ native order, sizes and alignment (the default)
  = native order, standard sizes   < little-endian   > and ! big-endian
  x pad byte      c 1-byte string   b B 8-bit int    ? boolean
  h H 16-bit int  i I 32-bit int    q Q 64-bit int
  l L long (8 bytes native, 4 standard)
  n N ssize_t and size_t, P pointer (native mode only)
  e f d half, single and double precision float
  s string (the count is its length)  p Pascal string (length byte first)

Lua numbers are doubles: integer codes take integral numbers in range, and
unpacking a 64-bit value that a double cannot hold exactly raises
struct.error rather than returning a wrong number. unpack returns the
values as multiple results: {struct.unpack(fmt, data)} is Python's tuple.
? packs the truthiness of any Lua value and unpacks to a boolean. Errors
are struct.error with CPython 3.12's messages.`,
	Funcs: []api.Func{
		{Name: "pack", Fn: structPack, Doc: `struct.pack(fmt, v1, ...) -> string
Pack the values according to fmt and return the bytes as a Lua string.
Python: struct.pack(fmt, v1, ...)`},
		{Name: "unpack", Fn: structUnpack, Doc: `struct.unpack(fmt, data) -> v1, ...
Unpack data, whose length must be struct.calcsize(fmt), and return the
values as multiple results; {struct.unpack(fmt, data)} makes a list of them.
Python: struct.unpack(fmt, buffer)`},
		{Name: "calcsize", Fn: structCalcsize, Doc: `struct.calcsize(fmt) -> integer
Return the size in bytes of what fmt packs (native alignment included, no
padding added at the end).
Python: struct.calcsize(fmt)`},
		{Name: "unpack_from", Fn: structUnpackFrom, Doc: `struct.unpack_from(fmt, data [, offset]) -> v1, ...
Unpack from data starting at byte offset, counted from 0 as in Python (a
negative offset counts from the end); data may be longer than the format.
Python: struct.unpack_from(fmt, buffer, offset=0)`},
		{Name: "iter_unpack", Fn: structIterUnpack, Doc: `struct.iter_unpack(fmt, data) -> iterator
Return an iterator for a generic for that yields one record's values per
step: for a, b in struct.iter_unpack("<hh", data) do ... end. The length of
data must be a multiple of the size; a format without values (only x
padding) ends the loop at once.
Python: struct.iter_unpack(fmt, buffer)`},
		{Name: "Struct", Fn: structNew, Doc: `struct.Struct(fmt) -> Struct
Compile fmt once: the object has the methods pack, unpack, unpack_from and
iter_unpack and the fields size and format.
Python: struct.Struct(fmt)`},
	},
	Types: []*api.Type{{
		Name: structType,
		Doc: `struct.Struct: a compiled format, made by struct.Struct(fmt).
Fields: s.size (what s:pack returns has this length), s.format (fmt).
Python: struct.Struct`,
		Methods: []api.Func{
			{Name: "pack", Fn: structSPack, Doc: `s:pack(v1, ...) -> string
Pack the values according to s.format.
Python: s.pack(v1, ...)`},
			{Name: "unpack", Fn: structSUnpack, Doc: `s:unpack(data) -> v1, ...
Unpack data, whose length must be s.size, into multiple results.
Python: s.unpack(buffer)`},
			{Name: "unpack_from", Fn: structSUnpackFrom, Doc: `s:unpack_from(data [, offset]) -> v1, ...
Unpack s.size bytes of data from byte offset (from 0; negative counts from
the end).
Python: s.unpack_from(buffer, offset=0)`},
			{Name: "iter_unpack", Fn: structSIterUnpack, Doc: `s:iter_unpack(data) -> iterator
Return an iterator for a generic for that yields one record's values per
step; the length of data must be a multiple of s.size.
Python: s.iter_unpack(buffer)`},
		},
		Meta: map[string]lua.LGFunction{
			"__index":    structIndex,
			"__tostring": structToString,
		},
		Fields: []string{"size", "format"},
	}},
}

func structError(L *lua.LState, msg string) {
	api.Raisef(L, api.StructError, "%s", msg)
}

// structStringArg returns argument n, which must be a string (numbers are
// not coerced: Python would not take them). shown is its number in the
// message.
func structStringArg(L *lua.LState, n, shown int, fname string) string {
	s, ok := L.Get(n).(lua.LString)
	if !ok {
		api.Function(L, fname).Error(shown, "string expected, got "+api.TypeNameAt(L, n))
	}
	return string(s)
}

// structFormatArg compiles the format in argument 1 of a module function,
// through the runtime's cache (st may be nil: no cache).
func structFormatArg(L *lua.LState, st *structState, fname string) *structFormat {
	sf, msg := st.lookup(structStringArg(L, 1, 1, fname))
	if sf == nil {
		structError(L, msg)
	}
	return sf
}

// structOffsetArg reads the optional offset at stack index n.
func structOffsetArg(L *lua.LState, n, shown int, fname string) int64 {
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return 0
	case lua.LNumber:
		f := float64(v)
		if f != math.Trunc(f) || f < -0x1p63 || f >= 0x1p63 {
			api.Function(L, fname).Error(shown, "number has no integer representation")
		}
		return int64(f)
	}
	api.Function(L, fname).Error(shown, "number expected, got "+api.TypeNameAt(L, n))
	return 0
}

// structObject is a struct.Struct: its format and the state of the
// runtime that made it.
type structObject struct {
	*structFormat
	st *structState
}

// checkStructSelf returns the struct.Struct a method is called on.
func checkStructSelf(L *lua.LState, fname string) *structObject {
	return api.Self[*structObject](L, fname, structType)
}

// pack packs the values at stack indexes first.. and returns the string,
// boxed by st (which may be nil).
func (sf *structFormat) pack(L *lua.LState, st *structState, first int) lua.LValue {
	if got := int64(L.GetTop() - first + 1); got != sf.nvals {
		structError(L, "pack expected "+structItoa(sf.nvals)+" items for packing (got "+structItoa(got)+")")
	}
	if sf.size > structMaxPack {
		api.Raisef(L, api.MemoryError, "")
	}
	var small [64]byte
	var buf []byte
	if sf.size <= int64(len(small)) {
		buf = small[:sf.size]
	} else {
		buf = make([]byte, sf.size)
	}
	arg := first
	for _, it := range sf.items {
		def, off, size := it.def, int(it.offset), int(it.size)
		for j := int64(0); j < it.repeat; j, off, arg = j+1, off+size, arg+1 {
			v := L.Get(arg)
			switch def.kind {
			case skString, skPascal:
				s, ok := v.(lua.LString)
				if !ok {
					structError(L, "argument for '"+string(def.code)+"' must be a bytes object")
				}
				if def.kind == skString {
					copy(buf[off:off+size], s)
					continue
				}
				n := min(len(s), size-1)
				if n > 0 {
					copy(buf[off+1:off+1+n], s[:n])
				}
				// "0p" stores 0xff where its count would go, as CPython
				// does; it lands in the output only when padding follows.
				if off < len(buf) {
					buf[off] = byte(min(n, 255))
				}
			case skChar:
				s, ok := v.(lua.LString)
				if !ok || len(s) != 1 {
					structError(L, "char format requires a bytes object of length 1")
				}
				buf[off] = s[0]
			case skBool:
				if lua.LVAsBool(v) {
					buf[off] = 1
				}
			case skInt, skUint, skPtr:
				x, ok := v.(lua.LNumber)
				if !ok {
					structError(L, "required argument is not an integer")
				}
				bits, msg := def.intBits(float64(x))
				if msg != "" {
					structError(L, msg)
				}
				structPutUint(buf[off:off+size], bits, size, sf.little)
			case skHalf, skFloat, skDouble:
				x, ok := v.(lua.LNumber)
				if !ok {
					structError(L, "required argument is not a float")
				}
				f := float64(x)
				var bits uint64
				switch def.kind {
				case skHalf:
					h, ok := structPackHalf(f)
					if !ok {
						api.Raisef(L, api.OverflowError, "float too large to pack with e format")
					}
					bits = uint64(h)
				case skFloat:
					// Native mode is a C cast; the standard modes refuse
					// what rounds to infinity (PyFloat_Pack4).
					y := float32(f)
					if !sf.native && math.IsInf(float64(y), 0) && !math.IsInf(f, 0) {
						api.Raisef(L, api.OverflowError, "float too large to pack with f format")
					}
					bits = uint64(math.Float32bits(y))
				default:
					bits = math.Float64bits(f)
				}
				structPutUint(buf[off:off+size], bits, size, sf.little)
			}
		}
	}
	return st.stringBoxes().value(buf)
}

// unpack pushes the values packed in data, whose length is sf.size, and
// returns how many it pushed. Numbers are boxed by st (which may be nil).
func (sf *structFormat) unpack(L *lua.LState, st *structState, data string) int {
	nb := st.numberBoxes()
	for _, it := range sf.items {
		def, off, size := it.def, int(it.offset), int(it.size)
		for j := int64(0); j < it.repeat; j, off = j+1, off+size {
			var v lua.LValue
			switch def.kind {
			case skChar, skString:
				v = lua.LString(data[off : off+size])
			case skPascal:
				if size == 0 { // CPython raises SystemError here
					v = lua.LString("")
					break
				}
				n := min(int(data[off]), size-1)
				v = lua.LString(data[off+1 : off+1+n])
			case skBool:
				v = lua.LBool(data[off] != 0)
			case skInt:
				u := structGetUint(data, off, size, sf.little)
				shift := uint(64 - 8*size)
				n := int64(u<<shift) >> shift // sign-extend
				if size == 8 && !structExactInt(n) {
					structError(L, structInexact("unpacked value", n))
				}
				v = nb.value(float64(n))
			case skUint, skPtr:
				u := structGetUint(data, off, size, sf.little)
				if size == 8 && !structExactUint(u) {
					structError(L, structInexact("unpacked value", u))
				}
				v = nb.value(float64(u))
			case skHalf:
				v = nb.value(structUnpackHalf(uint16(structGetUint(data, off, 2, sf.little))))
			case skFloat:
				bits := uint32(structGetUint(data, off, 4, sf.little))
				v = nb.value(float64(math.Float32frombits(bits)))
			default: // skDouble
				v = nb.value(math.Float64frombits(structGetUint(data, off, 8, sf.little)))
			}
			L.Push(v)
		}
	}
	return int(sf.nvals)
}

func (sf *structFormat) unpackAll(L *lua.LState, st *structState, data string) int {
	if int64(len(data)) != sf.size {
		structError(L, "unpack requires a buffer of "+structItoa(sf.size)+" bytes")
	}
	return sf.unpack(L, st, data)
}

// unpackFrom is Struct_unpack_from_impl.
func (sf *structFormat) unpackFrom(L *lua.LState, st *structState, data string, offset int64) int {
	n := int64(len(data))
	if offset < 0 {
		if offset+sf.size > 0 {
			structError(L, "not enough data to unpack "+structItoa(sf.size)+" bytes at offset "+structItoa(offset))
		}
		if offset+n < 0 {
			structError(L, "offset "+structItoa(offset)+" out of range for "+structItoa(n)+"-byte buffer")
		}
		offset += n
	}
	if n-offset < sf.size {
		structError(L, "unpack_from requires a buffer of at least "+structUtoa(uint64(sf.size)+uint64(offset))+
			" bytes for unpacking "+structItoa(sf.size)+" bytes at offset "+structItoa(offset)+
			" (actual buffer size is "+structItoa(n)+")")
	}
	return sf.unpack(L, st, data[offset:offset+sf.size])
}

// iterUnpack is Struct_iter_unpack: it checks data now and returns the
// iterator function.
func (sf *structFormat) iterUnpack(L *lua.LState, st *structState, data string) int {
	if sf.size == 0 {
		structError(L, "cannot iteratively unpack with a struct of length 0")
	}
	if int64(len(data))%sf.size != 0 {
		structError(L, "iterative unpacking requires a buffer of a multiple of "+structItoa(sf.size)+" bytes")
	}
	size := int(sf.size)
	next := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if next >= len(data) {
			return 0
		}
		rec := data[next : next+size]
		next += size
		return sf.unpack(L, st, rec)
	}))
	return 1
}

func (sf *structFormat) sizeValue(L *lua.LState) lua.LNumber {
	if sf.size > 1<<53 {
		structError(L, structInexact("struct size", sf.size))
	}
	return lua.LNumber(sf.size)
}

func structItoa(v int64) string  { return strconv.FormatInt(v, 10) }
func structUtoa(v uint64) string { return strconv.FormatUint(v, 10) }

// ---- module functions: st is the runtime's state, from the upvalue

func structPack(L *lua.LState) int {
	st := moduleState[*structState](L)
	sf := structFormatArg(L, st, "pack")
	L.Push(sf.pack(L, st, 2))
	return 1
}

func structUnpack(L *lua.LState) int {
	st := moduleState[*structState](L)
	sf := structFormatArg(L, st, "unpack")
	return sf.unpackAll(L, st, structStringArg(L, 2, 2, "unpack"))
}

func structCalcsize(L *lua.LState) int {
	sf := structFormatArg(L, moduleState[*structState](L), "calcsize")
	L.Push(sf.sizeValue(L))
	return 1
}

func structUnpackFrom(L *lua.LState) int {
	st := moduleState[*structState](L)
	sf := structFormatArg(L, st, "unpack_from")
	data := structStringArg(L, 2, 2, "unpack_from")
	return sf.unpackFrom(L, st, data, structOffsetArg(L, 3, 3, "unpack_from"))
}

func structIterUnpack(L *lua.LState) int {
	st := moduleState[*structState](L)
	sf := structFormatArg(L, st, "iter_unpack")
	return sf.iterUnpack(L, st, structStringArg(L, 2, 2, "iter_unpack"))
}

func structNew(L *lua.LState) int {
	st := moduleState[*structState](L)
	sf := structFormatArg(L, st, "Struct")
	L.Push(newObject(L, structType, &structObject{sf, st}))
	return 1
}

// ---- struct.Struct methods: the receiver is not counted in messages

func structSPack(L *lua.LState) int {
	s := checkStructSelf(L, "pack")
	L.Push(s.pack(L, s.st, 2))
	return 1
}

func structSUnpack(L *lua.LState) int {
	s := checkStructSelf(L, "unpack")
	return s.unpackAll(L, s.st, structStringArg(L, 2, 1, "unpack"))
}

func structSUnpackFrom(L *lua.LState) int {
	s := checkStructSelf(L, "unpack_from")
	data := structStringArg(L, 2, 1, "unpack_from")
	return s.unpackFrom(L, s.st, data, structOffsetArg(L, 3, 2, "unpack_from"))
}

func structSIterUnpack(L *lua.LState) int {
	s := checkStructSelf(L, "iter_unpack")
	return s.iterUnpack(L, s.st, structStringArg(L, 2, 1, "iter_unpack"))
}

// structIndex serves the fields: s.size and s.format.
func structIndex(L *lua.LState) int {
	sf := checkStructSelf(L, "__index")
	switch L.Get(2) {
	case lua.LString("size"):
		L.Push(sf.sizeValue(L))
	case lua.LString("format"):
		L.Push(lua.LString(sf.format))
	default:
		L.Push(lua.LNil)
	}
	return 1
}

// structToString: CPython 3.11 and 3.12 print <_struct.Struct object at
// 0x...>, which does not show the format; 3.13 prints Struct('i').
func structToString(L *lua.LState) int {
	sf := checkStructSelf(L, "__tostring")
	L.Push(lua.LString("<struct.Struct " + structFormatRepr(sf.format) + ">"))
	return 1
}
