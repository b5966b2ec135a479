package runtime

import "time"

// gil is the interpreter lock: exactly one goroutine runs Lua at a time.
// A buffered channel of one makes it first-come first-served with direct
// hand-off, so a thread that releases it at a switch point (time.sleep(0))
// really lets a waiting thread run, which sync.Mutex does not promise.
type gil struct{ ch chan struct{} }

func newGIL() *gil { return &gil{ch: make(chan struct{}, 1)} }

func (g *gil) acquire() { g.ch <- struct{}{} }
func (g *gil) release() { <-g.ch }

// tryAcquire takes the lock unless it stays busy for d.
func (g *gil) tryAcquire(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case g.ch <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}
