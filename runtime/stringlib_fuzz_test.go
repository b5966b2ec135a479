package runtime

import (
	"strings"
	"testing"
)

// fuzzable keeps inputs small enough for gopher-lua's quadratic gsub and
// its backtracking (three lazy repeats over 32 bytes is already a
// million steps per position).
func fuzzable(s, pattern string) bool {
	return len(s) <= 32 && len(pattern) <= 12 && strings.Count(pattern, "*")+strings.Count(pattern, "-")+strings.Count(pattern, "+") <= 3
}

// FuzzGsub: the runtime's gsub gives what gopher-lua's gives, for a
// string (kind 0), table (1), table with __index (2) or function (3)
// replacement, with n = limit when limit >= -4 (else no n). A Go panic in
// gopher-lua's own (it has a few) only requires ours to end cleanly.
func FuzzGsub(f *testing.F) {
	f.Add("hello world", "(%w+)", "<%1>", uint8(0), int8(-5))
	f.Add("abc", "", "-", uint8(0), int8(0))
	f.Add("a,b,,c", "[^,]*", "%0%0", uint8(3), int8(2))
	f.Add("(a(b)c)", "%b()", "%%", uint8(1), int8(-1))
	p := newPair(f)
	f.Fuzz(func(t *testing.T, s, pattern, repl string, kind uint8, limit int8) {
		if !fuzzable(s, pattern) || len(repl) > 16 {
			t.Skip()
		}
		r := []any{repl, global("RT"), global("RM"), global("RF")}[kind%4]
		if limit < -4 {
			p.compare(t, "string.gsub", s, pattern, r)
		} else {
			p.compare(t, "string.gsub", s, pattern, r, int(limit))
		}
	})
}

// FuzzFind: find (pattern and plain), match and a whole gmatch loop give
// what gopher-lua's give.
func FuzzFind(f *testing.F) {
	f.Add("key = value", "(%w+)%s*=%s*(%w+)", int8(1))
	f.Add("aaa", "a-", int8(-2))
	f.Add("", "^$", int8(0))
	p := newPair(f)
	f.Fuzz(func(t *testing.T, s, pattern string, init int8) {
		if !fuzzable(s, pattern) {
			t.Skip()
		}
		p.compare(t, "string.find", s, pattern, int(init))
		p.compare(t, "string.find", s, pattern, int(init), true)
		p.compare(t, "string.match", s, pattern, int(init))
		p.compare(t, "GM", s, pattern)
	})
}
