package runtime

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/socklab/socklab/bindings"
	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// LineReader is where the REPL reads its lines: a line editor on a
// terminal, plain lines otherwise. ReadLine shows prompt (or not) and
// returns a line without its line ending; io.EOF ends the session, and
// ErrInterrupted means Ctrl-C at the prompt.
type LineReader interface {
	ReadLine(prompt string) (string, error)
}

// ErrInterrupted is what a LineReader returns for Ctrl-C at the prompt:
// the pending chunk is dropped.
var ErrInterrupted = errors.New("interrupted")

// REPL prompts.
const (
	Prompt         = "socklab> "
	PromptContinue = "... "
)

// REPL reads chunks from r and runs them until end of input or exit().
// An expression's values are printed with repr; an incomplete chunk
// (function f()) continues on the next line. Interrupt stops the chunk
// that runs, while threads started at the prompt go on. When the session
// ends every socket is closed and every thread stopped. It returns nil at
// end of input, or the SystemExit ScriptError that exit(n) raised.
func (rt *Runtime) REPL(ctx context.Context, r LineReader) error {
	sessCtx, cancel, main := rt.begin(ctx, "stdin")
	defer func() {
		close(main.done)
		rt.end(cancel) // the threads started at the prompt end with the session
	}()

	var chunk strings.Builder
	for {
		prompt := Prompt
		if chunk.Len() > 0 {
			prompt = PromptContinue
		}
		line, err := r.ReadLine(prompt)
		switch {
		case errors.Is(err, ErrInterrupted):
			if chunk.Len() == 0 {
				io.WriteString(rt.stderr, "KeyboardInterrupt\n")
			}
			chunk.Reset()
			continue
		case err == io.EOF:
			return nil
		case err != nil:
			return err
		case sessCtx.Err() != nil:
			return nil
		}
		if chunk.Len() > 0 {
			chunk.WriteByte('\n')
		}
		chunk.WriteString(line)
		if strings.TrimSpace(chunk.String()) == "" {
			chunk.Reset()
			continue
		}
		serr, incomplete := rt.Eval(sessCtx, chunk.String())
		if incomplete {
			continue
		}
		if h, ok := r.(interface{ AddHistory(string) }); ok {
			h.AddHistory(chunk.String())
		}
		chunk.Reset()
		if serr == nil {
			continue
		}
		if serr.Kind == api.SystemExit {
			return serr
		}
		io.WriteString(rt.stderr, serr.Traceback())
	}
}

// Eval runs one REPL chunk: as an expression first, whose values it
// prints with repr, else as statements. incomplete reports a chunk that
// needs more lines. The chunk runs on a state of its own, with a context
// that Interrupt cancels.
func (rt *Runtime) Eval(ctx context.Context, src string) (serr *ScriptError, incomplete bool) {
	stmtCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	rt.mu.Lock()
	rt.interrupt = cancel
	rt.mu.Unlock()
	defer func() {
		rt.mu.Lock()
		rt.interrupt = nil
		rt.mu.Unlock()
	}()

	rt.gil.acquire()
	defer rt.gil.release()
	fn, err := rt.ls.Load(strings.NewReader("return "+src), "stdin")
	if err != nil {
		fn, err = rt.ls.Load(strings.NewReader(src), "stdin")
	}
	if err != nil {
		if strings.Contains(err.Error(), " at EOF:") {
			return nil, true
		}
		return &ScriptError{Kind: api.SyntaxError, Message: err.Error()}, false
	}
	c := rt.state(rt.ls, stmtCtx)
	c.Push(fn)
	if serr := rt.callTraced(c, 0, lua.MultRet); serr != nil {
		rt.release(c)
		return serr, false
	}
	if n := c.GetTop(); n > 0 {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = bindings.Repr(c, c.Get(i+1))
		}
		io.WriteString(rt.stdout, strings.Join(parts, "\t")+"\n")
	}
	rt.release(c)
	return nil, false
}

// Interrupt stops the REPL chunk that runs, as Ctrl-C does: it raises
// KeyboardInterrupt where the chunk is. Safe from any goroutine.
func (rt *Runtime) Interrupt() bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.interrupt == nil {
		return false
	}
	rt.interrupt()
	return true
}
