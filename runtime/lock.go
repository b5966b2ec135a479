package runtime

import (
	"sync/atomic"
	"time"
)

// gil is the interpreter lock: exactly one goroutine runs Lua at a time.
// A buffered channel of one makes it first-come first-served with direct
// hand-off, so a thread that releases it at a switch point (time.sleep(0))
// really lets a waiting thread run, which sync.Mutex does not promise.
type gil struct {
	ch      chan struct{}
	waiting atomic.Int32 // goroutines blocked in acquire
}

func newGIL() *gil { return &gil{ch: make(chan struct{}, 1)} }

func (g *gil) acquire() {
	select {
	case g.ch <- struct{}{}:
		return
	default:
	}
	g.waiting.Add(1)
	g.ch <- struct{}{}
	g.waiting.Add(-1)
}

func (g *gil) release() { <-g.ch }

// contended reports whether another goroutine waits for the lock.
func (g *gil) contended() bool { return g.waiting.Load() > 0 }

// tryAcquire takes the lock unless it stays busy for d.
func (g *gil) tryAcquire(d time.Duration) bool {
	select {
	case g.ch <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(d)
	defer t.Stop()
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	select {
	case g.ch <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}
