package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/runtime"
)

// chunkReader feeds the REPL one chunk per line, calling before (if set)
// when the chunk at that index is about to run.
type chunkReader struct {
	lines []string
	next  int
}

func (r *chunkReader) ReadLine(string) (string, error) {
	if r.next == len(r.lines) {
		return "", io.EOF
	}
	r.next++
	return r.lines[r.next-1], nil
}

// A socket keeps its waiting state between calls (the context whose
// cancellation wakes it, the deadline on its descriptor, whether the last
// call blocked). Each REPL chunk has a context of its own that ends with
// the chunk, and a timeout leaves a deadline behind: none of that may
// leak into the next wait.
func TestWaitStateCarriesNothingOver(t *testing.T) {
	t.Parallel()
	sendLater := func(s string) string {
		return `threading.Thread{target = function() time.sleep(0.05); b:send("` + s + `") end}:start()`
	}
	lines := []string{
		`a, b = socket.socketpair()`,
		// Blocks, so a registers for this chunk's cancellation.
		sendLater("x") + `; print("1", a:recv(1))`,
		// The first chunk's context has ended: a must still block.
		sendLater("y") + `; print("2", a:recv(1))`,
		// A timeout leaves a deadline on the descriptor...
		`a:settimeout(0.02); print("3", pcall(a.recv, a, 1))`,
		// ... which a blocking call must not inherit.
		`a:settimeout(nil); ` + sendLater("z") + `; print("4", a:recv(1))`,
		// Data already there after calls that blocked.
		`b:send("w"); print("5", a:recv(1))`,
		`b:send("v"); print("6", a:recv_exactly(1))`,
	}
	var out, errOut bytes.Buffer
	rt := runtime.New(runtime.Options{Stdout: &out, Stderr: &errOut})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := rt.REPL(ctx, &chunkReader{lines: lines}); err != nil {
		t.Fatal(err)
	}
	want := "1\tx\n2\ty\n3\tfalse\tTimeoutError: timed out\n4\tz\n5\tw\n6\tv\n"
	if out.String() != want || errOut.Len() > 0 {
		t.Errorf("stdout:\n%s\nwant:\n%s\nstderr:\n%s", out.String(), want, errOut.String())
	}
}

// Interrupt wakes a REPL chunk blocked in recv, and the next chunk can
// block on the same socket again.
func TestInterruptedWaitLeavesSocketUsable(t *testing.T) {
	t.Parallel()
	out := newSyncBuffer("waiting")
	var errOut bytes.Buffer
	rt := runtime.New(runtime.Options{Stdout: out, Stderr: &errOut})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go func() {
		select {
		case <-out.seen:
			rt.Interrupt()
		case <-ctx.Done():
		}
	}()
	lines := []string{
		`a, b = socket.socketpair()`,
		`print("waiting"); a:recv(1)`,
		`threading.Thread{target = function() time.sleep(0.05); b:send("x") end}:start(); print(a:recv(1))`,
	}
	if err := rt.REPL(ctx, &chunkReader{lines: lines}); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "KeyboardInterrupt") {
		t.Errorf("stderr lacks KeyboardInterrupt:\n%s", errOut.String())
	}
	if got := out.String(); got != "waiting\nx\n" {
		t.Errorf("stdout %q, want %q", got, "waiting\nx\n")
	}
}
