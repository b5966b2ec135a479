package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test start this binary as socklab itself: with
// SOCKLAB_AS_MAIN=1 the test binary runs main().
func TestMain(m *testing.M) {
	if os.Getenv("SOCKLAB_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// socklab runs the CLI in-process.
func socklab(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code = run(ctx, args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeScript(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "script.lua")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExitStatuses(t *testing.T) {
	t.Parallel()
	refused := writeScript(t, "local sk = socket.socket()\nsk:connect({'127.0.0.1', 1})\n")
	cases := []struct {
		name       string
		args       []string
		code       int
		wantStdout string
		wantStderr []string
	}{
		{"ok", []string{"-e", "print('hi')"}, 0, "hi\n", nil},
		{"empty code", []string{"-e", ""}, 0, "", nil},
		{"refused", []string{"run", refused}, 1, "", []string{
			"ConnectionRefusedError: [Errno 111] Connection refused", refused + ":2"}},
		{"bare file", []string{refused}, 1, "", []string{"ConnectionRefusedError"}},
		{"os.exit", []string{"-e", "os.exit(7)"}, 7, "", nil},
		{"lua error", []string{"-e", "error('boom')"}, 1, "", []string{"boom"}},
		{"syntax error", []string{"-e", "x = = 1"}, 1, "", []string{"(command line)"}},
		{"timeout", []string{"--timeout", "100ms", "-e", "time.sleep(10)"}, 124, "", []string{"timed out after 100ms"}},
		{"timeout after command", []string{"run", "--timeout", "100ms", "-e", "while true do end"}, 124, "", nil},
		{"unknown command", []string{"frobnicate"}, 2, "", []string{"unknown command"}},
		{"bad flag", []string{"--nope"}, 2, "", nil},
		{"help", []string{"--help"}, 0, "", []string{"usage: socklab", "demo"}},
		{"run help", []string{"run", "--help"}, 0, "", []string{"usage: socklab run"}},
		{"missing file", []string{"run", "nope.lua"}, 1, "", []string{"nope.lua"}},
		{"args", []string{"-e", "print(arg[1], #arg)", "a", "b"}, 0, "a\t2\n", nil},
		{"stdin script", []string{"run", "-", "x"}, 0, "from stdin\tx\n", nil},
		{"policy", []string{"--allow", "10.0.0.0/8", "-e", "socket.socket():connect({'127.0.0.1', 1})"}, 1, "", []string{"PermissionError"}},
		{"bad policy", []string{"--allow", "nonsense", "-e", "print(1)"}, 2, "", []string{"--allow"}},
		{"trace", []string{"--trace", "-e", "local a, b = socket.socketpair(); a:send('hi'); b:recv(10); socket.socket():connect({'127.0.0.1', 1})"}, 1, "", []string{
			"send(2 bytes) -> 2", "recv(10) -> 2 bytes", "socket(AF_INET, SOCK_STREAM, 0)",
			"connect(('127.0.0.1', 1)) -> ConnectionRefusedError: [Errno 111] Connection refused"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdin := ""
			switch c.name {
			case "stdin script":
				stdin = "print('from stdin', arg[1])"
			case "empty code":
				stdin = "os.exit(3)" // what the REPL would run
			}
			code, out, errOut := socklab(t, stdin, c.args...)
			if code != c.code {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			if c.wantStdout != "" && out != c.wantStdout {
				t.Errorf("stdout %q, want %q", out, c.wantStdout)
			}
			for _, w := range c.wantStderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, "panic:") {
				t.Errorf("a Go panic reached the user:\n%s", errOut)
			}
		})
	}
}

func TestDemoTCPBasicLabelsBothSides(t *testing.T) {
	t.Parallel()
	code, out, errOut := socklab(t, "", "demo", "--port", "0", "tcp_basic")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "[server] hello!\n") || !strings.Contains(out, "[client] hi\n") {
		t.Errorf("demo output:\n%s", out)
	}
}

func TestListShowEject(t *testing.T) {
	t.Parallel()
	code, out, _ := socklab(t, "", "list")
	if code != 0 {
		t.Fatalf("list: exit %d", code)
	}
	for _, name := range []string{"tcp_basic", "udp_basic", "sticky", "sticky_fix_struct"} {
		if !strings.Contains(out, name) {
			t.Errorf("list lacks %s:\n%s", name, out)
		}
	}
	if !strings.Contains(out, "seed:") || !strings.Contains(out, "concept:") {
		t.Errorf("list lacks concept/seed:\n%s", out)
	}
	code, out, _ = socklab(t, "", "show", "tcp_basic/server")
	if code != 0 || !strings.Contains(out, "sk:accept()") {
		t.Errorf("show tcp_basic/server: exit %d\n%s", code, out)
	}
	code, out, _ = socklab(t, "", "show", "tcp_basic")
	if code != 0 || !strings.Contains(out, "==> tcp_basic/client.lua <==") {
		t.Errorf("show tcp_basic: exit %d\n%s", code, out)
	}
	dir := filepath.Join(t.TempDir(), "mine")
	if code, _, errOut := socklab(t, "", "eject", "tcp_basic", dir); code != 0 {
		t.Fatalf("eject: exit %d: %s", code, errOut)
	}
	for _, f := range []string{"server.lua", "client.lua", "exercise.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("eject did not write %s: %v", f, err)
		}
	}
	if code, _, errOut := socklab(t, "", "eject", "tcp_basic", dir); code == 0 || !strings.Contains(errOut, "exists") {
		t.Errorf("eject over existing files: exit %d, %s", code, errOut)
	}
}

// SIGINT ends a script blocked in accept with exit status 130.
func TestSIGINTExits130(t *testing.T) {
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-e", `
		local sk = socket.socket()
		sk:bind{"127.0.0.1", 0}
		sk:listen()
		print("listening")
		sk:accept()`)
	cmd.Env = append(os.Environ(), "SOCKLAB_AS_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "listening\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit status %d (%v), want 130; stderr:\n%s", code, err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "KeyboardInterrupt") {
		t.Errorf("stderr lacks KeyboardInterrupt:\n%s", stderr.String())
	}
}

// With stdin not a terminal the REPL reads statements plainly.
func TestReplPiped(t *testing.T) {
	t.Parallel()
	cases := []struct {
		stdin, want string
		code        int
	}{
		{"x = 1\nprint(x)\n", "1\n", 0},
		{"function f(a)\n  return a * 2\nend\nf(21)\n", "42\n", 0},
		{"struct.pack('>I', 18)\n", "b'\\x00\\x00\\x00\\x12'\n", 0},
		{"1, 'two', {3}\n", "1\t'two'\t{3}\n", 0},
		{"error('boom')\nprint('still here')\n", "still here\n", 0},
		{"exit(3)\nprint('not reached')\n", "", 3},
	}
	for _, c := range cases {
		for _, args := range [][]string{{"repl"}, {}} {
			code, out, errOut := socklab(t, c.stdin, args...)
			if code != c.code || out != c.want {
				t.Errorf("%q | socklab %v: exit %d, printed %q, want %d, %q\nstderr: %s", c.stdin, args, code, out, c.code, c.want, errOut)
			}
		}
	}
}

// demo -i hands the person's lines to whichever side asks.
func TestDemoTypedInput(t *testing.T) {
	t.Parallel()
	code, out, errOut := socklab(t, "你好\n收到\n今天下雨了吗?\nQ\n", "demo", "-i", "--port", "0", "tcp_loop")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"[client] 客户端想给服务端发送的消息为: 你好\n",
		"[server] 你好\n",
		"[server] 服务端想给客户端发送: 收到\n",
		"[client] 收到\n",
		"[server] 服务端想给客户端发送: Q\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// An ejected exercise runs with socklab run.
func TestEjectedCopyRuns(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "ex")
	if code, _, errOut := socklab(t, "", "eject", "udp_basic", dir); code != 0 {
		t.Fatalf("eject: %s", errOut)
	}
	// The scripts take the port as their first argument: one the kernel
	// just gave to a socket the test then closed.
	l, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.LocalAddr().(*net.UDPAddr).Port)
	l.Close()
	type result struct {
		code     int
		out, err string
	}
	server := make(chan result, 1)
	go func() {
		code, out, errOut := socklab(t, "", "run", filepath.Join(dir, "server.lua"), port)
		server <- result{code, out, errOut}
	}()
	// The client's datagram is lost if the server has not bound yet:
	// wait until the kernel shows the port bound.
	deadline := time.Now().Add(10 * time.Second)
	for !udpBound(port) {
		if time.Now().After(deadline) {
			t.Fatal("the ejected server never bound its port")
		}
		time.Sleep(5 * time.Millisecond)
	}
	code, out, errOut := socklab(t, "", "run", filepath.Join(dir, "client.lua"), port)
	if code != 0 || !strings.Contains(out, "下了一天的雨") {
		t.Errorf("client: exit %d\n%s%s", code, out, errOut)
	}
	r := <-server
	if r.code != 0 || !strings.Contains(r.out, "今天天气咋样啊?") {
		t.Errorf("server: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// udpBound reads /proc/net/udp for a socket bound to port.
func udpBound(port string) bool {
	data, err := os.ReadFile("/proc/net/udp")
	if err != nil {
		return false
	}
	p, _ := strconv.Atoi(port)
	return strings.Contains(string(data), fmt.Sprintf(":%04X ", p))
}

// An uncaught error in the main chunk is printed at once, before the
// program waits for its threads, as CPython does.
func TestMainErrorPrintedBeforeThreadsEnd(t *testing.T) {
	t.Parallel()
	var both syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, []string{"-e", `
		local ev = threading.Event()
		threading.Thread{target = function() ev:wait(1); print("thread ends") end}:start()
		error("main fails")  -- printed now, not after the thread's second`}, strings.NewReader(""), &both, &both)
	out := both.String()
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	i, j := strings.Index(out, "main fails"), strings.Index(out, "thread ends")
	if i < 0 || j < 0 || i > j {
		t.Errorf("the traceback should come before the thread's output:\n%s", out)
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
