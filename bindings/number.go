package bindings

import lua "github.com/yuin/gopher-lua"

// smallNumbers are the boxed Lua numbers 0..len-1, made once: pushing an
// LNumber allocates its interface box, and byte counts, errnos and unpacked
// small integers are pushed on every call. The array is never written after
// package initialisation, so runtimes share it safely.
var smallNumbers = func() (t [1 << 12]lua.LValue) {
	for i := range t {
		t[i] = lua.LNumber(i)
	}
	return t
}()

// number is n as a Lua value, without an allocation for small counts.
func number(n int) lua.LValue {
	if uint(n) < uint(len(smallNumbers)) {
		return smallNumbers[n]
	}
	return lua.LNumber(n)
}
