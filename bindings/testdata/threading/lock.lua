-- threading.Lock: acquire/release, timeouts, mutual exclusion across
-- threads that block while they hold it.

local function elapsed(f, ...)
	local t0 = time.monotonic()
	local res = {pcall(f, ...)}
	return time.monotonic() - t0, unpack(res)
end

do -- a new lock is free; acquire takes it, release frees it
	local lk = threading.Lock()
	eq(lk:locked(), false)
	match(tostring(lk), "^<unlocked _thread%.lock object at 0x%x+>$")
	eq(lk:acquire(), true)
	eq(lk:locked(), true)
	match(tostring(lk), "^<locked _thread%.lock object at 0x%x+>$")
	eq(lk:acquire(false), false, "non-blocking acquire of a held lock")
	lk:release()
	eq(lk:locked(), false)
	eq(lk:acquire(false), true, "non-blocking acquire of a free lock")
	lk:release()
	eq(lk:acquire(true, 0), true)
	lk:release()
	eq(lk:acquire(nil, nil), true, "nil arguments are the defaults")
	lk:release()
	eq(lk:acquire(true, -1), true, "timeout -1 waits for ever, as in Python")
	lk:release()
end

do -- release of an unlocked lock, bad arguments
	local lk = threading.Lock()
	local e = raises("RuntimeError", lk.release, lk) -- RuntimeError: release unlocked lock
	eq(e.message, "release unlocked lock")
	eq(tostring(e), "RuntimeError: release unlocked lock")
	e = raises("ValueError", lk.acquire, lk, false, 1) -- ValueError: can't specify a timeout for a non-blocking call
	eq(e.message, "can't specify a timeout for a non-blocking call")
	e = raises("ValueError", lk.acquire, lk, true, -2) -- ValueError: timeout value must be positive
	eq(e.message, "timeout value must be positive")
	raises("bad argument #1 to 'acquire' (boolean expected, got number)", lk.acquire, lk, 1)
	raises("bad argument #2 to 'acquire' (number or nil expected, got string)", lk.acquire, lk, true, "1")
	raises("bad argument #1 to 'acquire'", lk.acquire)
	raises("bad argument #1 to 'release'", lk.release, {})
	eq(lk:locked(), false, "failed calls leave it free")
end

do -- a timed acquire of a held lock gives up after the timeout
	local lk = threading.Lock()
	lk:acquire()
	local dt, okc, got = elapsed(lk.acquire, lk, true, 0.05)
	ok(okc)
	eq(got, false)
	ok(dt >= 0.05 and dt < 2, "waited about 0.05s, not " .. dt)
	dt, okc, got = elapsed(lk.acquire, lk, true, 0)
	eq(got, false)
	ok(dt < 0.5, "timeout 0 does not wait")
	lk:release()
end

do -- a thread blocked in acquire gets the lock when another releases it
	local lk = threading.Lock()
	local started = threading.Event()
	lk:acquire()
	local got
	local th = spawn(function()
		started:set()
		got = lk:acquire() -- blocks: main holds it
		return lk:locked()
	end)
	ok(started:wait(10))
	-- The thread ran from set() to its blocking acquire without a switch
	-- point in between, so it waits now.
	eq(got, nil, "acquire returned while the lock was held")
	lk:release()
	eq(th:join(), true)
	eq(got, true)
	eq(lk:locked(), true, "the thread holds it now")
	lk:release() -- any thread may release it, as in Python
	eq(lk:locked(), false)
end

do -- a timed acquire in a thread succeeds when the lock comes free in time
	local lk = threading.Lock()
	local started = threading.Event()
	lk:acquire()
	local th = spawn(function()
		started:set()
		return lk:acquire(true, 10)
	end)
	ok(started:wait(10))
	lk:release()
	eq(th:join(), true)
	lk:release()
end

do -- mutual exclusion: threads that sleep while holding the lock
	local lk = threading.Lock()
	local inside, most, total = 0, 0, 0
	local order = {}
	local function worker(id)
		for round = 1, 5 do
			ok(lk:acquire(true, 10), "acquire timed out")
			inside = inside + 1
			most = math.max(most, inside)
			order[#order + 1] = id
			time.sleep(0.002) -- a switch point: the others run, and must wait
			total = total + 1
			inside = inside - 1
			lk:release()
			time.sleep(0)
		end
	end
	local threads = {}
	for id = 1, 4 do threads[id] = spawn(worker, id) end
	for id = 1, 4 do threads[id]:join() end
	eq(most, 1, "more than one thread held the lock at once")
	eq(total, 20)
	eq(inside, 0)
	eq(lk:locked(), false)
	-- Without the lock the same workers overlap: the test can tell.
	inside, most = 0, 0
	local function unlocked()
		for round = 1, 3 do
			inside = inside + 1
			most = math.max(most, inside)
			time.sleep(0.002)
			inside = inside - 1
		end
	end
	for id = 1, 4 do threads[id] = spawn(unlocked) end
	for id = 1, 4 do threads[id]:join() end
	ok(most > 1, "unlocked workers should overlap")
end

do -- a misspelt method raises AttributeError with the nearest name, as
	-- Python 3.12 does, on every object type
	local lock = threading.Lock()
	local e = raises("AttributeError", function() lock:aquire() end) -- AttributeError: 'Lock' object has no attribute 'aquire'. Did you mean: 'acquire'?
	eq(tostring(e), "AttributeError: 'Lock' object has no attribute 'aquire'. Did you mean: 'acquire'?")
	e = raises("AttributeError", function() threading.Event():isSet() end)
	eq(tostring(e), "AttributeError: 'Event' object has no attribute 'isSet'. Did you mean: 'is_set'?")
	e = raises("AttributeError", function() return queue.Queue().max_size end)
	eq(tostring(e), "AttributeError: 'Queue' object has no attribute 'max_size'. Did you mean: 'maxsize'?")
	local t = threading.Thread{target = function() end}
	e = raises("AttributeError", function() t:isAlive() end)
	eq(tostring(e), "AttributeError: 'Thread' object has no attribute 'isAlive'. Did you mean: 'is_alive'?")
end
