package scripts

// Checks of the exercises tcp_loop, udp_loop, reuseaddr, backlog,
// peer_close and addrinfo that their expect lines cannot make: values that
// must agree between the two roles or with the kernel, the order of events
// across roles, and the server loops that outlive one client. Helpers are
// prefixed ga so that they do not collide with other test files.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
)

// gaDemo runs an exercise's demo on port (0: a free one) and returns its
// whole output.
func gaDemo(t *testing.T, name string, port int) string {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := Demo(ctx, name, DemoOptions{Port: port, Stdout: &out, Stderr: &errOut}); err != nil {
		t.Fatalf("demo %s: %v\nstdout:\n%s\nstderr:\n%s", name, err, out.String(), errOut.String())
	}
	return out.String()
}

// gaRole is one bundled script running in a runtime of its own.
type gaRole struct {
	out  *syncBuffer
	done chan error
	stop context.CancelFunc
	addr string // where it listens, when it is the first role
}

// gaStart runs script (NAME/ROLE) with args and scripted input lines. With
// listens set it waits, bounded by ctx, until the script listens or binds.
func gaStart(ctx context.Context, t *testing.T, script string, args, input []string, listens bool) *gaRole {
	t.Helper()
	_, src, err := Source(script)
	if err != nil {
		t.Fatal(err)
	}
	rctx, stop := context.WithCancel(ctx)
	r := &gaRole{out: &syncBuffer{}, done: make(chan error, 1), stop: stop}
	pw := newPrefixWriter(r.out, "")
	listening := make(chan string, 1)
	rt := runtime.New(runtime.Options{
		Stdout: pw, Stderr: pw, Args: args,
		Stdin: &scriptedInput{ctx: rctx, lines: input, out: pw},
		OnListen: func(_, addr string) {
			select {
			case listening <- addr:
			default:
			}
		},
	})
	go func() {
		err := rt.RunString(rctx, script+".lua", src)
		pw.Flush()
		rt.Close()
		r.done <- err
	}()
	if listens {
		select {
		case r.addr = <-listening:
		case err := <-r.done:
			stop()
			t.Fatalf("%s ended before it listened: %v\n%s", script, err, r.out.String())
		case <-ctx.Done():
			stop()
			t.Fatalf("%s: not listening: %v", script, ctx.Err())
		}
	}
	return r
}

// wait waits, bounded by ctx, for the script to end by itself.
func (r *gaRole) wait(ctx context.Context, t *testing.T, who string) error {
	t.Helper()
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		r.stop()
		<-r.done
		t.Fatalf("%s did not end: %v\n%s", who, ctx.Err(), r.out.String())
		return nil
	}
}

// port is the port the role listens on.
func (r *gaRole) port(t *testing.T) string {
	t.Helper()
	_, p, err := net.SplitHostPort(r.addr)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// gaProcTCP reports whether /proc/net/tcp lists a socket on local port
// port in state (hex, as the kernel prints it: 06 is TIME_WAIT).
func gaProcTCP(t *testing.T, port int, state string) bool {
	t.Helper()
	data, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Skipf("no /proc/net/tcp: %v", err)
	}
	suffix := fmt.Sprintf(":%04X", port)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 3 && strings.HasSuffix(f[1], suffix) && f[3] == state {
			return true
		}
	}
	return false
}

// reuseaddr: the restarted server binds the very port the first one used,
// that port is really held by a TIME_WAIT connection, and the rule "on
// both sockets" that the header comment states holds.
func TestGroupAReuseaddr(t *testing.T) {
	t.Run("demo", func(t *testing.T) {
		port := freeTestPort(t, "tcp")
		srv := roleOutput(gaDemo(t, "reuseaddr", port), "server")
		checkLines(t, "server", srv, []string{
			"不设置SO_REUSEADDR: OSError: [Errno 98] Address already in use\n",
			fmt.Sprintf("设置了SO_REUSEADDR: 绑定成功 ('127.0.0.1', %d)\n", port),
		})
		if !gaProcTCP(t, port, "06") {
			t.Errorf("no TIME_WAIT connection on port %d after the demo: the Errno 98 had another cause", port)
		}
	})
	// The old socket without SO_REUSEADDR: its TIME_WAIT refuses even a
	// new socket that sets it.
	t.Run("old socket without SO_REUSEADDR", func(t *testing.T) {
		src := `
local l = socket.socket()
l:bind({"127.0.0.1", 0})
local port = l:getsockname()[2]
l:listen()
local c = socket.socket()
c:connect({"127.0.0.1", port})
local conn = l:accept()
conn:shutdown(socket.SHUT_WR)   -- the server closes first
assert(c:recv(10) == "")
c:close()
assert(conn:recv(10) == "")     -- TIME_WAIT from here
conn:close()
l:close()
local s = socket.socket()
s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
local ok, e = pcall(s.bind, s, {"127.0.0.1", port})
print(ok, e)
`
		var out bytes.Buffer
		rt := runtime.New(runtime.Options{Stdout: &out, Stderr: &out, Stdin: strings.NewReader("")})
		defer rt.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := rt.RunString(ctx, "both_sides.lua", src); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if want := "false\tOSError: [Errno 98] Address already in use"; !strings.Contains(out.String(), want) {
			t.Errorf("want %q, got:\n%s", want, out.String())
		}
	})
}

// backlog: every connect the client reports succeeded before the server
// accepted anything, the server found exactly those connections queued,
// each with the line sent before it was accepted, first in first out, and
// the queue held backlog+1 of them, as Linux allows.
func TestGroupABacklog(t *testing.T) {
	out := gaDemo(t, "backlog", 0)
	cli, srv := roleOutput(out, "client"), roleOutput(out, "server")

	connected := regexp.MustCompile(`第(\d+)个连接: connect成功`).FindAllStringSubmatch(cli, -1)
	m := len(connected)
	for i, c := range connected {
		if c[1] != strconv.Itoa(i+1) {
			t.Errorf("client: connection %s reported as number %d", c[1], i+1)
		}
	}
	if !strings.Contains(cli, fmt.Sprintf("第%d个连接: TimeoutError: timed out", m+1)) {
		t.Errorf("client: connection %d did not time out after %d queued:\n%s", m+1, m, cli)
	}
	sm := regexp.MustCompile(`listen\((\d+)\): accept之前已有(\d+)个连接在队列中排队`).FindStringSubmatch(srv)
	if sm == nil {
		t.Fatalf("server: no count of queued connections:\n%s", srv)
	}
	backlog, _ := strconv.Atoi(sm[1])
	queued, _ := strconv.Atoi(sm[2])
	if queued != m {
		t.Errorf("server found %d queued connections, the client made %d", queued, m)
	}
	if queued != backlog+1 {
		t.Errorf("listen(%d) queued %d connections; Linux queues backlog+1", backlog, queued)
	}
	var want []string
	for i := 1; i <= m; i++ {
		want = append(want, fmt.Sprintf("accept第%d个排队的连接 ('127.0.0.1', ", i),
			fmt.Sprintf("它在accept之前就发来了: 我是第%d个连接\n", i))
	}
	checkLines(t, "server", srv, want)

	// Across roles: the last connect returned before the server heard
	// from the client, the only point after which it accepts.
	last := strings.LastIndex(out, "[client] "+fmt.Sprintf("第%d个连接: connect成功", m))
	heard := strings.Index(out, "[server] 客户端说:")
	if last < 0 || heard < 0 || last > heard {
		t.Errorf("the connects did not all finish before the server accepted:\n%s", out)
	}
}

// peer_close, against a Go client whose address the test knows: recv
// returns "" when the client closes, after data or without any.
func TestGroupAPeerClose(t *testing.T) {
	for _, send := range []bool{true, false} {
		t.Run(fmt.Sprintf("send=%v", send), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			srv := gaStart(ctx, t, "peer_close/server", []string{"0"}, nil, true)
			defer srv.stop()
			var d net.Dialer
			conn, err := d.DialContext(ctx, "tcp4", net.JoinHostPort("127.0.0.1", srv.port(t)))
			if err != nil {
				t.Fatal(err)
			}
			local := conn.LocalAddr().(*net.TCPAddr)
			if send {
				conn.SetDeadline(time.Now().Add(10 * time.Second))
				if _, err := conn.Write([]byte("hello")); err != nil {
					t.Fatal(err)
				}
				buf := make([]byte, 5)
				if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "hello" {
					t.Fatalf("answer %q, %v", buf, err)
				}
			}
			conn.Close()
			if err := srv.wait(ctx, t, "server"); err != nil {
				t.Fatalf("server: %v\n%s", err, srv.out.String())
			}
			out := srv.out.String()
			gone := fmt.Sprintf("recv返回的数据长度为0, 客户端已下线: ('127.0.0.1', %d)\n", local.Port)
			if !strings.HasSuffix(out, gone) {
				t.Errorf("the server's last line is not %q:\n%s", gone, out)
			}
			if got := strings.Contains(out, "收到客户端的数据: hello"); got != send {
				t.Errorf("data line present: %v, want %v:\n%s", got, send, out)
			}
		})
	}
}

// addrinfo: the address the server's getpeername sees, and feeds back into
// getaddrinfo, is the client's getsockname.
func TestGroupAAddrinfo(t *testing.T) {
	out := gaDemo(t, "addrinfo", 0)
	cli, srv := roleOutput(out, "client"), roleOutput(out, "server")
	m := regexp.MustCompile(`getsockname: (\('127\.0\.0\.1', \d+\))`).FindStringSubmatch(cli)
	if m == nil {
		t.Fatalf("client: no getsockname line:\n%s", cli)
	}
	checkLines(t, "server", srv, []string{
		"getpeername: " + m[1] + "\n",
		"family=2 type=1 proto=6 canonname='127.0.0.1' sockaddr=" + m[1] + "\n",
	})
}

// tcp_loop and udp_loop: the server's outer loop outlives a conversation
// (保证服务端永不关闭): after one client has received Q, a second client is
// served, and the server is still running until it is stopped.
func TestGroupALoopServesNextClient(t *testing.T) {
	for _, name := range []string{"tcp_loop", "udp_loop"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			srv := gaStart(ctx, t, name+"/server", []string{"0"}, []string{"答1", "Q", "答2", "Q"}, true)
			defer srv.stop()
			for i := 1; i <= 2; i++ {
				q := fmt.Sprintf("问%d", i)
				cli := gaStart(ctx, t, name+"/client", []string{srv.port(t)}, []string{q, "再见"}, false)
				if err := cli.wait(ctx, t, "client"); err != nil {
					t.Fatalf("client %d: %v\n%s", i, err, cli.out.String())
				}
				checkLines(t, fmt.Sprintf("client %d", i), cli.out.String(), []string{fmt.Sprintf("\n答%d\n", i)})
			}
			select {
			case err := <-srv.done:
				t.Fatalf("the server ended after its clients: %v\n%s", err, srv.out.String())
			default:
			}
			srv.stop()
			err := srv.wait(ctx, t, "server")
			var serr *runtime.ScriptError
			if !errors.As(err, &serr) || serr.Kind != api.KeyboardInterrupt {
				t.Errorf("server stopped with %v, want KeyboardInterrupt", err)
			}
			checkLines(t, "server", srv.out.String(), []string{"问1\n", "答1", "再见\n", "Q\n", "问2\n", "答2", "再见\n", "Q\n"})
		})
	}
}
