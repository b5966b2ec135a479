package runtime

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
)

// lineInput reads the script's stdin one line at a time, on demand: the
// read runs on a goroutine so that a waiting input() can be interrupted.
// A read the script gave up on stays pending and its line goes to the
// next caller. (A read from a blocking stdin cannot be abandoned, so that
// goroutine ends only with the next line or end of input.)
type lineInput struct {
	src     io.Reader
	r       *bufio.Reader // made at the first read: most scripts never read
	mu      sync.Mutex
	pending chan lineResult
}

type lineResult struct {
	line string
	err  error
}

// read waits for the next line or for ctx to end. It does not touch the
// interpreter lock.
func (in *lineInput) read(ctx context.Context) (string, error) {
	in.mu.Lock()
	if in.pending == nil {
		ch := make(chan lineResult, 1)
		in.pending = ch
		if in.r == nil {
			in.r = bufio.NewReader(in.src)
		}
		go func() {
			line, err := in.r.ReadString('\n')
			if err != nil && line != "" {
				err = nil // the last line has no line ending
			}
			ch <- lineResult{strings.TrimRight(line, "\r\n"), err}
		}()
	}
	ch := in.pending
	in.mu.Unlock()
	select {
	case res := <-ch:
		in.mu.Lock()
		in.pending = nil
		in.mu.Unlock()
		return res.line, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// ContextLineReader is a LineReader that stops waiting when ctx ends.
// input() uses it when Options.Lines has it, so that a thread waiting in
// input() does not keep the REPL from ending (exit()) or Ctrl-C from
// interrupting it.
type ContextLineReader interface {
	ReadLineContext(ctx context.Context, prompt string) (string, error)
}

// ReadLine is input(): it shows prompt and reads one line without its
// line ending, releasing the interpreter lock while it waits. With
// Options.Lines (the REPL's line editor) the editor shows the prompt.
func (rt *Runtime) readLine(ctx context.Context, prompt string) (line string, err error) {
	if rt.opts.Lines != nil {
		host{rt}.Unlocked(func() {
			if lc, ok := rt.opts.Lines.(ContextLineReader); ok {
				line, err = lc.ReadLineContext(ctx, prompt)
			} else {
				line, err = rt.opts.Lines.ReadLine(prompt)
			}
		})
		if errors.Is(err, ErrInterrupted) {
			err = context.Canceled // Ctrl-C at input(): KeyboardInterrupt
		}
		return line, err
	}
	if prompt != "" {
		io.WriteString(rt.stdout, prompt)
	}
	host{rt}.Unlocked(func() { line, err = rt.input.read(ctx) })
	return line, err
}

// StdinLines reads REPL chunks from Options.Stdin without prompts, for
// when stdin is not a terminal; it shares the buffer input() reads from.
func (rt *Runtime) StdinLines() LineReader { return stdinLines{rt.input} }

type stdinLines struct{ in *lineInput }

func (s stdinLines) ReadLine(string) (string, error) {
	return s.in.read(context.Background())
}

// StdinFD is stdin's descriptor when Options.Stdin is an *os.File, for
// select; -1 otherwise.
func (rt *Runtime) stdinFD() int {
	if f, ok := rt.opts.Stdin.(*os.File); ok {
		return int(f.Fd())
	}
	return -1
}
