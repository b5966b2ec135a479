-- AF_UNIX: stream and datagram sockets on paths, socketpair.

local dir = arg[1] or os.tmpname():match("^(.*)/")
ok(dir and #dir > 0, "a temporary directory")

do -- stream: bind a path, listen, accept, round trip
	local path = dir .. "/stream.sock"
	local srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	srv:settimeout(5)
	eq(srv.family, socket.AF_UNIX)
	eq(srv.family, 1)
	srv:bind(path)
	srv:listen()
	eq(srv:getsockname(), path, "an AF_UNIX address is the path")
	eq(tostring(srv), string.format("<socket fd=%d, family=AF_UNIX, type=SOCK_STREAM, proto=0, laddr=%s>", srv:fileno(), path))
	local cli = socket.socket(socket.AF_UNIX)
	cli:settimeout(5)
	cli:connect(path)
	local conn, peer = srv:accept()
	conn:settimeout(5)
	eq(peer, "", "an unbound client has no name")
	eq(cli:getpeername(), path)
	eq(cli:getsockname(), "")
	eq(conn:getsockname(), path)
	eq(tostring(cli), string.format("<socket fd=%d, family=AF_UNIX, type=SOCK_STREAM, proto=0, raddr=%s>", cli:fileno(), path))
	eq(tostring(conn), string.format("<socket fd=%d, family=AF_UNIX, type=SOCK_STREAM, proto=0, laddr=%s>", conn:fileno(), path))
	cli:sendall("over unix")
	eq(conn:recv(100), "over unix")
	conn:sendall("and back\n")
	eq(cli:recv_until("\n"), "and back\n")
	cli:close()
	eq(conn:recv(100), "")
	conn:close()
	-- the path stays until removed: binding it again is EADDRINUSE
	local again = socket.socket(socket.AF_UNIX)
	local e = raises("OSError", again.bind, again, path) -- [Errno 98] Address already in use
	eq(e.errno, 98)
	again:close()
	srv:close()
	ok(os.remove(path))
end

do -- errors: a path nobody listens on, a path too long, a table address
	local s = socket.socket(socket.AF_UNIX)
	s:settimeout(5)
	local e = raises("FileNotFoundError", s.connect, s, dir .. "/nobody.sock") -- [Errno 2] No such file or directory
	eq(e.errno, 2)
	e = raises("OSError", s.bind, s, dir .. "/" .. string.rep("x", 200)) -- OSError: AF_UNIX path too long
	eq(e.message, "AF_UNIX path too long")
	e = raises("bad argument", function() s:bind{"127.0.0.1", 0} end)
	match(e, "bad argument #1 to 'bind' %(address expected, got table%)")
	-- a socket file that is not listening: ECONNREFUSED
	local path = dir .. "/deaf.sock"
	local deaf = socket.socket(socket.AF_UNIX)
	deaf:bind(path)
	e = raises("ConnectionRefusedError", s.connect, s, path) -- [Errno 111] Connection refused
	eq(e.errno, 111)
	deaf:close()
	s:close()
	os.remove(path)
end

do -- datagram: sendto a path, recvfrom names the sender (nil when unbound)
	local apath, bpath = dir .. "/a.dgram", dir .. "/b.dgram"
	local a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	a:settimeout(5)
	a:bind(apath)
	local b = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	b:settimeout(5)
	b:bind(bpath)
	eq(b:sendto("from b", apath), 6)
	local d, from = a:recvfrom(100)
	eq(d, "from b")
	eq(from, bpath)
	a:sendto("reply", from)
	eq(b:recv(100), "reply")
	-- truncation, as for UDP
	b:sendto("0123456789", apath)
	eq(a:recv(4), "0123")
	-- an unbound sender: Python gives None
	local c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	c:sendto("anonymous", apath)
	d, from = a:recvfrom(100)
	eq(d, "anonymous")
	eq(from, nil, "no sender address")
	-- big datagrams are whole
	local big = string.rep("u", 100000)
	b:sendto(big, apath)
	eq(a:recv(200000), big)
	for _, s in ipairs{a, b, c} do s:close() end
	os.remove(apath)
	os.remove(bpath)
end

do -- socketpair: AF_UNIX, SOCK_STREAM, already connected both ways
	local a, b = socket.socketpair()
	a:settimeout(5)
	b:settimeout(5)
	eq(a.family, socket.AF_UNIX)
	eq(a.type, socket.SOCK_STREAM)
	eq(b.family, socket.AF_UNIX)
	eq(a:getsockname(), "")
	eq(b:getpeername(), "")
	eq(tostring(a), string.format("<socket fd=%d, family=AF_UNIX, type=SOCK_STREAM, proto=0>", a:fileno()))
	a:sendall("ping")
	eq(b:recv(10), "ping")
	b:sendall("pong")
	eq(a:recv(10), "pong")
	-- a thread on each end
	local t = spawn(function()
		while true do
			local line = b:recv_until("\n")
			if line == "quit\n" then break end
			b:sendall(line:upper())
		end
		b:close()
	end)
	for _, w in ipairs{"alpha\n", "beta\n"} do
		a:sendall(w)
		eq(a:recv_until("\n"), w:upper())
	end
	a:sendall("quit\n")
	t:join()
	eq(a:recv(10), "")
	a:close()
end

do -- socketpair of datagrams keeps message boundaries
	local a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
	b:settimeout(5)
	eq(a.type, socket.SOCK_DGRAM)
	a:send("one")
	a:send("two")
	eq(b:recv(100), "one")
	local d, from = b:recvfrom(100)
	eq(d, "two")
	eq(from, nil)
	a:close()
	b:close()
end

do -- socketpair with keyword arguments
	local a, b = socket.socketpair{type = socket.SOCK_DGRAM}
	eq(a.family, socket.AF_UNIX)
	eq(b.type, socket.SOCK_DGRAM)
	a:close()
	b:close()
end

do -- abstract namespace: a name starting with a NUL byte
	local name = "\0socklab-test-" .. tostring(os.time()) .. "-" .. tostring(math.random(1e9))
	local srv = socket.socket(socket.AF_UNIX)
	srv:settimeout(5)
	srv:bind(name)
	srv:listen()
	eq(srv:getsockname(), name)
	local cli = socket.socket(socket.AF_UNIX)
	cli:settimeout(5)
	cli:connect(name)
	local conn = srv:accept()
	cli:sendall("abstract")
	eq(conn:recv(100), "abstract")
	for _, s in ipairs{srv, cli, conn} do s:close() end
end
