package runtime

import (
	"io"
	"syscall"

	"github.com/socklab/socklab/bindings/api"
)

// resource is something a script opened that the runtime closes at its end
// (gopher-lua never runs __gc, so nothing else would).
type resource struct{ c io.Closer }

// Track registers c for closing when the program ends.
func (rt *Runtime) track(c io.Closer) (func(), error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.opts.MaxSockets > 0 && len(rt.resources) >= rt.opts.MaxSockets {
		return nil, api.ErrnoError(syscall.EMFILE)
	}
	r := &resource{c: c}
	rt.resources[r] = struct{}{}
	return func() {
		rt.mu.Lock()
		delete(rt.resources, r)
		rt.mu.Unlock()
	}, nil
}

// closeResources closes everything still open.
func (rt *Runtime) closeResources() {
	rt.mu.Lock()
	open := make([]io.Closer, 0, len(rt.resources))
	for r := range rt.resources {
		open = append(open, r.c)
	}
	rt.mu.Unlock()
	for _, c := range open {
		c.Close() // each Close untracks itself
	}
	rt.mu.Lock()
	clear(rt.resources)
	rt.mu.Unlock()
}
