-- The module's functions and constants.

do -- constants have Linux values
	local want = {
		AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10,
		SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3,
		SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_BROADCAST = 6,
		SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_LINGER = 13, SO_REUSEPORT = 15,
		IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41, TCP_NODELAY = 1,
		IPV6_V6ONLY = 26, SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2, SOMAXCONN = 4096,
		AI_PASSIVE = 1, AI_CANONNAME = 2, AI_NUMERICHOST = 4,
		MSG_PEEK = 2, MSG_WAITALL = 256, MSG_DONTWAIT = 64, INADDR_ANY = 0,
		ECONNREFUSED = 111, EADDRINUSE = 98, ECONNRESET = 104, EPIPE = 32, ETIMEDOUT = 110,
		EAGAIN = 11, EWOULDBLOCK = 11, EINPROGRESS = 115, EBADF = 9, EINTR = 4, ENOTCONN = 107,
		EISCONN = 106, EADDRNOTAVAIL = 99, EHOSTUNREACH = 113, ENETUNREACH = 101,
	}
	for name, v in pairs(want) do eq(socket[name], v, "socket." .. name) end
end

do -- require gives the same module
	ok(rawequal(require("socket"), socket))
end

do -- inet_aton / inet_ntoa
	eq(socket.inet_aton("127.0.0.1"), "\127\0\0\1")
	eq(socket.inet_aton("255.255.255.255"), "\255\255\255\255")
	eq(socket.inet_ntoa("\127\0\0\1"), "127.0.0.1")
	eq(socket.inet_ntoa(socket.inet_aton("192.168.1.20")), "192.168.1.20")
	-- the C library's old forms, as in Python
	eq(socket.inet_aton("127.1"), "\127\0\0\1")
	eq(socket.inet_aton("1.2.3"), "\1\2\0\3")
	eq(socket.inet_aton("0x7f000001"), "\127\0\0\1")
	eq(socket.inet_aton("0xFF.0377.1.1"), "\255\255\1\1")
	eq(socket.inet_aton("1.2.3.4 trailing"), "\1\2\3\4")
	local e = raises("OSError", socket.inet_aton, "256.1.1.1") -- OSError: illegal IP address string passed to inet_aton
	eq(e.message, "illegal IP address string passed to inet_aton")
	eq(e.errno, nil)
	raises("illegal IP address", socket.inet_aton, "abc") -- OSError: illegal IP address string passed to inet_aton
	raises("illegal IP address", socket.inet_aton, "1.2.3.4.") -- OSError: illegal IP address string passed to inet_aton
	raises("illegal IP address", socket.inet_aton, "08") -- OSError: illegal IP address string passed to inet_aton
	raises("illegal IP address", socket.inet_aton, "") -- OSError: illegal IP address string passed to inet_aton
	raises("packed IP wrong length for inet_ntoa", socket.inet_ntoa, "abc") -- OSError: packed IP wrong length for inet_ntoa
end

do -- inet_pton / inet_ntop round trips
	eq(socket.inet_pton(socket.AF_INET, "10.0.0.1"), "\10\0\0\1")
	eq(socket.inet_ntop(socket.AF_INET, "\1\2\3\4"), "1.2.3.4")
	local loop6 = string.rep("\0", 15) .. "\1"
	eq(socket.inet_pton(socket.AF_INET6, "::1"), loop6)
	eq(socket.inet_ntop(socket.AF_INET6, loop6), "::1")
	for _, a in ipairs{"2001:db8::ff00:42:8329", "fe80::1", "::", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8"} do
		local packed = socket.inet_pton(socket.AF_INET6, a)
		eq(#packed, 16)
		eq(socket.inet_ntop(socket.AF_INET6, packed), a)
	end
	for _, a in ipairs{"0.0.0.0", "8.8.4.4", "172.16.254.1"} do
		eq(socket.inet_ntop(socket.AF_INET, socket.inet_pton(socket.AF_INET, a)), a)
	end
	raises("illegal IP address string passed to inet_pton", socket.inet_pton, socket.AF_INET, "1.2.3") -- OSError: illegal IP address string passed to inet_pton
	raises("illegal IP address string passed to inet_pton", socket.inet_pton, socket.AF_INET6, "1.2.3.4") -- OSError: illegal IP address string passed to inet_pton
	raises("illegal IP address string passed to inet_pton", socket.inet_pton, socket.AF_INET, "::1") -- OSError: illegal IP address string passed to inet_pton
	raises("illegal IP address string passed to inet_pton", socket.inet_pton, socket.AF_INET6, "fe80::1%eth0") -- OSError: illegal IP address string passed to inet_pton
	local e = raises("OSError", socket.inet_pton, 99, "1.2.3.4") -- [Errno 97] Address family not supported by protocol
	eq(e.errno, 97)
	raises("ValueError", socket.inet_ntop, socket.AF_INET, "abc") -- ValueError: invalid length of packed IP address string
	raises("ValueError", socket.inet_ntop, socket.AF_INET6, "abcd") -- ValueError: invalid length of packed IP address string
	e = raises("ValueError", socket.inet_ntop, 99, "abcd") -- ValueError: unknown address family 99
	eq(e.message, "unknown address family 99")
end

do -- byte order
	eq(socket.htons(1), 256)
	eq(socket.ntohs(256), 1)
	eq(socket.htons(0x1234), 0x3412)
	eq(socket.ntohs(socket.htons(8080)), 8080)
	eq(socket.htonl(1), 16777216)
	eq(socket.ntohl(0x01020304), 0x04030201)
	eq(socket.ntohl(socket.htonl(0xdeadbeef)), 0xdeadbeef)
	eq(socket.htonl(0xffffffff), 0xffffffff)
	raises("OverflowError", socket.htons, -1) -- OverflowError: can't convert negative Python int to C 16-bit unsigned integer
	raises("OverflowError", socket.htons, 70000) -- OverflowError: Python int too large to convert to C 16-bit unsigned integer
	raises("OverflowError", socket.htonl, 2^32) -- OverflowError: int larger than 32 bits
	raises("OverflowError", socket.htonl, -1) -- OverflowError: can't convert negative value to unsigned int
end

do -- host names
	local name = socket.gethostname()
	eq(type(name), "string")
	ok(#name > 0)
	eq(socket.gethostbyname("localhost"), "127.0.0.1")
	eq(socket.gethostbyname("127.0.0.1"), "127.0.0.1")
	eq(type(socket.getfqdn()), "string")
	ok(#socket.getfqdn() > 0)
	-- a name that cannot resolve: gaierror, at once (the machine has no network)
	local t0 = time.monotonic()
	local e = raises("gaierror", socket.gethostbyname, "nonexistent.invalid") -- [Errno -2] Name or service not known
	ok(e.errno == -2 or e.errno == -3, "errno " .. tostring(e.errno))
	ok(e.errno ~= -2 or tostring(e) == "gaierror: [Errno -2] Name or service not known", tostring(e))
	raises("gaierror", socket.getaddrinfo, "nonexistent.invalid", 80) -- [Errno -2] Name or service not known
	raises("gaierror", socket.create_connection, {"nonexistent.invalid", 80}, 5) -- [Errno -2] Name or service not known
	local s = socket.socket()
	raises("gaierror", s.connect, s, {"nonexistent.invalid", 80}) -- [Errno -2] Name or service not known
	s:close()
	ok(time.monotonic() - t0 < 10, "name lookups failed fast")
end

do -- getaddrinfo: entries with fields and [1..5]
	local infos = socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)
	eq(#infos, 1)
	local ai = infos[1]
	eq(ai.family, socket.AF_INET)
	eq(ai.type, socket.SOCK_STREAM)
	eq(ai.proto, socket.IPPROTO_TCP)
	eq(ai.canonname, "")
	eq(ai.sockaddr, ai[5])
	eq(tostring(ai.sockaddr), "('127.0.0.1', 80)")
	eq(ai.sockaddr.host, "127.0.0.1")
	eq(ai.sockaddr.port, 80)
	eq(ai[1], ai.family)
	eq(ai[2], ai.type)
	eq(ai[3], ai.proto)
	eq(ai[4], ai.canonname)
	-- family, type, proto, canonname, sockaddr = unpack(entry)
	local family, typ, proto, canon, sa = unpack(ai)
	eq(family, 2)
	eq(typ, 1)
	eq(proto, 6)
	eq(canon, "")
	eq(sa.port, 80)
	-- no type: one entry per socket type, as the C library gives
	infos = socket.getaddrinfo("127.0.0.1", 80)
	eq(#infos, 3)
	eq(infos[1].type, socket.SOCK_STREAM)
	eq(infos[1].proto, 6)
	eq(infos[2].type, socket.SOCK_DGRAM)
	eq(infos[2].proto, 17)
	eq(infos[3].type, socket.SOCK_RAW)
	eq(infos[3].proto, 0)
	-- a service name, a string port, no port
	eq(socket.getaddrinfo("127.0.0.1", "http", socket.AF_INET, socket.SOCK_STREAM)[1].sockaddr.port, 80)
	eq(socket.getaddrinfo("127.0.0.1", "8080", socket.AF_INET, socket.SOCK_STREAM)[1].sockaddr.port, 8080)
	eq(socket.getaddrinfo("127.0.0.1", nil, socket.AF_INET, socket.SOCK_STREAM)[1].sockaddr.port, 0)
	local e = raises("gaierror", socket.getaddrinfo, "127.0.0.1", "nosuchservice") -- [Errno -8] Servname not supported for ai_socktype
	eq(e.errno, -8)
	-- no host: loopback; with AI_PASSIVE: every interface
	eq(tostring(socket.getaddrinfo(nil, 80, socket.AF_INET, socket.SOCK_STREAM)[1].sockaddr), "('127.0.0.1', 80)")
	eq(tostring(socket.getaddrinfo(nil, 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)[1].sockaddr), "('0.0.0.0', 80)")
	-- names resolve
	infos = socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_DGRAM)
	eq(#infos, 1)
	eq(infos[1].proto, socket.IPPROTO_UDP)
	eq(infos[1].sockaddr.host, "127.0.0.1")
	-- AI_CANONNAME fills canonname of the first entry
	infos = socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)
	eq(infos[1].canonname, "localhost")
	infos = socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)
	eq(infos[1].canonname, "127.0.0.1")
	-- an entry's fields make a socket and its sockaddr connects
	local srv = socket.create_server{"127.0.0.1", 0}
	local ai2 = socket.getaddrinfo("127.0.0.1", srv:getsockname().port, socket.AF_INET, socket.SOCK_STREAM)[1]
	local c = socket.socket(ai2.family, ai2.type, ai2.proto)
	c:settimeout(5)
	c:connect(ai2.sockaddr)
	eq(c:getpeername(), srv:getsockname())
	c:close()
	srv:close()
end

do -- create_server + create_connection
	local srv = socket.create_server{"127.0.0.1", 0}
	srv:settimeout(5)
	ok(srv:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) ~= 0, "create_server sets SO_REUSEADDR")
	eq(srv:getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1, "and listens")
	eq(srv.family, socket.AF_INET)
	local addr = srv:getsockname()
	eq(addr.host, "127.0.0.1")
	local c = socket.create_connection(addr)
	eq(c:gettimeout(), nil, "no timeout given: blocking")
	local conn = srv:accept()
	c:sendall("via create_connection")
	conn:settimeout(5)
	eq(conn:recv(100), "via create_connection")
	c:close()
	conn:close()
	-- two arguments, a timeout, a host name
	c = socket.create_connection("127.0.0.1", addr.port)
	srv:accept():close()
	c:close()
	c = socket.create_connection({"localhost", addr.port}, 2)
	eq(c:gettimeout(), 2)
	eq(c:getpeername(), addr)
	srv:accept():close()
	c:close()
	-- options: backlog and reuse_port
	local s2 = socket.create_server({"127.0.0.1", 0}, {backlog = 3, reuse_port = true})
	eq(s2:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 1)
	s2:close()
	-- the port in use: Python's message names the address
	local e = raises("OSError", socket.create_server, addr) -- [Errno 98] Address already in use (while attempting to bind on address ('127.0.0.1', P))
	eq(e.errno, 98)
	eq(e.message, "Address already in use (while attempting to bind on address " .. tostring(addr) .. ")")
	srv:close()
	-- nobody listens any more
	e = raises("ConnectionRefusedError", socket.create_connection, addr, 5) -- [Errno 111] Connection refused
	eq(e.errno, 111)
	raises("OverflowError", socket.create_connection, {"127.0.0.1", 70000}) -- OverflowError: create_connection(): port must be 0-65535.
end

do -- create_server on "" listens on every interface
	local srv = socket.create_server{"", 0}
	eq(srv:getsockname().host, "0.0.0.0")
	local c = socket.create_connection({"127.0.0.1", srv:getsockname().port}, 5)
	c:close()
	srv:close()
end

do -- bad arguments to the module's functions name the function and the
	-- argument, as Lua reports them (the Python habits behind each)
	raises("bad argument #1 to 'socket' (number expected, got string)", socket.socket, "x")
	raises("bad argument #2 to 'socket' (number expected, got table)", socket.socket, socket.AF_INET, {})
	raises("TypeError", socket.socket, 2.5) -- TypeError: 'float' object cannot be interpreted as an integer
	raises("bad argument #1 to 'getaddrinfo' (host and port expected, got no value)", socket.getaddrinfo)
	raises("bad argument #2 to 'getaddrinfo' (host and port expected, got no value)", socket.getaddrinfo, "localhost")
	raises("bad argument #1 to 'create_connection' (address {host, port} expected, without its port)", socket.create_connection, "x")
	raises("bad argument #1 to 'create_connection' (address {host, port} expected, without its port)", socket.create_connection, {"127.0.0.1"})
	raises("OverflowError", socket.create_connection, {"127.0.0.1", 70000}) -- OverflowError: create_connection(): port must be 0-65535.
	eq(#socket.getaddrinfo(nil, 80) > 0, true, "nil host and a port: the loopback addresses")
end
