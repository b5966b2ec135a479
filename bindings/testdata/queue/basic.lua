-- queue.Queue in one thread: FIFO order, sizes, nowait variants, timeouts
-- and the errors Python raises.

local function elapsed(f, ...)
	local t0 = time.monotonic()
	local res = {pcall(f, ...)}
	return time.monotonic() - t0, unpack(res)
end

do -- first in, first out; any value, nil included
	local q = queue.Queue()
	eq(q.maxsize, 0)
	eq(q:qsize(), 0)
	eq(q:empty(), true)
	eq(q:full(), false)
	match(tostring(q), "^<queue%.Queue object at 0x%x+>$")
	local t = {}
	q:put(1)
	q:put("two")
	q:put(nil)
	q:put(t)
	q:put(false)
	eq(q:qsize(), 5)
	eq(q:empty(), false)
	eq(q:get(), 1)
	eq(q:get(), "two")
	eq(q:get(), nil)
	eq(q:get(), t, "the same table comes out")
	eq(q:get(), false)
	eq(q:empty(), true)
	eq(require("queue"), queue)
end

do -- maxsize: full() and put_nowait
	local q = queue.Queue(2)
	eq(q.maxsize, 2)
	q:put_nowait("a")
	q:put("b", false)
	eq(q:full(), true)
	local e = raises("queue.Full", q.put_nowait, q, "c") -- queue.Full
	eq(e.kind, queue.Full)
	eq(e.message, "")
	eq(tostring(e), "queue.Full")
	raises("queue.Full", q.put, q, "c", false) -- queue.Full
	raises("queue.Full", q.put, q, "c", false, 10) -- queue.Full: block false ignores the timeout
	eq(q:qsize(), 2)
	eq(q:get_nowait(), "a")
	eq(q:full(), false)
	eq(q:get(false), "b")
	e = raises("queue.Empty", q.get_nowait, q) -- queue.Empty
	eq(e.kind, queue.Empty)
	eq(e.message, "")
	eq(tostring(e), "queue.Empty")
	raises("queue.Empty", q.get, q, false) -- queue.Empty
	-- maxsize 0 or less: no limit
	for _, size in ipairs{0, -1} do
		local unbounded = queue.Queue(size)
		for i = 1, 1000 do unbounded:put_nowait(i) end
		eq(unbounded:full(), false)
		eq(unbounded:qsize(), 1000)
	end
end

do -- timeouts: queue.Empty / queue.Full after waiting that long
	local q = queue.Queue(1)
	local dt, okc, e = elapsed(q.get, q, true, 0.05)
	eq(okc, false)
	eq(e.kind, "queue.Empty")
	ok(dt >= 0.05 and dt < 2, "get waited about 0.05s, not " .. dt)
	dt, okc, e = elapsed(q.get, q, nil, 0.05)
	eq(e.kind, "queue.Empty", "block nil is the default, true")
	dt, okc, e = elapsed(q.get, q, true, 0)
	eq(e.kind, "queue.Empty")
	ok(dt < 0.5, "timeout 0 does not wait")
	q:put("x")
	dt, okc, e = elapsed(q.put, q, "y", true, 0.05)
	eq(okc, false)
	eq(e.kind, "queue.Full")
	ok(dt >= 0.05 and dt < 2, "put waited about 0.05s, not " .. dt)
	eq(q:get(true, 0.05), "x", "an item there is returned at once")
end

do -- bad arguments, as Python and Lua report them
	local q = queue.Queue()
	local e = raises("ValueError", q.get, q, true, -1) -- ValueError: 'timeout' must be a non-negative number
	eq(e.message, "'timeout' must be a non-negative number")
	raises("ValueError", q.put, q, 1, true, -1) -- ValueError: 'timeout' must be a non-negative number
	eq(q:qsize(), 0, "a put that failed stores nothing")
	raises("bad argument #1 to 'get' (boolean expected, got number)", q.get, q, 0)
	raises("bad argument #2 to 'get' (number or nil expected, got string)", q.get, q, true, "x")
	raises("bad argument #1 to 'put' (value expected)", q.put, q)
	raises("bad argument #1 to 'Queue' (number expected, got string)", queue.Queue, "3")
	raises("bad argument #1 to 'get'", q.get)
	raises("bad argument #1 to 'qsize'", q.qsize, {})
end

do -- task_done and join
	local q = queue.Queue()
	q:join() -- nothing unfinished: returns at once
	q:put(1)
	q:put(2)
	q:get()
	q:task_done()
	q:get()
	q:task_done()
	q:join()
	local e = raises("ValueError", q.task_done, q) -- ValueError: task_done() called too many times
	eq(e.message, "task_done() called too many times")
end
