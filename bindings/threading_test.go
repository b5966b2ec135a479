package bindings_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socklab/socklab/bindings"
	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
	"go.uber.org/goleak"
)

func TestThreadingScripts(t *testing.T) { runLuaTestdata(t, "threading") }

func TestQueueScripts(t *testing.T) { runLuaTestdata(t, "queue") }

// readyWriter signals when a line reading exactly "blocked" is written.
type readyWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	once  sync.Once
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), "blocked\n") {
		w.once.Do(func() { close(w.ready) })
	}
	return n, err
}

func (w *readyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// A script blocked in a lock, event or queue wait ends with
// KeyboardInterrupt within a second of its context being cancelled.
//
// Readiness without sleeping: each script starts a thread that prints
// "blocked", then makes the blocking call. A new thread runs only once the
// interpreter lock is free, and the blocking call is what frees it, so
// the print means the wait has begun.
func TestThreadingBlockedWaitsEndOnCancel(t *testing.T) {
	// Not parallel: it checks that no goroutine is left behind.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const announce = `threading.Thread{daemon = true, target = function() print("blocked") end}:start()`
	cases := []struct {
		name, setup, call string
	}{
		{"queue get", `local q = queue.Queue()`, `q:get()`},
		{"queue get with timeout", `local q = queue.Queue()`, `q:get(true, 3600)`},
		{"queue put on a full queue", `local q = queue.Queue(1); q:put(1)`, `q:put(2)`},
		{"queue join", `local q = queue.Queue(); q:put(1)`, `q:join()`},
		{"event wait", `local ev = threading.Event()`, `ev:wait()`},
		{"event wait with timeout", `local ev = threading.Event()`, `ev:wait(3600)`},
		{"lock acquire", `local lk = threading.Lock(); lk:acquire()`, `lk:acquire()`},
		{"lock acquire with timeout", `local lk = threading.Lock(); lk:acquire()`, `lk:acquire(true, 3600)`},
		{"under pcall", `local q = queue.Queue()`, `local ok, e = pcall(q.get, q); q:get()`},
		{"in a thread", `local q = queue.Queue()
			local th = threading.Thread{target = function() print("blocked"); q:get() end}
			th:start()`, `th:join()`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := &readyWriter{ready: make(chan struct{})}
			var stderr bytes.Buffer
			rt := runtime.New(runtime.Options{Stdin: strings.NewReader(""), Stdout: out, Stderr: &stderr})
			stuck := false
			defer func() {
				if !stuck { // Close would wait for the stuck script for ever
					rt.Close()
				}
			}()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			src := c.setup + "\n"
			if c.name != "in a thread" {
				src += announce + "\n"
			}
			callLine := strings.Count(src, "\n") + 1
			src += c.call + "\n"
			done := make(chan error, 1)
			go func() { done <- rt.RunString(ctx, "wait.lua", src) }()
			select {
			case <-out.ready:
			case err := <-done:
				t.Fatalf("the script ended before blocking: %v\n%s", err, stderr.String())
			case <-time.After(10 * time.Second):
				stuck = true
				t.Fatal("the script never blocked")
			}
			start := time.Now()
			cancel()
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Second):
				stuck = true
				t.Fatal("the script did not end within a second of the cancellation")
			}
			var serr *runtime.ScriptError
			if !errors.As(err, &serr) || serr.Kind != api.KeyboardInterrupt {
				t.Fatalf("got %v, want KeyboardInterrupt", err)
			}
			if want := "wait.lua:" + strconv.Itoa(callLine); serr.Where != want {
				t.Errorf("raised at %q, want %q (the blocking call)", serr.Where, want)
			}
			if stderr.Len() > 0 {
				t.Errorf("stderr:\n%s", stderr.String())
			}
			t.Logf("ended %v after the cancellation", time.Since(start).Round(time.Microsecond))
		})
	}
}

// Every function and method of json, queue, threading.Lock and
// threading.Event documents itself: the Lua signature first, a sentence,
// then the Python equivalent.
func TestThreadingQueueJSONDocs(t *testing.T) {
	t.Parallel()
	check := func(owner string, f api.Func) {
		lines := strings.Split(f.Doc, "\n")
		if len(lines) < 3 {
			t.Errorf("%s.%s: doc has %d lines, want signature, text, Python:", owner, f.Name, len(lines))
			return
		}
		if !strings.Contains(lines[0], f.Name+"(") {
			t.Errorf("%s.%s: first doc line %q is not its signature", owner, f.Name, lines[0])
		}
		if !strings.HasPrefix(lines[len(lines)-1], "Python: ") {
			t.Errorf("%s.%s: last doc line %q is not the Python equivalent", owner, f.Name, lines[len(lines)-1])
		}
	}
	mine := map[string]bool{"json": true, "queue": true, "threading.Lock": true, "threading.Event": true,
		"queue.Queue": true}
	for _, name := range []string{"json", "queue", "threading"} {
		m := bindings.Lookup(name)
		if m == nil {
			t.Fatalf("no module %s", name)
		}
		for _, f := range m.Funcs {
			if mine[name] || mine[name+"."+f.Name] {
				check(name, f)
			}
		}
		for _, typ := range m.Types {
			if !mine[typ.Name] {
				continue
			}
			if typ.Doc == "" {
				t.Errorf("type %s has no doc", typ.Name)
			}
			for _, f := range typ.Methods {
				check(typ.Name, f)
			}
		}
	}
	want := map[string]bool{"threading.Lock": false, "threading.Event": false, "queue.Queue": false}
	for _, name := range []string{"queue", "threading"} {
		for _, typ := range bindings.Lookup(name).Types {
			if _, ok := want[typ.Name]; ok {
				want[typ.Name] = true
			}
		}
	}
	for name, found := range want {
		if !found {
			t.Errorf("type %s is not registered", name)
		}
	}
}
