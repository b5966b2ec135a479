// Package apitest holds a Host for testing socklab's Lua modules without a
// runtime, as k6's modulestest does: output goes to buffers, input comes
// from a list of lines, the network policy allows everything, and there
// are no threads besides the caller's.
package apitest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/netip"
	"sync"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// Host is a minimal api.Host. Its zero value is ready to use.
type Host struct {
	mu      sync.Mutex
	stdout  bytes.Buffer
	stderr  bytes.Buffer
	Lines   []string     // what ReadLine returns, in order; then io.EOF
	tracked []*io.Closer // resources still registered (nil once untracked)
}

var _ api.Host = (*Host)(nil)

// New returns a Host whose ReadLine returns lines, then io.EOF.
func New(lines ...string) *Host {
	return &Host{Lines: lines}
}

// Out and Err return what has been written to Stdout and Stderr so far.
func (h *Host) Out() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stdout.String()
}

func (h *Host) Err() string {
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

func (h *Host) Unlocked(fn func())       { fn() }
func (h *Host) Contended() bool          { return false }
func (h *Host) Stdout() io.Writer        { return lockedWriter{&h.mu, &h.stdout} }
func (h *Host) Stderr() io.Writer        { return lockedWriter{&h.mu, &h.stderr} }
func (h *Host) Allowed(netip.Addr) bool  { return true }
func (h *Host) Tracef(string, ...any)    {}
func (h *Host) Tracing() bool            { return false }
func (h *Host) Listening(string, string) {}
func (h *Host) ActiveThreads() int       { return 1 }

// Context is L's own context, or context.Background for a state without
// one.
func (h *Host) Context(L *lua.LState) context.Context {
	if ctx := L.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
func (h *Host) StdinFD() int { return -1 }

// Resolver is nil: names are looked up as the system is configured to.
func (h *Host) Resolver() api.Resolver { return nil }

func (h *Host) ReadLine(ctx context.Context, prompt string) (string, error) {
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

// Track records c for Close; the limit is never reached.
func (h *Host) Track(c io.Closer) (func(), error) {
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

// Close closes every resource still tracked: what a test left open.
func (h *Host) Close() {
	h.mu.Lock()
	left := h.tracked
	h.tracked = nil
	h.mu.Unlock()
	for _, c := range left {
		(*c).Close()
	}
}

func (h *Host) StartThread(*lua.LState, api.ThreadSpec) (api.Thread, error) {
	return nil, errors.New("apitest: threads are not supported")
}

func (h *Host) CurrentThread(*lua.LState) api.Thread { return nil }
