package bindings

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// Blocking waits shared by threading.Lock, threading.Event and
// queue.Queue.
//
// Their state is Go data guarded by a sync.Mutex (and only ever changed
// by a thread that holds the interpreter lock). A thread that must wait
// takes a broadcast channel from the state while it holds the lock, then
// releases the interpreter lock and blocks on that channel, a timer and
// its context; whoever changes the state closes the channel. Woken, the
// thread takes the interpreter lock back and looks again (another thread
// may have been first), so no wake-up is lost and nothing busy-waits.
// Woken threads get the interpreter lock first come, first served.

// broadcast is a condition that wakes every waiter. Guard it with the
// owner's mutex.
type broadcast struct{ ch chan struct{} }

// wait returns the channel that the next notify closes.
func (b *broadcast) wait() <-chan struct{} {
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	return b.ch
}

// notify wakes the current waiters.
func (b *broadcast) notify() {
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
}

// waitTimer is a wait's time limit: forever, or a timer that fires once.
type waitTimer struct {
	t       *time.Timer
	expired bool
}

// newWaitTimer starts a limit of d; forever when !limited. A limit of 0
// or less has expired already.
func newWaitTimer(d time.Duration, limited bool) *waitTimer {
	w := &waitTimer{}
	switch {
	case !limited:
	case d <= 0:
		w.expired = true
	default:
		w.t = time.NewTimer(d)
	}
	return w
}

func (w *waitTimer) stop() {
	if w.t != nil {
		w.t.Stop()
	}
}

// park releases the interpreter lock until ready is closed, the timer
// fires (w.expired is then set) or L's context ends, which raises
// KeyboardInterrupt. It reports whether ready was closed.
func park(L *lua.LState, ready <-chan struct{}, w *waitTimer) bool {
	ctx := api.HostOf(L).Context(L)
	if ctx == nil {
		ctx = context.Background()
	}
	var timer <-chan time.Time
	if w.t != nil && !w.expired {
		timer = w.t.C
	}
	var err error
	woken := false
	api.HostOf(L).Unlocked(func() {
		select {
		case <-ready:
			woken = true
		case <-timer:
			w.expired = true
		case <-ctx.Done():
			err = ctx.Err()
		}
	})
	if err != nil {
		api.RaiseErr(L, err)
	}
	return woken
}

// address is the "at 0x..." part of Python's default repr.
func address(p any) string { return fmt.Sprintf("%p", p) }

// ---- threading.Lock ----

// LockType is the registry name of threading.Lock objects.
const LockType = "threading.Lock"

// lock is a threading.Lock: not owned by a thread, so any thread may
// release it, as in Python.
type lock struct {
	mu       sync.Mutex
	locked   bool
	released broadcast
}

var lockType = api.Type{
	Name: LockType,
	Doc: `A lock, as Python's threading.Lock: acquire it before touching shared
state, release it after. It belongs to no thread: any thread may release it.
A thread blocked in acquire lets the others run.`,
	Methods: []api.Func{
		{Name: "acquire", Doc: `lk:acquire([blocking [, timeout]]) -> boolean
Takes the lock, waiting while another thread holds it (for at most timeout
seconds when given; blocking false does not wait). Returns whether it got
the lock. Other threads run while it waits; Ctrl-C interrupts it.
Python: lk.acquire(blocking=True, timeout=-1)`, Fn: lockAcquire},
		{Name: "release", Doc: `lk:release()
Frees the lock, waking a thread that waits for it. Releasing a lock that is
not held raises RuntimeError.
Python: lk.release()`, Fn: lockRelease},
		{Name: "locked", Doc: `lk:locked() -> boolean
Whether some thread holds the lock.
Python: lk.locked()`, Fn: func(L *lua.LState) int {
			lk := checkLock(L, "locked")
			lk.mu.Lock()
			defer lk.mu.Unlock()
			L.Push(lua.LBool(lk.locked))
			return 1
		}},
	},
	Meta: map[string]lua.LGFunction{
		"__tostring": func(L *lua.LState) int {
			lk := checkLock(L, "__tostring")
			lk.mu.Lock()
			state := "unlocked"
			if lk.locked {
				state = "locked"
			}
			lk.mu.Unlock()
			L.Push(lua.LString(fmt.Sprintf("<%s _thread.lock object at %s>", state, address(lk))))
			return 1
		},
	},
}

func lockNew(L *lua.LState) int {
	L.Push(newObject(L, LockType, &lock{}))
	return 1
}

func checkLock(L *lua.LState, fname string) *lock {
	return api.Self[*lock](L, fname, "threading.Lock")
}

// tryAcquire takes the lock if it is free; otherwise it returns the
// channel that its release closes.
func (lk *lock) tryAcquire() (bool, <-chan struct{}) {
	lk.mu.Lock()
	defer lk.mu.Unlock()
	if !lk.locked {
		lk.locked = true
		return true, nil
	}
	return false, lk.released.wait()
}

func lockAcquire(L *lua.LState) int {
	lk := checkLock(L, "acquire")
	blocking := api.Method(L, "acquire").OptBool(2, true)
	secs, limited := api.Method(L, "acquire").OptSeconds(3)
	if limited && secs == -1 {
		limited = false
	}
	if limited && !blocking {
		api.Raisef(L, api.ValueError, "can't specify a timeout for a non-blocking call")
	}
	if limited && secs < 0 {
		api.Raisef(L, api.ValueError, "timeout value must be positive")
	}
	if !blocking {
		limited, secs = true, 0
	}
	w := newWaitTimer(secondsToDuration(secs), limited)
	defer w.stop()
	for {
		got, released := lk.tryAcquire()
		if got {
			L.Push(lua.LTrue)
			return 1
		}
		if w.expired {
			L.Push(lua.LFalse)
			return 1
		}
		park(L, released, w)
	}
}

func lockRelease(L *lua.LState) int {
	lk := checkLock(L, "release")
	lk.mu.Lock()
	defer lk.mu.Unlock()
	if !lk.locked {
		api.Raisef(L, api.RuntimeError, "release unlocked lock")
	}
	lk.locked = false
	lk.released.notify()
	return 0
}

// ---- threading.Event ----

// EventType is the registry name of threading.Event objects.
const EventType = "threading.Event"

type event struct {
	mu   sync.Mutex
	flag bool
	set  broadcast
}

var eventType = api.Type{
	Name: EventType,
	Doc: `An event, as Python's threading.Event: a flag that threads wait for.
set() wakes every waiter; clear() lowers the flag again.`,
	Methods: []api.Func{
		{Name: "set", Doc: `ev:set()
Raises the flag and wakes every thread waiting for it.
Python: ev.set()`, Fn: eventSet},
		{Name: "clear", Doc: `ev:clear()
Lowers the flag: later waits block until the next set().
Python: ev.clear()`, Fn: func(L *lua.LState) int {
			ev := checkEvent(L, "clear")
			ev.mu.Lock()
			ev.flag = false
			ev.mu.Unlock()
			return 0
		}},
		{Name: "is_set", Doc: `ev:is_set() -> boolean
Whether the flag is raised.
Python: ev.is_set()`, Fn: func(L *lua.LState) int {
			ev := checkEvent(L, "is_set")
			ev.mu.Lock()
			defer ev.mu.Unlock()
			L.Push(lua.LBool(ev.flag))
			return 1
		}},
		{Name: "wait", Doc: `ev:wait([timeout]) -> boolean
Waits until the flag is raised, for at most timeout seconds when given.
Returns true once it is set, false when the time ran out. Other threads run
while it waits; Ctrl-C interrupts it.
Python: ev.wait(timeout=None)`, Fn: eventWait},
	},
	Meta: map[string]lua.LGFunction{
		"__tostring": func(L *lua.LState) int {
			ev := checkEvent(L, "__tostring")
			ev.mu.Lock()
			state := "unset"
			if ev.flag {
				state = "set"
			}
			ev.mu.Unlock()
			L.Push(lua.LString(fmt.Sprintf("<threading.Event at %s: %s>", address(ev), state)))
			return 1
		},
	},
}

func eventNew(L *lua.LState) int {
	L.Push(newObject(L, EventType, &event{}))
	return 1
}

func checkEvent(L *lua.LState, fname string) *event {
	return api.Self[*event](L, fname, "threading.Event")
}

func eventSet(L *lua.LState) int {
	ev := checkEvent(L, "set")
	ev.mu.Lock()
	defer ev.mu.Unlock()
	ev.flag = true
	ev.set.notify()
	return 0
}

func eventWait(L *lua.LState) int {
	ev := checkEvent(L, "wait")
	secs, limited := api.Method(L, "wait").OptSeconds(2)
	ev.mu.Lock()
	flag := ev.flag
	var ready <-chan struct{}
	if !flag {
		ready = ev.set.wait()
	}
	ev.mu.Unlock()
	if flag {
		L.Push(lua.LTrue)
		return 1
	}
	// As Python's Condition.wait: a timeout of 0 or less does not wait.
	w := newWaitTimer(secondsToDuration(secs), limited)
	defer w.stop()
	if w.expired {
		L.Push(lua.LFalse)
		return 1
	}
	// Woken by set() is true even if clear() came right after, as in
	// Python.
	L.Push(lua.LBool(park(L, ready, w)))
	return 1
}
