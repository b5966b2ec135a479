package scripts

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
	"testing"
	"time"

	"github.com/socklab/socklab/runtime"
)

func exercises(t *testing.T) []Exercise {
	t.Helper()
	list, err := List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatal("no bundled exercises")
	}
	return list
}

// checkLines reports the expected lines missing from out, in order.
func checkLines(t *testing.T, who, out string, want []string) {
	t.Helper()
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("%s: output lacks %q (in order):\n%s", who, w, out)
			return
		}
		rest = rest[i+len(w):]
	}
}

// roleOutput picks the lines labelled [role] from a demo's output.
func roleOutput(out, role string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "["+role+"] "); ok {
			b.WriteString(rest)
		}
	}
	return b.String()
}

func TestExerciseMetadata(t *testing.T) {
	for _, ex := range exercises(t) {
		if ex.Summary == "" || ex.Concept == "" || ex.Seed == "" || ex.Port == 0 {
			t.Errorf("%s: incomplete exercise.json: %+v", ex.Name, ex)
		}
		for _, role := range ex.Roles {
			script := ex.ScriptName(role)
			_, src, err := Source(script)
			if err != nil {
				t.Errorf("%s: %v", ex.Name, err)
				continue
			}
			if !strings.Contains(src, "Seed:") {
				t.Errorf("%s: the header comment does not name its seed", script)
			}
			if !strings.Contains(src, "tonumber(arg[1]) or ") {
				t.Errorf("%s: does not take the port as its first argument", script)
			}
			if len(role.Expect) == 0 && strings.Contains(src, "print(") {
				t.Errorf("%s: role %s prints but expects nothing: its test would prove little", ex.Name, role.Name)
			}
		}
	}
}

// Every exercise runs as a demo on a free port and prints what its seed
// prints.
func TestExercisesDemo(t *testing.T) {
	for _, ex := range exercises(t) {
		t.Run(ex.Name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := Demo(ctx, ex.Name, DemoOptions{Port: 0, Stdout: &out, Stderr: &errOut})
			if err != nil {
				t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
			}
			for _, role := range ex.Roles {
				checkLines(t, role.Name, roleOutput(out.String(), role.Name), role.Expect)
			}
		})
	}
}

func python(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Skip("python3 is not installed: no interop test")
	return ""
}

// freePort asks the kernel for a free port.
func freeTestPort(t *testing.T, network string) int {
	t.Helper()
	if network == "udp" {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitBound waits until a socket is listening (TCP) or bound (UDP) on
// port, reading the kernel's tables, so that a peer can start without
// a fixed sleep and without using up the server's one accept.
func waitBound(ctx context.Context, port int, udp bool) error {
	file, state := "/proc/net/tcp", "0A" // TCP_LISTEN
	if udp {
		file, state = "/proc/net/udp", "07" // TCP_CLOSE: a bound UDP socket
	}
	suffix := fmt.Sprintf(":%04X", port)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) > 3 && strings.HasSuffix(f[1], suffix) && f[3] == state {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("nothing bound to port %d: %w", port, ctx.Err())
		case <-tick.C:
		}
	}
}

// Each exercise talks on the wire with its Python original: one role at
// a time is swapped for the seed's Python script.
func TestExercisesInteropWithPython(t *testing.T) {
	py := python(t)
	for _, ex := range exercises(t) {
		for i, role := range ex.Roles {
			pyScript := filepath.Join("testdata", "python", ex.ScriptName(role)+".py")
			if _, err := os.Stat(pyScript); err != nil {
				continue
			}
			t.Run(ex.Name+"/python_"+role.Name, func(t *testing.T) {
				t.Parallel()
				interop(t, py, ex, i, pyScript)
			})
		}
	}
}

// interop runs ex with role number pyRole played by the Python script.
func interop(t *testing.T, py string, ex Exercise, pyRole int, pyScript string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	udp := ex.Network == "udp"
	network := map[bool]string{true: "udp", false: "tcp"}[udp]
	port, port2 := 0, 0
	if pyRole == 0 {
		port = freeTestPort(t, network)
	}
	if ex.Port2 != 0 {
		port2 = freeTestPort(t, network)
	}

	type running struct {
		role Role
		out  *syncBuffer
		done chan error
		stop context.CancelFunc
	}
	var runs []*running
	start := func(i int, port int) *running {
		role := ex.Roles[i]
		r := &running{role: role, out: &syncBuffer{}, done: make(chan error, 1)}
		rctx, stop := context.WithCancel(ctx)
		r.stop = stop
		args := expandArgs(role.Args, port, port2, t.TempDir())
		if i == pyRole {
			cmd := exec.CommandContext(rctx, py, append([]string{pyScript}, args...)...)
			cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8", "PYTHONUNBUFFERED=1")
			cmd.WaitDelay = 5 * time.Second
			// Python's output goes through pw so that "@wait" lines see it;
			// its piped input is not echoed.
			pw := newPrefixWriter(r.out, "")
			cmd.Stdin = &scriptedInput{ctx: rctx, lines: role.Input, out: pw, quiet: true}
			cmd.Stdout, cmd.Stderr = pw, pw
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { r.done <- cmd.Wait() }()
			return r
		}
		_, src, err := Source(ex.ScriptName(role))
		if err != nil {
			t.Fatal(err)
		}
		pw := newPrefixWriter(r.out, "")
		listening := make(chan string, 1)
		rt := runtime.New(runtime.Options{
			Stdout: pw, Stderr: pw, Args: args,
			Stdin: &scriptedInput{ctx: rctx, lines: role.Input, out: pw},
			OnListen: func(_, addr string) {
				select {
				case listening <- addr:
				default:
				}
			},
		})
		go func() {
			err := rt.RunString(rctx, ex.ScriptName(role)+".lua", src)
			pw.Flush()
			rt.Close()
			r.done <- err
		}()
		if i == 0 {
			select {
			case addr := <-listening:
				_, p, _ := net.SplitHostPort(addr)
				r.role.Args = []string{p} // remembered below
			case err := <-r.done:
				t.Fatalf("lua %s ended before listening: %v\n%s", role.Name, err, r.out.String())
			}
		}
		return r
	}

	first := start(0, port)
	runs = append(runs, first)
	if pyRole == 0 {
		if err := waitBound(ctx, port, udp); err != nil {
			t.Fatal(err)
		}
	} else {
		port, _ = strconv.Atoi(first.role.Args[0])
	}
	for i := 1; i < len(ex.Roles); i++ {
		runs = append(runs, start(i, port))
	}
	for _, r := range runs {
		if r.role.Forever {
			continue
		}
		if err := <-r.done; err != nil {
			t.Fatalf("%s: %v\n%s", r.role.Name, err, r.out.String())
		}
	}
	for _, r := range runs {
		if r.role.Forever {
			r.stop()
			<-r.done // interrupted: its exit status says nothing
		}
	}
	for i, r := range runs {
		who := "lua " + r.role.Name
		want := ex.Roles[i].Expect
		if i == pyRole {
			who = "python " + r.role.Name
			want = withoutEchoedInput(want, r.role.Input)
		}
		// Python prints b'hi' where Lua prints hi: the text is the same.
		checkLines(t, who, r.out.String(), want)
	}
}

// withoutEchoedInput drops the expected lines that show an input line:
// a Lua role's scripted input is echoed as a terminal would, Python's
// piped input is not.
func withoutEchoedInput(expect, input []string) []string {
	var out []string
next:
	for _, e := range expect {
		for _, in := range input {
			if !strings.HasPrefix(in, "@wait ") && strings.Contains(e, in) {
				continue next
			}
		}
		out = append(out, e)
	}
	return out
}

// syncBuffer is a bytes.Buffer that a script and the test share.
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

// On its seed's port a demo runs even when a previous run's connection
// still holds that port (TIME_WAIT): it moves to a free port and says so.
func TestDemoMovesOffABusySeedPort(t *testing.T) {
	ex, err := Lookup("tcp_basic")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", ex.Port))
	if err != nil {
		t.Skipf("cannot hold port %d for the test: %v", ex.Port, err)
	}
	defer l.Close()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := Demo(ctx, "tcp_basic", DemoOptions{Port: -1, Stdout: &out, Stderr: &errOut}); err != nil {
		t.Fatalf("demo: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "using a free port instead") || !strings.Contains(out.String(), "[client] hi") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
}
