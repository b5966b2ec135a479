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
		if ex.Summary == "" || ex.Concept == "" || ex.Seed == "" || ex.Port == 0 || len(ex.Roles) == 0 {
			t.Errorf("%s: incomplete exercise.json: %+v", ex.Name, ex)
		}
		for _, role := range ex.Roles {
			_, src, err := Source(ex.Name + "/" + role)
			if err != nil {
				t.Errorf("%s: %v", ex.Name, err)
				continue
			}
			if !strings.Contains(src, "Seed:") {
				t.Errorf("%s/%s: the header comment does not name its seed", ex.Name, role)
			}
			if !strings.Contains(src, "tonumber(arg[1]) or "+strconv.Itoa(ex.Port)) {
				t.Errorf("%s/%s: does not take the port as its first argument with the seed's default %d", ex.Name, role, ex.Port)
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
				checkLines(t, role, roleOutput(out.String(), role), ex.Expect[role])
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
func freePort(t *testing.T, network string) int {
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

// Each exercise talks on the wire with its Python original: one side at
// a time is swapped for the seed's Python script.
func TestExercisesInteropWithPython(t *testing.T) {
	py := python(t)
	for _, ex := range exercises(t) {
		dir := filepath.Join("testdata", "python", ex.Name)
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		for _, pyRole := range ex.Roles {
			t.Run(ex.Name+"/python_"+pyRole, func(t *testing.T) {
				t.Parallel()
				interop(t, py, ex, pyRole)
			})
		}
	}
}

func interop(t *testing.T, py string, ex Exercise, pyRole string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	udp := strings.HasPrefix(ex.Name, "udp")
	server := ex.Roles[0]
	port := 0
	if pyRole == server {
		port = freePort(t, map[bool]string{true: "udp", false: "tcp"}[udp])
	}

	var pyOut, pyErr bytes.Buffer
	var pyCmd *exec.Cmd
	startPython := func(port int) {
		pyCmd = exec.CommandContext(ctx, py, filepath.Join("testdata", "python", ex.Name, pyRole+".py"), strconv.Itoa(port))
		pyCmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8")
		pyCmd.Stdin = strings.NewReader(strings.Join(ex.Input[pyRole], "\n") + "\n")
		pyCmd.Stdout, pyCmd.Stderr = &pyOut, &pyErr
		if err := pyCmd.Start(); err != nil {
			t.Fatal(err)
		}
	}

	luaRoles := []string{}
	for _, r := range ex.Roles {
		if r != pyRole {
			luaRoles = append(luaRoles, r)
		}
	}
	if pyRole == server {
		startPython(port)
		if err := waitBound(ctx, port, udp); err != nil {
			t.Fatal(err)
		}
	}
	for _, role := range luaRoles {
		var out bytes.Buffer
		listening := make(chan string, 1)
		_, src, err := Source(ex.Name + "/" + role)
		if err != nil {
			t.Fatal(err)
		}
		opts := runtime.Options{
			Stdout: &out, Stderr: &out,
			Stdin: &scriptedInput{lines: ex.Input[role], echo: &out},
			Args:  []string{strconv.Itoa(port)},
			OnListen: func(_, addr string) {
				select {
				case listening <- addr:
				default:
				}
			},
		}
		rt := runtime.New(opts)
		done := make(chan error, 1)
		go func() { done <- rt.RunString(ctx, ex.Name+"/"+role+".lua", src) }()
		if role == server {
			select {
			case addr := <-listening:
				_, p, _ := net.SplitHostPort(addr)
				n, _ := strconv.Atoi(p)
				startPython(n)
			case err := <-done:
				t.Fatalf("lua %s ended before listening: %v\n%s", role, err, out.String())
			}
		}
		err = <-done
		rt.Close()
		if err != nil {
			t.Fatalf("lua %s: %v\n%s", role, err, out.String())
		}
		checkLines(t, "lua "+role, out.String(), ex.Expect[role])
	}
	if err := pyCmd.Wait(); err != nil {
		t.Fatalf("python %s: %v\n%s%s", pyRole, err, pyOut.String(), pyErr.String())
	}
	if len(ex.Input[pyRole]) == 0 {
		// Python prints b'hi' where Lua prints hi: the text is the same.
		checkLines(t, "python "+pyRole, pyOut.String(), ex.Expect[pyRole])
	}
}
