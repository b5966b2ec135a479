// Command connmem measures what a thread-per-connection echo server costs
// per connection: socklab's runtime (in this process's child, as a
// library, with no GC knobs), the socklab CLI, and CPython, side by side.
//
//	go run ./runtime/testdata/connmem -n 200,2000,10000
//
// For each server it starts the server as a separate process, reads the
// port it prints, dials N connections and keeps them all open, does 3
// round trips (-rounds) of 32 bytes on each, then reads the server's VmRSS/VmHWM
// from /proc. The in-process socklab server also reports Go's MemStats
// (heap, stacks) and can write a heap profile.
//
// It lives under testdata so that ./... never builds it.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/socklab/socklab/runtime"
)

const luaPlain = `
local sk = socket.socket()
sk:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk:bind{"127.0.0.1", 0}
sk:listen(4096)
print(sk:getsockname().port)
local function handle(conn)
  while true do
    local data = conn:recv(1024)
    if data == "" then break end
    conn:sendall(data)
  end
  conn:close()
end
while true do
  local conn = sk:accept()
  threading.Thread{target = handle, args = {conn}, daemon = true}:start()
end
`

// luaPcall is the same server written as the bundled echo_threaded
// exercise is: every recv inside a pcall, so every blocked thread holds a
// protected-call child state.
const luaPcall = `
local sk = socket.socket()
sk:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk:bind{"127.0.0.1", 0}
sk:listen(4096)
print(sk:getsockname().port)
local function handle(conn)
  while true do
    local ok, data = pcall(conn.recv, conn, 1024)
    if not ok or data == "" then break end
    conn:sendall(data)
  end
  conn:close()
end
while true do
  local conn = sk:accept()
  threading.Thread{target = handle, args = {conn}, daemon = true}:start()
end
`

const pyServer = `
import socket, threading
def handle(c):
    while True:
        d = c.recv(1024)
        if not d:
            break
        c.sendall(d)
    c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(4096)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
`

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "serve" {
		serve(os.Args[2:])
		return
	}
	ns := flag.String("n", "200,2000", "connection counts")
	servers := flag.String("servers", "lib,py", "servers to run: lib (runtime in a child), lib-pcall, cli, py")
	cli := flag.String("cli", "", "path of a socklab binary, for -servers cli")
	runs := flag.Int("runs", 1, "repetitions")
	rounds := flag.Int("rounds", 3, "round trips per connection (W7: 500, W8: 3)")
	profile := flag.String("heapprofile", "", "directory for heap profiles of the lib servers")
	flag.Parse()
	raiseNofile()
	for _, nstr := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(nstr)
		if err != nil {
			fail(err)
		}
		for r := 0; r < *runs; r++ {
			for _, kind := range strings.Split(*servers, ",") {
				res, err := measure(kind, *cli, n, *rounds, *profile)
				if err != nil {
					fmt.Printf("%-9s N=%-6d error: %v\n", kind, n, err)
					continue
				}
				fmt.Println(res)
			}
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "connmem:", err)
	os.Exit(1)
}

// raiseNofile lifts the soft descriptor limit to the hard one, as Go's
// runtime does; children inherit it.
func raiseNofile() {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}

type result struct {
	kind          string
	n             int
	base, rss     int64 // KiB
	hwm           int64 // KiB
	connect, echo time.Duration
	stats         string
}

func (r result) String() string {
	per := float64(r.rss-r.base) * 1024 / float64(r.n)
	perPeak := float64(r.hwm-r.base) * 1024 / float64(r.n)
	s := fmt.Sprintf("%-9s N=%-6d base %6.1f MiB  rss %7.1f MiB  hwm %7.1f MiB  per-conn %6.0f B (peak %6.0f B)  connect %v  echo %v",
		r.kind, r.n, float64(r.base)/1024, float64(r.rss)/1024, float64(r.hwm)/1024, per, perPeak,
		r.connect.Round(time.Millisecond), r.echo.Round(time.Millisecond))
	if r.stats != "" {
		s += "\n          " + r.stats
	}
	return s
}

func measure(kind, cli string, n, rounds int, profDir string) (result, error) {
	res := result{kind: kind, n: n}
	var cmd *exec.Cmd
	switch kind {
	case "lib", "lib-pcall":
		prof := "noprofile"
		if profDir != "" {
			prof = "profile"
		}
		cmd = exec.Command(os.Args[0], "serve", strings.TrimPrefix(strings.TrimPrefix(kind, "lib"), "-"), prof)
	case "cli":
		f, err := os.CreateTemp("", "connmem-*.lua")
		if err != nil {
			return res, err
		}
		defer os.Remove(f.Name())
		f.WriteString(luaPlain)
		f.Close()
		cmd = exec.Command(cli, "run", f.Name())
	case "py":
		cmd = exec.Command("/usr/bin/python3", "-c", pyServer)
	default:
		return res, fmt.Errorf("unknown server %q", kind)
	}
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	out := bufio.NewReader(stdout)
	line, err := out.ReadString('\n')
	if err != nil {
		return res, fmt.Errorf("reading the port: %v", err)
	}
	port := strings.TrimSpace(line)
	pid := cmd.Process.Pid
	res.base, _ = procStatus(pid)

	addr := "127.0.0.1:" + port
	conns := make([]net.Conn, n)
	t0 := time.Now()
	if err := parallel(n, 64, func(i int) error {
		var err error
		for try := 0; try < 5; try++ {
			var c net.Conn
			c, err = net.DialTimeout("tcp", addr, 60*time.Second)
			if err == nil {
				conns[i] = c
				return nil
			}
		}
		return err
	}); err != nil {
		closeAll(conns)
		return res, err
	}
	defer closeAll(conns)
	res.connect = time.Since(t0)
	t0 = time.Now()
	msg := []byte(strings.Repeat("x", 32))
	if err := parallel(n, 256, func(i int) error {
		c := conns[i]
		c.SetDeadline(time.Now().Add(120 * time.Second))
		buf := make([]byte, 32)
		for range rounds {
			if _, err := c.Write(msg); err != nil {
				return err
			}
			if _, err := io.ReadFull(c, buf); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return res, err
	}
	res.echo = time.Since(t0)
	res.rss, res.hwm = procStatus(pid)
	if strings.HasPrefix(kind, "lib") {
		prof := ""
		if profDir != "" {
			prof = filepath.Join(profDir, fmt.Sprintf("%s-%d.pprof", kind, n))
		}
		fmt.Fprintf(stdin, "stats %s\n", prof)
		line, err := out.ReadString('\n')
		if err != nil {
			return res, err
		}
		res.stats = strings.TrimSpace(line)
	}
	return res, nil
}

// parallel runs f(0..n-1) on at most width goroutines; the first error wins.
func parallel(n, width int, f func(int) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := make(chan int)
	for range width {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// procStatus returns VmRSS and VmHWM of pid, in KiB.
func procStatus(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v
		case "VmHWM:":
			hwm = v
		}
	}
	return rss, hwm
}

// serve runs the echo server on socklab's runtime, as a library with no
// GC settings, and answers "stats [profile]" lines on stdin with Go's
// memory statistics (before and after a collection).
func serve(args []string) {
	src := luaPlain
	if len(args) > 0 && args[0] == "pcall" {
		src = luaPcall
	}
	if len(args) > 1 && args[1] == "profile" {
		goruntime.MemProfileRate = 512 // exact enough per connection
	}
	go func() {
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			f := strings.Fields(in.Text())
			if len(f) == 0 || f[0] != "stats" {
				continue
			}
			var before, after goruntime.MemStats
			goruntime.ReadMemStats(&before)
			goruntime.GC()
			goruntime.ReadMemStats(&after)
			if len(f) > 1 {
				if pf, err := os.Create(f[1]); err == nil {
					pprof.Lookup("heap").WriteTo(pf, 0)
					pf.Close()
				}
			}
			mib := func(v uint64) string { return fmt.Sprintf("%.1f", float64(v)/(1<<20)) }
			b, _ := json.Marshal(map[string]any{
				"heapInuse":     mib(before.HeapInuse),
				"heapAlloc":     mib(before.HeapAlloc),
				"liveAfterGC":   mib(after.HeapAlloc),
				"heapInuseGC":   mib(after.HeapInuse),
				"stackInuse":    mib(before.StackInuse),
				"stackInuseGC":  mib(after.StackInuse),
				"sys":           mib(after.Sys),
				"goroutines":    goruntime.NumGoroutine(),
				"numGC":         after.NumGC,
				"totalAllocMiB": mib(after.TotalAlloc),
				"heapIdleKept":  mib(before.HeapIdle - before.HeapReleased),
				"gcSys":         mib(after.GCSys),
				"otherSys":      mib(after.OtherSys + after.MSpanSys + after.MCacheSys + after.BuckHashSys),
			})
			fmt.Println(string(b))
		}
	}()
	rt := runtime.New(runtime.Options{})
	if err := rt.RunString(context.Background(), "server.lua", src); err != nil {
		fail(err)
	}
}
