package bindings

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/netip"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// fakeHost is a minimal Host for tests in this package: output goes to
// buffers, input comes from Lines, the network policy allows everything,
// and there are no threads besides the caller's.
type fakeHost struct {
	mu      sync.Mutex
	stdout  bytes.Buffer
	stderr  bytes.Buffer
	Lines   []string     // what ReadLine returns, in order; then io.EOF
	tracked []*io.Closer // resources still registered (nil once untracked)
}

var _ Host = (*fakeHost)(nil)

// newFakeHost returns a fakeHost whose ReadLine returns lines, then io.EOF.
func newFakeHost(lines ...string) *fakeHost {
	return &fakeHost{Lines: lines}
}

// Out and Err return what has been written to Stdout and Stderr so far.
func (h *fakeHost) Out() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stdout.String()
}

func (h *fakeHost) Err() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stderr.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func (h *fakeHost) Unlocked(fn func())       { fn() }
func (h *fakeHost) Contended() bool          { return false }
func (h *fakeHost) Stdout() io.Writer        { return lockedWriter{&h.mu, &h.stdout} }
func (h *fakeHost) Stderr() io.Writer        { return lockedWriter{&h.mu, &h.stderr} }
func (h *fakeHost) Allowed(netip.Addr) bool  { return true }
func (h *fakeHost) Tracef(string, ...any)    {}
func (h *fakeHost) Tracing() bool            { return false }
func (h *fakeHost) Listening(string, string) {}
func (h *fakeHost) ActiveThreads() int       { return 1 }
func (h *fakeHost) StdinFD() int             { return -1 }

func (h *fakeHost) ReadLine(ctx context.Context, prompt string) (string, error) {
	io.WriteString(h.Stdout(), prompt)
	if err := ctx.Err(); err != nil {
		return "", err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.Lines) == 0 {
		return "", io.EOF
	}
	line := h.Lines[0]
	h.Lines = h.Lines[1:]
	return line, nil
}

// Track records c so that newTestState's cleanup closes what a test left
// open; the limit is never reached.
func (h *fakeHost) Track(c io.Closer) (func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p := &c
	h.tracked = append(h.tracked, p)
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		for i, q := range h.tracked {
			if q == p {
				h.tracked = append(h.tracked[:i], h.tracked[i+1:]...)
				return
			}
		}
	}, nil
}

// closeTracked closes every resource still tracked.
func (h *fakeHost) closeTracked() {
	h.mu.Lock()
	left := h.tracked
	h.tracked = nil
	h.mu.Unlock()
	for _, c := range left {
		(*c).Close()
	}
}

func (h *fakeHost) StartThread(*lua.LState, ThreadSpec) (Thread, error) {
	return nil, errors.New("fakeHost: threads are not supported")
}

func (h *fakeHost) CurrentThread(*lua.LState) Thread { return nil }

// newTestState returns a Lua state with the standard libraries and every
// module opened on h; it is closed (and h's leftover resources, for a
// fakeHost) when the test ends.
func newTestState(t *testing.T, h Host) *lua.LState {
	t.Helper()
	L := lua.NewState()
	Open(L, h)
	t.Cleanup(func() {
		L.Close()
		if fh, ok := h.(*fakeHost); ok {
			fh.closeTracked()
		}
	})
	return L
}
