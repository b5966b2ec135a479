package bindings

import (
	"context"
	"time"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

var selectModule = api.Module{
	Name: "select",
	Doc: `Python's select module: wait until sockets are ready. The module table is
also callable as Lua's own select("#", ...) / select(n, ...), which it
replaces as a global, so that Lua idiom keeps working.`,
	Funcs: []api.Func{
		{Name: "select", Doc: `select.select(rlist, wlist, xlist [, timeout]) -> rready, wready, xready
Waits until some of the sockets in rlist can be read (data, a connection to
accept, or the peer closed), some in wlist can be written, or some in xlist
have an exceptional condition; returns the ready ones as three lists of the
same objects. timeout nil waits for ever, 0 polls. io.stdin may be in rlist
when standard input is a terminal, pipe or file. Other threads run while it
waits.
Python: rready, wready, xready = select.select(rlist, wlist, xlist[, timeout])`, Fn: selectSelect},
	},
	Init: func(L *lua.LState, mod *lua.LTable) {
		// Keep Lua's select callable through the module table.
		if orig, ok := L.GetGlobal("select").(*lua.LFunction); ok {
			mt := L.NewTable()
			mt.RawSetString("__call", L.NewFunction(func(L *lua.LState) int {
				L.Remove(1) // the module table itself
				L.Insert(orig, 1)
				L.Call(L.GetTop()-1, lua.MultRet)
				return L.GetTop()
			}))
			L.SetMetatable(mod, mt)
		}
	},
}

// pollItem is one object of a select list with the descriptor it stands for.
type pollItem struct {
	value    lua.LValue
	fd       int
	buffered bool // data already read ahead: ready without asking the kernel
}

// checkSelectList reads one of select's lists: sockets, io.stdin, or
// numbers (descriptors, as Python accepts).
func checkSelectList(L *lua.LState, n int) []pollItem {
	var items []pollItem
	switch t := L.Get(n).(type) {
	case *lua.LTable:
		stdin := L.GetField(L.GetGlobal("io"), "stdin")
		for i := 1; i <= t.Len(); i++ {
			v := t.RawGetInt(i)
			item := pollItem{value: v, fd: -1}
			switch x := v.(type) {
			case *lua.LUserData:
				if s, ok := x.Value.(*sock); ok {
					if s.closed() {
						api.Raisef(L, api.ValueError, "file descriptor cannot be a negative integer (-1)")
					}
					item.fd, item.buffered = s.fd, len(s.rbuf) > 0
				} else if v == stdin {
					item.fd = api.HostOf(L).StdinFD()
					if item.fd < 0 {
						api.Raisef(L, api.ValueError, "standard input is not a file here: select cannot wait on it")
					}
				}
			case lua.LNumber:
				item.fd = int(x)
			}
			if item.fd < 0 {
				api.Raisef(L, api.TypeError, "argument must be an int, or have a fileno() method.")
			}
			items = append(items, item)
		}
	default:
		api.Function(L, "select").Error(n, "table expected, got "+api.TypeNameAt(L, n))
	}
	return items
}

func selectSelect(L *lua.LState) int {
	lists := [3][]pollItem{checkSelectList(L, 1), checkSelectList(L, 2), checkSelectList(L, 3)}
	timeout := noTimeout
	if L.GetTop() >= 4 && L.Get(4) != lua.LNil {
		timeout = checkTimeout(L, 4, "select")
	}
	events := [3]int16{unix.POLLIN, unix.POLLOUT, unix.POLLPRI}
	var fds []unix.PollFd
	anyBuffered := false
	for li, items := range lists {
		for _, it := range items {
			fds = append(fds, unix.PollFd{Fd: int32(it.fd), Events: events[li]})
			anyBuffered = anyBuffered || it.buffered
		}
	}
	if anyBuffered {
		timeout = 0 // something is ready already: just look at the rest
	}
	err := pollFds(L, fds, timeout)
	if err != nil {
		api.RaiseErr(L, err)
	}
	k := 0
	for li, items := range lists {
		ready := L.CreateTable(len(items), 0) // NewTable's default is 32 slots
		for _, it := range items {
			re := fds[k].Revents
			k++
			// Data read ahead makes a socket readable, nothing else.
			if it.buffered && li == 0 || re&(events[li]|unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 && (li != 2 || re&unix.POLLPRI != 0) {
				ready.Append(it.value)
			}
		}
		L.Push(ready)
	}
	return 3
}

// pollFds waits in poll(2) with the interpreter lock released. An eventfd
// added to the set lets the context's cancellation wake it.
func pollFds(L *lua.LState, fds []unix.PollFd, timeout time.Duration) error {
	ms := -1
	if timeout >= 0 {
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	// Something is often ready already (a select loop serving busy
	// sockets): look first, and set up the wake-up only to wait.
	if n, err := unix.Poll(fds, 0); ms == 0 || n > 0 || (err != nil && err != unix.EINTR) {
		return err
	}
	ctx := api.HostOf(L).Context(L)
	if ctx == nil {
		ctx = context.Background()
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return err
	}
	defer unix.Close(wake)
	all := append(fds[:len(fds):len(fds)], unix.PollFd{Fd: int32(wake), Events: unix.POLLIN})
	woken := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(woken)
		unix.Write(wake, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	})
	defer func() {
		if !stop() {
			<-woken
		}
	}()
	api.HostOf(L).Unlocked(func() {
		deadline := time.Now().Add(timeout)
		for {
			_, err = unix.Poll(all, ms)
			if err != unix.EINTR {
				return
			}
			if timeout >= 0 {
				ms = max(0, int(time.Until(deadline)/time.Millisecond))
			}
		}
	})
	copy(fds, all) // the revents
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
