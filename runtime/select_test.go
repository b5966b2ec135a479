package runtime_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
)

func TestSelect(t *testing.T) {
	t.Parallel()
	out, stderr, err := run(t, `
		-- Lua's own select still works through the module table.
		print(select("#", 1, nil, 3), select(2, "a", "b"))
		local srv = socket.socket()
		srv:bind{"127.0.0.1", 0}; srv:listen()
		local r, w, x = select.select({srv}, {}, {}, 0)
		print("idle", #r, #w, #x)
		local c = socket.socket(); c:connect(srv:getsockname())
		r, w = select.select({srv}, {c}, {}, 5)
		print("pending accept", #r, r[1] == srv, "writable", #w, w[1] == c)
		local conn = srv:accept()
		local t0 = time.monotonic()
		r = select.select({conn}, {}, {}, 0.05)
		print("timeout", #r, time.monotonic() - t0 >= 0.05)
		c:send("line1\nline2\n")
		r = select.select({conn}, {}, {})
		print("data", #r, conn:recv_until("\n"))
		-- line2 was read ahead by recv_until: it counts as readable, and
		-- as nothing else.
		local x
		r, w, x = select.select({conn}, {}, {conn}, 5)
		print("read ahead", #r, #x, conn:recv(100))
		c:close()
		r = select.select({conn}, {}, {}, 5)
		print("peer closed", #r, conn:recv(100) == "")
		conn:close()
		print(pcall(select.select, {conn}, {}, {}))
		print(pcall(select.select, {"nope"}, {}, {}))
		srv:close()`)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want := `3	b
idle	0	0	0
pending accept	1	true	writable	1	true
timeout	0	true
data	1	line1

read ahead	1	0	line2

peer closed	1	true
false	ValueError: file descriptor cannot be a negative integer (-1)
false	TypeError: argument must be an int, or have a fileno() method.
`
	if out != want {
		t.Errorf("printed\n%s\nwant\n%s", out, want)
	}
}

func TestSelectIsInterruptible(t *testing.T) {
	t.Parallel()
	ready := newSyncBuffer("waiting")
	rt := runtime.New(runtime.Options{Stdout: ready, Stderr: &bytes.Buffer{}})
	defer rt.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- rt.RunString(ctx, "sel.lua", `
			local u = socket.socket{type = socket.SOCK_DGRAM}
			u:bind{"127.0.0.1", 0}
			threading.Thread{target = function() print("waiting") end}:start()
			select.select({u}, {}, {})`)
	}()
	select {
	case <-ready.seen:
	case <-time.After(10 * time.Second):
		t.Fatal("script did not start")
	}
	cancel()
	select {
	case err := <-done:
		if serr := scriptError(t, err); serr.Kind != api.KeyboardInterrupt {
			t.Errorf("got %v, want KeyboardInterrupt", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("select was not interrupted")
	}
}

// select lets other threads run while it waits.
func TestSelectReleasesTheLock(t *testing.T) {
	t.Parallel()
	out, stderr, err := run(t, `
		local a, b = socket.socketpair()
		threading.Thread{target = function() time.sleep(0.01); b:send("x") end}:start()
		local r = select.select({a}, {}, {}, 5)
		print(#r, a:recv(1))`)
	if err != nil || strings.TrimSpace(out) != "1\tx" {
		t.Errorf("got %q, %v\n%s", out, err, stderr)
	}
}
