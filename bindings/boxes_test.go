package bindings

import (
	"bytes"
	"math"
	"runtime"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// Values from numberBoxes are ordinary Lua numbers, each its own, and
// survive the collector.
func TestNumberBoxes(t *testing.T) {
	var nb numberBoxes
	want := []float64{0, 1, -1, 1.5, 7, math.MaxUint32, 1 << 53, math.Inf(-1), math.Copysign(0, -1)}
	var got []lua.LValue
	for range 3 * numberChunk / len(want) {
		for _, x := range want {
			got = append(got, nb.value(x))
		}
	}
	runtime.GC()
	for i, v := range got {
		x := want[i%len(want)]
		n, ok := v.(lua.LNumber)
		if !ok || float64(n) != x || math.Signbit(float64(n)) != math.Signbit(x) {
			t.Fatalf("value %d is %#v, want %v", i, v, x)
		}
		if v != lua.LValue(lua.LNumber(x)) {
			t.Errorf("value %d does not compare equal to %v", i, x)
		}
	}
	if v := (*numberBoxes)(nil).value(2.5); v != lua.LValue(lua.LNumber(2.5)) {
		t.Errorf("nil numberBoxes: %#v", v)
	}
}

// stringBoxes copy their bytes into a Lua string of every length, one
// that the buffer's reuse does not change and the collector keeps, also
// when only a copy of the Go string is left.
func TestStringBoxes(t *testing.T) {
	var sb stringBoxes
	var got []lua.LValue
	var want []string
	var kept []string // Go strings taken from boxed values
	buf := make([]byte, 100)
	for round := range 3 {
		for n := 0; n <= len(buf); n++ {
			for i := range buf {
				buf[i] = byte('a' + (n+i+round)%26)
			}
			v := sb.value(buf[:n])
			if round == 2 {
				kept = append(kept, string(v.(lua.LString)))
				continue
			}
			got = append(got, v)
			want = append(want, string(buf[:n]))
		}
	}
	if v := (*stringBoxes)(nil).value([]byte("nil")); v != lua.LValue(lua.LString("nil")) {
		t.Errorf("nil stringBoxes: %#v", v)
	}
	for i := range buf {
		buf[i] = 0
	}
	runtime.GC()
	for n, s := range kept {
		for i := range n {
			if s[i] != byte('a'+(n+i+2)%26) {
				t.Fatalf("kept string of length %d: %q", n, s)
			}
		}
	}
	for i, v := range got {
		s, ok := v.(lua.LString)
		if !ok || string(s) != want[i] {
			t.Fatalf("length %d: got %#v, want %q", i, v, want[i])
		}
		if v != lua.LValue(lua.LString(want[i])) {
			t.Errorf("length %d does not compare equal", i)
		}
		if strings.Compare(string(s)+"x", want[i]+"x") != 0 || !bytes.Equal([]byte(s), []byte(want[i])) {
			t.Errorf("length %d: copies differ", i)
		}
	}
}

func BenchmarkNumberBoxes(b *testing.B) {
	var nb numberBoxes
	var sink lua.LValue
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sink = nb.value(float64(i) + 0.5)
	}
	_ = sink
}

func BenchmarkStringBoxes(b *testing.B) {
	var sb stringBoxes
	p := []byte("0123456789abcd")
	var sink lua.LValue
	b.ReportAllocs()
	for b.Loop() {
		sink = sb.value(p)
	}
	_ = sink
}
