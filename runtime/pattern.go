package runtime

import (
	"context"
	"fmt"
	"strings"
)

// Lua patterns as gopher-lua v1.1.2 reads them, matched without
// gopher-lua's per-position allocations or its recursion per repeated
// character.
//
// The parser below is gopher-lua's pm parser (pm/pm.go, MIT License,
// Copyright (c) 2015 Yusuke Inuzuka) kept statement for statement: what a
// pattern means in gopher-lua — where '$' anchors, how a set ends, that
// %f is a literal 'f', that "[%a-z]" is an empty range — follows from its
// scanner's Peek and NextPos, so a rewrite would drift. Its parse errors
// ("unfinished capture at EOS") are gopher-lua's. The matcher is new: it
// walks the same items in the order gopher-lua's backtracking VM tries
// them (greedy repeats longest first, '-' shortest first, '?' with the
// character first), which is also Lua 5.1's max_expand/min_expand order,
// so every match and every capture is the one gopher-lua finds.

// patEOS is the scanner's end of pattern (pm.EOS).
const patEOS = -1

// patUnknownPos marks an error without a position (pm._UNKNOWN).
const patUnknownPos = -2

// patMaxDepth is gopher-lua's recursion limit (pm.maxRecursionLevel). Our
// recursion is per repeat item, not per character, so a subject that
// gopher-lua finds "too complex" (".*" over a megabyte) matches here, as
// in Lua 5.1; the limit only stops a pattern of a million repeats.
const patMaxDepth = 1000000

// patError is a malformed pattern or a failed match (pm.Error).
type patError struct {
	pos int
	msg string
}

// Error reads as pm.Error does: "unfinished capture at EOS".
func (e *patError) Error() string {
	switch e.pos {
	case patEOS:
		return e.msg + " at EOS"
	case patUnknownPos:
		return e.msg
	}
	return fmt.Sprintf("%s at %d", e.msg, e.pos)
}

// patCancelled carries the context's error out of a match.
type patCancelled struct{ err error }

// patScanner is pm's scanner.
type patScanner struct {
	src          string
	pos          int
	started      bool
	savedPos     int
	savedStarted bool
}

func (sc *patScanner) length() int { return len(sc.src) }

func (sc *patScanner) next() int {
	if !sc.started {
		sc.started = true
		if len(sc.src) == 0 {
			sc.pos = patEOS
		}
	} else {
		sc.pos = sc.nextPos()
	}
	if sc.pos == patEOS {
		return patEOS
	}
	return int(sc.src[sc.pos])
}

func (sc *patScanner) currentPos() int { return sc.pos }

func (sc *patScanner) nextPos() int {
	if sc.pos == patEOS || sc.pos >= len(sc.src)-1 {
		return patEOS
	}
	if !sc.started {
		return 0
	}
	return sc.pos + 1
}

func (sc *patScanner) peek() int {
	cureof := sc.pos == patEOS
	ch := sc.next()
	if !cureof {
		if sc.pos == patEOS {
			sc.pos = len(sc.src) - 1
		} else {
			sc.pos--
			if sc.pos < 0 {
				sc.pos = 0
				sc.started = false
			}
		}
	}
	return ch
}

func (sc *patScanner) save()    { sc.savedPos, sc.savedStarted = sc.pos, sc.started }
func (sc *patScanner) restore() { sc.pos, sc.started = sc.savedPos, sc.savedStarted }

// The parse tree, as pm's: classes, then pattern nodes.
type (
	patClass interface{ matches(ch int) bool }

	dotClass    struct{}
	charClass   struct{ ch int }
	singleClass struct{ class int } // %a, %d, ...; any other byte stands for itself
	setClass    struct {
		not     bool
		classes []patClass
	}
	rangeClass struct{ begin, end patClass }

	patNode    any
	singleNode struct{ class patClass }
	seqNode    struct {
		mustHead, mustTail bool
		nodes              []patNode
	}
	repeatNode struct {
		op    int // '*', '+', '-' or '?'
		class patClass
	}
	posCapNode struct{}
	capNode    struct{ seq *seqNode }
	numberNode struct{ n int }
	braceNode  struct{ begin, end int }
)

func (*dotClass) matches(int) bool       { return true }
func (c *charClass) matches(ch int) bool { return c.ch == ch }

func (c *singleClass) matches(ch int) bool {
	ret := false
	switch c.class {
	case 'a', 'A':
		ret = 'A' <= ch && ch <= 'Z' || 'a' <= ch && ch <= 'z'
	case 'c', 'C':
		ret = (0x00 <= ch && ch <= 0x1F) || ch == 0x7F
	case 'd', 'D':
		ret = '0' <= ch && ch <= '9'
	case 'l', 'L':
		ret = 'a' <= ch && ch <= 'z'
	case 'p', 'P':
		ret = (0x21 <= ch && ch <= 0x2f) || (0x3a <= ch && ch <= 0x40) || (0x5b <= ch && ch <= 0x60) || (0x7b <= ch && ch <= 0x7e)
	case 's', 'S':
		switch ch {
		case ' ', '\f', '\n', '\r', '\t', '\v':
			ret = true
		}
	case 'u', 'U':
		ret = 'A' <= ch && ch <= 'Z'
	case 'w', 'W':
		ret = '0' <= ch && ch <= '9' || 'A' <= ch && ch <= 'Z' || 'a' <= ch && ch <= 'z'
	case 'x', 'X':
		ret = '0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'f' || 'A' <= ch && ch <= 'F'
	case 'z', 'Z':
		ret = ch == 0
	default:
		return ch == c.class
	}
	if 'A' <= c.class && c.class <= 'Z' {
		return !ret
	}
	return ret
}

func (c *setClass) matches(ch int) bool {
	for _, class := range c.classes {
		if class.matches(ch) {
			return !c.not
		}
	}
	return c.not
}

func (c *rangeClass) matches(ch int) bool {
	begin, ok := c.begin.(*charClass)
	if !ok {
		return false
	}
	end, ok := c.end.(*charClass)
	if !ok {
		return false
	}
	return begin.ch <= ch && ch <= end.ch
}

func parseClass(sc *patScanner, allowset bool) patClass {
	ch := sc.next()
	switch ch {
	case '%':
		return &singleClass{sc.next()}
	case '.':
		if allowset {
			return &dotClass{}
		}
		return &charClass{ch}
	case '[':
		if allowset {
			return parseClassSet(sc)
		}
		return &charClass{ch}
	case patEOS:
		panic(&patError{sc.currentPos(), "unexpected EOS"})
	default:
		return &charClass{ch}
	}
}

func parseClassSet(sc *patScanner) patClass {
	set := &setClass{}
	if sc.peek() == '^' {
		set.not = true
		sc.next()
	}
	isrange := false
	for {
		ch := sc.peek()
		switch ch {
		case patEOS:
			panic(&patError{sc.currentPos(), "unexpected EOS"})
		case ']':
			if len(set.classes) > 0 {
				sc.next()
				goto exit
			}
			fallthrough
		case '-':
			if len(set.classes) > 0 {
				sc.next()
				isrange = true
				continue
			}
			fallthrough
		default:
			set.classes = append(set.classes, parseClass(sc, false))
		}
		if isrange {
			n := len(set.classes)
			begin, end := set.classes[n-2], set.classes[n-1]
			set.classes = append(set.classes[:n-2], &rangeClass{begin, end})
			isrange = false
		}
	}
exit:
	if isrange {
		set.classes = append(set.classes, &charClass{'-'})
	}
	return set
}

func parsePattern(sc *patScanner, toplevel bool) *seqNode {
	pat := &seqNode{}
	if toplevel {
		if sc.peek() == '^' {
			sc.next()
			pat.mustHead = true
		}
	}
	for {
		ch := sc.peek()
		switch ch {
		case '%':
			sc.save()
			sc.next()
			switch sc.peek() {
			case '0':
				panic(&patError{sc.currentPos(), "invalid capture index"})
			case '1', '2', '3', '4', '5', '6', '7', '8', '9':
				pat.nodes = append(pat.nodes, &numberNode{sc.next() - '0'})
			case 'b':
				sc.next()
				begin := sc.next()
				end := sc.next()
				pat.nodes = append(pat.nodes, &braceNode{begin, end})
			default:
				sc.restore()
				pat.nodes = append(pat.nodes, &singleNode{parseClass(sc, true)})
			}
		case '.', '[', ']':
			pat.nodes = append(pat.nodes, &singleNode{parseClass(sc, true)})
		case ')':
			if toplevel {
				panic(&patError{sc.currentPos(), "invalid ')'"})
			}
			return pat
		case '(':
			sc.next()
			if sc.peek() == ')' {
				sc.next()
				pat.nodes = append(pat.nodes, &posCapNode{})
			} else {
				ret := &capNode{parsePattern(sc, false)}
				if sc.peek() != ')' {
					panic(&patError{sc.currentPos(), "unfinished capture"})
				}
				sc.next()
				pat.nodes = append(pat.nodes, ret)
			}
		case '*', '+', '-', '?':
			sc.next()
			if n := len(pat.nodes); n > 0 {
				if single, ok := pat.nodes[n-1].(*singleNode); ok {
					pat.nodes[n-1] = &repeatNode{ch, single.class}
					continue
				}
			}
			pat.nodes = append(pat.nodes, &singleNode{&charClass{ch}})
		case '$':
			if toplevel && (sc.nextPos() == sc.length()-1 || sc.nextPos() == patEOS) {
				pat.mustTail = true
			} else {
				pat.nodes = append(pat.nodes, &singleNode{&charClass{ch}})
			}
			sc.next()
		case patEOS:
			sc.next()
			return pat
		default:
			sc.next()
			pat.nodes = append(pat.nodes, &singleNode{&charClass{ch}})
		}
	}
}

// byteSet is a class tabulated over the 256 byte values.
type byteSet [4]uint64

func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }

func newByteSet(c patClass) *byteSet {
	s := new(byteSet)
	for ch := 0; ch < 256; ch++ {
		if c.matches(ch) {
			s[ch>>6] |= 1 << (ch & 63)
		}
	}
	return s
}

// single reports the one byte s holds, if it holds exactly one.
func (s *byteSet) single() (byte, bool) {
	n, b := 0, 0
	for ch := 0; ch < 256; ch++ {
		if s.has(byte(ch)) {
			n, b = n+1, ch
		}
	}
	return byte(b), n == 1
}

type patOp uint8

const (
	opLit     patOp = iota // a run of single bytes: lit
	opSet                  // one byte of set
	opStar                 // set*: greedy
	opPlus                 // set+: greedy
	opMinus                // set-: lazy
	opOpt                  // set?
	opOpen                 // capture n starts
	opClose                // capture n ends
	opPos                  // position capture n
	opBrace                // %b with begin a, end b (-1 when the pattern ended)
	opBackref              // %n: capture n again, by ref
)

// How a %n refers to capture n where it stands, decided as gopher-lua's
// VM decides it from the capture slots filled so far.
const (
	refClosed = iota // a finished capture: match its text
	refPos           // a position capture: gopher-lua matches ""
	// refOpen is an unfinished capture whose end slot gopher-lua has
	// allocated (as zero): "" when it starts at 0, else a Go panic.
	refOpen
	refInvalid // "invalid capture index"
)

type patItem struct {
	op   patOp
	set  *byteSet
	lit  string
	n    int // the capture (0-based) of opOpen, opClose, opPos, opBackref
	a, b int // %b's begin and end; a backref's ref kind in a
}

// luaPattern is a compiled pattern; it is immutable, so one value serves
// every call that uses the same pattern string.
type luaPattern struct {
	items    []patItem
	anchored bool   // '^': only at the starting position
	tail     bool   // '$': only ending at the end of the subject
	ncap     int    // captures
	isPos    []bool // capture i is a position capture
	literal  string // the whole pattern is this plain text (no anchors, captures)
	mayFail  bool   // matching raises when it reaches an invalid %n
	first    int    // the first item that consumes a byte, for skipping
}

// compilePattern parses src as gopher-lua does and flattens the tree.
func compilePattern(src string) (p *luaPattern, err error) {
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*patError)
			if !ok {
				panic(r)
			}
			p, err = nil, pe
		}
	}()
	tree := parsePattern(&patScanner{src: src}, true)
	p = &luaPattern{anchored: tree.mustHead, tail: tree.mustTail}
	c := patCompiler{p: p, slots: 1}
	c.seq(tree)
	c.flush()
	if len(p.items) == 1 && p.items[0].op == opLit && !p.anchored && !p.tail {
		p.literal = p.items[0].lit
	}
	p.first = len(p.items)
	for i, it := range p.items {
		if it.op != opOpen && it.op != opPos {
			p.first = i
			break
		}
	}
	return p, nil
}

// patCompiler flattens the tree, tracking the capture slots gopher-lua's
// VM would have filled at each item (slot 0 is the match's start).
type patCompiler struct {
	p      *luaPattern
	slots  int // len(MatchData.captures) when this item runs
	closed []bool
	lit    []byte // single bytes not yet made a literal item
}

func (c *patCompiler) capture(pos bool) int {
	n := c.p.ncap
	c.p.ncap++
	c.p.isPos = append(c.p.isPos, pos)
	c.closed = append(c.closed, pos)
	return n
}

func (c *patCompiler) grow(slot int) { c.slots = max(c.slots, slot+1) }

// add appends it after the pending literal bytes.
func (c *patCompiler) add(it patItem) {
	c.flush()
	c.p.items = append(c.p.items, it)
}

// flush turns the pending single bytes into one literal item.
func (c *patCompiler) flush() {
	if len(c.lit) > 0 {
		c.p.items = append(c.p.items, patItem{op: opLit, lit: string(c.lit)})
		c.lit = c.lit[:0]
	}
}

func (c *patCompiler) seq(s *seqNode) {
	for _, node := range s.nodes {
		switch nd := node.(type) {
		case *singleNode:
			set := newByteSet(nd.class)
			if b, ok := set.single(); ok {
				c.lit = append(c.lit, b)
				continue
			}
			c.add(patItem{op: opSet, set: set})
		case *repeatNode:
			op := opStar
			switch nd.op {
			case '+':
				op = opPlus
			case '-':
				op = opMinus
			case '?':
				op = opOpt
			}
			c.add(patItem{op: op, set: newByteSet(nd.class)})
		case *posCapNode:
			n := c.capture(true)
			c.grow(2*n + 3) // addPosCapture fills both slots
			c.add(patItem{op: opPos, n: n})
		case *capNode:
			n := c.capture(false)
			c.grow(2*n + 2)
			c.add(patItem{op: opOpen, n: n})
			c.seq(nd.seq)
			c.grow(2*n + 3)
			c.closed[n] = true
			c.add(patItem{op: opClose, n: n})
		case *braceNode:
			c.add(patItem{op: opBrace, a: nd.begin, b: nd.end})
		case *numberNode:
			// The VM's check: idx >= len(captures)-1 raises, else it
			// slices captures[idx]:captures[idx+1].
			n, kind := nd.n-1, refInvalid
			switch idx := 2 * nd.n; {
			case idx >= c.slots-1:
			case c.p.isPos[n]:
				kind = refPos
			case c.closed[n]:
				kind = refClosed
			default:
				kind = refOpen
			}
			if kind == refInvalid {
				c.p.mayFail = true
			}
			c.add(patItem{op: opBackref, n: n, a: kind})
		}
	}
}

// patMatcher matches one pattern against one subject; caps holds each
// capture's start and end (a position capture's 1-based position in its
// start slot).
type patMatcher struct {
	p      *luaPattern
	src    string
	caps   []int
	ctx    context.Context
	budget int
}

// patCheckEvery is how many attempts and backtracking steps run between
// two looks at the context: a huge or pathological match stays
// interruptible for the cost of a counter.
const patCheckEvery = 4096

func newPatMatcher(p *luaPattern, src string) *patMatcher {
	return &patMatcher{p: p, src: src, caps: make([]int, 2*p.ncap), budget: patCheckEvery}
}

// tick counts one step and stops the match when the context has ended.
func (m *patMatcher) tick() {
	m.budget--
	if m.budget > 0 {
		return
	}
	m.budget = patCheckEvery
	if m.ctx != nil && m.ctx.Err() != nil {
		panic(&patCancelled{m.ctx.Err()})
	}
}

// find is one step of gopher-lua's Find loop: the first match starting
// at from or later (only at from when once is set or the pattern is
// anchored), as its start and end, or -1. err is a *patError or the
// context's error.
func (m *patMatcher) find(ctx context.Context, from int, once bool) (start, end int, err error) {
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case *patError:
				start, end, err = -1, -1, e
			case *patCancelled:
				start, end, err = -1, -1, e.err
			default:
				panic(r)
			}
		}
	}()
	m.ctx = ctx
	once = once || m.p.anchored
	src := m.src
	if lit := m.p.literal; lit != "" {
		if from > len(src) {
			return -1, -1, nil
		}
		m.tick()
		if once {
			if strings.HasPrefix(src[from:], lit) {
				return from, from + len(lit), nil
			}
			return -1, -1, nil
		}
		i := strings.Index(src[from:], lit)
		if i < 0 {
			return -1, -1, nil
		}
		return from + i, from + i + len(lit), nil
	}
	for sp := from; sp <= len(src); sp++ {
		if !once {
			sp = m.skip(sp)
		}
		m.tick()
		if e := m.match(sp, 0, 0); e >= 0 {
			return sp, e, nil
		}
		if once {
			break
		}
	}
	return -1, -1, nil
}

// skip moves sp to the next position where the pattern's first byte can
// match; the attempts it passes over would fail at once, with no effect.
func (m *patMatcher) skip(sp int) int {
	if m.p.first >= len(m.p.items) || sp >= len(m.src) {
		return sp
	}
	src := m.src
	switch it := &m.p.items[m.p.first]; it.op {
	case opLit:
		if i := strings.Index(src[sp:], it.lit); i >= 0 {
			return sp + i
		}
		return len(src)
	case opSet, opPlus:
		for ; sp < len(src) && !it.set.has(src[sp]); sp++ {
		}
	case opBrace:
		if it.a < 0 || it.a > 255 {
			return len(src)
		}
		if i := strings.IndexByte(src[sp:], byte(it.a)); i >= 0 {
			return sp + i
		}
		return len(src)
	}
	return sp
}

// match matches items[i:] at s and returns where the match ends, or -1.
func (m *patMatcher) match(s, i, depth int) int {
	if depth > patMaxDepth {
		panic(&patError{patUnknownPos, "pattern/input too complex"})
	}
	src, items := m.src, m.p.items
	for ; i < len(items); i++ {
		it := &items[i]
		switch it.op {
		case opLit:
			if !strings.HasPrefix(src[s:], it.lit) {
				return -1
			}
			s += len(it.lit)
		case opSet:
			if s >= len(src) || !it.set.has(src[s]) {
				return -1
			}
			s++
		case opStar, opPlus:
			n := 0
			for s+n < len(src) && it.set.has(src[s+n]) {
				n++
			}
			low := 0
			if it.op == opPlus {
				low = 1
			}
			for ; n >= low; n-- {
				m.tick()
				if e := m.match(s+n, i+1, depth+1); e >= 0 {
					return e
				}
			}
			return -1
		case opMinus:
			for {
				m.tick()
				if e := m.match(s, i+1, depth+1); e >= 0 {
					return e
				}
				if s >= len(src) || !it.set.has(src[s]) {
					return -1
				}
				s++
			}
		case opOpt:
			if s < len(src) && it.set.has(src[s]) {
				m.tick()
				if e := m.match(s+1, i+1, depth+1); e >= 0 {
					return e
				}
			}
		case opOpen:
			m.caps[2*it.n] = s
		case opClose:
			m.caps[2*it.n+1] = s
		case opPos:
			m.caps[2*it.n] = s + 1
		case opBrace:
			if s >= len(src) || int(src[s]) != it.a {
				return -1
			}
			count, j := 1, s+1
			for ; j < len(src); j++ {
				if c := int(src[j]); c == it.b {
					if count--; count == 0 {
						break
					}
				} else if c == it.a {
					count++
				}
			}
			if j >= len(src) {
				return -1
			}
			s = j + 1
		case opBackref:
			switch it.a {
			case refClosed:
				c := src[m.caps[2*it.n]:m.caps[2*it.n+1]]
				if !strings.HasPrefix(src[s:], c) {
					return -1
				}
				s += len(c)
			case refPos:
			case refOpen:
				// gopher-lua slices from the start to a zero end: empty
				// from 0, a Go panic otherwise; Lua 5.1's error here.
				if m.caps[2*it.n] != 0 {
					panic(&patError{patUnknownPos, "invalid capture index"})
				}
			default:
				panic(&patError{patUnknownPos, "invalid capture index"})
			}
		}
	}
	if m.p.tail && s != len(src) {
		return -1
	}
	return s
}
