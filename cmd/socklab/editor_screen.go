package main

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// The screen owns what the terminal shows while a line is edited.
// chzyer/readline edits the line and draws it, but it moves the cursor
// one column per rune (its issue #184: wrong with Chinese text), and the
// writer it offers for output above the prompt races with its own state
// (#219, #220). So readline writes to a screen instead of the terminal:
// the painter marks the prompt, the line and the cursor in what readline
// draws; the screen draws them itself, placing the cursor by display
// width, and erases and redraws them when other output arrives.

// Markers the painter puts into readline's output (noncharacters: never
// text, and the key reader drops them from input).
const (
	markStart  = '\uFDD0' // the edited line starts (after the prompt)
	markCursor = '\uFDD1' // the cursor
	markEnd    = '\uFDD2' // the line ends; readline's own cursor moves follow
)

// painter is readline's Painter: it marks the line and the cursor.
type painter struct{}

func (painter) Paint(line []rune, pos int) []rune {
	out := make([]rune, 0, len(line)+8)
	out = append(out, markStart)
	for i, r := range line {
		if i == pos {
			out = append(out, markCursor)
		}
		if r == '\t' {
			out = append(out, ' ', ' ', ' ', ' ')
			continue
		}
		out = append(out, r)
	}
	if pos >= len(line) {
		out = append(out, markCursor)
	}
	return append(out, markEnd)
}

type screenState int

const (
	idle   screenState = iota // no line being edited is shown
	shown                     // the prompt and the line are on the screen
	erased                    // they were erased; readline draws them again next
)

type pos struct{ row, col int }

// screen sits between readline and the terminal.
type screen struct {
	mu    sync.Mutex
	term  io.Writer
	width func() int

	state screenState
	// partial is the text on the cursor's row before the prompt, written
	// since the last newline (io.write("name: ") before input()). The
	// prompt and the line are laid out after it.
	partial []byte
	prompt  string
	before  string // the line before the cursor
	after   string // the line from the cursor on
	cur     pos    // where the cursor is, from the start of partial's row
	last    int    // the last row the line uses
	// held is output without its line end, kept while a line is shown so
	// that it does not end up glued to the prompt.
	held  []byte
	heldW io.Writer
}

var (
	startBytes  = []byte(string(markStart))
	cursorBytes = []byte(string(markCursor))
	endBytes    = []byte(string(markEnd))

	// What readline writes to erase the line (runebuf.go cleanOutput).
	// Both are compiled when the REPL first draws, not at every start.
	cleanRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:\x1b\[J(?:\x1b\[2K\r\x1b\[A)*\x1b\[2K\r|(?:\r\x08)*\x1b\[J)$`)
	})
	// What it writes to show completions or the history search below the
	// line: down, erase, the panel, back up to the cursor's row and column.
	panelRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?s)^(\n*)\x1b\[J(.*)(?:\x1b\[(\d+)A\r|\r\x1b\[(\d+)A)(?:\x1b\[(\d+)C)?$`)
	})
)

// Write takes what readline draws.
func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case bytes.Contains(p, endBytes):
		i := bytes.Index(p, startBytes)
		j := bytes.Index(p, endBytes)
		if i < 0 || j < i {
			// Not the painter's drawing (it never happens): show it
			// without the markers.
			q := p
			for _, m := range [][]byte{startBytes, cursorBytes, endBytes} {
				q = bytes.ReplaceAll(q, m, nil)
			}
			s.term.Write(q)
			return len(p), nil
		}
		line := p[i+len(startBytes) : j]
		before, after := line, []byte(nil)
		if k := bytes.Index(line, cursorBytes); k >= 0 {
			before, after = line[:k], line[k+len(cursorBytes):]
		}
		s.draw(string(p[:i]), string(before), string(after))
		return len(p), nil
	case cleanRE().Match(p):
		if s.state == shown {
			var b bytes.Buffer
			s.erase(&b)
			s.term.Write(b.Bytes())
		}
		// Nothing to erase otherwise: readline's own erase would wipe
		// the text before the prompt.
		return len(p), nil
	case s.state == shown:
		if m := panelRE().FindSubmatch(p); m != nil {
			s.term.Write(s.panel(m))
			return len(p), nil
		}
	}
	return s.term.Write(p)
}

// draw shows the prompt and the line with the cursor before after.
func (s *screen) draw(prompt, before, after string) {
	var b bytes.Buffer
	switch s.state {
	case shown:
		s.erase(&b)
		b.Write(s.partial)
	case erased:
		b.Write(s.partial)
	case idle:
		// partial is on the screen and the cursor after it; start afresh
		// if it wraps, as the line could not be erased whole.
		if p := advance(s.width(), pos{}, string(s.partial)); p.row > 0 || p.col >= s.width() {
			b.WriteString("\r\n")
			s.partial = nil
		}
	}
	if strings.HasSuffix(after, "\n") || strings.HasSuffix(before, "\n") {
		// Enter, Ctrl-C or Ctrl-D: the line is done.
		b.WriteString(prompt + before + after)
		s.term.Write(b.Bytes())
		s.state, s.partial = idle, nil
		s.flushHeld()
		return
	}
	s.prompt, s.before, s.after = prompt, before, after
	b.WriteString(prompt + before + after)
	s.place(&b)
	s.term.Write(b.Bytes())
	s.state = shown
}

// place computes the layout of what was just written and moves the
// cursor from its end to where it belongs.
func (s *screen) place(b *bytes.Buffer) {
	w := s.width()
	c := advance(w, pos{}, string(s.partial)+s.prompt+s.before)
	end := advance(w, c, s.after)
	// The cursor shows on the cell where the next character goes.
	if c.col >= w || (s.after != "" && c.col+runeWidth(firstRune(s.after)) > w) {
		c = pos{c.row + 1, 0}
	}
	s.cur, s.last = c, end.row
	switch {
	case end.col >= w && c == (pos{end.row + 1, 0}):
		// At the end of a full row: move onto the next one, whether or
		// not the terminal wraps before the next character.
		b.WriteString(" \b")
	case c != end:
		if up := end.row - c.row; up > 0 {
			fmt.Fprintf(b, "\x1b[%dA", up)
		}
		b.WriteByte('\r')
		if c.col > 0 {
			fmt.Fprintf(b, "\x1b[%dC", c.col)
		}
	}
}

// erase takes the cursor to the start of the first row of the shown line
// and clears from there on.
func (s *screen) erase(b *bytes.Buffer) {
	if s.cur.row > 0 {
		fmt.Fprintf(b, "\x1b[%dA", s.cur.row)
	}
	b.WriteString("\r\x1b[J")
	s.state = erased
}

// panel redoes readline's completion or search panel with the rows and
// the column of this layout.
func (s *screen) panel(m [][]byte) []byte {
	k := len(m[1])
	a := 0
	for _, g := range m[3:5] {
		if len(g) > 0 {
			a, _ = strconv.Atoi(string(g))
		}
	}
	down := s.last - s.cur.row + 1
	if down < 0 {
		down = 0
	}
	up := a - k + down
	var b bytes.Buffer
	b.WriteString(strings.Repeat("\n", down))
	b.WriteString("\x1b[J")
	b.Write(m[2])
	if up > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", up)
	}
	b.WriteByte('\r')
	if s.cur.col > 0 {
		fmt.Fprintf(&b, "\x1b[%dC", s.cur.col)
	}
	return b.Bytes()
}

// emit writes output of the program to w. When w shows on the screen and
// a line is being edited, complete lines go above the line, which is then
// drawn again; a piece without its line end waits for it.
func (s *screen) emit(w io.Writer, onScreen bool, p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !onScreen {
		return w.Write(p)
	}
	if s.state == idle {
		s.flushHeld()
		s.track(p)
		return w.Write(p)
	}
	type piece struct {
		w    io.Writer
		data []byte
	}
	var out []piece
	if len(s.held) > 0 && s.heldW != w {
		// The other stream's unfinished line ends here.
		out = append(out, piece{s.heldW, append(s.held, '\n')})
		s.held = nil
	}
	data := append(s.held, p...)
	s.held, s.heldW = data, w
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		out = append(out, piece{w, data[:i+1]})
		s.held = append([]byte(nil), data[i+1:]...)
	}
	if len(out) == 0 {
		return len(p), nil
	}
	wasShown := s.state == shown
	var b bytes.Buffer
	if wasShown {
		s.erase(&b)
		s.term.Write(b.Bytes())
	}
	for _, o := range out {
		o.w.Write(o.data)
	}
	if !wasShown {
		// Between readline's erase and its drawing: it draws next.
		return len(p), nil
	}
	b.Reset()
	b.Write(s.partial)
	b.WriteString(s.prompt + s.before + s.after)
	s.place(&b)
	s.term.Write(b.Bytes())
	s.state = shown
	return len(p), nil
}

// endLine is called when a Readline returns: whatever it left on the
// screen becomes ordinary output.
func (s *screen) endLine() {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case shown:
		var b bytes.Buffer
		if down := s.last - s.cur.row; down > 0 {
			fmt.Fprintf(&b, "\x1b[%dB", down)
		}
		b.WriteString("\r\n")
		s.term.Write(b.Bytes())
		s.partial = nil
	case erased:
		s.partial = nil
	}
	s.state = idle
	s.flushHeld()
}

func (s *screen) flushHeld() {
	if len(s.held) == 0 {
		return
	}
	held, w := s.held, s.heldW
	s.held, s.heldW = nil, nil
	s.track(held)
	w.Write(held)
}

// track keeps partial up to date with output written while idle.
func (s *screen) track(p []byte) {
	if i := bytes.LastIndexByte(p, '\n'); i >= 0 {
		s.partial = append(s.partial[:0], p[i+1:]...)
	} else {
		s.partial = append(s.partial, p...)
	}
	if len(s.partial) > 4096 {
		s.partial = s.partial[len(s.partial)-4096:]
	}
}

// screenWriter is a program output stream (stdout, stderr) that shows on
// the screen.
type screenWriter struct {
	s        *screen
	w        io.Writer
	onScreen bool
}

func (sw screenWriter) Write(p []byte) (int, error) { return sw.s.emit(sw.w, sw.onScreen, p) }

// advance is where the cursor of a terminal w columns wide goes when it
// writes text from p. A column of w means the row is full and the next
// character goes to the next row (the pending wrap of xterm and others).
func advance(w int, p pos, text string) pos {
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		switch r {
		case '\x1b':
			i = skipEscape(text, i)
		case '\r':
			p.col = 0
		case '\n':
			p = pos{p.row + 1, 0}
		case '\b':
			if p.col >= w {
				p.col = w - 2
			} else if p.col > 0 {
				p.col--
			}
		case '\t':
			if p.col >= w {
				p = pos{p.row + 1, 0}
			}
			p.col = min((p.col/8+1)*8, w-1)
		default:
			rw := runeWidth(r)
			if rw == 0 {
				continue
			}
			if p.col+rw > w {
				p = pos{p.row + 1, 0}
			}
			p.col += rw
		}
	}
	return p
}

// skipEscape returns the index after the escape sequence whose ESC ends
// before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI: parameters, then a final byte
		for i++; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return i
	case ']': // OSC: up to BEL or ST
		for i++; i < len(s); i++ {
			if s[i] == '\a' {
				return i + 1
			}
			if s[i] == '\x1b' && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return i
	}
	return i + 1
}

// runeWidth is the number of columns a terminal gives r: two for East
// Asian wide and fullwidth characters (Chinese, and its punctuation such
// as "，" that readline counts as one), none for controls and combining
// marks.
func runeWidth(r rune) int {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return 0
	case r == 0x200b || unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
