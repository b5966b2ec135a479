-- Timeouts: blocking, non-blocking and timed modes; the default timeout.

local function listener(backlog)
	local srv = socket.socket()
	srv:bind{"127.0.0.1", 0}
	srv:listen(backlog)
	return srv, srv:getsockname()
end

local function elapsed(f, ...)
	local t0 = time.monotonic()
	local res = {pcall(f, ...)}
	return time.monotonic() - t0, unpack(res)
end

do -- a new socket blocks: gettimeout nil, getblocking true
	eq(socket.getdefaulttimeout(), nil)
	local s = socket.socket()
	eq(s:gettimeout(), nil)
	eq(s:getblocking(), true)
	eq(s.timeout, nil)
	s:settimeout(0)
	eq(s:gettimeout(), 0)
	eq(s:getblocking(), false)
	s:settimeout(0.05)
	eq(s:gettimeout(), 0.05)
	eq(s.timeout, 0.05)
	eq(s:getblocking(), true, "a timeout is still blocking mode")
	s:setblocking(false)
	eq(s:gettimeout(), 0)
	s:setblocking(true)
	eq(s:gettimeout(), nil)
	s:settimeout(2)
	s:settimeout(nil)
	eq(s:gettimeout(), nil)
	s:close()
end

do -- settimeout(0): BlockingIOError [Errno 11] when nothing is ready
	local srv, addr = listener()
	srv:settimeout(0)
	local e = raises("BlockingIOError", srv.accept, srv) -- [Errno 11] Resource temporarily unavailable
	eq(e.errno, 11)
	eq(e.errno, socket.EAGAIN)
	eq(tostring(e), "BlockingIOError: [Errno 11] Resource temporarily unavailable")
	local cli = socket.create_connection(addr, 5)
	srv:settimeout(5)
	local conn = srv:accept()
	conn:settimeout(0)
	raises("BlockingIOError", conn.recv, conn, 10) -- [Errno 11] Resource temporarily unavailable
	raises("BlockingIOError", conn.recv_exactly, conn, 10) -- [Errno 11] Resource temporarily unavailable
	cli:sendall("ready")
	-- still non-blocking, but data is there now: wait for it with a timeout
	conn:settimeout(5)
	eq(conn:recv(10), "ready")
	conn:settimeout(0)
	raises("BlockingIOError", conn.recv, conn, 10) -- [Errno 11] Resource temporarily unavailable
	-- filling the send buffer of a non-blocking socket: a short send, then EAGAIN
	cli:settimeout(0)
	local chunk = string.rep("x", 1024 * 1024)
	local total, e2 = 0, nil
	for _ = 1, 64 do
		local ok_, r = pcall(cli.send, cli, chunk)
		if not ok_ then e2 = r break end
		total = total + r
	end
	ok(e2 ~= nil, "the send buffer fills up")
	eq(e2.kind, "BlockingIOError")
	eq(e2.errno, 11)
	ok(total > 0, "some bytes were taken first")
	cli:close()
	conn:close()
	srv:close()
end

do -- settimeout(0.05): TimeoutError "timed out", no errno
	local srv, addr = listener()
	srv:settimeout(0.05)
	local dt, ok_, e = elapsed(srv.accept, srv) -- TimeoutError: timed out
	eq(ok_, false)
	eq(e.kind, "TimeoutError")
	eq(e.errno, nil)
	eq(e.message, "timed out")
	eq(tostring(e), "TimeoutError: timed out")
	ok(dt >= 0.04 and dt < 2, "accept waited about 0.05 s, not " .. dt)

	local cli = socket.create_connection(addr, 0.05)
	eq(cli:gettimeout(), 0.05, "create_connection's timeout stays on the socket")
	srv:settimeout(5)
	local conn = srv:accept()
	dt, ok_, e = elapsed(cli.recv, cli, 10) -- TimeoutError: timed out
	eq(ok_, false)
	eq(e.kind, "TimeoutError")
	ok(dt >= 0.04 and dt < 2, "recv waited about 0.05 s, not " .. dt)
	raises("TimeoutError", cli.recvfrom, cli, 10) -- TimeoutError: timed out
	raises("TimeoutError", cli.recv_until, cli, "\n") -- TimeoutError: timed out
	-- the socket still works after a timeout
	conn:sendall("late\n")
	cli:settimeout(5)
	eq(cli:recv_until("\n"), "late\n")

	-- sendall with nobody reading: the whole call times out
	cli:settimeout(0.05)
	dt, ok_, e = elapsed(cli.sendall, cli, string.rep("y", 64 * 1024 * 1024)) -- TimeoutError: timed out
	eq(ok_, false)
	eq(e.kind, "TimeoutError")
	ok(dt < 2, "sendall gave up after its timeout, not " .. dt)
	cli:close()
	conn:close()
	srv:close()
end

do -- connect times out when the accept queue is full (Linux drops the SYN)
	local srv, addr = listener(0)
	local first = socket.socket()
	first:settimeout(5)
	first:connect(addr) -- the one connection a backlog of 0 queues
	local second = socket.socket()
	second:settimeout(0.1)
	local dt, ok_, e = elapsed(second.connect, second, addr) -- TimeoutError: timed out
	eq(ok_, false)
	eq(e.kind, "TimeoutError")
	ok(dt >= 0.09 and dt < 2, "connect waited about 0.1 s, not " .. dt)
	-- connect_ex raises a timeout too (it only returns errno values)
	local third = socket.socket()
	third:settimeout(0.05)
	raises("TimeoutError", third.connect_ex, third, addr) -- TimeoutError: timed out
	first:close()
	second:close()
	third:close()
	srv:close()
end

do -- settimeout(nil) blocks until the data comes from another thread
	local srv, addr = listener()
	srv:settimeout(5)
	local cli = socket.create_connection(addr, 5)
	local conn = srv:accept()
	eq(conn:gettimeout(), nil, "accept()ed sockets take the default timeout")
	local t = spawn(function()
		cli:sendall("one")
		cli:sendall("two")
		cli:close()
	end)
	-- blocking: this recv waits for the thread, which runs while it waits
	local got = {}
	while true do
		local d = conn:recv(100)
		if d == "" then break end
		got[#got + 1] = d
	end
	t:join()
	eq(table.concat(got), "onetwo")
	conn:close()
	srv:close()
end

do -- socket.setdefaulttimeout applies to new sockets and to accept()ed ones
	socket.setdefaulttimeout(2.5)
	eq(socket.getdefaulttimeout(), 2.5)
	local s = socket.socket()
	eq(s:gettimeout(), 2.5)
	local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	eq(u:gettimeout(), 2.5)
	local a, b = socket.socketpair()
	eq(a:gettimeout(), 2.5)
	eq(b:gettimeout(), 2.5)
	local srv, addr = listener()
	eq(srv:gettimeout(), 2.5)
	local cli = socket.create_connection(addr)
	eq(cli:gettimeout(), 2.5, "create_connection without a timeout takes the default")
	local conn = srv:accept()
	eq(conn:gettimeout(), 2.5, "an accept()ed socket takes the default")
	-- and back to blocking: an accept()ed socket blocks even if the listener has a timeout
	socket.setdefaulttimeout(nil)
	eq(socket.getdefaulttimeout(), nil)
	eq(socket.socket():gettimeout(), nil)
	srv:settimeout(5)
	local cli2 = socket.create_connection(addr)
	local conn2 = srv:accept()
	eq(conn2:gettimeout(), nil)
	socket.setdefaulttimeout(0)
	eq(socket.getdefaulttimeout(), 0)
	eq(socket.socket():getblocking(), false)
	socket.setdefaulttimeout(nil)
	raises("ValueError", socket.setdefaulttimeout, -1) -- ValueError: Timeout value out of range
	raises("Invalid value NaN", socket.setdefaulttimeout, 0/0) -- ValueError: Invalid value NaN (not a number)
	local s2 = socket.socket()
	raises("Invalid value NaN", s2.settimeout, s2, 0/0) -- ValueError: Invalid value NaN (not a number)
	eq(s2:gettimeout(), nil, "unchanged")
	s2:close()
	eq(socket.getdefaulttimeout(), nil)
	for _, x in ipairs{s, u, a, b, srv, cli, conn, cli2, conn2} do x:close() end
end

do -- a deadline belongs to the call that waits: thread A's recv with a
	-- timeout times out on time while thread B waits on the same socket
	-- without one, whichever of them waits first
	for _, timed_first in ipairs{true, false} do
		local rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		rx:bind{"127.0.0.1", 0}
		local done = queue.Queue()
		local function timed()
			rx:settimeout(0.3)
			done:put({"A", elapsed(rx.recv, rx, 100)})
		end
		local function untimed()
			rx:settimeout(nil)
			done:put({"B", elapsed(rx.recv, rx, 100)})
		end
		local first, second = timed, untimed
		if not timed_first then first, second = untimed, timed end
		spawn(first)
		time.sleep(0.05) -- the first is most likely waiting (either order must pass)
		spawn(second)
		local a = done:get(true, 10)
		eq(a[1], "A", "the timed recv ends first")
		eq(a[3], false)
		eq(a[4].kind, "TimeoutError")
		ok(a[2] < 2, "it timed out on time, after " .. a[2] .. " s")
		local tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		tx:sendto("for B", rx:getsockname())
		local b = done:get(true, 10)
		eq(b[1], "B")
		eq(b[4], "for B")
		tx:close()
		rx:close()
	end
end
