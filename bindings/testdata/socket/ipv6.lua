-- IPv6 on ::1: 4-field addresses. Skipped where ::1 cannot be bound.

do
	local probe = socket.socket(socket.AF_INET6)
	local can = pcall(probe.bind, probe, {"::1", 0})
	probe:close()
	if not can then skip("::1 cannot be bound here") end
end

do -- TCP on ::1
	local srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
	srv:settimeout(5)
	eq(srv.family, socket.AF_INET6)
	eq(srv.family, 10)
	srv:bind{"::1", 0}
	srv:listen()
	local addr = srv:getsockname()
	eq(addr[1], "::1")
	ok(addr[2] > 0)
	eq(addr[3], 0, "flowinfo")
	eq(addr[4], 0, "scope_id")
	eq(addr.host, "::1")
	eq(addr.port, addr[2])
	eq(addr.flowinfo, 0)
	eq(addr.scope_id, 0)
	eq(#addr, 4)
	eq(tostring(addr), "('::1', " .. addr.port .. ", 0, 0)")
	eq(tostring(srv), string.format("<socket fd=%d, family=AF_INET6, type=SOCK_STREAM, proto=0, laddr=('::1', %d, 0, 0)>", srv:fileno(), addr.port))

	local cli = socket.socket(socket.AF_INET6)
	cli:settimeout(5)
	cli:connect{"::1", addr.port} -- two fields are enough, as in Python
	local conn, peer = srv:accept()
	conn:settimeout(5)
	eq(peer, cli:getsockname())
	eq(peer.host, "::1")
	eq(#peer, 4)
	eq(cli:getpeername(), addr)
	eq(conn.family, socket.AF_INET6)
	cli:sendall("over v6")
	eq(conn:recv(100), "over v6")
	conn:sendall("back")
	eq(cli:recv(100), "back")
	cli:close()
	conn:close()

	-- the 4-field address itself, and two arguments
	local c2 = socket.socket(socket.AF_INET6)
	c2:settimeout(5)
	c2:connect(addr)
	srv:accept():close()
	c2:close()
	local c3 = socket.socket(socket.AF_INET6)
	c3:settimeout(5)
	c3:connect("::1", addr.port)
	srv:accept():close()
	c3:close()

	-- create_connection picks AF_INET6 for an IPv6 literal
	local c4 = socket.create_connection({"::1", addr.port}, 5)
	eq(c4.family, socket.AF_INET6)
	local conn4 = srv:accept()
	conn4:close()
	c4:close()
	srv:close()
end

do -- UDP on ::1
	local a = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
	a:settimeout(5)
	a:bind{"::1", 0}
	local b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
	b:settimeout(5)
	b:bind{"::1", 0}
	b:sendto("v6 datagram", a:getsockname())
	local d, from = a:recvfrom(100)
	eq(d, "v6 datagram")
	eq(from, b:getsockname())
	eq(tostring(from), "('::1', " .. from.port .. ", 0, 0)")
	a:close()
	b:close()
end

do -- "" is "::"; an IPv4 literal on an AF_INET6 socket is a gaierror
	local s = socket.socket(socket.AF_INET6)
	s:bind{"", 0}
	eq(s:getsockname().host, "::")
	s:close()
	local t = socket.socket(socket.AF_INET6)
	local e = raises("gaierror", t.bind, t, {"127.0.0.1", 0}) -- [Errno -9] Address family for hostname not supported
	eq(e.errno, -9)
	eq(tostring(e), "gaierror: [Errno -9] Address family for hostname not supported")
	-- the mapped form works
	t:bind{"::ffff:127.0.0.1", 0}
	eq(t:getsockname().host, "::ffff:127.0.0.1")
	t:close()
end

do -- a closed port on ::1
	local probe = socket.socket(socket.AF_INET6)
	probe:bind{"::1", 0}
	local port = probe:getsockname().port
	probe:close()
	local c = socket.socket(socket.AF_INET6)
	c:settimeout(5)
	local e = raises("ConnectionRefusedError", c.connect, c, {"::1", port}) -- [Errno 111] Connection refused
	eq(e.errno, 111)
	eq(c:connect_ex{"::1", port}, 111)
	c:close()
end

do -- IPV6_V6ONLY is off by default on Linux; IPv4 clients reach a "::" server
	local srv = socket.socket(socket.AF_INET6)
	srv:settimeout(5)
	eq(srv:getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY), 0)
	srv:bind{"", 0}
	srv:listen()
	local port = srv:getsockname().port
	local cli = socket.create_connection({"127.0.0.1", port}, 5)
	local conn, peer = srv:accept()
	eq(peer.host, "::ffff:127.0.0.1")
	eq(peer.port, cli:getsockname().port)
	cli:close()
	conn:close()
	srv:close()
end

do -- getaddrinfo for ::1
	local infos = socket.getaddrinfo("::1", 80, socket.AF_INET6, socket.SOCK_STREAM)
	eq(#infos, 1)
	eq(infos[1].family, socket.AF_INET6)
	eq(infos[1].proto, socket.IPPROTO_TCP)
	eq(tostring(infos[1].sockaddr), "('::1', 80, 0, 0)")
end

do -- a zone is an interface's name or index, as getaddrinfo reads it
	local lo = socket.getaddrinfo("fe80::1%lo", 80, socket.AF_INET6, socket.SOCK_STREAM)[1].sockaddr
	eq(lo.host, "fe80::1") -- Python 3.11 reports the address without its zone
	ok(lo.scope_id > 0, "lo has an index")
	eq(socket.getaddrinfo("fe80::1%" .. lo.scope_id, 80, socket.AF_INET6, socket.SOCK_STREAM)[1].sockaddr.scope_id, lo.scope_id)
	eq(socket.getaddrinfo("fe80::1%7", 80, socket.AF_INET6, socket.SOCK_STREAM)[1].sockaddr.scope_id, 7)
	raises("gaierror", socket.getaddrinfo, "fe80::1%nosuch", 80) -- socket.gaierror: [Errno -2] Name or service not known
	local s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
	raises("Name or service not known", s.connect, s, {"fe80::1%nosuch", 80}) -- socket.gaierror: [Errno -2] Name or service not known
	s:close()
end
