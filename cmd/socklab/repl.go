package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/chzyer/readline"
	"github.com/socklab/socklab/runtime"
)

func cmdRepl(e *env) int {
	opts, err := e.runtimeOptions()
	if err != nil {
		fmt.Fprintf(e.stderr, "socklab: %v\n", err)
		return exitUsage
	}
	in, _ := e.stdin.(*os.File)
	out, _ := e.stdout.(*os.File)
	if in == nil || out == nil || !readline.IsTerminal(int(in.Fd())) || !readline.IsTerminal(int(out.Fd())) {
		// Not a terminal: plain statements, no prompts, no editor.
		rt := runtime.New(opts)
		defer rt.Close()
		defer sigint.set(func() { rt.Interrupt() })()
		return e.status(e.ctx, rt.REPL(e.ctx, rt.StdinLines()), true)
	}
	ed, err := newEditor(in, out, e.stderr)
	if err != nil {
		fmt.Fprintf(e.stderr, "socklab: repl: %v\n", err)
		return exitError
	}
	defer ed.Close()
	defer func() {
		if p := recover(); p != nil {
			ed.term.restore() // before the panic's message, not after
			panic(p)
		}
	}()
	opts.Stdout, opts.Stderr = ed.stdout, ed.stderr
	if opts.Trace != nil {
		opts.Trace = ed.stderr
	}
	opts.Lines = inputLines{ed}
	rt := runtime.New(opts)
	defer rt.Close()
	ed.rt.Store(rt)
	defer sigint.set(func() {
		// Ctrl-C while a chunk runs interrupts it; at the prompt (a
		// SIGINT from outside: the terminal's Ctrl-C is a key there) it
		// clears the line.
		if !rt.Interrupt() {
			ed.interrupt()
		}
	})()
	fmt.Fprintln(opts.Stdout, "socklab REPL — Lua with Python's socket API. help() for help, Ctrl-D or exit() to leave.")
	return e.status(e.ctx, rt.REPL(e.ctx, replLines{ed}), true)
}

// editor adapts chzyer/readline v1.5.1 to runtime.LineReader. readline
// edits the line; the screen draws it (editor_screen.go), the key reader
// and filter clean up the keys (editor_keys.go), the guard looks after
// the terminal (editor_term.go).
type editor struct {
	rl     *readline.Instance
	rt     atomic.Pointer[runtime.Runtime]
	scr    *screen
	keys   *keyReader
	filter *keyFilter
	term   *termGuard
	stdout io.Writer // the program's output streams, through the screen
	stderr io.Writer

	sem     chan struct{} // one Readline at a time; guards closed, ending
	closed  bool
	ending  bool     // the REPL read end of input: input() in a thread gets it too
	history []string // entries to save before the next Readline
	hmu     sync.Mutex
	once    sync.Once
}

func newEditor(in, out *os.File, stderr io.Writer) (*editor, error) {
	ed := &editor{
		sem:    make(chan struct{}, 1),
		scr:    &screen{term: out, width: termWidth(int(out.Fd()), int(in.Fd()))},
		keys:   newKeyReader(in),
		filter: &keyFilter{},
		term:   newTermGuard(int(in.Fd())),
	}
	ed.stdout = screenWriter{ed.scr, out, true}
	ed.stderr = screenWriter{ed.scr, stderr, sameTerminal(stderr, out)}
	cfg := &readline.Config{
		Prompt:                 runtime.Prompt,
		HistoryFile:            historyFile(),
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		InterruptPrompt:        "^C",
		AutoComplete:           completer{ed},
		Painter:                painter{},
		Listener:               ed.filter,
		FuncFilterInputRune:    ed.filter.filter,
		FuncGetWidth:           ed.scr.width,
		FuncIsTerminal:         func() bool { return true },
		FuncMakeRaw:            ed.term.makeRaw,
		FuncExitRaw:            ed.term.exitRaw,
		FuncOnWidthChanged:     watchWidth(ed.filter, ed.term.stop),
		Stdin:                  ed.keys,
		Stdout:                 ed.scr,
		Stderr:                 ed.scr,
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		ed.keys.Close()
		ed.term.Close()
		return nil, err
	}
	ed.rl = rl
	return ed, nil
}

// readLine reads one line with the editor, one caller at a time: the
// REPL's prompt, or input() in a thread, which waits for the prompt to
// be answered. When ctx ends it stops waiting (see runtime's
// ContextLineReader). forREPL marks the REPL's own reads: their end of
// input ends the session.
func (ed *editor) readLine(ctx context.Context, prompt string, forREPL bool) (string, error) {
	select {
	case ed.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-ed.sem }()
	if ed.closed || ed.ending {
		return "", io.EOF
	}
	ed.saveHistory()
	ed.rl.SetPrompt(prompt)
	stop := make(chan struct{})
	if ctx.Done() != nil {
		go func() {
			select {
			case <-ctx.Done():
				ed.interrupt()
			case <-stop:
			}
		}()
	}
	line, err := ed.rl.Readline()
	close(stop)
	ed.filter.interruptWanted.Store(false)
	ed.scr.endLine()
	switch {
	case ctx.Err() != nil:
		return "", ctx.Err()
	case errors.Is(err, readline.ErrInterrupt):
		return "", runtime.ErrInterrupted
	case err == io.EOF && forREPL:
		ed.ending = true
	}
	return line, err
}

// interrupt acts as Ctrl-C on the line being read, if any: the key is
// dropped if that Readline has returned by the time it arrives.
func (ed *editor) interrupt() {
	ed.filter.interruptWanted.Store(true)
	ed.keys.Inject([]byte(string(markInterrupt)))
}

// A history entry is one line of the history file, so a chunk's line
// ends are kept as ␤ and given back as line ends when the entry is
// recalled and run.
const historyNewline = "\u2424"

// addHistory keeps a whole chunk as one history entry. It is saved
// before the next Readline: readline's history is not safe to change
// while a Readline runs (input() in a thread) (its issue #219 and
// others).
func (ed *editor) addHistory(chunk string) {
	chunk = strings.ReplaceAll(chunk, "\r", "")
	ed.hmu.Lock()
	ed.history = append(ed.history, strings.ReplaceAll(chunk, "\n", historyNewline))
	ed.hmu.Unlock()
}

// saveHistory saves the entries waiting; ed.sem is held.
func (ed *editor) saveHistory() {
	ed.hmu.Lock()
	entries := ed.history
	ed.history = nil
	ed.hmu.Unlock()
	for _, e := range entries {
		ed.rl.SaveHistory(e)
	}
}

// Close ends the editor and puts the terminal back as it was. A
// Readline still waiting (input() in a thread) returns io.EOF.
func (ed *editor) Close() error {
	ed.once.Do(func() {
		ed.keys.Close() // a Readline returns; rl.Close waits for the read
		ed.sem <- struct{}{}
		ed.closed = true
		ed.saveHistory()
		ed.rl.Close()
		<-ed.sem
		ed.scr.endLine()
		ed.term.Close()
	})
	return nil
}

// replLines is what the REPL reads: chunks, with history.
type replLines struct{ ed *editor }

func (r replLines) ReadLine(prompt string) (string, error) {
	line, err := r.ed.readLine(context.Background(), prompt, true)
	return strings.ReplaceAll(line, historyNewline, "\n"), err
}

func (r replLines) AddHistory(chunk string) { r.ed.addHistory(chunk) }

// inputLines is what input() reads.
type inputLines struct{ ed *editor }

func (r inputLines) ReadLine(prompt string) (string, error) {
	return r.ed.readLine(context.Background(), prompt, false)
}

func (r inputLines) ReadLineContext(ctx context.Context, prompt string) (string, error) {
	return r.ed.readLine(ctx, prompt, false)
}

var _ runtime.ContextLineReader = inputLines{}

// historyFile is under the user's state directory.
func historyFile() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "socklab")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	return filepath.Join(dir, "history")
}

// sameTerminal reports whether w writes to the terminal out is.
func sameTerminal(w io.Writer, out *os.File) bool {
	f, ok := w.(*os.File)
	if !ok || !readline.IsTerminal(int(f.Fd())) {
		return false
	}
	a, err1 := f.Stat()
	b, err2 := out.Stat()
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// completer completes from the live values of the runtime.
type completer struct{ ed *editor }

func (c completer) Do(line []rune, pos int) (out [][]rune, length int) {
	rt := c.ed.rt.Load()
	if rt == nil {
		return nil, 0
	}
	defer func() {
		// It runs on readline's goroutine: a panic there would leave the
		// terminal raw. No completion is better.
		if recover() != nil {
			out, length = nil, 0
		}
	}()
	partial, names := rt.Complete(string(line[:pos]))
	out = make([][]rune, len(names))
	for i, n := range names {
		out[i] = []rune(n[len(partial):])
	}
	return out, len([]rune(partial))
}
