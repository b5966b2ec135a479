-- Threads and blocking socket calls: a thread blocked in a call never
-- stops another one, since blocking calls release the interpreter lock.

local function listener()
	local srv = socket.socket()
	srv:settimeout(10)
	srv:bind{"127.0.0.1", 0}
	srv:listen()
	return srv, srv:getsockname()
end

local function pair()
	local srv, addr = listener()
	local cli = socket.create_connection(addr, 10)
	local conn = srv:accept()
	conn:settimeout(10)
	srv:close()
	return cli, conn
end

do -- a 4 MB sendall, received completely by a thread while the main thread sends
	local cli, conn = pair()
	local parts = {}
	for i = 1, 4096 do parts[i] = string.format("%07d", i) .. string.rep(string.char(i % 256), 1017) end
	local big = table.concat(parts)
	eq(#big, 4 * 1024 * 1024)
	local got, reads = {}, 0
	local t = threading.Thread{target = function()
		while true do
			local d = conn:recv(65536)
			if d == "" then break end
			reads = reads + 1
			got[#got + 1] = d
		end
	end}
	t:start()
	cli:sendall(big) -- far more than the socket buffers hold: needs the reader to run
	cli:close()
	t:join()
	eq(t:is_alive(), false)
	local all = table.concat(got)
	eq(#all, #big)
	ok(all == big, "the bytes arrived in order")
	ok(reads > 1, "in several reads")
	conn:close()
end

do -- the same the other way: a thread sends, the main thread receives
	local cli, conn = pair()
	local big = string.rep("0123456789abcdef", 262144)
	local t = spawn(function()
		conn:sendall(big)
		conn:shutdown(socket.SHUT_WR)
		return "sent"
	end)
	local got = {}
	while true do
		local d = cli:recv(2^31)
		if d == "" then break end
		got[#got + 1] = d
	end
	eq(t:join(), "sent")
	eq(table.concat(got), big)
	cli:close()
	conn:close()
end

do -- a server thread accepts while the main thread connects
	local srv, addr = listener()
	local t = spawn(function()
		local seen = {}
		for i = 1, 3 do
			local conn, peer = srv:accept()
			conn:settimeout(10)
			local line = conn:recv_until("\n")
			conn:sendall("hello " .. line)
			seen[i] = peer
			conn:close()
		end
		return seen
	end)
	local ports = {}
	for i = 1, 3 do
		local c = socket.socket()
		c:settimeout(10)
		c:connect(addr)
		ports[i] = c:getsockname()
		c:sendall("client" .. i .. "\n")
		eq(c:recv_until("\n"), "hello client" .. i .. "\n")
		eq(c:recv(10), "")
		c:close()
	end
	local seen = t:join()
	for i = 1, 3 do eq(seen[i], ports[i], "the server saw client " .. i) end
	srv:close()
end

do -- one thread blocked in recv does not stop another's round trips
	local a1, a2 = pair()
	local b1, b2 = pair()
	local waiter = spawn(function() return a2:recv(100) end)
	local echo = spawn(function()
		for _ = 1, 5 do b2:sendall(b2:recv_until("\n")) end
	end)
	for i = 1, 5 do
		b1:sendall("round " .. i .. "\n")
		eq(b1:recv_until("\n"), "round " .. i .. "\n")
	end
	echo:join()
	a1:sendall("finally")
	eq(waiter:join(), "finally")
	for _, s in ipairs{a1, a2, b1, b2} do s:close() end
end

do -- many threads with their own connections to one echo server thread per client
	local srv, addr = listener()
	local n = 8
	local server = spawn(function()
		local workers = {}
		for i = 1, n do
			local conn = srv:accept()
			conn:settimeout(10)
			workers[i] = spawn(function()
				while true do
					local d = conn:recv(4096)
					if d == "" then break end
					conn:sendall(d)
				end
				conn:close()
			end)
		end
		for i = 1, n do workers[i]:join() end
	end)
	local clients = {}
	for i = 1, n do
		clients[i] = spawn(function()
			local c = socket.create_connection(addr, 10)
			local msg = string.rep(string.char(64 + i), 10000 + i)
			c:sendall(msg)
			local back = c:recv_exactly(#msg)
			c:close()
			return back == msg
		end)
	end
	for i = 1, n do eq(clients[i]:join(), true, "client " .. i .. " got its echo") end
	server:join()
	srv:close()
end

do -- a timeout in a thread is raised in that thread
	local cli, conn = pair()
	conn:settimeout(0.1)
	local t = spawn(function() return pcall(conn.recv, conn, 10) end)
	local ok_, e = t:join()
	eq(ok_, false)
	eq(e.kind, "TimeoutError")
	cli:close()
	conn:close()
end

do -- shutdown from another thread wakes a blocked recv with ""
	local cli, conn = pair()
	local t = spawn(function() return conn:recv(10) end)
	time.sleep(0) -- a switch point: the thread may block in recv first
	conn:shutdown(socket.SHUT_RD)
	eq(t:join(), "")
	cli:close()
	conn:close()
end

do -- two threads wait to read one socket and one datagram comes: one takes
	-- it, the other, woken too, finds nothing and goes on waiting
	local rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	rx:settimeout(10)
	rx:bind{"127.0.0.1", 0}
	local tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	local got = queue.Queue()
	local ready = queue.Queue()
	for i = 1, 2 do
		spawn(function()
			ready:put(i)
			got:put(rx:recv(100))
		end)
	end
	ready:get(); ready:get()
	time.sleep(0.05) -- both parked in recv (a sleep only makes it likelier)
	tx:sendto("one", rx:getsockname())
	eq(got:get(true, 10), "one")
	ok(got:empty(), "the other thread still waits")
	tx:sendto("two", rx:getsockname())
	eq(got:get(true, 10), "two")
	rx:close()
	tx:close()
end

do -- a bulk transfer (reads that fill their buffer) followed by small
	-- messages on the same connection: every byte in order
	local cli, conn = pair()
	local big = string.rep("abcdefghijklmnop", 16384) -- 256 KiB
	local t = spawn(function()
		cli:sendall(big)
		for i = 1, 3 do
			cli:sendall("small " .. i .. "\n")
			eq(cli:recv_until("\n"), "ack\n")
		end
	end)
	local got = {}
	local n = 0
	while n < #big do
		local d = conn:recv(math.min(65536, #big - n))
		n = n + #d
		got[#got + 1] = d
	end
	ok(table.concat(got) == big, "the bulk bytes arrived in order")
	for i = 1, 3 do
		eq(conn:recv(100), "small " .. i .. "\n")
		conn:sendall("ack\n")
	end
	t:join()
	cli:close()
	conn:close()
end
