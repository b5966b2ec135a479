package runtime_test

import (
	"bytes"
	"context"
	goruntime "runtime"
	"strconv"
	"testing"

	"github.com/socklab/socklab/runtime"
	lua "github.com/yuin/gopher-lua"
)

// benchScript runs src with b.N as arg[1], timing the whole run.
func benchScript(b *testing.B, src string) {
	benchRuntime(b, runtime.New(runtime.Options{Stdout: &bytes.Buffer{}, Args: []string{strconv.Itoa(b.N)}}), src)
}

// benchRuntime is benchScript on a runtime the benchmark has prepared.
func benchRuntime(b *testing.B, rt *runtime.Runtime, src string) {
	defer rt.Close()
	b.ReportAllocs()
	b.ResetTimer()
	if err := rt.RunString(context.Background(), "bench.lua", src); err != nil {
		b.Fatal(err)
	}
}

// One small send and its recv over a socket pair: the per-call cost of the
// socket binding (CPython 3.11 on this machine: about 4 µs a pair).
func BenchmarkSendRecv(b *testing.B) {
	benchScript(b, `local a, b = socket.socketpair()
		for i = 1, tonumber(arg[1]) do a:send("ping"); b:recv(16) end`)
}

// The same with 4 KiB: the bytes allocated per pair are the recv's result
// alone, since send writes the Lua string without copying it.
func BenchmarkSendRecv4K(b *testing.B) {
	benchScript(b, `local a, b = socket.socketpair()
		local msg = string.rep("x", 4096)
		for i = 1, tonumber(arg[1]) do a:send(msg); b:recv(4096) end`)
}

// The memory a thread parked in recv holds, in bytes per thread
// (B/thread): its goroutine, its Lua state and what the wait sets up, but
// no receive buffer.
func BenchmarkBlockedRecvMemory(b *testing.B) {
	const threads = 200
	var perThread float64
	for b.Loop() {
		perThread = blockedRecvBytes(b, threads)
	}
	b.ReportMetric(perThread, "B/thread")
}

func blockedRecvBytes(b *testing.B, threads int) float64 {
	out := newSyncBuffer("parked")
	rt := runtime.New(runtime.Options{Stdout: out, Args: []string{strconv.Itoa(threads)}})
	defer rt.Close()
	inUse := func() uint64 {
		// Twice: a sync.Pool keeps what it holds through one collection.
		goruntime.GC()
		goruntime.GC()
		var ms goruntime.MemStats
		goruntime.ReadMemStats(&ms)
		return ms.HeapInuse + ms.StackInuse
	}
	before := inUse()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- rt.RunString(ctx, "blocked.lua", `
			local n = tonumber(arg[1])
			local started = queue.Queue()
			for i = 1, n do
				local a, b = socket.socketpair()
				threading.Thread{daemon = true, target = function()
					started:put(i)
					b:recv(65536)
				end}:start()
			end
			for i = 1, n do started:get() end
			print("parked")
			threading.Event():wait()`)
	}()
	select {
	case <-out.seen:
	case err := <-done:
		b.Fatalf("the script ended early: %v", err)
	}
	after := inUse()
	cancel()
	<-done
	return float64(after-before) / float64(threads)
}

// A length-prefixed message framed and read back: pack, sendall,
// recv_exactly, unpack.
func BenchmarkFramedMessage(b *testing.B) {
	benchScript(b, `local a, b = socket.socketpair()
		local body = string.rep("x", 100)
		for i = 1, tonumber(arg[1]) do
			a:sendall(struct.pack("!I", #body) .. body)
			local n = struct.unpack("!I", b:recv_exactly(4))
			b:recv_exactly(n)
		end`)
}

// A pure-Lua loop: the interpreter's own speed, with the context check
// that makes loops interruptible.
func BenchmarkLuaLoop(b *testing.B) {
	benchScript(b, `local s = 0
		for i = 1, tonumber(arg[1]) do s = s + i % 7 end`)
}

// A method call on a socket that does no system call: the cost of the
// binding machinery itself.
func BenchmarkMethodCall(b *testing.B) {
	benchScript(b, `local sk = socket.socket()
		for i = 1, tonumber(arg[1]) do sk:fileno() end`)
}

// pcall runs on a pooled child state (the gopher-lua #448 workaround):
// a protected call that fails, and one that succeeds.
func BenchmarkPcall(b *testing.B) {
	benchScript(b, `local f = function(i) if i % 2 == 0 then error("even") end return i end
		for i = 1, tonumber(arg[1]) do pcall(f, i) end`)
}

// Starting a thread that does nothing and joining it: what every
// threading.Thread costs (its state, goroutine and context).
func BenchmarkThreadStart(b *testing.B) {
	benchScript(b, `local f = function() end
		for i = 1, tonumber(arg[1]) do
			local t = threading.Thread{target = f}
			t:start()
			t:join()
		end`)
}

// A blocking round trip between two threads: the main thread sends, a
// second thread answers, each wait handing the interpreter lock over.
func BenchmarkThreadRoundTrip(b *testing.B) {
	cases := []struct{ name, src string }{
		{"socketpair", `local a, b = socket.socketpair()
			local n = tonumber(arg[1])
			local t = threading.Thread{target = function()
				for i = 1, n do b:sendall(b:recv(1)) end
			end}
			t:start()
			for i = 1, n do a:sendall("p"); a:recv(1) end
			t:join()`},
		{"queue", `local ping, pong = queue.Queue(), queue.Queue()
			local n = tonumber(arg[1])
			local t = threading.Thread{target = function()
				for i = 1, n do pong:put(ping:get()) end
			end}
			t:start()
			for i = 1, n do ping:put(i); pong:get() end
			t:join()`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchScript(b, c.src) })
	}
}

// struct.pack and struct.unpack of one record, the W4 loop: with
// the functions in locals and looked up as struct fields on every call
// (CPython 3.11 on this machine: about 263 ns a pair).
func BenchmarkStructPackUnpack(b *testing.B) {
	b.Run("locals", func(b *testing.B) {
		benchScript(b, `local pack, unpack = struct.pack, struct.unpack
			for i = 1, tonumber(arg[1]) do
				local s = pack("!IHd", i, 7, 1.5)
				unpack("!IHd", s)
			end`)
	})
	b.Run("fields", func(b *testing.B) {
		benchScript(b, `for i = 1, tonumber(arg[1]) do
				local s = struct.pack("!IHd", i, 7, 1.5)
				struct.unpack("!IHd", s)
			end`)
	})
}

// The floor for BenchmarkStructPackUnpack: the same loops calling two Go
// functions that do nothing, with the same arguments, reached the same
// way (locals, or fields of a global table).
func BenchmarkEmptyCalls(b *testing.B) {
	empty := func(L *lua.LState) int { return 0 }
	bench := func(b *testing.B, src string) {
		rt := runtime.New(runtime.Options{Stdout: &bytes.Buffer{}, Args: []string{strconv.Itoa(b.N)}})
		runtime.SetGlobalFunc(rt, "empty_pack", empty)
		runtime.SetGlobalFunc(rt, "empty_unpack", empty)
		benchRuntime(b, rt, `nop = {pack = empty_pack, unpack = empty_unpack}
			local s = "0123456789abcd"
			`+src)
	}
	b.Run("locals", func(b *testing.B) {
		bench(b, `local pack, unpack = nop.pack, nop.unpack
			for i = 1, tonumber(arg[1]) do
				pack("!IHd", i, 7, 1.5)
				unpack("!IHd", s)
			end`)
	})
	b.Run("fields", func(b *testing.B) {
		bench(b, `for i = 1, tonumber(arg[1]) do
				nop.pack("!IHd", i, 7, 1.5)
				nop.unpack("!IHd", s)
			end`)
	})
}

// Start-up: a runtime made, an empty script run, the runtime closed.
func BenchmarkNewRuntime(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		rt := runtime.New(runtime.Options{Stdout: &bytes.Buffer{}})
		if err := rt.RunString(context.Background(), "empty.lua", ""); err != nil {
			b.Fatal(err)
		}
		rt.Close()
	}
}

// string.gsub over 1 MB of "a\n", one replacement every two bytes: the
// issue's protocol-body rewrite (CPython 3.11's re.sub on the same input:
// about 25 ms on the 2-core machine; gopher-lua's own gsub: minutes).
func BenchmarkGsub1MB(b *testing.B) {
	benchScript(b, `local s = string.rep("a\n", 500000)
		for i = 1, tonumber(arg[1]) do s:gsub("\n", "\r\n") end`)
}

// The same over 100 KB (gopher-lua's own: seconds).
func BenchmarkGsub100KB(b *testing.B) {
	benchScript(b, `local s = string.rep("a\n", 50000)
		for i = 1, tonumber(arg[1]) do s:gsub("\n", "\r\n") end`)
}

// A pattern with captures and a replacement that uses them, over 1 MB
// of "key=value;" pairs.
func BenchmarkGsubCaptures1MB(b *testing.B) {
	benchScript(b, `local s = string.rep("key=value;", 100000)
		for i = 1, tonumber(arg[1]) do s:gsub("(%w+)=(%w+)", "%2=%1") end`)
}

// A short find with a pattern, the per-call cost of a tokenizer's
// s:find(p, pos): argument checks, the pattern cache, one match.
func BenchmarkFindShort(b *testing.B) {
	benchScript(b, `local s = "GET /index.html HTTP/1.1"
		for i = 1, tonumber(arg[1]) do s:find("^(%u+)%s+(%S+)") end`)
}

// select.select over a socket that is ready already: a select loop
// serving a busy connection.
func BenchmarkSelectReady(b *testing.B) {
	benchScript(b, `local a, b = socket.socketpair()
		a:send("x")
		for i = 1, tonumber(arg[1]) do select.select({b}, {}, {}, 1) end`)
}
