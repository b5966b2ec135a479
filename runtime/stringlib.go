package runtime

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// stringLib is the runtime's string.find, match, gmatch (gfind) and gsub,
// and table.concat: gopher-lua v1.1.2's own, result for result and error
// for error, in linear time. gopher-lua's gsub rebuilds the whole subject
// for every replacement (quadratic: minutes for a megabyte), its gmatch
// finds every match before the first iteration, and all of them allocate
// per position tried; its table.concat pushes every element onto the Lua
// stack, which under the runtime's growable registry costs a copy of the
// stack every 32 elements and overflows past half a million.
//
// Where gopher-lua departs from Lua 5.1 the departure is kept, so that
// scripts behave as under plain gopher-lua: %f is a literal 'f'; a class
// before '-' in a set makes an empty range ("[%w-_]" matches nothing);
// match returns no value (not nil) when nothing matches; find and match
// do not clamp init to the end, and find's empty pattern is always at 1;
// gsub refuses a number as repl, keeps "%x" as is, counts a table or
// boolean replacement value as "", and replaces everything when n is
// negative, or 0 and the pattern matches at the start; gmatch honours
// '^'; a lone element from table.concat is returned as it is (a number
// stays one). Only gopher-lua's Go panics and its recursion limit
// ("pattern/input too complex" for ".*" over a megabyte) are not kept.
//
// The functions live on the string table itself, which gopher-lua also
// makes the strings' metatable and its __index, so s:gsub(...) finds them.
type stringLib struct {
	// patterns caches compiled patterns by source. It belongs to one
	// runtime and is touched only under its interpreter lock; the values
	// are immutable.
	patterns map[string]*luaPattern
	// gmatchIter is the iterator every gmatch returns, with its state as
	// the for loop's invariant value (as gopher-lua's).
	gmatchIter *lua.LFunction
}

// patternCacheSize bounds the cache; a script building patterns on the
// fly only empties it now and then. Patterns longer than
// patternCacheMaxLen (an escaped body used as a pattern) are compiled
// each time: their compiling is as long as a match, and caching them
// would hold their memory.
const (
	patternCacheSize   = 256
	patternCacheMaxLen = 1024
)

// openStringLib installs the functions on L's string and table tables.
func openStringLib(L *lua.LState) {
	sl := &stringLib{patterns: map[string]*luaPattern{}}
	sl.gmatchIter = L.NewFunction(sl.gmatchNext)
	if s, ok := L.GetGlobal("string").(*lua.LTable); ok {
		s.RawSetString("find", L.NewFunction(sl.find))
		s.RawSetString("match", L.NewFunction(sl.match))
		s.RawSetString("gsub", L.NewFunction(sl.gsub))
		gmatch := L.NewFunction(sl.gmatch)
		s.RawSetString("gmatch", gmatch)
		s.RawSetString("gfind", gmatch)
	}
	if t, ok := L.GetGlobal("table").(*lua.LTable); ok {
		t.RawSetString("concat", L.NewFunction(tableConcat))
	}
}

// compile returns the compiled pattern, raising a malformed one's error.
func (sl *stringLib) compile(L *lua.LState, src string) *luaPattern {
	if p, ok := sl.patterns[src]; ok {
		return p
	}
	p, err := compilePattern(src)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	if len(src) > patternCacheMaxLen {
		return p
	}
	if len(sl.patterns) >= patternCacheSize {
		clear(sl.patterns)
	}
	sl.patterns[src] = p
	return p
}

// findIn runs m.find, raising a failed match's error in L: a cancelled
// context as KeyboardInterrupt, like every other wait.
func findIn(L *lua.LState, m *patMatcher, from int, once bool) (start, end int) {
	start, end, err := m.find(L.Context(), from, once)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			api.RaiseErr(L, err)
		}
		L.RaiseError("%s", err.Error())
	}
	return start, end
}

// pushCaptures pushes the captures of m's last match (start..end), or the
// whole match when the pattern has none, and returns how many.
func pushCaptures(L *lua.LState, m *patMatcher, start, end int) int {
	if m.p.ncap == 0 {
		L.Push(lua.LString(m.src[start:end]))
		return 1
	}
	for i := 0; i < m.p.ncap; i++ {
		L.Push(capture(m, i))
	}
	return m.p.ncap
}

// capture is capture i of m's last match: a string, or a position.
func capture(m *patMatcher, i int) lua.LValue {
	if m.p.isPos[i] {
		return lua.LNumber(m.caps[2*i])
	}
	return lua.LString(m.src[m.caps[2*i]:m.caps[2*i+1]])
}

// stringStart is gopher-lua's luaIndex2StringIndex for a start index:
// 1-based (negative from the end) to 0-based, not clamped at the end.
func stringStart(str string, i int) int {
	if i != 0 {
		i--
	}
	if i < 0 {
		i = len(str) + i + 1
	}
	return max(0, i)
}

// find is string.find. As gopher-lua's: an empty pattern is found at 1
// whatever init says, and plain needs exactly four arguments.
func (sl *stringLib) find(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	if len(pattern) == 0 {
		L.Push(lua.LNumber(1))
		L.Push(lua.LNumber(0))
		return 2
	}
	init := stringStart(str, L.OptInt(3, 1))
	plain := L.GetTop() == 4 && lua.LVAsBool(L.Get(4))
	if plain {
		// gopher-lua slices past the end here (a Go panic); Lua 5.1
		// finds nothing.
		if init > len(str) {
			L.Push(lua.LNil)
			return 1
		}
		pos := strings.Index(str[init:], pattern)
		if pos < 0 {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LNumber(init + pos + 1))
		L.Push(lua.LNumber(init + pos + len(pattern)))
		return 2
	}
	m := newPatMatcher(sl.compile(L, pattern), str)
	start, end := findIn(L, m, init, false)
	if start < 0 {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(lua.LNumber(start + 1))
	L.Push(lua.LNumber(end))
	for i := 0; i < m.p.ncap; i++ {
		L.Push(capture(m, i))
	}
	return 2 + m.p.ncap
}

// match is string.match. As gopher-lua's, no match returns no value at
// all (Lua 5.1 returns nil), and an init past the end finds nothing.
func (sl *stringLib) match(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	offset := L.OptInt(3, 1)
	if offset < 0 {
		offset = len(str) + offset + 1
	}
	offset = max(offset-1, 0)
	m := newPatMatcher(sl.compile(L, pattern), str)
	start, end := findIn(L, m, offset, false)
	if start < 0 {
		return 0
	}
	return pushCaptures(L, m, start, end)
}

// gmatchState is one gmatch loop: the next position to try.
type gmatchState struct {
	m    *patMatcher
	sp   int
	done bool
}

// gmatch is string.gmatch: the iterator and its state (gopher-lua's two
// values). Matches are found one per iteration, so breaking out of the
// loop early costs nothing more.
func (sl *stringLib) gmatch(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	m := newPatMatcher(sl.compile(L, pattern), str)
	if m.p.mayFail {
		// gopher-lua matches everything here, so an invalid %n raises
		// from gmatch itself. Every match passes the %n, so the first
		// search raises or finds nothing.
		findIn(L, m, 0, false)
	}
	L.Push(sl.gmatchIter)
	ud := L.NewUserData()
	ud.Value = &gmatchState{m: m}
	L.Push(ud)
	return 2
}

// gmatchNext is one step of a gmatch loop. As in gopher-lua (and unlike
// Lua 5.1, where '^' is literal in gmatch), an anchored pattern matches
// only at the start.
func (sl *stringLib) gmatchNext(L *lua.LState) int {
	st, ok := L.CheckUserData(1).Value.(*gmatchState)
	if !ok {
		L.ArgError(1, "gmatch state expected")
	}
	if st.done || st.sp > len(st.m.src) {
		return 0
	}
	start, end := findIn(L, st.m, st.sp, false)
	if start < 0 || st.m.p.anchored {
		st.done = true
	}
	if start < 0 {
		return 0
	}
	st.sp = max(start+1, end)
	return pushCaptures(L, st.m, start, end)
}

// replString is a gsub replacement string, read once per call the way
// gopher-lua reads it per match: "%%" is '%', "%d" capture d, '%' before
// any other byte (or at the end) stays as it is.
type replString struct {
	parts []replPart
	// maxRef is the highest capture referred to.
	maxRef int
}

// replPart is literal text, or capture ref (0: the whole match) when lit
// is empty and ref >= 0.
type replPart struct {
	lit string
	ref int
}

func parseRepl(s string) *replString {
	r := &replString{}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			r.parts = append(r.parts, replPart{lit: lit.String(), ref: -1})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' || i == len(s)-1 {
			lit.WriteByte(c)
			continue
		}
		i++
		switch d := s[i]; {
		case d == '%':
			lit.WriteByte('%')
		case '0' <= d && d <= '9':
			flush()
			r.parts = append(r.parts, replPart{ref: int(d - '0')})
			r.maxRef = max(r.maxRef, int(d-'0'))
		default:
			lit.WriteByte('%')
			lit.WriteByte(d)
		}
	}
	flush()
	return r
}

// appendTo writes r for m's match start..end.
func (r *replString) appendTo(b *strings.Builder, m *patMatcher, start, end int) {
	for _, part := range r.parts {
		switch {
		case part.ref < 0:
			b.WriteString(part.lit)
		case part.ref == 0 || m.p.ncap == 0:
			// %1 without captures is the whole match, as %0.
			b.WriteString(m.src[start:end])
		case m.p.isPos[part.ref-1]:
			b.WriteString(strconv.Itoa(m.caps[2*(part.ref-1)]))
		default:
			b.WriteString(m.src[m.caps[2*(part.ref-1)]:m.caps[2*(part.ref-1)+1]])
		}
	}
}

// gsub is string.gsub, with gopher-lua's quirks kept: a number as repl
// is refused, a replacement value that is neither string nor number
// counts as "", n = 0 replaces everything when the pattern matches at the
// start and nothing otherwise, and a negative n replaces everything.
func (sl *stringLib) gsub(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	L.CheckTypes(3, lua.LTString, lua.LTTable, lua.LTFunction)
	repl := L.CheckAny(3)
	limit := L.OptInt(4, -1)
	m := newPatMatcher(sl.compile(L, pattern), str)

	// gopher-lua finds every match before replacing any; replacing as we
	// go is the same, for a pattern that raises (an invalid %n) does so
	// at or before its first match, before any replacement runs.
	var rs *replString
	if r, ok := repl.(lua.LString); ok {
		rs = parseRepl(string(r))
	}
	// gopher-lua stops when the count equals n after an attempt: for
	// n = 0 only a failed first attempt stops it.
	if limit == 0 {
		if start, _ := findIn(L, m, 0, true); start < 0 {
			L.SetTop(1)
			L.Push(lua.LNumber(0))
			return 2
		}
		limit = -1
	}

	if plain, ok := rs.plain(); ok && m.p.literal != "" {
		r, count := gsubPlain(L, str, m.p.literal, plain, limit)
		if count == 0 {
			L.SetTop(1)
		} else {
			L.Push(lua.LString(r))
		}
		L.Push(lua.LNumber(count))
		return 2
	}

	var b strings.Builder
	last, count, replaced := 0, 0, false
	for sp := 0; sp <= len(str); {
		start, end := findIn(L, m, sp, false)
		if start < 0 {
			break
		}
		count++
		if b.Cap() == 0 {
			b.Grow(len(str) + 16)
		}
		switch r := repl.(type) {
		case lua.LString:
			if rs.maxRef > 1 && rs.maxRef > m.p.ncap {
				L.RaiseError("invalid capture index")
			}
			b.WriteString(str[last:start])
			rs.appendTo(&b, m, start, end)
			last, replaced = end, true
		case *lua.LTable:
			var v lua.LValue
			switch {
			case m.p.ncap == 0:
				v = L.GetField(r, str[start:end])
			case m.p.isPos[0]:
				v = L.GetTable(r, lua.LNumber(m.caps[0]))
			default:
				v = L.GetField(r, str[m.caps[0]:m.caps[1]])
			}
			if lua.LVAsBool(v) {
				b.WriteString(str[last:start])
				b.WriteString(lua.LVAsString(v))
				last, replaced = end, true
			}
		case *lua.LFunction:
			L.Push(r)
			n := pushCaptures(L, m, start, end)
			L.Call(n, 1)
			v := L.Get(-1)
			L.Pop(1)
			if lua.LVAsBool(v) {
				b.WriteString(str[last:start])
				b.WriteString(lua.LVAsString(v))
				last, replaced = end, true
			}
		}
		if count == limit || m.p.anchored {
			break
		}
		sp = max(start+1, end)
	}
	if count == 0 {
		L.SetTop(1)
		L.Push(lua.LNumber(0))
		return 2
	}
	if !replaced {
		L.Push(lua.LString(str))
	} else {
		b.WriteString(str[last:])
		L.Push(lua.LString(b.String()))
	}
	L.Push(lua.LNumber(count))
	return 2
}

// plain reports the text of a replacement without captures.
func (r *replString) plain() (string, bool) {
	switch {
	case r == nil:
		return "", false
	case len(r.parts) == 0:
		return "", true
	case len(r.parts) == 1 && r.parts[0].ref < 0:
		return r.parts[0].lit, true
	}
	return "", false
}

// gsubPlain is gsub of plain text by plain text (limit < 0: all), the
// commonest rewrite ("\n" to "\r\n"), at strings.Index speed: the
// result's size is counted first, so it is built in one allocation.
func gsubPlain(L *lua.LState, str, old, repl string, limit int) (string, int) {
	n := strings.Count(str, old)
	if limit >= 0 {
		n = min(n, limit)
	}
	if n == 0 {
		return str, 0
	}
	var b strings.Builder
	b.Grow(len(str) + n*(len(repl)-len(old)))
	ctx, last := L.Context(), 0
	for count := 1; count <= n; count++ {
		i := last + strings.Index(str[last:], old)
		b.WriteString(str[last:i])
		b.WriteString(repl)
		last = i + len(old)
		if count%patCheckEvery == 0 && ctx != nil && ctx.Err() != nil {
			api.RaiseErr(L, ctx.Err())
		}
	}
	b.WriteString(str[last:])
	return b.String(), n
}

// tableConcat is table.concat(t [, sep [, i [, j]]]) as gopher-lua's,
// index clamping and error message included, built in one buffer instead
// of on the Lua stack.
func tableConcat(L *lua.LState) int {
	tbl := L.CheckTable(1)
	sep := L.OptString(2, "")
	i := L.OptInt(3, 1)
	j := L.OptInt(4, tbl.Len())
	if L.GetTop() == 3 && (i > tbl.Len() || i < 1) {
		L.Push(lua.LString(""))
		return 1
	}
	i = max(min(i, tbl.Len()), 1)
	j = min(j, tbl.Len())
	if i > j {
		L.Push(lua.LString(""))
		return 1
	}
	if i == j {
		// gopher-lua returns a lone element as it is: a number stays one.
		v := tbl.RawGetInt(i)
		if !lua.LVCanConvToString(v) {
			L.RaiseError("invalid value (%s) at index %d in table for concat", v.Type().String(), i)
		}
		L.Push(v)
		return 1
	}
	var b strings.Builder
	for k := i; k <= j; k++ {
		v := tbl.RawGetInt(k)
		if !lua.LVCanConvToString(v) {
			L.RaiseError("invalid value (%s) at index %d in table for concat", v.Type().String(), k)
		}
		if k > i {
			b.WriteString(sep)
		}
		b.WriteString(lua.LVAsString(v))
	}
	L.Push(lua.LString(b.String()))
	return 1
}
