-- Addresses and socket objects: how they print, index, compare; fields.

local srv = socket.socket()
srv:settimeout(5)
srv:bind{"127.0.0.1", 0}
srv:listen()
local addr = srv:getsockname()
local port = addr.port

do -- a returned address: [1]/[2], .host/.port, Python's tuple repr
	eq(type(addr), "table")
	eq(addr[1], "127.0.0.1")
	eq(addr[2], port)
	eq(addr.host, "127.0.0.1")
	eq(addr.port, port)
	eq(#addr, 2)
	ok(port > 0 and port <= 65535)
	eq(tostring(addr), "('127.0.0.1', " .. port .. ")")
	local h, p = unpack(addr)
	eq(h, "127.0.0.1")
	eq(p, port)
	eq(repr(addr), "('127.0.0.1', " .. port .. ")", "repr is the tuple's too")
end

do -- addresses compare equal by value
	local again = srv:getsockname()
	ok(not rawequal(addr, again), "two different tables")
	eq(again, addr)
	ok(addr == again)
	local cli = socket.create_connection(addr, 5)
	local conn, peer = srv:accept()
	eq(peer, cli:getsockname())
	eq(conn:getpeername(), cli:getsockname())
	eq(cli:getpeername(), addr)
	eq(conn:getsockname(), addr)
	ok(peer ~= addr, "different ports differ")
	-- Lua calls __eq only between two tables that share it: a plain
	-- table never equals a returned address (Python's tuples would).
	ok(addr ~= {"127.0.0.1", port})
	-- but a returned address is accepted wherever an address is
	local cli2 = socket.socket()
	cli2:settimeout(5)
	cli2:connect(addr)
	local conn2 = srv:accept()
	cli2:close()
	conn2:close()

	do -- tostring(sk): Python's repr
		local fd = cli:fileno()
		ok(fd >= 0)
		eq(tostring(cli), string.format(
			"<socket fd=%d, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=%s, raddr=%s>",
			fd, tostring(cli:getsockname()), tostring(addr)))
		eq(tostring(srv), string.format(
			"<socket fd=%d, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', %d)>", srv:fileno(), port))
		cli:close()
		eq(cli:fileno(), -1, "fileno is -1 once closed")
		eq(tostring(cli), "<socket [closed] fd=-1, family=AF_INET, type=SOCK_STREAM, proto=0>")
		eq(repr(cli), tostring(cli))
	end
	-- getpeername on a socket that is not connected: ENOTCONN
	local e = raises("OSError", srv.getpeername, srv) -- [Errno 107] Transport endpoint is not connected
	eq(e.errno, 107)
	conn:close()
end

do -- an unbound socket: getsockname is ('0.0.0.0', 0)
	local s = socket.socket()
	local a = s:getsockname()
	eq(a.host, "0.0.0.0")
	eq(a.port, 0)
	eq(tostring(a), "('0.0.0.0', 0)")
	-- CPython prints laddr=('0.0.0.0', 0) here; socklab leaves it out
	match(tostring(s), "^<socket fd=%d+, family=AF_INET, type=SOCK_STREAM, proto=0")
	s:close()
end

do -- fields: family, type, proto
	eq(srv.family, socket.AF_INET)
	eq(srv.family, 2)
	eq(srv.type, socket.SOCK_STREAM)
	eq(srv.type, 1)
	eq(srv.proto, 0)
	raises("AttributeError", function() return srv.nonexistent end) -- AttributeError: 'socket' object has no attribute 'nonexistent'
	local e = raises("AttributeError", function() srv:sendAll("x") end) -- AttributeError: 'socket' object has no attribute 'sendAll'. Did you mean: 'sendall'?
	eq(tostring(e), "AttributeError: 'socket' object has no attribute 'sendAll'. Did you mean: 'sendall'?")
	e = raises("AttributeError", function() srv:frobnicate() end) -- no name is near: no suggestion
	eq(tostring(e), "AttributeError: 'socket' object has no attribute 'frobnicate'")
	e = raises("AttributeError", function() return srv.familly end)
	eq(tostring(e), "AttributeError: 'socket' object has no attribute 'familly'. Did you mean: 'family'?")
	local t = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
	eq(t.proto, 6)
	match(tostring(t), "proto=6")
	t:close()
	local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	eq(u.type, socket.SOCK_DGRAM)
	u:close()
	-- fields survive close, as in Python
	local c = socket.socket()
	c:close()
	eq(c.family, socket.AF_INET)
	eq(c.type, socket.SOCK_STREAM)
end

do -- bind forms: table, two arguments, named fields, "" for every interface
	local a = socket.socket()
	a:bind("127.0.0.1", 0)
	eq(a:getsockname().host, "127.0.0.1")
	a:close()
	local b = socket.socket()
	b:bind{host = "127.0.0.1", port = 0}
	eq(b:getsockname().host, "127.0.0.1")
	b:close()
	local c = socket.socket()
	c:bind{"", 0}
	eq(c:getsockname().host, "0.0.0.0")
	ok(c:getsockname().port > 0)
	c:close()
	local d = socket.socket()
	d:bind{"localhost", 0}
	eq(d:getsockname().host, "127.0.0.1")
	d:close()
	-- an IPv6 literal on an AF_INET socket: gaierror, as in Python
	local s = socket.socket()
	local e = raises("gaierror", s.bind, s, {"::1", 0}) -- [Errno -9] Address family for hostname not supported
	eq(e.errno, -9)
	-- an address that is not ours: EADDRNOTAVAIL
	e = raises("OSError", s.bind, s, {"192.0.2.1", 0}) -- [Errno 99] Cannot assign requested address
	eq(e.errno, 99)
	s:close()
end

do -- accept returns a new socket with its own fields
	local cli = socket.create_connection(addr, 5)
	local conn, peer = srv:accept()
	eq(conn.family, socket.AF_INET)
	eq(conn.type, socket.SOCK_STREAM)
	ok(conn:fileno() ~= srv:fileno())
	ok(conn:fileno() ~= cli:fileno())
	eq(tostring(conn), string.format(
		"<socket fd=%d, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=%s, raddr=%s>",
		conn:fileno(), tostring(addr), tostring(peer)))
	cli:close()
	conn:close()
end

srv:close()
