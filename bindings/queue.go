package bindings

import (
	"fmt"
	"math"
	"sync"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// QueueType is the registry name of queue.Queue objects.
const QueueType = "queue.Queue"

var queueModule = api.Module{
	Name: "queue",
	Doc: `Python's queue module: a FIFO queue that threads share, blocking when it
is empty (get) or full (put). The errors it raises have the kinds
"queue.Empty" and "queue.Full", also found as queue.Empty and queue.Full.`,
	Funcs: []api.Func{
		{Name: "Queue", Doc: `queue.Queue([maxsize]) -> queue
A first-in, first-out queue holding at most maxsize items (no limit when
maxsize is nil, 0 or less). Any Lua value may be put in it, nil included.
Python: queue.Queue(maxsize=0)`, Fn: queueNew},
	},
	Types: []*api.Type{&queueType},
	Init: func(L *lua.LState, mod *lua.LTable) {
		// Compare an error's kind with these: e.kind == queue.Empty.
		mod.RawSetString("Empty", lua.LString("queue.Empty"))
		mod.RawSetString("Full", lua.LString("queue.Full"))
	},
}

var queueType = api.Type{
	Name: QueueType,
	Doc: `A FIFO queue shared by threads, as Python's queue.Queue. Threads blocked
in get or put let the others run, and Ctrl-C interrupts them.`,
	Methods: []api.Func{
		{Name: "put", Doc: `q:put(item [, block [, timeout]])
Adds item at the end. When the queue is full it waits for a free slot (for
at most timeout seconds when given) and raises queue.Full when none came;
with block false it raises queue.Full at once.
Python: q.put(item, block=True, timeout=None)`, Fn: queuePut},
		{Name: "get", Doc: `q:get([block [, timeout]]) -> item
Removes and returns the first item. When the queue is empty it waits for
one (for at most timeout seconds when given) and raises queue.Empty when
none came; with block false it raises queue.Empty at once.
Python: q.get(block=True, timeout=None)`, Fn: queueGet},
		{Name: "put_nowait", Doc: `q:put_nowait(item)
q:put(item, false): raises queue.Full when the queue is full.
Python: q.put_nowait(item)`, Fn: queuePutNowait},
		{Name: "get_nowait", Doc: `q:get_nowait() -> item
q:get(false): raises queue.Empty when the queue is empty.
Python: q.get_nowait()`, Fn: queueGetNowait},
		{Name: "qsize", Doc: `q:qsize() -> number
How many items the queue holds now.
Python: q.qsize()`, Fn: func(L *lua.LState) int {
			q := checkQueue(L, "qsize")
			q.mu.Lock()
			defer q.mu.Unlock()
			L.Push(lua.LNumber(len(q.items)))
			return 1
		}},
		{Name: "empty", Doc: `q:empty() -> boolean
Whether the queue holds no item now.
Python: q.empty()`, Fn: func(L *lua.LState) int {
			q := checkQueue(L, "empty")
			q.mu.Lock()
			defer q.mu.Unlock()
			L.Push(lua.LBool(len(q.items) == 0))
			return 1
		}},
		{Name: "full", Doc: `q:full() -> boolean
Whether the queue holds maxsize items now (never, without a maxsize).
Python: q.full()`, Fn: func(L *lua.LState) int {
			q := checkQueue(L, "full")
			q.mu.Lock()
			defer q.mu.Unlock()
			L.Push(lua.LBool(q.isFull()))
			return 1
		}},
		{Name: "task_done", Doc: `q:task_done()
Tells the queue that an item taken with get has been dealt with, for join.
Raises ValueError when called more times than items were put.
Python: q.task_done()`, Fn: queueTaskDone},
		{Name: "join", Doc: `q:join()
Waits until every item put in the queue has been got and task_done has been
called for it. Other threads run while it waits; Ctrl-C interrupts it.
Python: q.join()`, Fn: queueJoin},
	},
	Meta: map[string]lua.LGFunction{
		"__index": func(L *lua.LState) int {
			q := checkQueue(L, "__index")
			if L.Get(2) == lua.LString("maxsize") {
				L.Push(lua.LNumber(q.maxsize))
				return 1
			}
			L.Push(lua.LNil)
			return 1
		},
		"__tostring": func(L *lua.LState) int {
			q := checkQueue(L, "__tostring")
			L.Push(lua.LString(fmt.Sprintf("<queue.Queue object at %s>", address(q))))
			return 1
		},
	},
	Fields: []string{"maxsize"},
}

// queue is a queue.Queue. Its items are Lua values: they are only read or
// stored by a thread that holds the interpreter lock (never inside
// Unlocked).
type queue struct {
	mu         sync.Mutex
	items      []lua.LValue
	maxsize    float64 // <= 0: no limit
	unfinished int     // items put and not yet task_done
	notEmpty   broadcast
	notFull    broadcast
	allDone    broadcast
}

func (q *queue) isFull() bool { return q.maxsize > 0 && float64(len(q.items)) >= q.maxsize }

func queueNew(L *lua.LState) int {
	q := &queue{}
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
	case lua.LNumber:
		if math.IsNaN(float64(v)) {
			api.Function(L, "Queue").Error(1, "number expected, got nan")
		}
		q.maxsize = float64(v)
	default:
		api.Function(L, "Queue").Error(1, "number expected, got "+api.TypeNameAt(L, 1))
	}
	L.Push(newObject(L, QueueType, q))
	return 1
}

func checkQueue(L *lua.LState, fname string) *queue {
	return api.Self[*queue](L, fname, "queue.Queue")
}

// queueTimer reads put's and get's block and timeout arguments, from
// index n, as a wait limit.
func queueTimer(L *lua.LState, n int, fname string) *waitTimer {
	block := api.Method(L, fname).OptBool(n, true)
	secs, limited := api.Method(L, fname).OptSeconds(n + 1)
	if !block {
		return newWaitTimer(0, true)
	}
	if limited && secs < 0 {
		api.Raisef(L, api.ValueError, "'timeout' must be a non-negative number")
	}
	return newWaitTimer(secondsToDuration(secs), limited)
}

// tryPut stores v unless the queue is full; then it returns the channel
// that the next get closes.
func (q *queue) tryPut(v lua.LValue) (bool, <-chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.isFull() {
		return false, q.notFull.wait()
	}
	q.items = append(q.items, v)
	q.unfinished++
	q.notEmpty.notify()
	return true, nil
}

// tryGet takes the first item unless the queue is empty; then it returns
// the channel that the next put closes.
func (q *queue) tryGet() (lua.LValue, bool, <-chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return nil, false, q.notEmpty.wait()
	}
	v := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	if len(q.items) == 0 {
		q.items = nil // let the backing array go
	}
	q.notFull.notify()
	return v, true, nil
}

func (q *queue) put(L *lua.LState, v lua.LValue, w *waitTimer) {
	defer w.stop()
	for {
		ok, notFull := q.tryPut(v)
		if ok {
			return
		}
		if w.expired {
			api.Raise(L, &api.Error{Kind: api.QueueFull})
		}
		park(L, notFull, w)
	}
}

func (q *queue) get(L *lua.LState, w *waitTimer) lua.LValue {
	defer w.stop()
	for {
		v, ok, notEmpty := q.tryGet()
		if ok {
			return v
		}
		if w.expired {
			api.Raise(L, &api.Error{Kind: api.QueueEmpty})
		}
		park(L, notEmpty, w)
	}
}

func queuePut(L *lua.LState) int {
	q := checkQueue(L, "put")
	if L.GetTop() < 2 {
		api.Function(L, "put").Error(1, "value expected")
	}
	q.put(L, L.Get(2), queueTimer(L, 3, "put"))
	return 0
}

func queueGet(L *lua.LState) int {
	q := checkQueue(L, "get")
	L.Push(q.get(L, queueTimer(L, 2, "get")))
	return 1
}

func queuePutNowait(L *lua.LState) int {
	q := checkQueue(L, "put_nowait")
	if L.GetTop() < 2 {
		api.Function(L, "put_nowait").Error(1, "value expected")
	}
	q.put(L, L.Get(2), newWaitTimer(0, true))
	return 0
}

func queueGetNowait(L *lua.LState) int {
	q := checkQueue(L, "get_nowait")
	L.Push(q.get(L, newWaitTimer(0, true)))
	return 1
}

func queueTaskDone(L *lua.LState) int {
	q := checkQueue(L, "task_done")
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.unfinished <= 0 {
		api.Raisef(L, api.ValueError, "task_done() called too many times")
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.allDone.notify()
	}
	return 0
}

func queueJoin(L *lua.LState) int {
	q := checkQueue(L, "join")
	w := newWaitTimer(0, false)
	for {
		q.mu.Lock()
		done := q.unfinished == 0
		var ch <-chan struct{}
		if !done {
			ch = q.allDone.wait()
		}
		q.mu.Unlock()
		if done {
			return 0
		}
		park(L, ch, w)
	}
}
