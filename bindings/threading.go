package bindings

import (
	"context"
	"time"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// ThreadType is the registry name of threading.Thread objects.
const ThreadType = "threading.Thread"

var threadingModule = api.Module{
	Name: "threading",
	Doc: `Python's threading module. Threads are real goroutines sharing the
globals; one runs Lua at a time (an interpreter lock, like CPython's GIL) and
they switch when one blocks (accept, recv, sleep, join, input...). Unlike
CPython, a thread that computes without blocking keeps the lock: call
time.sleep(0) in a long loop to let others run.`,
	Funcs: []api.Func{
		{Name: "Thread", Doc: `threading.Thread{target = f, args = {...}, name = s, daemon = bool} -> thread
A thread that will run f(table.unpack(args)) once started.
Python: threading.Thread(target=f, args=(...), name=None, daemon=None)`, Fn: threadNew},
		{Name: "current_thread", Doc: `threading.current_thread() -> thread
The thread that calls it.
Python: threading.current_thread()`, Fn: threadCurrent},
		{Name: "active_count", Doc: `threading.active_count() -> number
How many threads are alive, the main one included.
Python: threading.active_count()`, Fn: func(L *lua.LState) int {
			L.Push(lua.LNumber(api.HostOf(L).ActiveThreads()))
			return 1
		}},
		{Name: "Lock", Doc: `threading.Lock() -> lock
A new lock, unlocked: lk:acquire([blocking [, timeout]]), lk:release(),
lk:locked(). A thread waiting in acquire lets the others run.
Python: threading.Lock()`, Fn: lockNew},
		{Name: "Event", Doc: `threading.Event() -> event
A new event, its flag lowered: ev:set(), ev:clear(), ev:is_set(),
ev:wait([timeout]). A thread waiting in wait lets the others run.
Python: threading.Event()`, Fn: eventNew},
	},
	Types: []*api.Type{&threadType, &lockType, &eventType},
}

var threadType = api.Type{
	Name: ThreadType,
	Doc:  "A thread object, as Python's threading.Thread.",
	Methods: []api.Func{
		{Name: "start", Doc: `t:start()
Starts the thread; it runs when the caller next blocks.
Python: t.start()`, Fn: threadStart},
		{Name: "join", Doc: `t:join([timeout]) -> nil
Waits until the thread ends, or timeout seconds pass.
Python: t.join(timeout=None)`, Fn: threadJoin},
		{Name: "is_alive", Doc: `t:is_alive() -> boolean
Python: t.is_alive()`, Fn: func(L *lua.LState) int {
			t := checkThread(L, "is_alive")
			L.Push(lua.LBool(t.running != nil && t.running.Alive()))
			return 1
		}},
	},
	Meta: map[string]lua.LGFunction{
		"__index":    threadField,
		"__newindex": threadSetField,
		"__tostring": threadTostring,
	},
	Fields: []string{"name", "daemon", "ident"},
}

// luaThread is a threading.Thread: its spec until started, then the
// running thread.
type luaThread struct {
	spec    api.ThreadSpec
	running api.Thread
}

func checkThread(L *lua.LState, fname string) *luaThread {
	return api.Self[*luaThread](L, fname, "thread")
}

func threadValue(L *lua.LState, t *luaThread) *lua.LUserData {
	return newObject(L, ThreadType, t)
}

func threadNew(L *lua.LState) int {
	opts := api.Function(L, "Thread").Table(1)
	t := &luaThread{}
	switch fn := opts.RawGetString("target").(type) {
	case *lua.LFunction:
		t.spec.Fn = fn
	case *lua.LNilType:
		// Python allows no target: the thread does nothing.
		t.spec.Fn = L.NewFunction(func(*lua.LState) int { return 0 })
	default:
		api.Raisef(L, api.TypeError, "target must be a function, not %s", fn.Type())
	}
	if args, ok := opts.RawGetString("args").(*lua.LTable); ok {
		for i := 1; i <= args.Len(); i++ {
			t.spec.Args = append(t.spec.Args, args.RawGetInt(i))
		}
	}
	t.spec.Name = lua.LVAsString(opts.RawGetString("name"))
	t.spec.Daemon = lua.LVAsBool(opts.RawGetString("daemon"))
	if opts.RawGetString("daemon") == lua.LNil {
		// A thread inherits daemon-ness from the thread that makes it.
		t.spec.Daemon = api.HostOf(L).CurrentThread(L).Daemon()
	}
	L.Push(threadValue(L, t))
	return 1
}

func threadStart(L *lua.LState) int {
	t := checkThread(L, "start")
	if t.running != nil {
		api.Raisef(L, api.RuntimeError, "threads can only be started once")
	}
	running, err := api.HostOf(L).StartThread(L, t.spec)
	if err != nil {
		api.RaiseErr(L, err)
	}
	t.running = running
	return 0
}

func threadJoin(L *lua.LState) int {
	t := checkThread(L, "join")
	if t.running == nil {
		api.Raisef(L, api.RuntimeError, "cannot join thread before it is started")
	}
	h := api.HostOf(L)
	if h.CurrentThread(L) == t.running {
		api.Raisef(L, api.RuntimeError, "cannot join current thread")
	}
	var timer <-chan time.Time
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		d := checkTimeout(L, 2, "join")
		tm := time.NewTimer(d)
		defer tm.Stop()
		timer = tm.C
	}
	ctx := api.HostOf(L).Context(L)
	if ctx == nil {
		ctx = context.Background()
	}
	var err error
	h.Unlocked(func() {
		select {
		case <-t.running.Done():
		case <-timer:
		case <-ctx.Done():
			err = ctx.Err()
		}
	})
	if err != nil {
		api.RaiseErr(L, err)
	}
	return 0
}

func threadCurrent(L *lua.LState) int {
	cur := api.HostOf(L).CurrentThread(L)
	L.Push(threadValue(L, &luaThread{spec: api.ThreadSpec{Name: cur.Name(), Daemon: cur.Daemon()}, running: cur}))
	return 1
}

func (t *luaThread) name() string {
	if t.running != nil {
		return t.running.Name()
	}
	return t.spec.Name
}

func threadField(L *lua.LState) int {
	t := L.CheckUserData(1).Value.(*luaThread)
	switch L.CheckString(2) {
	case "name":
		L.Push(lua.LString(t.name()))
	case "daemon":
		L.Push(lua.LBool(t.spec.Daemon))
	case "ident":
		if t.running == nil {
			L.Push(lua.LNil)
		} else {
			L.Push(lua.LNumber(t.running.Ident()))
		}
	default:
		L.Push(lua.LNil)
	}
	return 1
}

func threadSetField(L *lua.LState) int {
	t := L.CheckUserData(1).Value.(*luaThread)
	switch L.CheckString(2) {
	case "name":
		t.spec.Name = L.CheckString(3)
	case "daemon":
		if t.running != nil {
			api.Raisef(L, api.RuntimeError, "cannot set daemon status of active thread")
		}
		t.spec.Daemon = L.ToBool(3)
	default:
		api.Raisef(L, api.AttributeError, "'Thread' object has no attribute '%s'", L.CheckString(2))
	}
	return 0
}

func threadTostring(L *lua.LState) int {
	t := L.CheckUserData(1).Value.(*luaThread)
	state := "initial"
	if t.running != nil {
		state = "started"
		if !t.running.Alive() {
			state = "stopped"
		}
	}
	if t.spec.Daemon {
		state += " daemon"
	}
	L.Push(lua.LString("<Thread(" + t.name() + ", " + state + ")>"))
	return 1
}
