-- threading.Event: set, clear, is_set, wait with and without timeout, and
-- one set() waking several waiters.

local function elapsed(f, ...)
	local t0 = time.monotonic()
	local res = {pcall(f, ...)}
	return time.monotonic() - t0, unpack(res)
end

do -- the flag
	local ev = threading.Event()
	eq(ev:is_set(), false)
	match(tostring(ev), "^<threading%.Event at 0x%x+: unset>$")
	ev:set()
	eq(ev:is_set(), true)
	match(tostring(ev), "^<threading%.Event at 0x%x+: set>$")
	eq(ev:wait(), true, "wait on a set event returns at once")
	eq(ev:wait(0), true)
	ev:set() -- setting twice is fine
	ev:clear()
	eq(ev:is_set(), false)
	ev:clear()
	eq(ev:is_set(), false)
	raises("bad argument #1 to 'wait' (number or nil expected, got string)", ev.wait, ev, "1")
	raises("bad argument #1 to 'set'", ev.set)
end

do -- wait with a timeout returns false when nobody sets it
	local ev = threading.Event()
	local dt, okc, res = elapsed(ev.wait, ev, 0.05)
	ok(okc)
	eq(res, false)
	ok(dt >= 0.05 and dt < 2, "waited about 0.05s, not " .. dt)
	dt, okc, res = elapsed(ev.wait, ev, 0)
	eq(res, false)
	ok(dt < 0.5, "timeout 0 does not wait")
	dt, okc, res = elapsed(ev.wait, ev, -1)
	eq(res, false, "a negative timeout does not wait either, as in Python")
end

do -- a waiting thread wakes when another sets the event
	local ev = threading.Event()
	local started = threading.Event()
	local th = spawn(function()
		started:set()
		return ev:wait(10)
	end)
	ok(started:wait(10))
	ev:set()
	eq(th:join(), true)
end

do -- a thread's wait times out while main does not set it
	local ev = threading.Event()
	local th = spawn(function() return ev:wait(0.05) end)
	eq(th:join(), false)
end

do -- one set() wakes every waiter
	local ev = threading.Event()
	local all_waiting = threading.Event()
	local n, waiting, woke = 5, 0, 0
	local threads = {}
	for i = 1, n do
		threads[i] = spawn(function()
			waiting = waiting + 1
			-- The last one tells main; every other one already waits, as
			-- nothing switches between the count and the wait.
			if waiting == n then all_waiting:set() end
			local res = ev:wait(10)
			woke = woke + 1
			return res
		end)
	end
	ok(all_waiting:wait(10), "the waiters did not all start")
	eq(woke, 0, "nobody woke before set()")
	ev:set()
	for i = 1, n do eq(threads[i]:join(), true, "waiter " .. i) end
	eq(woke, n)
end

do -- clear() after set(): later waits block again
	local ev = threading.Event()
	ev:set()
	ev:clear()
	eq(ev:wait(0.01), false)
end
