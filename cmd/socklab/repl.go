package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
	"github.com/socklab/socklab/runtime"
)

func cmdRepl(e *env) int {
	opts, err := e.runtimeOptions()
	if err != nil {
		fmt.Fprintf(e.stderr, "socklab: %v\n", err)
		return exitUsage
	}
	f, isFile := e.stdin.(*os.File)
	if !isFile || !readline.IsTerminal(int(f.Fd())) {
		// Not a terminal: plain statements, no prompts, no editor.
		rt := runtime.New(opts)
		defer rt.Close()
		defer sigint.set(func() { rt.Interrupt() })()
		return e.status(e.ctx, rt.REPL(e.ctx, rt.StdinLines()), true)
	}
	ed, err := newEditor(f, e.stdout, e.stderr)
	if err != nil {
		fmt.Fprintf(e.stderr, "socklab: repl: %v\n", err)
		return exitError
	}
	defer ed.Close()
	opts.Stdout, opts.Stderr = ed.rl.Stdout(), ed.rl.Stderr()
	opts.Lines = ed
	rt := runtime.New(opts)
	defer rt.Close()
	ed.rt = rt
	defer sigint.set(func() { rt.Interrupt() })()
	fmt.Fprintln(opts.Stdout, "socklab REPL — Lua with Python's socket API. help() for help, Ctrl-D or exit() to leave.")
	return e.status(e.ctx, rt.REPL(e.ctx, ed), true)
}

// editor adapts chzyer/readline to runtime.LineReader.
type editor struct {
	rl *readline.Instance
	rt *runtime.Runtime
}

func newEditor(stdin *os.File, stdout, stderr io.Writer) (*editor, error) {
	ed := &editor{}
	cfg := &readline.Config{
		Prompt:                 runtime.Prompt,
		HistoryFile:            historyFile(),
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
		Stdin:                  readline.NewCancelableStdin(stdin),
		Stdout:                 stdout,
		Stderr:                 stderr,
		AutoComplete:           completer{ed},
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return nil, err
	}
	ed.rl = rl
	return ed, nil
}

// ReadLine reads one line with the editor.
func (ed *editor) ReadLine(prompt string) (string, error) {
	ed.rl.SetPrompt(prompt)
	line, err := ed.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", runtime.ErrInterrupted
	}
	return line, err
}

// AddHistory keeps a whole chunk as one history entry (one line: the
// history file splits entries at line ends).
func (ed *editor) AddHistory(chunk string) {
	ed.rl.SaveHistory(strings.ReplaceAll(chunk, "\n", " "))
}

func (ed *editor) Close() error { return ed.rl.Close() }

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

// completer completes from the live values of the runtime.
type completer struct{ ed *editor }

func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	if c.ed.rt == nil {
		return nil, 0
	}
	partial, names := c.ed.rt.Complete(string(line[:pos]))
	out := make([][]rune, len(names))
	for i, n := range names {
		out[i] = []rune(n[len(partial):])
	}
	return out, len([]rune(partial))
}
