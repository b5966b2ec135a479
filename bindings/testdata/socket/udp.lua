-- UDP: sendto/recvfrom, truncation, big datagrams, address forms.

local function udp(bind)
	local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s:settimeout(5)
	if bind then s:bind{"127.0.0.1", 0} end
	return s
end

do -- sendto / recvfrom carry the sender's address
	local a, b = udp(true), udp(true)
	eq(a.type, socket.SOCK_DGRAM)
	eq(a.family, socket.AF_INET)
	local aaddr, baddr = a:getsockname(), b:getsockname()
	eq(aaddr.host, "127.0.0.1")
	ok(aaddr.port > 0)
	eq(b:sendto("ping", aaddr), 4)
	local data, from = a:recvfrom(1024)
	eq(data, "ping")
	eq(from, baddr, "recvfrom names the sender")
	eq(from.host, "127.0.0.1")
	eq(from.port, baddr.port)
	eq(tostring(from), "('127.0.0.1', " .. baddr.port .. ")")
	-- answer to the address recvfrom gave
	a:sendto("pong", from)
	eq(b:recv(1024), "pong")
	a:close()
	b:close()
end

do -- address forms: {host, port}, two arguments, (data, flags, addr)
	local a, b = udp(true), udp(false)
	local port = a:getsockname().port
	eq(b:sendto("table", {"127.0.0.1", port}), 5)
	eq(b:sendto("two args", "127.0.0.1", port), 8)
	eq(b:sendto("flags", 0, {"127.0.0.1", port}), 5)
	eq(b:sendto("flags two", 0, "127.0.0.1", port), 9)
	eq(b:sendto("named", {host = "127.0.0.1", port = port}), 5)
	eq(b:sendto("string port", {"127.0.0.1", tostring(port)}), 11)
	eq(a:recv(100), "table")
	eq(a:recv(100), "two args")
	eq(a:recv(100), "flags")
	eq(a:recv(100), "flags two")
	eq(a:recv(100), "named")
	eq(a:recv(100), "string port")
	-- the unbound sender got an ephemeral port on every interface
	local baddr = b:getsockname()
	eq(baddr.host, "0.0.0.0")
	ok(baddr.port > 0, "sendto bound the socket")
	-- "localhost" resolves
	b:sendto("by name", {"localhost", port})
	local d, from = a:recvfrom(100)
	eq(d, "by name")
	eq(from.port, baddr.port)
	a:close()
	b:close()
end

do -- a datagram longer than bufsize is truncated, the rest discarded (Linux)
	local a, b = udp(true), udp(true)
	b:sendto("hello world", a:getsockname())
	b:sendto("next", a:getsockname())
	local d, from = a:recvfrom(4)
	eq(d, "hell")
	eq(from, b:getsockname())
	eq(a:recv(100), "next", "the rest of the first datagram is gone")
	b:sendto("0123456789", a:getsockname())
	eq(a:recv(3), "012")
	a:close()
	b:close()
end

do -- big datagrams: recvfrom(100000) returns all 60000 bytes
	local a, b = udp(true), udp(true)
	local big = string.rep("abcdefghij", 6000)
	eq(b:sendto(big, 0, a:getsockname()), 60000)
	local d, from = a:recvfrom(100000)
	eq(#d, 60000)
	eq(d, big)
	eq(from, b:getsockname())
	-- the largest datagram, with bufsize exactly its size and huge
	local max = string.rep("z", 65507)
	b:sendto(max, a:getsockname())
	eq(a:recv(65507), max)
	b:sendto(max, a:getsockname())
	eq(a:recv(2^31), max)
	b:sendto(big, a:getsockname())
	eq(#a:recv(70000), 60000, "a bufsize above the pool size but below the datagram")
	b:sendto(big, a:getsockname())
	eq(a:recv(65536), big:sub(1, 65536), "more than 64 KiB never arrives in one datagram")
	-- too big for UDP
	local e = raises("OSError", b.sendto, b, string.rep("x", 70000), a:getsockname()) -- [Errno 90] Message too long
	eq(e.errno, 90)
	a:close()
	b:close()
end

do -- empty datagrams exist; recv(0) does not consume one
	local a, b = udp(true), udp(true)
	eq(b:sendto("", a:getsockname()), 0)
	local d, from = a:recvfrom(10)
	eq(d, "")
	eq(from, b:getsockname())
	b:sendto("kept", a:getsockname())
	eq(a:recv(0), "")
	eq(a:recv(10), "kept")
	a:close()
	b:close()
end

do -- connected UDP: send/recv, and ICMP port unreachable as ConnectionRefusedError
	local a, b = udp(true), udp(true)
	b:connect(a:getsockname())
	eq(b:getpeername(), a:getsockname())
	eq(b:send("via connect"), 11)
	eq(a:recv(100), "via connect")
	a:sendto("back", b:getsockname())
	eq(b:recv(100), "back")
	local port = a:getsockname().port
	a:close()
	b:send("nobody home")
	local e = raises("ConnectionRefusedError", b.recv, b, 100) -- [Errno 111] Connection refused
	eq(e.errno, 111)
	b:close()
	-- an unconnected socket cannot send
	local c = udp(false)
	e = raises("OSError", c.send, c, "x") -- [Errno 89] Destination address required
	eq(e.errno, 89)
	c:close()
	eq(port > 0, true)
end

do -- socket{type = ...} keywords, and the repr of a datagram socket
	local s = socket.socket{type = socket.SOCK_DGRAM}
	eq(s.family, socket.AF_INET)
	eq(s.type, socket.SOCK_DGRAM)
	eq(s.proto, 0)
	s:bind{"127.0.0.1", 0}
	local port = s:getsockname().port
	eq(tostring(s), string.format("<socket fd=%d, family=AF_INET, type=SOCK_DGRAM, proto=0, laddr=('127.0.0.1', %d)>", s:fileno(), port))
	s:close()
	local t = socket.socket{family = socket.AF_INET, type = socket.SOCK_DGRAM, proto = socket.IPPROTO_UDP}
	eq(t.proto, socket.IPPROTO_UDP)
	t:close()
	raises("TypeError", socket.socket, {type = "dgram"}) -- TypeError: socket(): type must be an integer, not string
end

do -- a UDP server thread echoes while the main thread sends
	local srv = udp(true)
	local addr = srv:getsockname()
	local t = spawn(function()
		for _ = 1, 3 do
			local d, from = srv:recvfrom(1024)
			srv:sendto(d:upper(), from)
		end
	end)
	local c = udp(false)
	for _, w in ipairs{"one", "two", "three"} do
		c:sendto(w, addr)
		local d, from = c:recvfrom(1024)
		eq(d, w:upper())
		eq(from, addr)
	end
	t:join()
	c:close()
	srv:close()
end
