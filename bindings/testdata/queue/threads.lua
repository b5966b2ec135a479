-- queue.Queue between threads: put blocks when full, get blocks when
-- empty, producers and consumers hand items over in order.

do -- get blocks while the queue is empty, and wakes on put
	local q = queue.Queue()
	local started = threading.Event()
	local got
	local th = spawn(function()
		started:set()
		got = q:get() -- blocks: nothing there yet
		return got
	end)
	ok(started:wait(10))
	-- The thread went from set() straight into get without a switch
	-- point: it waits now.
	eq(got, nil)
	q:put("item")
	eq(th:join(), "item")
end

do -- put blocks while the queue is full, and wakes on get
	local q = queue.Queue(2)
	q:put(1)
	q:put(2)
	local started = threading.Event()
	local put_done = false
	local th = spawn(function()
		started:set()
		q:put(3) -- blocks: the queue is full
		put_done = true
	end)
	ok(started:wait(10))
	eq(put_done, false, "put returned on a full queue")
	eq(q:qsize(), 2)
	eq(q:get(), 1)
	th:join()
	eq(put_done, true)
	eq(q:get(), 2)
	eq(q:get(), 3)
end

do -- a timed get in a thread gets an item that comes in time
	local q = queue.Queue()
	local started = threading.Event()
	local th = spawn(function()
		started:set()
		return q:get(true, 10)
	end)
	ok(started:wait(10))
	q:put("late")
	eq(th:join(), "late")
end

do -- timeouts in threads raise queue.Empty / queue.Full
	local q = queue.Queue(1)
	local th = spawn(function() return q:get(true, 0.05) end)
	raises("queue.Empty", th.join, th) -- queue.Empty
	q:put(1)
	th = spawn(function() return q:put(2, true, 0.05) end)
	raises("queue.Full", th.join, th) -- queue.Full
end

do -- producer and consumer over a bounded queue
	local q = queue.Queue(3)
	local n = 200
	local produced_full = 0
	local most = 0
	local producer = spawn(function()
		for i = 1, n do
			if q:full() then produced_full = produced_full + 1 end
			q:put(i)
			most = math.max(most, q:qsize())
		end
		q:put("done")
	end)
	local consumer = spawn(function()
		local got = {}
		while true do
			local item = q:get(true, 10)
			if item == "done" then break end
			got[#got + 1] = item
			if #got % 10 == 0 then time.sleep(0.001) end -- a slow consumer
		end
		return got
	end)
	producer:join()
	local got = consumer:join()
	eq(#got, n)
	for i = 1, n do
		if got[i] ~= i then eq(got[i], i, "item " .. i .. " out of order") end
	end
	ok(most <= 3, "the queue held " .. most .. " items, more than maxsize")
	ok(produced_full > 0, "the producer never found the queue full")
	eq(q:empty(), true)
end

do -- several producers and consumers: every item arrives exactly once
	local q = queue.Queue(4)
	local producers, consumers = {}, {}
	local per = 50
	for p = 1, 3 do
		producers[p] = spawn(function()
			for i = 1, per do
				q:put(p * 1000 + i)
				if i % 7 == 0 then time.sleep(0) end
			end
		end)
	end
	local seen = {}
	for c = 1, 3 do
		consumers[c] = spawn(function()
			local count = 0
			while true do
				local item = q:get(true, 10)
				if item == nil then break end
				ok(not seen[item], "item " .. tostring(item) .. " got twice")
				seen[item] = true
				count = count + 1
				q:task_done()
			end
			return count
		end)
	end
	for p = 1, 3 do producers[p]:join() end
	q:join() -- every item got and marked done
	for c = 1, 3 do q:put(nil) end -- one stop signal per consumer
	local total = 0
	for c = 1, 3 do total = total + consumers[c]:join() end
	eq(total, 3 * per)
	for p = 1, 3 do
		for i = 1, per do ok(seen[p * 1000 + i], "item missing") end
	end
end

do -- FIFO per producer: items of one producer keep their order
	local q = queue.Queue(2)
	local a = spawn(function() for i = 1, 30 do q:put{"a", i} end end)
	local b = spawn(function() for i = 1, 30 do q:put{"b", i} end end)
	local last = {a = 0, b = 0}
	for _ = 1, 60 do
		local item = q:get(true, 10)
		eq(item[2], last[item[1]] + 1, "order of " .. item[1])
		last[item[1]] = item[2]
	end
	a:join()
	b:join()
end
