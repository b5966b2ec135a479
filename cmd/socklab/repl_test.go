package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
	"golang.org/x/text/width"
)

// The REPL tests run socklab itself (this test binary, see TestMain) on a
// pseudo-terminal, type at it, and read what a terminal would show: vt
// below is a small terminal emulator, so that a test can check the line
// being edited and where the cursor is, not only the bytes.

// waitLimit bounds every wait for the REPL (it runs under -race).
const waitLimit = 20 * time.Second

// ---------------------------------------------------------------- vt

type vtRow struct {
	cells   []rune // 0: blank; wideTail: the right half of a wide rune
	wrapped bool   // the row continues on the next one
}

const (
	wideTail = -1 // the right half of a wide rune
	wrapPad  = -2 // left blank by a wide rune that did not fit
)

// vt emulates the part of an xterm that socklab and readline use: text
// (wide runes take two columns, and wrap before the last column), CR, LF,
// BS, TAB, and CSI A B C D H J K; other sequences are ignored. A write
// in the last column leaves a pending wrap, as in xterm.
type vt struct {
	rows, cols int
	screen     []vtRow
	scrolled   []vtRow // scrollback
	r, c       int
	wrapNext   bool
	rest       []byte // an escape sequence or rune cut by the end of a read
}

func newVT(rows, cols int) *vt {
	v := &vt{rows: rows, cols: cols}
	for range rows {
		v.screen = append(v.screen, v.blankRow())
	}
	return v
}

func (v *vt) blankRow() vtRow { return vtRow{cells: make([]rune, v.cols)} }

// resize changes the width, without reflowing the text, as xterm does.
func (v *vt) resize(cols int) {
	for i, row := range v.screen {
		cells := make([]rune, cols)
		copy(cells, row.cells)
		v.screen[i].cells = cells
	}
	v.cols = cols
	v.c = min(v.c, cols-1)
}

func (v *vt) Write(p []byte) {
	data := append(v.rest, p...)
	v.rest = nil
	for i := 0; i < len(data); {
		b := data[i]
		switch {
		case b == 0x1b:
			n, ok := v.escape(data[i:])
			if !ok {
				v.rest = append([]byte(nil), data[i:]...)
				return
			}
			i += n
			continue
		case b == '\r':
			v.c, v.wrapNext = 0, false
		case b == '\n':
			v.lineFeed()
		case b == '\b':
			if v.c > 0 {
				v.c--
			}
			v.wrapNext = false
		case b == '\t':
			v.c = min((v.c/8+1)*8, v.cols-1)
		case b < 0x20 || b == 0x7f:
		default:
			if !utf8.FullRune(data[i:]) {
				v.rest = append([]byte(nil), data[i:]...)
				return
			}
			r, n := utf8.DecodeRune(data[i:])
			v.put(r)
			i += n
			continue
		}
		i++
	}
}

func (v *vt) lineFeed() {
	v.wrapNext = false
	if v.r == v.rows-1 {
		v.scrolled = append(v.scrolled, v.screen[0])
		v.screen = append(v.screen[1:], v.blankRow())
		return
	}
	v.r++
}

func (v *vt) put(r rune) {
	if unicode.In(r, unicode.Mn, unicode.Me) {
		return // combines with the rune before it
	}
	w := 1
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		w = 2
	}
	if v.wrapNext || v.c+w > v.cols {
		for c := v.c; !v.wrapNext && c < v.cols; c++ {
			v.screen[v.r].cells[c] = wrapPad
		}
		v.screen[v.r].wrapped = true
		v.c = 0
		v.lineFeed()
	}
	row := v.screen[v.r].cells
	row[v.c] = r
	if w == 2 {
		row[v.c+1] = wideTail
	}
	v.c += w
	if v.c >= v.cols {
		v.c, v.wrapNext = v.cols-1, true
	}
}

// escape handles the sequence at the start of s and says how long it is;
// ok is false when s ends before the sequence does.
func (v *vt) escape(s []byte) (n int, ok bool) {
	if len(s) < 2 {
		return 0, false
	}
	if s[1] != '[' {
		return 2, true
	}
	i := 2
	for i < len(s) && (s[i] < 0x40 || s[i] > 0x7e) {
		i++
	}
	if i == len(s) {
		return 0, false
	}
	params := strings.Split(string(s[2:i]), ";")
	arg := func(k, def int) int {
		if k < len(params) {
			if n, err := strconv.Atoi(params[k]); err == nil && n > 0 {
				return n
			}
		}
		return def
	}
	v.wrapNext = false
	switch s[i] {
	case 'A':
		v.r = max(v.r-arg(0, 1), 0)
	case 'B':
		v.r = min(v.r+arg(0, 1), v.rows-1)
	case 'C':
		v.c = min(v.c+arg(0, 1), v.cols-1)
	case 'D':
		v.c = max(v.c-arg(0, 1), 0)
	case 'H':
		v.r, v.c = min(arg(0, 1), v.rows)-1, min(arg(1, 1), v.cols)-1
	case 'J':
		switch params[0] {
		case "", "0":
			v.clear(v.r, v.c, v.cols)
			for r := v.r + 1; r < v.rows; r++ {
				v.screen[r] = v.blankRow()
			}
		case "2":
			for r := range v.screen {
				v.screen[r] = v.blankRow()
			}
		}
	case 'K':
		switch params[0] {
		case "", "0":
			v.clear(v.r, v.c, v.cols)
		case "2":
			v.clear(v.r, 0, v.cols)
		}
	}
	return i + 1, true
}

func (v *vt) clear(r, from, to int) {
	for c := from; c < to; c++ {
		v.screen[r].cells[c] = 0
	}
	if to == v.cols {
		v.screen[r].wrapped = false
	}
}

func rowText(row vtRow) string {
	var b strings.Builder
	for _, r := range row.cells {
		switch r {
		case 0:
			b.WriteByte(' ')
		case wideTail, wrapPad:
		default:
			b.WriteRune(r)
		}
	}
	if row.wrapped {
		return b.String() // a full row: its last space is text
	}
	return strings.TrimRight(b.String(), " ")
}

// rowBelow is the text of the row below the cursor's ("" if none).
func (v *vt) rowBelow() string {
	if v.r+1 >= v.rows {
		return ""
	}
	return rowText(v.screen[v.r+1])
}

// around returns the runes before, under and after the cursor on its
// (possibly wrapped) line; 0 for none or a blank.
func (v *vt) around() (before, at, after rune) {
	first := v.r
	for first > 0 && v.screen[first-1].wrapped {
		first--
	}
	var cells []rune
	cur := -1
	for r := first; r < v.rows; r++ {
		for c, x := range v.screen[r].cells {
			if r == v.r && c == v.c && !v.wrapNext {
				cur = len(cells)
			}
			if x != wideTail && x != wrapPad {
				cells = append(cells, x)
			}
		}
		if !v.screen[r].wrapped {
			break
		}
	}
	get := func(i int) rune {
		if i < 0 || i >= len(cells) {
			return 0
		}
		return cells[i]
	}
	if cur < 0 {
		return 0, 0, 0
	}
	return get(cur - 1), get(cur), get(cur + 1)
}

// lines is everything shown, scrollback included, wrapped rows joined.
func (v *vt) lines() []string {
	var out []string
	cont := false
	for _, row := range append(append([]vtRow(nil), v.scrolled...), v.screen...) {
		t := rowText(row)
		if cont {
			out[len(out)-1] += t
		} else {
			out = append(out, t)
		}
		cont = row.wrapped
	}
	return out
}

// cursorLine is the text of the (possibly wrapped) line the cursor is on.
func (v *vt) cursorLine() string {
	first := v.r
	for first > 0 && v.screen[first-1].wrapped {
		first--
	}
	var b strings.Builder
	for r := first; r < v.rows; r++ {
		b.WriteString(rowText(v.screen[r]))
		if !v.screen[r].wrapped || r >= v.r && !v.screen[r].wrapped {
			break
		}
	}
	return b.String()
}

// cursorCol is the cursor's column counted in display columns from the
// start of the wrapped line, a full row counting as the width.
func (v *vt) cursorCol() int {
	col := v.c
	for r := v.r; r > 0 && v.screen[r-1].wrapped; r-- {
		col += v.cols
	}
	return col
}

// ---------------------------------------------------------------- sessions

type session struct {
	t       *testing.T
	cmd     *exec.Cmd
	ptm     *os.File
	mu      sync.Mutex
	vt      *vt
	raw     bytes.Buffer
	changed chan struct{}
	exited  chan struct{}
}

type sessionOpts struct {
	stateDir string // XDG_STATE_HOME; a new one if ""
	noSize   bool   // leave the terminal 0x0, as a fresh pty is
	args     []string
}

// startREPL runs socklab repl on a new pseudo-terminal of 80x24.
func startREPL(t *testing.T, o sessionOpts) *session {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if o.stateDir == "" {
		o.stateDir = t.TempDir()
	}
	if o.args == nil {
		o.args = []string{"repl"}
	}
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if !o.noSize {
		if err := pty.Setsize(ptm, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(exe, o.args...)
	cmd.Env = append(os.Environ(), "SOCKLAB_AS_MAIN=1", "XDG_STATE_HOME="+o.stateDir, "TERM=xterm")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	s := &session{t: t, cmd: cmd, ptm: ptm, vt: newVT(24, 80), changed: make(chan struct{}, 1), exited: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			s.mu.Lock()
			s.raw.Write(buf[:n])
			s.vt.Write(buf[:n])
			s.mu.Unlock()
			select {
			case s.changed <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			cmd.Process.Kill()
			<-s.exited
		}
		ptm.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		out := s.raw.String()
		if strings.Contains(out, "DATA RACE") || strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
			t.Errorf("race or panic in the REPL:\n%s", out)
		}
		if t.Failed() || os.Getenv("SOCKLAB_SHOW_SCREEN") != "" {
			if len(out) > 3000 {
				out = "..." + out[len(out)-3000:]
			}
			t.Logf("screen:\n%s\nraw output: %q", strings.Join(s.vt.lines(), "\n"), out)
		}
	})
	s.waitPrompt()
	return s
}

func (s *session) send(keys string) {
	s.t.Helper()
	if _, err := s.ptm.Write([]byte(keys)); err != nil {
		s.t.Fatalf("typing %q: %v", keys, err)
	}
}

// waitFor waits until ok holds for the screen.
func (s *session) waitFor(what string, ok func(v *vt) bool) {
	s.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	check := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return ok(s.vt)
	}
	for {
		if check() {
			return
		}
		select {
		case <-s.changed:
		case <-s.exited:
			if !check() {
				s.t.Fatalf("socklab exited while waiting for %s", what)
			}
			return
		case <-deadline.C:
			s.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// waitPrompt waits for an empty primary prompt with the cursor after it.
func (s *session) waitPrompt() {
	s.t.Helper()
	s.waitFor("the prompt", func(v *vt) bool {
		return v.cursorLine() == "socklab>" && v.cursorCol() == 9
	})
}

// typeLine types text and waits until the line being edited ends with it.
func (s *session) typeLine(text string) {
	s.t.Helper()
	s.send(text)
	want := strings.TrimRight(text, " ")
	s.waitFor(fmt.Sprintf("%q to be echoed", text), func(v *vt) bool {
		return strings.HasSuffix(v.cursorLine(), want)
	})
}

// run types a line, presses Enter and waits for the next prompt.
func (s *session) run(line string) {
	s.t.Helper()
	s.typeLine(line)
	s.send("\r")
	s.waitPrompt()
}

// expandTabs is line as a terminal shows it, tab stops every 8 columns.
func expandTabs(line string) string {
	var b strings.Builder
	n := 0
	for _, r := range line {
		if r == '\t' {
			b.WriteByte(' ')
			for n++; n%8 != 0; n++ {
				b.WriteByte(' ')
			}
			continue
		}
		b.WriteRune(r)
		n += cols(string(r))
	}
	return b.String()
}

// waitLine waits for a line (scrollback included) equal to line, whose
// tabs are expanded as the terminal does.
func (s *session) waitLine(line string) {
	s.t.Helper()
	line = expandTabs(line)
	s.waitFor(fmt.Sprintf("the line %q", line), func(v *vt) bool {
		for _, l := range v.lines() {
			if l == line {
				return true
			}
		}
		return false
	})
}

// hasLine reports whether a line equal to line is shown now.
func (s *session) hasLine(line string) bool {
	line = expandTabs(line)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.vt.lines() {
		if l == line {
			return true
		}
	}
	return false
}

func (s *session) countLines(re *regexp.Regexp) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, l := range s.vt.lines() {
		if re.MatchString(l) {
			n++
		}
	}
	return n
}

// waitCursor waits until the line being edited is line and the cursor is
// at column col (counted in display columns, prompt included).
func (s *session) waitCursor(line string, col int) {
	s.t.Helper()
	s.waitFor(fmt.Sprintf("line %q with the cursor at column %d", line, col), func(v *vt) bool {
		return v.cursorLine() == line && v.cursorCol() == col
	})
}

// waitExit waits for socklab to end and returns its exit status.
func (s *session) waitExit() int {
	s.t.Helper()
	select {
	case <-s.exited:
	case <-time.After(waitLimit):
		s.t.Fatalf("socklab did not exit")
	}
	return s.cmd.ProcessState.ExitCode()
}

// number evaluates expr at the prompt and returns the integer it prints.
func (s *session) number(expr string) int {
	s.t.Helper()
	s.typeLine(expr)
	s.send("\r")
	var n int
	s.waitFor("a number after "+expr, func(v *vt) bool {
		ls := v.lines()
		for i := len(ls) - 1; i > 0; i-- {
			if strings.HasSuffix(ls[i-1], expr) {
				if k, err := strconv.Atoi(ls[i]); err == nil {
					n = k
					return true
				}
			}
		}
		return false
	})
	s.waitPrompt()
	return n
}

// display columns of s, as a terminal shows it
func cols(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

const (
	keyLeft   = "\x1b[D"
	keyRight  = "\x1b[C"
	keyUp     = "\x1b[A"
	keyHome   = "\x1b[H"
	keyDelete = "\x1b[3~"
	keyBS     = "\x7f"
	ctrlC     = "\x03"
	ctrlD     = "\x04"
)

// ---------------------------------------------------------------- tests

func TestREPLCompletion(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	// A global.
	s.typeLine("pri")
	s.send("\t")
	s.waitCursor("socklab> print", 14)
	s.typeLine("(1 + 1)")
	s.send("\r")
	s.waitLine("2")
	s.waitPrompt()

	// A field after ".": unique, then a list.
	s.typeLine("socket.SO_KEEP")
	s.send("\t")
	s.waitCursor("socklab> socket.SO_KEEPALIVE", cols("socklab> socket.SO_KEEPALIVE"))
	s.send("\r")
	s.waitLine(strconv.Itoa(unix.SO_KEEPALIVE))
	s.waitPrompt()
	s.typeLine("socket.SO_RE")
	s.send("\t")
	s.waitCursor("socklab> socket.SO_REUSE", 24)
	s.send("\t")
	s.waitFor("the SO_REUSE candidates", func(v *vt) bool {
		return regexp.MustCompile(`^SO_REUSEADDR +SO_REUSEPORT$`).MatchString(v.rowBelow()) &&
			v.cursorLine() == "socklab> socket.SO_REUSE" && v.cursorCol() == 24
	})
	s.typeLine("P")
	s.send("\t")
	s.waitCursor("socklab> socket.SO_REUSEPORT", cols("socklab> socket.SO_REUSEPORT"))
	s.send("\r")
	s.waitLine(strconv.Itoa(unix.SO_REUSEPORT))
	s.waitPrompt()

	// A method after ":": the common part, then the list.
	s.run("sk = socket.socket()")
	s.typeLine("sk:re")
	s.send("\t")
	s.waitCursor("socklab> sk:recv", 16)
	s.send("\t")
	s.waitFor("the recv candidates", func(v *vt) bool {
		return regexp.MustCompile(`^recv +recv_exactly +recv_until +recvfrom$`).MatchString(v.rowBelow()) &&
			v.cursorLine() == "socklab> sk:recv" && v.cursorCol() == 16
	})
	s.send(ctrlC) // leaves the list
	s.waitFor("the list to go", func(v *vt) bool { return v.rowBelow() == "" })
	s.send(ctrlC) // drops the line
	s.waitPrompt()
	s.run("sk:close()")
	s.send(ctrlD)
	if code := s.waitExit(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// A new pseudo-terminal is 0 columns wide until someone sets its size;
// readline then turns completion off unless given a width.
func TestREPLCompletionWithoutTerminalSize(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{noSize: true})
	s.typeLine("pri")
	s.send("\t")
	s.waitCursor("socklab> print", 14)
	s.send("('ok')\r")
	s.waitLine("ok")
	s.waitPrompt()
	s.send(ctrlD)
	s.waitExit()
}

// A Tab pasted with other text is text, not a completion request.
func TestREPLPastedTab(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	s.send("x\t= 41\r")
	s.waitPrompt()
	if n := s.number("x + 1"); n != 42 {
		t.Errorf("x + 1 = %d, want 42", n)
	}
	s.send(ctrlD)
	s.waitExit()
}

func TestREPLContinuation(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	s.typeLine("function f(a)")
	s.send("\r")
	s.waitCursor("...", 4)
	s.typeLine("  return a * 2")
	s.send("\r")
	s.waitCursor("...", 4)
	s.typeLine("end")
	s.send("\r")
	s.waitPrompt()
	if n := s.number("f(21)"); n != 42 {
		t.Errorf("f(21) = %d, want 42", n)
	}
	// Ctrl-C drops a pending chunk.
	s.typeLine("function g()")
	s.send("\r")
	s.waitCursor("...", 4)
	s.send(ctrlC)
	s.waitPrompt()
	s.typeLine("print(g)")
	s.send("\r")
	s.waitLine("nil")
	s.waitPrompt()
	s.send(ctrlD)
	s.waitExit()
}

// Ctrl-C interrupts what runs, with KeyboardInterrupt, and the REPL goes on.
func TestREPLCtrlCInterrupts(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	s.run(`sk = socket.socket(); sk:bind{"127.0.0.1", 0}; sk:listen()`)
	interrupted := regexp.MustCompile(`KeyboardInterrupt`)
	for i, stmt := range []string{
		`print("accepting"); sk:accept()`,
		`print("receiving"); c = socket.create_connection{"127.0.0.1", sk:getsockname().port}; c:recv(10)`,
		`print("sleeping"); time.sleep(60)`,
		`print("looping"); while true do end`,
	} {
		word := stmt[7:strings.Index(stmt, `")`)]
		s.typeLine(stmt)
		s.send("\r")
		s.waitLine(word)
		s.send(ctrlC)
		s.waitFor("KeyboardInterrupt", func(v *vt) bool {
			n := 0
			for _, l := range v.lines() {
				if interrupted.MatchString(l) {
					n++
				}
			}
			return n > i
		})
		s.waitPrompt()
	}
	// input() reads through the line editor: Ctrl-C is a key there.
	s.typeLine(`name = input("name? ")`)
	s.send("\r")
	s.waitCursor("name?", 6)
	s.typeLine("bo")
	s.send(ctrlC)
	s.waitPrompt()
	if n := s.countLines(interrupted); n < 5 {
		t.Errorf("%d KeyboardInterrupts, want 5", n)
	}
	// Still usable, input() too.
	s.typeLine(`name = input("name? ")`)
	s.send("\r")
	s.waitCursor("name?", 6)
	s.typeLine("小明")
	s.send("\r")
	s.waitPrompt()
	s.typeLine(`print("hello " .. name)`)
	s.send("\r")
	s.waitLine("hello 小明")
	s.waitPrompt()
	// A SIGINT from outside at the prompt (the terminal's Ctrl-C is a key
	// there) clears the line, as Ctrl-C does.
	s.typeLine("half a line")
	s.cmd.Process.Signal(syscall.SIGINT)
	s.waitLine("socklab> half a line^C")
	s.waitPrompt()
	s.send(ctrlD)
	if code := s.waitExit(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// A thread's output shows above the line being typed, which stays as it
// was and is then run as typed.
func TestREPLBackgroundOutput(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	s.run(`srv = socket.socket(); srv:bind{"127.0.0.1", 0}; srv:listen()`)
	s.run(`function serve() local c = srv:accept(); while true do local d = c:recv(100); if d == "" then break end; print("thread got " .. d) end; c:close() end`)
	s.run(`threading.Thread{target = serve, daemon = true}:start()`)
	port := s.number("srv:getsockname().port")
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	// Type half a line, with the cursor in its middle.
	s.typeLine(`print("typed while 你好 output`)
	s.send(keyLeft + keyLeft)
	typed := `socklab> print("typed while 你好 output`
	s.waitCursor(typed, cols(typed)-2)
	for i := range 3 {
		msg := fmt.Sprintf("hello %d", i)
		if _, err := conn.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		s.waitLine("thread got " + msg)
		s.waitCursor(typed, cols(typed)-2)
	}
	// A line end, then the rest of the line, and it runs as typed.
	s.send(keyRight + keyRight)
	s.typeLine(` arrived")`)
	s.send("\r")
	s.waitLine("typed while 你好 output arrived")
	s.waitPrompt()
	// The output is not mixed into the prompt's line.
	for i := range 3 {
		if !s.hasLine(fmt.Sprintf("thread got hello %d", i)) {
			t.Errorf("thread got hello %d: not on a line of its own", i)
		}
	}
	if n := s.countLines(regexp.MustCompile(`^socklab> print\("typed`)); n != 1 {
		t.Errorf("the typed line shows %d times, want once", n)
	}
	s.send(ctrlD)
	if code := s.waitExit(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLHistoryAcrossSessions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := startREPL(t, sessionOpts{stateDir: dir})
	s.run("x = 41")
	s.typeLine("function twice(n)")
	s.send("\r")
	s.typeLine("  return 2 * n -- a comment")
	s.send("\r")
	s.typeLine("end")
	s.send("\r")
	s.waitPrompt()
	s.send(ctrlD)
	s.waitExit()

	data, err := os.ReadFile(filepath.Join(dir, "socklab", "history"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), "x = 41\nfunction twice(n)␤  return 2 * n -- a comment␤end\n"; got != want {
		t.Errorf("history file %q, want %q", got, want)
	}

	s = startREPL(t, sessionOpts{stateDir: dir})
	s.send(keyUp)
	entry := "socklab> function twice(n)␤  return 2 * n -- a comment␤end"
	s.waitCursor(entry, cols(entry))
	s.send("\r")
	s.waitPrompt()
	s.send(keyUp + keyUp + keyUp)
	s.waitCursor("socklab> x = 41", 15)
	s.send("\r")
	s.waitPrompt()
	if n := s.number("twice(x) + 0"); n != 82 {
		t.Errorf("twice(x) = %d, want 82", n)
	}
	s.send(ctrlD)
	s.waitExit()
}

// The exercise of "Experimenting in the REPL": a server in a thread, a
// client at the prompt, a struct-framed message, its bytes.
func TestREPLServerInThreadClientAtPrompt(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	s.run(`srv = socket.socket()`)
	s.run(`srv:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)`)
	s.run(`srv:bind{"127.0.0.1", 0}`)
	s.run(`srv:listen()`)
	s.typeLine(`function echo()`)
	s.send("\r")
	for _, l := range []string{
		`  local conn, addr = srv:accept()`,
		`  print("connection from", addr)`,
		`  local n = struct.unpack(">I", conn:recv_exactly(4))`,
		`  local body = conn:recv_exactly(n)`,
		`  conn:sendall(struct.pack(">I", #body) .. body:upper())`,
		`  conn:close()`,
	} {
		s.waitCursor("...", 4)
		s.typeLine(l)
		s.send("\r")
	}
	s.waitCursor("...", 4)
	s.typeLine("end")
	s.send("\r")
	s.waitPrompt()
	s.run(`t = threading.Thread{target = echo}`)
	s.run(`t:start()`)
	s.run(`c = socket.create_connection{"127.0.0.1", srv:getsockname().port}`)
	s.waitFor("the server's print", func(v *vt) bool {
		for _, l := range v.lines() {
			if strings.HasPrefix(l, expandTabs("connection from\t('127.0.0.1', ")) {
				return true
			}
		}
		return false
	})
	s.run(`msg = struct.pack(">I", 5) .. "hello"`)
	s.typeLine(`msg`)
	s.send("\r")
	s.waitLine(`b'\x00\x00\x00\x05hello'`)
	s.waitPrompt()
	s.run(`c:sendall(msg)`)
	s.run(`reply = c:recv(1024)`)
	s.typeLine(`hexdump(reply)`)
	s.send("\r")
	s.waitFor("the hexdump", func(v *vt) bool {
		for _, l := range v.lines() {
			if strings.HasPrefix(l, "00000000") && strings.Contains(l, "00 00 00 05 48 45 4c 4c") && strings.Contains(l, "HELLO") {
				return true
			}
		}
		return false
	})
	s.waitPrompt()
	s.typeLine(`struct.unpack(">I", reply:sub(1, 4)), reply:sub(5)`)
	s.send("\r")
	s.waitLine("5\t'HELLO'")
	s.waitPrompt()
	s.run(`t:join()`)
	s.typeLine(`t:is_alive()`)
	s.send("\r")
	s.waitLine("false")
	s.waitPrompt()
	s.send(ctrlD)
	if code := s.waitExit(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// Chinese text is typed, edited with the arrow keys and backspace, shown
// with the cursor where the edit happens, and run as shown.
func TestREPLChineseEditing(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	line := `socklab> s = "你好，世界"`
	s.typeLine(`s = "你好，世界"`)
	s.waitCursor(line, cols(line))
	// Left over 界 and 世: the cursor sits before 世.
	s.send(keyLeft + keyLeft + keyLeft)
	s.waitCursor(line, cols(`socklab> s = "你好，`))
	// Backspace deletes "，"; type "朋友" in its place.
	s.send(keyBS)
	line = `socklab> s = "你好世界"`
	s.waitCursor(line, cols(`socklab> s = "你好`))
	s.send("朋友")
	line = `socklab> s = "你好朋友世界"`
	s.waitCursor(line, cols(`socklab> s = "你好朋友`))
	// Home, Right over "s = ", Delete "s", type "t".
	s.send(keyHome)
	s.waitCursor(line, 9)
	s.send(keyDelete + "t")
	line = `socklab> t = "你好朋友世界"`
	s.waitCursor(line, 10)
	s.send("\r")
	s.waitPrompt()
	s.typeLine(`print(t, #t)`)
	s.send("\r")
	s.waitLine("你好朋友世界\t18")
	s.waitPrompt()

	// A line longer than the terminal: 16 columns, then 32 wide runes
	// fill the first row; 4 more and `")` go on the second.
	long := `print("` + strings.Repeat("网络", 18) + `")`
	s.typeLine(long)
	full := "socklab> " + long
	s.waitCursor(full, 80+10)
	s.send(strings.Repeat(keyLeft, 4))
	s.waitCursor(full, 80+4)
	// Two fewer: the first row is full and the cursor, before the 33rd
	// wide rune, is at the start of the second.
	s.send(keyBS + keyBS)
	short := "socklab> " + `print("` + strings.Repeat("网络", 17) + `")`
	s.waitCursor(short, 80)
	s.send(strings.Repeat(keyLeft, 3))
	s.waitCursor(short, 80-6)
	s.send("\r")
	s.waitLine(strings.Repeat("网络", 17))
	s.waitPrompt()
	s.send(ctrlD)
	if code := s.waitExit(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// Delete on an empty line does nothing (readline takes it for Ctrl-D);
// in a line it deletes under the cursor; Ctrl-D leaves.
func TestREPLDeleteKeyAndCtrlD(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	s.send(keyDelete)
	s.send(keyDelete)
	s.typeLine("print(12)")
	s.send(keyLeft + keyLeft + keyDelete)
	s.waitCursor("socklab> print(1)", 16)
	s.send("\r")
	s.waitLine("1")
	s.waitPrompt()
	s.typeLine("x")
	s.send(ctrlD) // not on an empty line: deletes under the cursor, if any
	s.send(keyBS)
	s.waitPrompt()
	s.send(ctrlD)
	if code := s.waitExit(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// A NUL byte (Ctrl-Space) is not end of input.
func TestREPLNULByte(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	s.send("\x00")
	s.typeLine("print('still')")
	s.send("\x00\r")
	s.waitLine("still")
	s.waitPrompt()
	s.send("\x00")
	s.send(ctrlD)
	if code := s.waitExit(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// exit() and Ctrl-D end the session with a server thread blocked in
// accept, and the socket is closed.
func TestREPLExitEndsThreads(t *testing.T) {
	t.Parallel()
	for _, leave := range []string{"exit()", ctrlD, "exit(3)"} {
		s := startREPL(t, sessionOpts{})
		port := s.number(`srv = socket.socket(); srv:bind{"127.0.0.1", 0}; srv:listen(); threading.Thread{target = function() srv:accept() end}:start(); return srv:getsockname().port`)
		if leave == ctrlD {
			s.send(ctrlD)
		} else {
			s.typeLine(leave)
			s.send("\r")
		}
		want := 0
		if leave == "exit(3)" {
			want = 3
		}
		if code := s.waitExit(); code != want {
			t.Errorf("%q: exit status %d, want %d", leave, code, want)
		}
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			t.Errorf("%q: the server socket is still open", leave)
		}
	}
}

// A thread waiting in input() for the prompt to be answered does not
// keep exit() or Ctrl-D from ending the session.
func TestREPLExitWithThreadInInput(t *testing.T) {
	t.Parallel()
	for _, leave := range []string{"exit()", ctrlD} {
		s := startREPL(t, sessionOpts{})
		s.run(`srv = socket.socket(); srv:bind{"127.0.0.1", 0}; srv:listen()`)
		s.run(`threading.Thread{target = function() srv:accept(); print("thread wants input"); print("thread read", input("thread> ")) end}:start()`)
		port := s.number("srv:getsockname().port")
		// The prompt is up; now the thread asks for input too.
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Fatal(err)
		}
		s.waitLine("thread wants input")
		s.waitPrompt()
		if leave == ctrlD {
			s.send(ctrlD)
		} else {
			s.typeLine(leave)
			s.send("\r")
		}
		if code := s.waitExit(); code != 0 {
			t.Errorf("%q: exit status %d", leave, code)
		}
		if leave == ctrlD && s.countLines(regexp.MustCompile(`^thread> `)) > 0 {
			t.Errorf("Ctrl-D: the thread's input() prompt showed; it should have had end of input")
		}
		c.Close()
	}
}

// Resizing the terminal (SIGWINCH) while editing: readline's widths
// change on its own goroutine (no race), and lines wrap at the new width.
func TestREPLResize(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	s.run("x = 1")
	for _, w := range []int{60, 100, 50} {
		s.mu.Lock()
		s.vt.resize(w)
		s.mu.Unlock()
		if err := pty.Setsize(s.ptm, &pty.Winsize{Rows: 24, Cols: uint16(w)}); err != nil {
			t.Fatal(err)
		}
		// Completion and history search read readline's width.
		s.typeLine("socket.SO_RE")
		s.send("\t")
		s.waitCursor("socklab> socket.SO_REUSE", 24)
		s.send("\t")
		s.waitFor("the candidates", func(v *vt) bool { return strings.HasPrefix(v.rowBelow(), "SO_REUSEADDR") })
		s.send(ctrlC + ctrlC)
		s.waitPrompt()
		s.send("\x12x =") // Ctrl-R
		s.waitFor("the history search", func(v *vt) bool {
			return v.cursorLine() == "socklab> x = 1" && strings.HasPrefix(v.rowBelow(), "bck-i-search: x =")
		})
		s.send("\x07" + ctrlC) // Ctrl-G leaves the search
		s.waitPrompt()
		// 17 columns before the wide runes: one wraps early, leaving the
		// last column of the first row blank.
		long := `print("x` + strings.Repeat("端口", w/4) + `")`
		s.typeLine(long)
		full := "socklab> " + long
		s.send(strings.Repeat(keyLeft, 3))
		s.waitFor("the cursor on the last 口", func(v *vt) bool {
			_, at, after := v.around()
			return v.cursorLine() == full && at == '口' && after == '"' && v.r > 0
		})
		s.send(strings.Repeat(keyLeft, 2*(w/4)-1)) // on the first 端
		s.waitFor("the cursor on the first 端", func(v *vt) bool {
			before, at, _ := v.around()
			return v.cursorLine() == full && at == '端' && before == 'x'
		})
		s.send(keyBS) // delete the x
		full = "socklab> " + `print("` + strings.Repeat("端口", w/4) + `")`
		s.waitFor("the x deleted", func(v *vt) bool {
			before, at, _ := v.around()
			return v.cursorLine() == full && at == '端' && before == '"'
		})
		s.send("\r")
		s.waitLine(strings.Repeat("端口", w/4))
		s.waitPrompt()
	}
	s.send(ctrlD)
	if code := s.waitExit(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// SIGTERM while the prompt waits puts the terminal back as it was.
func TestREPLSIGTERMRestoresTerminal(t *testing.T) {
	t.Parallel()
	s := startREPL(t, sessionOpts{})
	raw, err := unix.IoctlGetTermios(int(s.ptm.Fd()), unix.TCGETS)
	if err != nil {
		t.Skipf("termios through the pty master: %v", err)
	}
	if raw.Lflag&unix.ICANON != 0 {
		t.Fatalf("the terminal is not raw at the prompt (lflag %#x)", raw.Lflag)
	}
	s.typeLine("x = 1")
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.waitExit()
	st, err := unix.IoctlGetTermios(int(s.ptm.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if st.Lflag&(unix.ICANON|unix.ECHO|unix.ISIG) != unix.ICANON|unix.ECHO|unix.ISIG || st.Iflag&unix.ICRNL == 0 {
		t.Errorf("terminal left raw: lflag %#x iflag %#x", st.Lflag, st.Iflag)
	}
	if ws, ok := s.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("socklab did not die of SIGTERM: %v", s.cmd.ProcessState)
	}
}

// The layout the screen computes agrees with the emulator.
func TestScreenLayout(t *testing.T) {
	cases := []struct {
		text string
		want pos
	}{
		{"socklab> ", pos{0, 9}},
		{"socklab> 你好", pos{0, 13}},
		{strings.Repeat("x", 79) + "好", pos{1, 2}}, // a wide rune does not fit
		{strings.Repeat("x", 80), pos{0, 80}},      // a full row: pending wrap
		{strings.Repeat("x", 80) + "y", pos{1, 1}}, //
		{"\x1b[1mbold\x1b[0m", pos{0, 4}},          // escapes take no room
		{"ab\rc", pos{0, 1}},                       //
		{"a\u0301b", pos{0, 2}},                    // a combining mark
		{"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十x", pos{1, 1}}, // 40 wide runes fill a row
	}
	for _, c := range cases {
		if got := advance(80, pos{}, c.text); got != c.want {
			t.Errorf("advance(%q) = %v, want %v", c.text, got, c.want)
		}
		v := newVT(24, 80)
		v.Write([]byte(c.text))
		col := v.c
		if v.wrapNext {
			col = 80
		}
		if got := (pos{v.r, col}); got != c.want {
			t.Errorf("vt(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
