package runtime

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// A Go panic inside a binding becomes a Lua error: catchable with pcall,
// and printed without a Go stack trace when uncaught.
func TestPanicInBindingBecomesLuaError(t *testing.T) {
	var out, errOut bytes.Buffer
	rt := New(Options{Stdout: &out, Stderr: &errOut})
	defer rt.Close()
	rt.ls.SetGlobal("boom", rt.ls.NewFunction(api.Protect("boom", func(L *lua.LState) int {
		var m map[string]int
		//lint:ignore SA5000 the test panics on purpose
		m["x"] = 1 // a nil-map write: a runtime panic
		return 0
	})))
	err := rt.RunString(context.Background(), "p.lua", `
		local ok, e = pcall(boom)
		print(ok, e.kind)
		boom()`)
	var serr *ScriptError
	if !errors.As(err, &serr) {
		t.Fatalf("got %v, want a ScriptError", err)
	}
	if out.String() != "false\tSystemError\n" {
		t.Errorf("pcall(boom) printed %q", out.String())
	}
	if serr.Kind != api.SystemError || !strings.Contains(serr.Message, "nil map") {
		t.Errorf("uncaught: %s: %s", serr.Kind, serr.Message)
	}
	if tb := serr.Traceback(); strings.Contains(tb, "goroutine") || strings.Contains(tb, ".go:") {
		t.Errorf("a Go stack trace reached the user:\n%s", tb)
	}
}

func TestLimits(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		src  string
		want string
	}{
		{"sockets", Options{MaxSockets: 2}, `
			local a, b = socket.socket(), socket.socket()
			local ok, e = pcall(socket.socket)
			print(e.kind, e.errno)
			a:close()
			print(pcall(socket.socket))`, "OSError\t24\ntrue\t<socket fd="},
		{"threads", Options{MaxThreads: 1}, `
			local ev = socket.socket{type = socket.SOCK_DGRAM}
			ev:bind{"127.0.0.1", 0}
			local t1 = threading.Thread{target = function() ev:recv(1) end}
			t1:start()
			local ok, e = pcall(threading.Thread{target = print}.start, threading.Thread{target = print})
			print(e.kind, e.message)
			local c = socket.socket{type = socket.SOCK_DGRAM}
			c:sendto("x", ev:getsockname())
			t1:join()`, "RuntimeError\tcan't start new thread"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		c.opts.Stdout = &out
		rt := New(c.opts)
		err := rt.RunString(context.Background(), "limits.lua", c.src)
		rt.Close()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if !strings.HasPrefix(out.String(), c.want) {
			t.Errorf("%s: printed %q, want prefix %q", c.name, out.String(), c.want)
		}
	}
}
