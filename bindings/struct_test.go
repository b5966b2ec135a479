package bindings

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// The vectors come from CPython (testdata/struct/gen_vectors.py); each
// case runs through the Lua functions and must match byte for byte and
// message for message.

type structVectors struct {
	Python string             `json:"python"`
	Cases  []structVectorCase `json:"cases"`
}

type structVectorCase struct {
	Op      string          `json:"op"`
	Fmt     string          `json:"fmt"`
	Args    []structValue   `json:"args"`
	Out     *string         `json:"out"`
	Data    string          `json:"data"`
	Offset  *int64          `json:"offset"`
	Values  []structValue   `json:"values"`
	Records [][]structValue `json:"records"`
	Size    *int64          `json:"size"`
	Format  *string         `json:"format"`
	Error   *struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"error"`
}

type structValue struct {
	Int   *string `json:"int"`
	Float *string `json:"float"`
	Repr  string  `json:"repr"`
	Bytes *string `json:"bytes"`
	Bool  *bool   `json:"bool"`
	Nil   bool    `json:"nil"`
}

func (v structValue) String() string {
	switch {
	case v.Int != nil:
		return *v.Int
	case v.Float != nil:
		return v.Repr + "(" + *v.Float + ")"
	case v.Bytes != nil:
		return "b'" + *v.Bytes + "'"
	case v.Bool != nil:
		return fmt.Sprint(*v.Bool)
	}
	return "nil"
}

// exact returns the double for an int value and whether it is exact.
func (v structValue) exact(t *testing.T) (float64, bool) {
	n, ok := new(big.Int).SetString(*v.Int, 10)
	if !ok {
		t.Fatalf("bad int %q", *v.Int)
	}
	f, acc := new(big.Float).SetInt(n).Float64()
	return f, acc == big.Exact && !math.IsInf(f, 0)
}

func (v structValue) lua(t *testing.T) lua.LValue {
	switch {
	case v.Int != nil:
		f, ok := v.exact(t)
		if !ok {
			t.Fatalf("argument %s cannot be a Lua number", *v.Int)
		}
		return lua.LNumber(f)
	case v.Float != nil:
		return lua.LNumber(math.Float64frombits(structHexBits(t, *v.Float)))
	case v.Bytes != nil:
		return lua.LString(structUnhex(t, *v.Bytes))
	case v.Bool != nil:
		return lua.LBool(*v.Bool)
	}
	return lua.LNil
}

// matches compares a Lua result with the expected value: floats bit for
// bit (NaN payloads included).
func (v structValue) matches(t *testing.T, got lua.LValue) bool {
	switch {
	case v.Int != nil:
		f, _ := v.exact(t)
		n, ok := got.(lua.LNumber)
		return ok && float64(n) == f
	case v.Float != nil:
		n, ok := got.(lua.LNumber)
		return ok && math.Float64bits(float64(n)) == structHexBits(t, *v.Float)
	case v.Bytes != nil:
		s, ok := got.(lua.LString)
		return ok && string(s) == structUnhex(t, *v.Bytes)
	case v.Bool != nil:
		b, ok := got.(lua.LBool)
		return ok && bool(b) == *v.Bool
	}
	return got == lua.LNil
}

func structHexBits(t *testing.T, s string) uint64 {
	var u uint64
	if _, err := fmt.Sscanf(s, "%x", &u); err != nil {
		t.Fatalf("bad float bits %q", s)
	}
	return u
}

func structUnhex(t *testing.T, s string) string {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q", s)
	}
	return string(b)
}

func loadStructVectors(t *testing.T) *structVectors {
	raw, err := os.ReadFile("testdata/struct/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v structVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) < 1000 {
		t.Fatalf("only %d vectors", len(v.Cases))
	}
	return &v
}

func newStructState(t testing.TB) *lua.LState {
	L := lua.NewState()
	t.Cleanup(L.Close)
	Open(L, nil) // struct needs no host
	return L
}

// structCall calls struct.NAME (or a function value) with args and returns
// its results, or the error object.
func structCall(L *lua.LState, fn lua.LValue, args ...lua.LValue) ([]lua.LValue, *api.Error, error) {
	top := L.GetTop()
	defer L.SetTop(top)
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	if err := L.PCall(len(args), lua.MultRet, nil); err != nil {
		if ae, ok := err.(*lua.ApiError); ok {
			if pe, ok := api.FromValue(ae.Object); ok {
				return nil, pe, nil
			}
		}
		return nil, nil, err
	}
	out := make([]lua.LValue, L.GetTop()-top)
	for i := range out {
		out[i] = L.Get(top + 1 + i)
	}
	return out, nil, nil
}

func structFn(L *lua.LState, name string) lua.LValue {
	return L.GetField(L.GetGlobal("struct"), name)
}

// expectInexact returns the error Lua must raise for values that a double
// cannot hold, or "" when all of them fit.
func expectInexact(t *testing.T, values []structValue) string {
	for _, v := range values {
		if v.Int != nil {
			if _, ok := v.exact(t); !ok {
				return "unpacked value " + *v.Int + " cannot be represented exactly as a Lua number"
			}
		}
	}
	return ""
}

func TestStructVectors(t *testing.T) {
	vec := loadStructVectors(t)
	L := newStructState(t)
	counts := map[string]int{}
	inexact := 0
	for i, c := range vec.Cases {
		counts[c.Op]++
		name := fmt.Sprintf("%d_%s_%q", i, c.Op, c.Fmt)
		t.Run(name, func(t *testing.T) {
			wantKind, wantMsg := "", ""
			if c.Error != nil {
				wantKind, wantMsg = c.Error.Kind, c.Error.Message
			}
			var got []lua.LValue
			var pe *api.Error
			var err error
			var wantValues []structValue
			fmtArg := lua.LString(c.Fmt)
			data := lua.LString(structUnhex(t, c.Data))
			switch c.Op {
			case "pack":
				args := []lua.LValue{fmtArg}
				for _, a := range c.Args {
					args = append(args, a.lua(t))
				}
				got, pe, err = structCall(L, structFn(L, "pack"), args...)
				if err == nil && pe == nil {
					if len(got) != 1 || got[0].Type() != lua.LTString {
						t.Fatalf("pack returned %v", got)
					}
					if c.Out == nil {
						t.Fatalf("pack%v = %x, want %s: %s", c.Args, got[0], wantKind, wantMsg)
					}
					if h := hex.EncodeToString([]byte(got[0].(lua.LString))); h != *c.Out {
						t.Fatalf("pack%v = %s, want %s", c.Args, h, *c.Out)
					}
					return
				}
			case "unpack", "unpack_from":
				args := []lua.LValue{fmtArg, data}
				if c.Offset != nil {
					args = append(args, lua.LNumber(*c.Offset))
				}
				got, pe, err = structCall(L, structFn(L, c.Op), args...)
				wantValues = c.Values
				if c.Error == nil {
					if m := expectInexact(t, c.Values); m != "" {
						inexact++
						wantKind, wantMsg = "struct.error", m
					}
				}
			case "iter_unpack":
				var it []lua.LValue
				it, pe, err = structCall(L, structFn(L, "iter_unpack"), fmtArg, data)
				if err == nil && pe == nil {
					if len(it) != 1 || it[0].Type() != lua.LTFunction {
						t.Fatalf("iter_unpack returned %v", it)
					}
					for _, rec := range c.Records {
						if m := expectInexact(t, rec); m != "" && wantMsg == "" {
							wantKind, wantMsg = "struct.error", m
						}
						wantValues = append(wantValues, rec...)
					}
					for n := 0; n <= len(c.Records); n++ {
						var rec []lua.LValue
						rec, pe, err = structCall(L, it[0])
						if pe != nil || err != nil || len(rec) == 0 {
							break
						}
						got = append(got, rec...)
					}
				}
			case "calcsize":
				got, pe, err = structCall(L, structFn(L, "calcsize"), fmtArg)
				if c.Size != nil {
					wantValues = []structValue{{Int: structPtr(fmt.Sprint(*c.Size))}}
					if *c.Size > 1<<53 {
						wantKind = "struct.error"
						wantMsg = fmt.Sprintf("struct size %d cannot be represented exactly as a Lua number", *c.Size)
					}
				}
			case "struct":
				var s []lua.LValue
				s, pe, err = structCall(L, structFn(L, "Struct"), fmtArg)
				if err == nil && pe == nil {
					ud := s[0]
					got = []lua.LValue{L.GetField(ud, "size"), L.GetField(ud, "format")}
					wantValues = []structValue{{Int: structPtr(fmt.Sprint(*c.Size))}, {Bytes: structPtr(hex.EncodeToString([]byte(*c.Format)))}}
				}
			default:
				t.Fatalf("unknown op %q", c.Op)
			}
			if err != nil {
				t.Fatalf("not an error object: %v", err)
			}
			if pe != nil || wantMsg != "" {
				if pe == nil {
					t.Fatalf("got %v, want %s: %s", got, wantKind, wantMsg)
				}
				if string(pe.Kind) != wantKind || pe.Message != wantMsg {
					t.Fatalf("got %s: %q, want %s: %q", pe.Kind, pe.Message, wantKind, wantMsg)
				}
				return
			}
			if len(got) != len(wantValues) {
				t.Fatalf("got %d values %v, want %v", len(got), got, wantValues)
			}
			for i, w := range wantValues {
				if !w.matches(t, got[i]) {
					t.Fatalf("value %d = %v (%T), want %v", i+1, got[i], got[i], w)
				}
			}
		})
	}
	t.Logf("CPython %s vectors: %v (%d unpack cases raise for inexact 64-bit values)", vec.Python, counts, inexact)
}

func structPtr[T any](v T) *T { return &v }

// structRun runs Lua code in a fresh state and fails on any error.
func structRun(t *testing.T, code string) {
	t.Helper()
	L := newStructState(t)
	if err := L.DoString(code); err != nil {
		t.Fatal(err)
	}
}

func TestStructLua(t *testing.T) {
	structRun(t, `
		local function eq(a, b, what)
			if a ~= b then error(what .. ": got " .. tostring(a) .. ", want " .. tostring(b), 2) end
		end
		local function raises(msg, f, ...)
			local ok, e = pcall(f, ...)
			assert(not ok, "no error, want " .. msg)
			eq(type(e) == "userdata" and e.kind .. ": " .. e.message or tostring(e), msg, "error")
			return e
		end

		-- the seeds: struct.pack("i", n) and back
		local res = struct.pack("i", 18)
		eq(res, "\18\0\0\0", "pack i")
		local n = struct.unpack("i", res)
		eq(n, 18, "unpack i")
		eq(require("struct"), struct, "require")

		-- multiple results, and {} for Python's tuple
		local t = {struct.unpack("<hhl", struct.pack("<hhl", 1, -2, 3))}
		eq(#t, 3, "#t"); eq(t[1], 1, "t1"); eq(t[2], -2, "t2"); eq(t[3], 3, "t3")
		eq(select("#", struct.unpack("2i", string.rep("\0", 8))), 2, "select")
		eq(select("#", struct.unpack("", "")), 0, "empty format")
		local a, b, c = struct.unpack("!HHI", struct.pack("!HHI", 1, 2, 3))
		eq(a + b + c, 6, "a+b+c")
		eq(struct.pack("!HHI", 1, 2, 3), "\0\1\0\2\0\0\0\3", "!HHI")

		-- Lua mapping of the codes
		eq(struct.pack("?", nil) .. struct.pack("?", false) .. struct.pack("?", 0) .. struct.pack("?", ""), "\0\0\1\1", "? truthiness")
		eq(struct.unpack("?", "\2"), true, "? unpacks to a boolean")
		eq(struct.unpack("c", "A"), "A", "c")
		eq(struct.pack("3s", "abcdef"), "abc", "3s truncates")
		eq(struct.pack("5p", "hi"), "\2hi\0\0", "5p")
		eq(struct.unpack("5p", "\2hi\0\0"), "hi", "5p back")
		eq(struct.pack("i", 3.0), "\3\0\0\0", "integral number")
		eq(struct.pack("d", 1), "\0\0\0\0\0\0\240\63", "d takes an integer")
		eq(struct.pack("4x"), "\0\0\0\0", "4x takes nothing")
		eq(struct.pack("<q", -2^63), "\0\0\0\0\0\0\0\128", "-2^63")
		eq(struct.pack("<Q", 2^64 - 2048), "\0\248\255\255\255\255\255\255", "2^64-2048")
		eq(struct.calcsize("@bq"), 16, "@bq"); eq(struct.calcsize("<bq"), 9, "<bq")
		eq(struct.calcsize("ib"), 5, "no trailing alignment")

		-- numbers that are not integers, or not in range
		raises("struct.error: required argument is not an integer", struct.pack, "i", 1.5)
		raises("struct.error: required argument is not an integer", struct.pack, "i", "12")
		raises("struct.error: required argument is not an integer", struct.pack, "i", true)
		raises("struct.error: required argument is not an integer", struct.pack, "Q", 0/0)
		raises("struct.error: required argument is not an integer", struct.pack, "b", 1/0)
		raises("struct.error: required argument is not a float", struct.pack, "d", "1.5")
		raises("struct.error: required argument is not a float", struct.pack, "f", true)
		raises("struct.error: 'i' format requires -2147483648 <= number <= 2147483647", struct.pack, "i", 2^31)
		raises("struct.error: 'B' format requires 0 <= number <= 255", struct.pack, "B", 256)
		raises("struct.error: 'b' format requires -128 <= number <= 127", struct.pack, "<b", -129)
		raises("struct.error: 'Q' format requires 0 <= number <= 18446744073709551615", struct.pack, "Q", 2^64)
		raises("struct.error: 'q' format requires -9223372036854775808 <= number <= 9223372036854775807", struct.pack, ">q", 2^63)
		raises("struct.error: int too large to convert", struct.pack, "P", -2^63 - 4096)
		raises("OverflowError: float too large to pack with e format", struct.pack, "e", 65520)
		raises("struct.error: argument for 's' must be a bytes object", struct.pack, "s", 1)
		raises("struct.error: char format requires a bytes object of length 1", struct.pack, "c", "ab")
		raises("struct.error: pack expected 2 items for packing (got 1)", struct.pack, "ii", 1)
		raises("struct.error: pack expected 1 items for packing (got 2)", struct.pack, "i", 1, nil)
		raises("struct.error: bad char in struct format", struct.pack, "é", 1)
		raises("MemoryError: ", struct.pack, "2000000000x")

		-- 64-bit values a double cannot hold
		eq(struct.unpack("<q", struct.pack("<q", 2^53)), 2^53, "2^53")
		raises("struct.error: unpacked value 9007199254740993 cannot be represented exactly as a Lua number",
			struct.unpack, "<q", "\1\0\0\0\0\0\32\0")
		raises("struct.error: unpacked value 18446744073709551615 cannot be represented exactly as a Lua number",
			struct.unpack, "Q", string.rep("\255", 8))
		raises("struct.error: unpacked value -9007199254740993 cannot be represented exactly as a Lua number",
			struct.unpack, ">q", "\255\223\255\255\255\255\255\255")
		eq(struct.unpack("<Q", string.rep("\0", 7) .. "\128"), 2^63, "2^63 exact")

		-- unpack_from
		local data = "\0\0\1\0\0\0\2\0\0\0"
		eq(struct.unpack_from("<i", data, 2), 1, "offset 2")
		eq(struct.unpack_from("<i", data, -4), 2, "offset -4")
		eq(struct.unpack_from("<h", data), 0, "default offset")
		raises("struct.error: unpack_from requires a buffer of at least 12 bytes for unpacking 4 bytes at offset 8 (actual buffer size is 10)",
			struct.unpack_from, "<i", data, 8)
		raises("struct.error: not enough data to unpack 4 bytes at offset -2", struct.unpack_from, "<i", data, -2)

		-- iter_unpack in a generic for
		local sum, count = 0, 0
		for a, b in struct.iter_unpack("<hb", struct.pack("<hbhbhb", 1, 2, 3, 4, 5, 6)) do
			sum, count = sum + a * b, count + 1
		end
		eq(count, 3, "records"); eq(sum, 2 + 12 + 30, "sum")
		for _ in struct.iter_unpack("<i", "") do error("no records expected") end
		for _ in struct.iter_unpack("x", "\0\0") do error("a record without values ends the loop") end
		local flags = {}
		for f in struct.iter_unpack("?", "\0\1\0") do flags[#flags + 1] = f end
		eq(#flags, 3, "false does not end the loop")
		raises("struct.error: iterative unpacking requires a buffer of a multiple of 4 bytes", struct.iter_unpack, "i", "123")
		raises("struct.error: cannot iteratively unpack with a struct of length 0", struct.iter_unpack, "0s", "")
		local it = struct.iter_unpack("<q", struct.pack("<qq", 1, 0) .. "\1\0\0\0\0\0\32\0")
		eq(it(), 1, "first"); eq(it(), 0, "second")
		raises("struct.error: unpacked value 9007199254740993 cannot be represented exactly as a Lua number", it)

		-- struct.Struct
		local s = struct.Struct("!HHI")
		eq(s.size, 8, "size"); eq(s.format, "!HHI", "format"); raises("AttributeError: 'Struct' object has no attribute 'sise'. Did you mean: 'size'?", function() return s.sise end)
		eq(tostring(s), "<struct.Struct '!HHI'>", "tostring")
		eq(tostring(struct.Struct("\ti\n")), "<struct.Struct '\\ti\\n'>", "tostring escapes")
		local packed = s:pack(1, 2, 3)
		eq(packed, struct.pack("!HHI", 1, 2, 3), "s:pack")
		local x, y, z = s:unpack(packed)
		eq(x + y + z, 6, "s:unpack")
		eq(select(3, s:unpack_from("xx" .. packed, 2)), 3, "s:unpack_from")
		local recs = 0
		for p, q, r in s:iter_unpack(packed .. packed) do recs = recs + r end
		eq(recs, 6, "s:iter_unpack")
		raises("struct.error: unpack requires a buffer of 8 bytes", s.unpack, s, "short")
		raises("struct.error: bad char in struct format", struct.Struct, "i<")

		-- errors are objects that print like Python's
		local e = raises("struct.error: unpack requires a buffer of 4 bytes", struct.unpack, "i", "")
		eq(tostring(e), "struct.error: unpack requires a buffer of 4 bytes", "tostring(e)")
	`)
}

func TestStructArgErrors(t *testing.T) {
	L := newStructState(t)
	for _, tc := range []struct{ code, want string }{
		{`struct.pack()`, "bad argument #1 to 'pack' (string expected, got no value)"},
		{`struct.pack(nil, 1)`, "bad argument #1 to 'pack' (string expected, got nil)"},
		{`struct.pack(4)`, "bad argument #1 to 'pack' (string expected, got number)"},
		{`struct.unpack("i")`, "bad argument #2 to 'unpack' (string expected, got no value)"},
		{`struct.unpack("i", 1234)`, "bad argument #2 to 'unpack' (string expected, got number)"},
		{`struct.calcsize({})`, "bad argument #1 to 'calcsize' (string expected, got table)"},
		{`struct.unpack_from("i", "1234", "0")`, "bad argument #3 to 'unpack_from' (number expected, got string)"},
		{`struct.unpack_from("i", "1234", 0.5)`, "bad argument #3 to 'unpack_from' (number has no integer representation)"},
		{`struct.iter_unpack("i", nil)`, "bad argument #2 to 'iter_unpack' (string expected, got nil)"},
		{`struct.Struct()`, "bad argument #1 to 'Struct' (string expected, got no value)"},
		{`struct.Struct("i"):unpack(5)`, "bad argument #1 to 'unpack' (string expected, got number)"},
		{`struct.Struct("i"):unpack_from("1234", {})`, "bad argument #2 to 'unpack_from' (number expected, got table)"},
		{`local s = struct.Struct("i"); s.pack(1)`, "bad argument #1 to 'pack' (struct.Struct expected, got number; call methods with a colon: x:pack(...))"},
	} {
		err := L.DoString(tc.code)
		if err == nil {
			t.Errorf("%s: no error", tc.code)
			continue
		}
		if got := errText(err); !strings.Contains(got, "TypeError: "+tc.want) {
			t.Errorf("%s: got %v, want TypeError: %q", tc.code, got, tc.want)
		}
	}
}

// A result list longer than the Lua stack is a Lua error, not a Go panic.
func TestStructTooManyResults(t *testing.T) {
	L := newStructState(t)
	err := L.DoString(`
		local ok, e = pcall(struct.unpack, "100000B", string.rep("\0", 100000))
		assert(not ok, "unpacked 100000 results")
		local ok, n = pcall(struct.unpack, "1000B", string.rep("\0", 1000))
		assert(ok, n)
	`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestStructCache(t *testing.T) {
	// More formats than the cache holds, in several states at once: each
	// has its own cache (the race detector sees any sharing).
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			L := lua.NewState()
			defer L.Close()
			Open(L, nil)
			err := L.DoString(`
				for i = 1, 300 do
					local f = "<" .. i .. "x i"
					local s = struct.pack(f, i)
					assert(#s == i + 4 and struct.calcsize(f) == i + 4)
					assert(select(1, struct.unpack(f, s)) == i)
				end`)
			if err != nil {
				t.Error(err)
			}
			// The cache is in the upvalue of the module's functions.
			pack := L.GetField(L.GetGlobal("struct"), "pack").(*lua.LFunction)
			c := &pack.Upvalues[0].Value().(*lua.LUserData).Value.(*structState).cache
			if len(c.m) > structCacheMax {
				t.Errorf("cache holds %d formats", len(c.m))
			}
			sf1, _ := c.lookup("<hh")
			sf2, _ := c.lookup("<" + strings.Repeat("h", 2)) // a new string, the same format
			if sf1 != sf2 {
				t.Error("a format is compiled again while cached")
			}
		}()
	}
	wg.Wait()
}

func TestStructDocs(t *testing.T) {
	m := Lookup("struct")
	if m == nil {
		t.Fatal("struct is not registered")
	}
	check := func(prefix string, f api.Func) {
		lines := strings.Split(f.Doc, "\n")
		if !strings.HasPrefix(lines[0], prefix+f.Name+"(") {
			t.Errorf("%s: first line %q is not the call", f.Name, lines[0])
		}
		if len(lines) < 3 || !strings.HasPrefix(lines[len(lines)-1], "Python: ") {
			t.Errorf("%s: doc does not end with a Python: line", f.Name)
		}
	}
	names := map[string]bool{}
	for _, f := range m.Funcs {
		check("struct.", f)
		names[f.Name] = true
	}
	for _, n := range []string{"pack", "unpack", "calcsize", "unpack_from", "iter_unpack", "Struct"} {
		if !names[n] {
			t.Errorf("struct.%s is missing", n)
		}
	}
	if len(m.Types) != 1 || m.Types[0].Name != "struct.Struct" {
		t.Fatalf("types: %v", m.Types)
	}
	for _, f := range m.Types[0].Methods {
		check("s:", f)
	}
}

func TestStructHalfRounding(t *testing.T) {
	// Every half is packed back to itself from its double.
	for h := 0; h < 1<<16; h++ {
		x := structUnpackHalf(uint16(h))
		got, ok := structPackHalf(x)
		if !ok {
			t.Fatalf("%#04x: overflow", h)
		}
		if e := h >> 10 & 0x1f; e == 0x1f && h&0x3ff != 0 {
			if got != uint16(h&0x8000|0x7e00) {
				t.Fatalf("%#04x: NaN packs to %#04x", h, got)
			}
			continue
		}
		if got != uint16(h) {
			t.Fatalf("%#04x -> %v -> %#04x", h, x, got)
		}
	}
}

func BenchmarkStructPackUnpack(b *testing.B) {
	L := newStructState(b)
	if err := L.DoString(`
		local pack, unpack = struct.pack, struct.unpack
		function bench(n)
			for i = 1, n do
				local v = unpack("i", pack("i", i))
				local a, b, c = unpack("!HHI", pack("!HHI", 1, 2, i))
			end
		end`); err != nil {
		b.Fatal(err)
	}
	fn := L.GetGlobal("bench")
	b.ReportAllocs()
	b.ResetTimer()
	if err := L.CallByParam(lua.P{Fn: fn, NRet: 0, Protect: true}, lua.LNumber(b.N)); err != nil {
		b.Fatal(err)
	}
}
