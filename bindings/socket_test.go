package bindings_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
)

// socketPrelude is the assert helper every script under testdata/socket
// gets. It is loaded as a chunk of its own ("prelude") on the script's
// first line, so the script's line numbers are its own.
//
//	eq(a, b [, msg])          a == b (Lua's ==, so addresses compare by value)
//	ok(cond [, msg])          cond is truthy
//	match(s, pattern [, msg]) string.find(s, pattern) (a Lua pattern)
//	has(s, sub [, msg])       s contains sub (plain)
//	raises(what, f, ...)      f(...) fails; what is the error's kind or a
//	                          substring of tostring(err); returns the error
//	here()                    "script:line" of the line that calls it
//	spawn(f, ...)             runs f(...) in a threading.Thread; :join()
//	                          waits (bounded), re-raises f's error, returns
//	                          f's results
//	skip(reason)              ends the script; the Go test skips it
const socketPrelude = `
local checks = 0
local function fail(msg, level)
	local info = debug.getinfo(level + 1, "Sl")
	error(info.source .. ":" .. info.currentline .. ": " .. msg, 0)
end
local function show(v)
	if type(v) == "string" then
		if #v > 80 then return string.format("%q...(%d bytes)", v:sub(1, 80), #v) end
		return string.format("%q", v)
	end
	return tostring(v)
end
function eq(a, b, msg)
	checks = checks + 1
	if a ~= b then
		fail((msg and msg .. ": " or "") .. "expected " .. show(b) .. ", got " .. show(a), 2)
	end
end
function ok(cond, msg)
	checks = checks + 1
	if not cond then fail(msg or "check failed", 2) end
	return cond
end
function match(s, pattern, msg)
	checks = checks + 1
	if type(s) == "userdata" then s = tostring(s) end
	if type(s) ~= "string" or not string.find(s, pattern) then
		fail((msg and msg .. ": " or "") .. show(s) .. " does not match " .. show(pattern), 2)
	end
end
function has(s, sub, msg)
	checks = checks + 1
	if type(s) == "userdata" then s = tostring(s) end
	if type(s) ~= "string" or not string.find(s, sub, 1, true) then
		fail((msg and msg .. ": " or "") .. show(s) .. " does not contain " .. show(sub), 2)
	end
end
function raises(what, f, ...)
	checks = checks + 1
	local res = {pcall(f, ...)}
	if res[1] then
		fail("expected " .. what .. ", but the call returned " .. show(res[2]), 2)
	end
	local e = res[2]
	local kind = type(e) == "userdata" and e.kind or nil
	if kind ~= what and not string.find(tostring(e), what, 1, true) then
		fail("expected " .. what .. ", got " .. show(tostring(e)), 2)
	end
	return e
end
function here()
	local info = debug.getinfo(2, "Sl")
	return info.source .. ":" .. info.currentline
end
function spawn(f, ...)
	local args = {...}
	local box = {}
	local th = threading.Thread{target = function()
		box.res = {pcall(f, unpack(args))}
	end}
	th:start()
	return {join = function(self, timeout)
		th:join(timeout or 20)
		if not box.res then fail("thread did not finish", 2) end
		if not box.res[1] then error(box.res[2], 0) end
		return unpack(box.res, 2)
	end}
end
function skip(reason)
	print("SKIP: " .. reason)
	error("SKIP: " .. reason, 0)
end
function __checks() return checks end
`

// luaQuote makes s a one-line Lua string literal.
func luaQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

var checksLine = regexp.MustCompile(`(?m)^CHECKS (\d+)$`)

// TestSocketScripts runs testdata/socket/*.lua (see runLuaTestdata).
func TestSocketScripts(t *testing.T) { runLuaTestdata(t, "socket") }

// TestSocketInterrupt: cancelling the context wakes a script blocked in a
// socket call without a timeout, with KeyboardInterrupt, in the main
// thread and in another one (RunString returns only once every thread has).
func TestSocketInterrupt(t *testing.T) {
	scripts := map[string]string{
		"accept": `
			local srv = socket.socket()
			srv:bind{"127.0.0.1", 0}
			srv:listen() -- OnListen cancels the run
			srv:accept()
			print("not reached")`,
		"recvfrom": `
			local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
			u:bind{"127.0.0.1", 0} -- OnListen cancels the run
			u:recvfrom(100)
			print("not reached")`,
		"thread recv": `
			local a, b = socket.socketpair()
			local t = threading.Thread{target = function()
				a:sendall("ready")
				a:recv(10) -- no switch point before: main wakes once this blocks
				print("not reached")
			end}
			t:start()
			assert(b:recv(10) == "ready")
			local srv = socket.socket()
			srv:bind{"127.0.0.1", 0}
			srv:listen() -- OnListen cancels the run
			t:join()
			print("not reached")`,
	}
	for name, src := range scripts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			rt := runtime.New(runtime.Options{
				Stdin:    strings.NewReader(""),
				Stdout:   &stdout,
				Stderr:   &stderr,
				OnListen: func(string, string) { cancel() },
			})
			defer rt.Close()
			start := time.Now()
			err := rt.RunString(ctx, name+".lua", src)
			var serr *runtime.ScriptError
			if !errors.As(err, &serr) || serr.Kind != api.KeyboardInterrupt {
				t.Fatalf("got %v, want KeyboardInterrupt\n--- stdout:\n%s\n--- stderr:\n%s", err, stdout.String(), stderr.String())
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("interrupt took %v", d)
			}
			if strings.Contains(stdout.String(), "not reached") {
				t.Errorf("the script went on after the interrupt:\n%s", stdout.String())
			}
		})
	}
}

// TestSocketRecvHugeBufsize: recv(2^31) returns what has arrived without
// allocating bufsize bytes (TCP and UDP). Not parallel, so that the
// allocation count is this test's.
func TestSocketRecvHugeBufsize(t *testing.T) {
	src := `
		local srv = socket.create_server{"127.0.0.1", 0}
		srv:settimeout(5)
		local cli = socket.create_connection(srv:getsockname(), 5)
		local conn = srv:accept()
		conn:settimeout(5)
		local a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		a:settimeout(5)
		a:bind{"127.0.0.1", 0}
		for i = 1, 20 do
			cli:sendall("chunk " .. i)
			assert(conn:recv(2^31) == "chunk " .. i)
			a:sendto("datagram " .. i, a:getsockname())
			assert(a:recvfrom(2^31) == "datagram " .. i)
		end`
	rt := runtime.New(runtime.Options{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	if err := rt.RunString(ctx, "huge.lua", src); err != nil {
		t.Fatal(err)
	}
	goruntime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 256<<20 {
		t.Errorf("40 recv(2^31) calls allocated %d MiB", d>>20)
	}
}
