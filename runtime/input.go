package runtime

import (
	"bufio"
	"context"
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
	r       *bufio.Reader
	mu      sync.Mutex
	pending chan lineResult
}

type lineResult struct {
	line string
	err  error
}

// ReadLine reads one line without its line ending, releasing the
// interpreter lock while it waits.
func (rt *Runtime) ReadLine(ctx context.Context) (string, error) {
	in := rt.input
	in.mu.Lock()
	if in.pending == nil {
		ch := make(chan lineResult, 1)
		in.pending = ch
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

	var res lineResult
	rt.Unlocked(func() {
		select {
		case res = <-ch:
			in.mu.Lock()
			in.pending = nil
			in.mu.Unlock()
		case <-ctx.Done():
			res.err = ctx.Err()
		}
	})
	return res.line, res.err
}

// StdinFD is stdin's descriptor when Options.Stdin is an *os.File, for
// select; -1 otherwise.
func (rt *Runtime) StdinFD() int {
	if f, ok := rt.opts.Stdin.(*os.File); ok {
		return int(f.Fd())
	}
	return -1
}
