package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
	"go.uber.org/goleak"
)

// syncBuffer is a bytes.Buffer safe for a test to read while a script
// writes, with a signal when a given text first appears.
type syncBuffer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
}

func newSyncBuffer(want string) *syncBuffer {
	return &syncBuffer{want: want, seen: make(chan struct{})}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if b.want != "" && strings.Contains(b.buf.String(), b.want) {
		b.want = ""
		close(b.seen)
	}
	return n, err
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// run runs src in a fresh runtime and returns its stdout, stderr and error.
func run(t *testing.T, src string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	rt := runtime.New(runtime.Options{Stdout: &out, Stderr: &errOut, Args: args, Stdin: strings.NewReader("")})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := rt.RunString(ctx, "test.lua", src)
	return out.String(), errOut.String(), err
}

func scriptError(t *testing.T, err error) *runtime.ScriptError {
	t.Helper()
	var serr *runtime.ScriptError
	if !errors.As(err, &serr) {
		t.Fatalf("error %v (%T) is not a *runtime.ScriptError", err, err)
	}
	return serr
}

// gopher-lua v1.1.2 bug #448: pcall catching an error closed the upvalues
// of every frame, so closures stopped sharing their enclosing locals.
func TestPcallKeepsUpvaluesShared(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, src, want string }{
		{"pcall error", `local n=0; local function f() n=n+1 end; pcall(error,"x"); f(); print(n)`, "1"},
		{"xpcall error", `local n=0; local function f() n=n+1 end; xpcall(error, function(e) return e end, "x"); f(); print(n)`, "1"},
		{"nested pcall", `local n=0; local function f() n=n+1 end
			pcall(function() pcall(error, "inner"); f(); error("outer") end); f(); print(n)`, "2"},
		{"binding error", `local n=0; local function f() n=n+1 end
			local sk = socket.socket(); pcall(sk.connect, sk, {"127.0.0.1", 1}); sk:close(); f(); print(n)`, "1"},
		{"closure escaping a failed call", `local get
			pcall(function() local x = 41; get = function() x = x + 1; return x end; error("boom") end)
			pcall(function() local y = 7; error("again") end)
			print(get(), get())`, "42\t43"},
		{"closure escaping a call failed under xpcall", `local get
			xpcall(function() local x = 41; get = function() x = x + 1; return x end; error("boom") end, function(e) return e end)
			xpcall(function() local y = 7; error("again", 0) end, print)
			print(get(), get())`, "again\n42\t43"},
		{"closure escaping a successful call", `local get
			pcall(function() local x = 1; get = function() return x end end)
			pcall(function() local y = 99; return y end)
			print(get())`, "1"},
		{"loop of pcalls", `local n=0; local function f() n=n+1 end
			for i = 1, 100 do pcall(error, i); f() end; print(n)`, "100"},
		// A protected call's state starts small and grows its registry:
		// open upvalues refer to slots by index and survive the move.
		{"registry growing under pcall", `local get
			local t = {}; for i = 1, 5000 do t[i] = i end
			print(pcall(function()
				local x = 1; get = function() x = x + 1; return x end
				local n = select("#", unpack(t))
				get()
				error(n + x, 0)
			end))
			print(get())`, "false\t5002\n3"},
		{"deep recursion under pcall", `local n=0; local function f() n=n+1 end
			local function deep(k) if k == 0 then f(); error("bottom") end return 1 + deep(k - 1) end
			print(pcall(deep, 500)); f(); print(n)`, "false\ttest.lua:2: bottom\n2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, err := run(t, c.src)
			if err != nil {
				t.Fatalf("error: %v\n%s", err, stderr)
			}
			if got := strings.TrimSpace(out); got != c.want {
				t.Errorf("printed %q, want %q", got, c.want)
			}
		})
	}
}

func TestPcallResults(t *testing.T) {
	t.Parallel()
	out, stderr, err := run(t, `
		print(pcall(function(a, b) return a + b, "x" end, 1, 2))
		print(pcall(error, "msg", 0))
		local ok, e = pcall(error, {code = 7}); print(ok, e.code)
		print(select("#", pcall(function() end)))
		print(xpcall(function() error("deep", 0) end, function(m) return "handled: " .. m end))
		print(pcall())`)
	if err == nil {
		t.Fatalf("pcall() with no argument should fail; out:\n%s", out)
	}
	want := "true\t3\tx\nfalse\tmsg\nfalse\t7\n1\nfalse\thandled: deep\n"
	if out != want {
		t.Errorf("printed\n%s\nwant\n%s\nstderr: %s", out, want, stderr)
	}
}

func TestErrorLevels(t *testing.T) {
	t.Parallel()
	out, stderr, err := run(t, `local function f(level) error("bad", level) end
print(select(2, pcall(f, 1)))
print(select(2, pcall(f, 2)))
print(select(2, pcall(function() f(2) end)))
print(select(2, pcall(f, 0)))
print(select(2, pcall(error, "plain")))
print(select(2, pcall(error, {kind = "x"})).kind)`)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want := "test.lua:1: bad\nbad\ntest.lua:4: bad\nbad\nplain\nx\n"
	if out != want {
		t.Errorf("printed\n%s\nwant\n%s", out, want)
	}
}

func TestUncaughtErrorTraceback(t *testing.T) {
	t.Parallel()
	_, _, err := run(t, "local sk = socket.socket()\nlocal function dial()\n  sk:connect({'127.0.0.1', 1})\nend\ndial()\n")
	serr := scriptError(t, err)
	if serr.Kind != api.ConnectionRefusedError || serr.Errno != 111 {
		t.Fatalf("got %s errno %d, want ConnectionRefusedError 111", serr.Kind, serr.Errno)
	}
	if serr.Where != "test.lua:3" {
		t.Errorf("Where = %q, want test.lua:3", serr.Where)
	}
	tb := serr.Traceback()
	for _, want := range []string{
		"Traceback (most recent call last):",
		"test.lua:5: in main chunk",
		"test.lua:3: in function 'dial'",
		"sk:connect({'127.0.0.1', 1})",
		"ConnectionRefusedError: [Errno 111] Connection refused\n",
	} {
		if !strings.Contains(tb, want) {
			t.Errorf("traceback lacks %q:\n%s", want, tb)
		}
	}
	if strings.Index(tb, "main chunk") > strings.Index(tb, "function 'dial'") {
		t.Errorf("traceback is not outermost first:\n%s", tb)
	}
}

func TestErrorObjectUnderPcall(t *testing.T) {
	t.Parallel()
	out, stderr, err := run(t, `
		local sk = socket.socket()
		local ok, e = pcall(sk.connect, sk, {"127.0.0.1", 1})
		print(ok, e.kind, e.errno, e.message, e.where)
		print(tostring(e))
		print("error: " .. e)`)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want := "false\tConnectionRefusedError\t111\tConnection refused\ttest.lua:3\n" +
		"ConnectionRefusedError: [Errno 111] Connection refused\n" +
		"error: ConnectionRefusedError: [Errno 111] Connection refused\n"
	if out != want {
		t.Errorf("printed\n%s\nwant\n%s", out, want)
	}
}

func TestOsExit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src  string
		code int
	}{
		{"os.exit(3)", 3},
		{"os.exit()", 0},
		{"os.exit(false)", 1},
		{"pcall(os.exit, 4); print('not reached')", 4},
		{"pcall(function() os.exit(5) end); print('not reached')", 5},
	}
	for _, c := range cases {
		out, _, err := run(t, c.src)
		serr := scriptError(t, err)
		if serr.Kind != api.SystemExit || serr.Code != c.code {
			t.Errorf("%s: got %s code %d, want SystemExit %d", c.src, serr.Kind, serr.Code, c.code)
		}
		if strings.Contains(out, "not reached") {
			t.Errorf("%s: pcall caught SystemExit", c.src)
		}
	}
}

// TIME_WAIT: a port whose previous server closed first refuses bind with
// errno 98 unless both the old and the new socket set SO_REUSEADDR.
func TestTimeWaitNeedsReuseAddrOnBothSides(t *testing.T) {
	t.Parallel()
	src := `
		local old_reuse, new_reuse = arg[1] == "1", arg[2] == "1"
		local srv = socket.socket()
		if old_reuse then srv:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) end
		srv:bind{"127.0.0.1", 0}
		srv:listen()
		local port = srv:getsockname().port
		local cli = socket.socket()
		cli:connect{"127.0.0.1", port}
		local conn = srv:accept()
		conn:close()             -- the server closes first: its side goes to TIME_WAIT
		assert(cli:recv(10) == "")
		cli:close()
		srv:close()
		local again = socket.socket()
		if new_reuse then again:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) end
		local ok, e = pcall(again.bind, again, {"127.0.0.1", port})
		if ok then print("bound") else print(e.kind, e.errno, e.message) end`
	cases := []struct{ old, new, want string }{
		{"0", "0", "OSError\t98\tAddress already in use"},
		{"0", "1", "OSError\t98\tAddress already in use"},
		{"1", "0", "OSError\t98\tAddress already in use"},
		{"1", "1", "bound"},
	}
	for _, c := range cases {
		out, stderr, err := run(t, src, c.old, c.new)
		if err != nil {
			t.Fatalf("old=%s new=%s: %v\n%s", c.old, c.new, err, stderr)
		}
		if got := strings.TrimSpace(out); got != c.want {
			t.Errorf("SO_REUSEADDR old=%s new=%s: got %q, want %q", c.old, c.new, got, c.want)
		}
	}
}

// listen(n) gives the kernel backlog n: ss shows it as the Send-Q of a
// listening socket.
func TestListenBacklogReachesKernel(t *testing.T) {
	t.Parallel()
	ss, err := exec.LookPath("ss")
	if err != nil {
		t.Skip("ss (iproute2) is not installed")
	}
	for _, backlog := range []int{1, 5, 37} {
		ready := newSyncBuffer("listening ")
		rt := runtime.New(runtime.Options{Stdout: ready, Args: []string{strconv.Itoa(backlog)}})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- rt.RunString(ctx, "backlog.lua", `
				local sk = socket.socket()
				sk:bind{"127.0.0.1", 0}
				sk:listen(tonumber(arg[1]))
				print("listening " .. sk:getsockname().port)
				sk:accept()`)
		}()
		select {
		case <-ready.seen:
		case err := <-done:
			t.Fatalf("script ended early: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatal("script did not listen")
		}
		port := strings.TrimSpace(strings.TrimPrefix(ready.String(), "listening "))
		out, err := exec.Command(ss, "-ltnH", "sport = :"+port).Output()
		cancel()
		<-done
		rt.Close()
		if err != nil {
			t.Fatalf("ss: %v", err)
		}
		fields := strings.Fields(string(out))
		if len(fields) < 3 || fields[2] != strconv.Itoa(backlog) {
			t.Errorf("listen(%d): ss shows %q, want Send-Q %d", backlog, out, backlog)
		}
	}
}

func TestThreadBlockedInAcceptDoesNotStopMain(t *testing.T) {
	t.Parallel()
	out, stderr, err := run(t, `
		local srv = socket.socket()
		srv:bind{"127.0.0.1", 0}
		srv:listen()
		port = srv:getsockname().port
		got = nil
		local th = threading.Thread{target = function()
			local conn = srv:accept()        -- blocks this thread only
			got = conn:recv(100)             -- a global: threads share them
			conn:close()
		end}
		th:start()
		counter = 0
		for i = 1, 3 do time.sleep(0.01); counter = counter + 1 end
		print("main ran while the thread waited:", counter)
		local c = socket.socket()
		c:connect{"127.0.0.1", port}
		c:sendall("from main")
		th:join()
		c:close(); srv:close()
		print("thread got:", got)`)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want := "main ran while the thread waited:\t3\nthread got:\tfrom main\n"
	if out != want {
		t.Errorf("printed\n%s\nwant\n%s", out, want)
	}
}

func TestProgramWaitsForNonDaemonThreads(t *testing.T) {
	t.Parallel()
	out, stderr, err := run(t, `
		threading.Thread{target = function()
			time.sleep(0.1)
			print("worker done")
		end}:start()
		threading.Thread{daemon = true, target = function()
			local s = socket.socket{type = socket.SOCK_DGRAM}
			s:bind{"127.0.0.1", 0}
			s:recv(10)  -- never answered: daemons are stopped at the end
			print("daemon woke")
		end}:start()
		print("main done")`)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if out != "main done\nworker done\n" {
		t.Errorf("printed %q, want main done then worker done, and nothing from the daemon", out)
	}
}

// A thread goes on using the main chunk's locals after the main chunk
// failed: gopher-lua leaves upvalues open when a message handler is set,
// and the traceback handler must close them.
func TestThreadKeepsLocalsAfterMainError(t *testing.T) {
	t.Parallel()
	out, stderr, err := run(t, `
		local count, done = 0, threading.Event()
		threading.Thread{target = function()
			done:wait(5)
			count = count + 1
			print("thread sees", count)
		end}:start()
		local function fail() local inner = 1; error("main fails") end
		threading.Thread{target = function() done:set() end}:start()
		fail()`)
	if serr := scriptError(t, err); serr.Kind != api.LuaError || !strings.Contains(serr.Message, "main fails") {
		t.Errorf("got %v", err)
	}
	if out != "thread sees\t1\n" || stderr != "" {
		t.Errorf("printed %q, stderr %q", out, stderr)
	}
}

// Threads run on states that start small, grow as needed, and are reused
// by later threads and protected calls: each use starts clean, with its
// own name and environment.
func TestThreadStates(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, src, want string }{
		{"registry growing in a thread", `local n = 0
			local t = threading.Thread{target = function()
				local x = 0
				local inc = function() x = x + 1 end
				inc()
				local big = {}; for i = 1, 3000 do big[i] = i end
				n = select("#", unpack(big)) + x
				inc()
				n = n + x
			end}
			t:start(); t:join(); print(n)`, "3003"},
		{"state reused after a failed thread", `local a = threading.Thread{name = "a", target = function() local x = 1; error("a fails") end}
			a:start(); a:join()
			local names = {}
			for i = 1, 3 do
				local t = threading.Thread{name = "t" .. i, target = function()
					names[#names + 1] = threading.current_thread().name
				end}
				t:start(); t:join()
			end
			print(table.concat(names, " "), threading.active_count())`, "t1 t2 t3\t1"},
		{"environment not carried to the next thread", `local a = threading.Thread{target = function() setfenv(0, {}) end}
			a:start(); a:join()
			local same
			local b = threading.Thread{target = function() same = getfenv(0) == _G end}
			b:start(); b:join()
			print(same)`, "true"},
		{"many threads at once", `local n, q = 0, queue.Queue()
			local ts = {}
			for i = 1, 200 do
				ts[i] = threading.Thread{target = function() local v = q:get(); n = n + v end}
				ts[i]:start()
			end
			for i = 1, 200 do q:put(i) end
			for i = 1, 200 do ts[i]:join() end
			print(n, threading.active_count())`, "20100\t1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := run(t, c.src)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if got := strings.TrimSpace(out); got != c.want {
				t.Errorf("printed %q, want %q", got, c.want)
			}
		})
	}
}

func TestExceptionInThreadDoesNotStopOthers(t *testing.T) {
	t.Parallel()
	out, stderr, err := run(t, `
		local t1 = threading.Thread{name = "bad", target = function() error("oops") end}
		t1:start()
		t1:join()
		print("main goes on", t1:is_alive())`)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if out != "main goes on\tfalse\n" {
		t.Errorf("printed %q", out)
	}
	if !strings.Contains(stderr, "Exception in thread bad:") || !strings.Contains(stderr, "test.lua:2: oops") {
		t.Errorf("stderr lacks the thread's traceback:\n%s", stderr)
	}
}

func TestCancelInterruptsPureLuaLoop(t *testing.T) {
	t.Parallel()
	rt := runtime.New(runtime.Options{Stdout: &bytes.Buffer{}})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := rt.RunString(ctx, "loop.lua", `local i = 0; while true do i = i + 1; pcall(function() end) end`)
	if serr := scriptError(t, err); serr.Kind != api.KeyboardInterrupt {
		t.Fatalf("got %v, want KeyboardInterrupt", err)
	}
}

func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(entries)
}

// Cancelling the context ends a script blocked in recv, in the main thread
// and in a thread, leaving no goroutine and no descriptor behind.
func TestCancelBlockedRecvLeavesNothing(t *testing.T) {
	// Not parallel: it counts the process's goroutines and descriptors.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	before := openFDs(t)
	ready := newSyncBuffer("blocked")
	rt := runtime.New(runtime.Options{Stdout: ready, Stderr: &bytes.Buffer{}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- rt.RunString(ctx, "recv.lua", `
			local srv = socket.socket()
			srv:bind{"127.0.0.1", 0}
			srv:listen()
			local c = socket.socket()
			c:connect(srv:getsockname())
			local conn = srv:accept()
			threading.Thread{target = function() c:recv(10) end}:start()
			print("blocked")
			conn:recv(1024)`)
	}()
	select {
	case <-ready.seen:
	case err := <-done:
		t.Fatalf("script ended early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("script never blocked")
	}
	start := time.Now()
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Second):
		t.Fatal("the script did not end within a second of the cancellation")
	}
	t.Logf("ended %v after the cancellation", time.Since(start))
	if serr := scriptError(t, err); serr.Kind != api.KeyboardInterrupt {
		t.Errorf("got %v, want KeyboardInterrupt", err)
	}
	rt.Close()
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open before, %d after", before, after)
	}
}

func TestInputReadsLinesThenEOF(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	rt := runtime.New(runtime.Options{Stdout: &out, Stdin: strings.NewReader("first\nsecond")})
	defer rt.Close()
	err := rt.RunString(context.Background(), "in.lua", `
		print(input("? "))
		print(input())
		local ok, e = pcall(input)
		print(e.kind, e.message)`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "? first\nsecond\nEOFError\tEOF when reading a line\n"; out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
}

func TestRuntimesSideBySide(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, _, err := run(t, `x = (x or 0) + tonumber(arg[1]); time.sleep(0.01); print(x)`, strconv.Itoa(i))
			if err == nil && strings.TrimSpace(out) != strconv.Itoa(i) {
				err = errors.New("globals leaked between runtimes: " + out)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
