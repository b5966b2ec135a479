package scripts

// Tests of the exercises udp_chat, echo_threaded, echo_select, chat_room,
// http_hello and file_transfer beyond what the generic demo and interop
// tests prove: Python peers whose scripted input waits ("@wait") for what
// they print, an HTTP client loading the Lua server's page, and file
// transfers (50 MB both ways, refusals, transfers cut short).

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
)

// ---- running scripts ----

// proc is one running side of an exchange: a Lua runtime in this process
// or a subprocess (Python, or the socklab CLI).
type proc struct {
	name string
	out  *syncBuffer
	// transcript is what it printed (and the input echoed), for waitFor.
	transcript *prefixWriter
	finished   chan struct{} // closed when it has ended; err is then set
	err        error
	stop       context.CancelFunc
	// port receives the port an in-process Lua script listens on.
	port chan int
}

// end stops the script (if it still runs) and waits for it.
func (p *proc) end() {
	p.stop()
	<-p.finished
}

// wait returns the script's result, or fails the test when ctx ends first.
func (p *proc) wait(t *testing.T, ctx context.Context) error {
	t.Helper()
	select {
	case <-p.finished:
		return p.err
	case <-ctx.Done():
		p.end()
		t.Fatalf("%s did not end in time:\n%s", p.name, p.out.String())
		return nil
	}
}

// listening returns the port an in-process Lua script listens on.
func (p *proc) listening(t *testing.T, ctx context.Context) int {
	t.Helper()
	select {
	case port := <-p.port:
		return port
	case <-p.finished:
		t.Fatalf("%s ended before listening: %v\n%s", p.name, p.err, p.out.String())
	case <-ctx.Done():
		t.Fatalf("%s did not listen in time:\n%s", p.name, p.out.String())
	}
	return 0
}

func newProc(ctx context.Context, name string) (*proc, context.Context) {
	ctx, stop := context.WithCancel(ctx)
	p := &proc{name: name, out: &syncBuffer{}, finished: make(chan struct{}), stop: stop, port: make(chan int, 1)}
	p.transcript = newPrefixWriter(p.out, "")
	return p, ctx
}

// startLua runs a bundled script (NAME/ROLE) in a runtime of its own.
// input are the role's scripted lines ("@wait TEXT" waits for TEXT in the
// script's own output).
func startLua(t *testing.T, ctx context.Context, script string, args, input []string) *proc {
	t.Helper()
	file, src, err := Source(script)
	if err != nil {
		t.Fatal(err)
	}
	p, ctx := newProc(ctx, "lua "+script)
	pw := p.transcript
	rt := runtime.New(runtime.Options{
		Stdout: pw, Stderr: pw, Args: args,
		Stdin: &scriptedInput{ctx: ctx, lines: input, out: pw},
		OnListen: func(_, addr string) {
			if _, port, err := net.SplitHostPort(addr); err == nil {
				n, _ := strconv.Atoi(port)
				select {
				case p.port <- n:
				default:
				}
			}
		},
	})
	go func() {
		p.err = rt.RunString(ctx, file, src)
		pw.Flush()
		rt.Close()
		close(p.finished)
	}()
	return p
}

// startCmd runs a program in dir. Its output is also the transcript that
// the "@wait" lines of input look at, as for a Lua role in a demo. (The
// generic interop test hands Python a transcript that only holds the
// echoed input, so a "@wait" for the Python side's output never ends: the
// scripts whose input needs that are named SCRIPT.wait.py and run here.)
func startCmd(t *testing.T, ctx context.Context, dir, name string, argv, input []string) *proc {
	t.Helper()
	p, ctx := newProc(ctx, name)
	pw := p.transcript
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8", "PYTHONUNBUFFERED=1")
	cmd.Stdin = &scriptedInput{ctx: ctx, lines: input, out: pw}
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.WaitDelay = 5 * time.Second // an input still waiting must not hold Wait
	if err := cmd.Start(); err != nil {
		p.stop()
		t.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		pw.Flush()
		close(p.finished)
	}()
	return p
}

// ---- http_hello ----

// TestHTTPHelloPage loads the Lua server's page with curl (when
// installed) and with Go's HTTP client, which checks Content-Length.
func TestHTTPHelloPage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	server := startLua(t, ctx, "http_hello/server", []string{"0"}, nil)
	defer server.end()
	port := server.listening(t, ctx)
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)

	// A client that connects and leaves without a request must not stop
	// the server.
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()

	if curl, err := exec.LookPath("curl"); err == nil {
		cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
		out, err := exec.CommandContext(cctx, curl, "-sS", "-i", "--max-time", "10", url).CombinedOutput()
		ccancel()
		if err != nil {
			t.Fatalf("curl: %v\n%s", err, out)
		}
		head, body, ok := strings.Cut(string(out), "\r\n\r\n")
		if !ok {
			t.Fatalf("curl: no blank line after the headers:\n%s", out)
		}
		for _, want := range []string{"HTTP/1.0 200 OK", "Content-Type: text/html; charset=utf-8",
			"Content-Length: " + strconv.Itoa(len(body))} {
			if !strings.Contains(head, want) {
				t.Errorf("curl: the headers lack %q:\n%s", want, head)
			}
		}
		if !strings.Contains(body, "欢迎光临") {
			t.Errorf("curl: the page lacks its welcome:\n%s", body)
		}
	} else {
		t.Log("curl is not installed: Go's HTTP client only")
	}

	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body) // fails if Content-Length lies
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Proto != "HTTP/1.0" ||
		resp.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
		resp.ContentLength != int64(len(body)) || !bytes.Contains(body, []byte("欢迎光临")) {
		t.Errorf("GET /: %s %s %v length %d, body:\n%s", resp.Proto, resp.Status, resp.Header, resp.ContentLength, body)
	}
	resp, err = client.Get(url + "nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("GET /nope: %s, want 404", resp.Status)
	}
	checkLines(t, "server", server.out.String(), []string{"dropped: EOFError", "GET / HTTP/1.1", "GET /nope HTTP/1.1"})
}

// ---- file_transfer ----

// buildCLI builds the command-line program into dir, for the tests that
// run a Lua side in a directory of its own (a runtime reads and writes
// files relative to the process's current directory).
func buildCLI(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "socklab")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", path, "github.com/socklab/socklab/cmd/socklab").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// dirNames lists a directory's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestFileTransferBig sends 50 MB of random bytes Lua to Lua, Lua to
// Python and Python to Lua, each side in a directory of its own, and
// compares the files' sha256.
func TestFileTransferBig(t *testing.T) {
	py := python(t)
	const size = 50 << 20
	srcDir := t.TempDir()
	const name = "random.bin"
	src := filepath.Join(srcDir, name)
	data := make([]byte, size)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	data = nil
	want := sha256File(t, src)
	pyServer, _ := filepath.Abs("testdata/python/file_transfer/server.py")
	pyClient, _ := filepath.Abs("testdata/python/file_transfer/client.py")

	var cli string // the CLI, built by the case that needs it
	cases := []struct {
		name string
		// server starts the receiver in dstDir and returns it with its port.
		server func(t *testing.T, ctx context.Context, dstDir string) (*proc, int)
		client func(t *testing.T, ctx context.Context, port int) *proc
	}{
		{
			// both sides are socklab processes, each in its own current
			// directory: the server saves into ".", the client reads a
			// relative path
			name: "lua_to_lua",
			server: func(t *testing.T, ctx context.Context, dstDir string) (*proc, int) {
				port := freeTestPort(t, "tcp")
				p := startCmd(t, ctx, dstDir, "lua server", []string{cli, "run", "file_transfer/server", strconv.Itoa(port)}, nil)
				if err := waitBound(ctx, port, false); err != nil {
					t.Fatal(err)
				}
				return p, port
			},
			client: func(t *testing.T, ctx context.Context, port int) *proc {
				return startCmd(t, ctx, srcDir, "lua client", []string{cli, "run", "file_transfer/client", strconv.Itoa(port), name}, nil)
			},
		},
		{
			name: "lua_to_python",
			server: func(t *testing.T, ctx context.Context, dstDir string) (*proc, int) {
				port := freeTestPort(t, "tcp")
				p := startCmd(t, ctx, dstDir, "python server", []string{py, pyServer, strconv.Itoa(port)}, nil)
				if err := waitBound(ctx, port, false); err != nil {
					t.Fatal(err)
				}
				return p, port
			},
			client: func(t *testing.T, ctx context.Context, port int) *proc {
				return startLua(t, ctx, "file_transfer/client", []string{strconv.Itoa(port), src}, nil)
			},
		},
		{
			name: "python_to_lua",
			server: func(t *testing.T, ctx context.Context, dstDir string) (*proc, int) {
				p := startLua(t, ctx, "file_transfer/server", []string{"0", dstDir}, nil)
				return p, p.listening(t, ctx)
			},
			client: func(t *testing.T, ctx context.Context, port int) *proc {
				return startCmd(t, ctx, srcDir, "python client", []string{py, pyClient, strconv.Itoa(port), name}, nil)
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			dstDir := t.TempDir()
			if c.name == "lua_to_lua" {
				cli = buildCLI(t, t.TempDir())
			}
			server, port := c.server(t, ctx, dstDir)
			defer server.end()
			begin := time.Now()
			client := c.client(t, ctx, port)
			defer client.end()
			if err := client.wait(t, ctx); err != nil {
				t.Fatalf("%s: %v\n%s", client.name, err, client.out.String())
			}
			if err := server.wait(t, ctx); err != nil {
				t.Fatalf("%s: %v\n%s", server.name, err, server.out.String())
			}
			elapsed := time.Since(begin)
			got := sha256File(t, filepath.Join(dstDir, name))
			if got != want {
				t.Errorf("sha256 %s, want %s", got, want)
			}
			if names := dirNames(t, dstDir); len(names) != 1 {
				t.Errorf("the server's directory holds %v, want just %s", names, name)
			}
			checkLines(t, server.name, server.out.String(), []string{
				fmt.Sprintf("receiving %s (%d bytes)", name, size),
				fmt.Sprintf("%d of %d bytes, size matched: true", size, size),
				"saved as "})
			checkLines(t, client.name, client.out.String(), []string{fmt.Sprintf("sent %s: %d bytes", name, size)})
			t.Logf("%s: 50 MB in %v (%.0f MB/s), sha256 %s", c.name, elapsed.Round(time.Millisecond),
				float64(size)/(1<<20)/elapsed.Seconds(), got[:16])
		})
	}
}

// fileServers are the receivers the refusal tests run: the Lua one in a
// runtime here, the Python one as a subprocess, both saving into dir.
func fileServers(t *testing.T) map[string]func(t *testing.T, ctx context.Context, dir string) (*proc, int) {
	py := ""
	if p, err := exec.LookPath("/usr/bin/python3"); err == nil {
		py = p
	} else if p, err := exec.LookPath("python3"); err == nil {
		py = p
	}
	servers := map[string]func(t *testing.T, ctx context.Context, dir string) (*proc, int){
		"lua": func(t *testing.T, ctx context.Context, dir string) (*proc, int) {
			p := startLua(t, ctx, "file_transfer/server", []string{"0", dir}, nil)
			return p, p.listening(t, ctx)
		},
	}
	if py != "" {
		script, _ := filepath.Abs("testdata/python/file_transfer/server.py")
		servers["python"] = func(t *testing.T, ctx context.Context, dir string) (*proc, int) {
			port := freeTestPort(t, "tcp")
			p := startCmd(t, ctx, "", "python server", []string{py, script, strconv.Itoa(port), dir}, nil)
			if err := waitBound(ctx, port, false); err != nil {
				t.Fatal(err)
			}
			return p, port
		}
	}
	return servers
}

// exitStatus is a script's exit status: 0, os.exit's code, or -1.
func exitStatus(err error) int {
	var serr *runtime.ScriptError
	var xerr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &serr) && serr.Kind == api.SystemExit:
		return serr.Code
	case errors.As(err, &xerr):
		return xerr.ExitCode()
	}
	return -1
}

// sendRaw connects to port, writes the parts one after the other, and
// closes (with a reset instead of a FIN when reset is set). Write errors
// are ignored: a server that refuses may close first.
func sendRaw(t *testing.T, port int, reset bool, parts ...[]byte) {
	t.Helper()
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	for _, p := range parts {
		if _, err := c.Write(p); err != nil {
			break
		}
	}
	if reset {
		c.(*net.TCPConn).SetLinger(0)
	}
	c.Close()
}

// frame is the wire format: struct.pack("i", len(header)), the header.
func frame(header []byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(header)))
	return append(b, header...)
}

// TestFileTransferRefusals sends headers that must be refused: the
// server says why, exits 1, and writes nothing, inside or outside its
// directory.
func TestFileTransferRefusals(t *testing.T) {
	type header map[string]any
	outside := filepath.Join(os.TempDir(), fmt.Sprintf("socklab-refusal-%d", time.Now().UnixNano()))
	cases := []struct {
		name   string
		wire   []byte
		reason string
	}{
		{"dotdot", nil, "would leave this directory"},
		{"absolute", nil, "is an absolute path"},
		{"dotdot_inside", nil, "would leave this directory"},
		{"empty_name", nil, "is empty"},
		{"dot", nil, "names no file"},
		{"slash_end", nil, "names no file"},
		{"name_not_string", nil, "filename is not a string"},
		{"no_name", nil, "filename is not a string"},
		{"negative_size", nil, "is not a whole number"},
		{"size_string", nil, "is not a whole number"},
		{"size_fraction", nil, "is not a whole number"},
		{"no_size", nil, "is not a whole number"},
		{"size_infinite", frame([]byte(`{"filename": "x", "filesize": 1e400}`)), "is not a whole number"},
		{"size_nan", frame([]byte(`{"filename": "x", "filesize": NaN}`)), "is not a whole number"},
		{"size_huge", frame([]byte(`{"filename": "x", "filesize": 1e300}`)), "is not a whole number"},
		{"not_json", frame([]byte("filename=x")), "is not a JSON object"},
		{"json_array", frame([]byte(`["x", 3]`)), ""},
		{"negative_header_length", []byte{0xfb, 0xff, 0xff, 0xff}, "out of range"},
		{"huge_header_length", []byte{0, 0, 0, 0x10}, "out of range"},
	}
	headers := map[string]header{
		"dotdot":          {"filename": "../x", "filesize": 3},
		"absolute":        {"filename": outside, "filesize": 3},
		"dotdot_inside":   {"filename": "a/../../x", "filesize": 3},
		"empty_name":      {"filename": "", "filesize": 3},
		"dot":             {"filename": ".", "filesize": 3},
		"slash_end":       {"filename": "a/", "filesize": 3},
		"name_not_string": {"filename": 42, "filesize": 3},
		"no_name":         {"filesize": 3},
		"negative_size":   {"filename": "x", "filesize": -1},
		"size_string":     {"filename": "x", "filesize": "3"},
		"size_fraction":   {"filename": "x", "filesize": 1.5},
		"no_size":         {"filename": "x"},
	}
	for name, h := range headers {
		b, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		for i := range cases {
			if cases[i].name == name {
				cases[i].wire = frame(b)
			}
		}
	}
	for side, start := range fileServers(t) {
		for _, c := range cases {
			t.Run(side+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				base := t.TempDir()
				dir := filepath.Join(base, "recv", "here") // "../x" and "a/../../x" land in base/recv
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				server, port := start(t, ctx, dir)
				defer server.end()
				sendRaw(t, port, false, c.wire, []byte("abc"))
				err := server.wait(t, ctx)
				out := server.out.String()
				if code := exitStatus(err); code != 1 {
					t.Errorf("exit status %d (%v), want 1", code, err)
				}
				checkLines(t, side, out, []string{"refused: ", c.reason, "(nothing saved)"})
				if names := dirNames(t, dir); len(names) != 0 {
					t.Errorf("the directory holds %v after a refusal", names)
				}
				if names := dirNames(t, filepath.Join(base, "recv")); len(names) != 1 {
					t.Errorf("its parent holds %v after a refusal", names)
				}
				if _, err := os.Stat(outside); err == nil {
					os.Remove(outside)
					t.Errorf("%s was written", outside)
				}
			})
		}
	}
}

// TestFileTransferCutShort closes the connection (or resets it, as a
// killed client's kernel may) in the middle of the file: nothing may stay
// under the final name, nor a temporary file.
func TestFileTransferCutShort(t *testing.T) {
	header := []byte(`{"filename": "cut.bin", "filesize": 1048576}`)
	part := make([]byte, 300_000)
	for side, start := range fileServers(t) {
		for _, reset := range []bool{false, true} {
			how := map[bool]string{false: "closed", true: "reset"}[reset]
			t.Run(side+"/"+how, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				dir := t.TempDir()
				server, port := start(t, ctx, dir)
				defer server.end()
				sendRaw(t, port, reset, frame(header), part)
				err := server.wait(t, ctx)
				out := server.out.String()
				if code := exitStatus(err); code != 1 {
					t.Errorf("exit status %d (%v), want 1\n%s", code, err, out)
				}
				checkLines(t, side, out, []string{"receiving cut.bin (1048576 bytes)",
					"of 1048576 bytes, size matched: false", "refused: incomplete transfer"})
				if names := dirNames(t, dir); len(names) != 0 {
					t.Errorf("the directory holds %v after a transfer cut short", names)
				}
			})
		}
	}
}

// A client killed in the middle of a big file: the Python client is
// stopped (SIGKILL) once the server has announced the transfer.
func TestFileTransferClientKilled(t *testing.T) {
	py := python(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srcDir, dstDir := t.TempDir(), t.TempDir()
	// big enough that the transfer is still running when the kill comes
	f, err := os.Create(filepath.Join(srcDir, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil { // 2 GiB, sparse
		t.Fatal(err)
	}
	f.Close()
	server := startLua(t, ctx, "file_transfer/server", []string{"0", dstDir}, nil)
	defer server.end()
	port := server.listening(t, ctx)
	pyClient, _ := filepath.Abs("testdata/python/file_transfer/client.py")
	client := startCmd(t, ctx, srcDir, "python client", []string{py, pyClient, strconv.Itoa(port), "big.bin"}, nil)
	defer client.end()
	if err := server.transcript.waitFor(ctx, "receiving big.bin"); err != nil {
		t.Fatalf("the transfer did not start: %v\n%s", err, server.out.String())
	}
	client.end() // SIGKILL, in the middle of the file
	err = server.wait(t, ctx)
	if code := exitStatus(err); code != 1 {
		t.Errorf("exit status %d (%v), want 1\n%s", code, err, server.out.String())
	}
	checkLines(t, "server", server.out.String(), []string{"size matched: false", "refused: incomplete transfer"})
	if names := dirNames(t, dstDir); len(names) != 0 {
		t.Errorf("the directory holds %v after the client was killed", names)
	}
}

// TestFileTransferBaseName: a name with directories is saved under its
// base name, in the server's directory.
func TestFileTransferBaseName(t *testing.T) {
	for side, start := range fileServers(t) {
		t.Run(side, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			dir := t.TempDir()
			server, port := start(t, ctx, dir)
			defer server.end()
			sendRaw(t, port, false, frame([]byte(`{"filename": "sub/dir/ok.txt", "filesize": 3}`)), []byte("abc"))
			if err := server.wait(t, ctx); err != nil {
				t.Fatalf("%v\n%s", err, server.out.String())
			}
			got, err := os.ReadFile(filepath.Join(dir, "ok.txt"))
			if err != nil || string(got) != "abc" {
				t.Errorf("ok.txt: %q, %v\n%s", got, err, server.out.String())
			}
			if names := dirNames(t, dir); len(names) != 1 {
				t.Errorf("the directory holds %v, want just ok.txt", names)
			}
		})
	}
}
