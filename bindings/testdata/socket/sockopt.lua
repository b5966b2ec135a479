-- setsockopt / getsockopt read and write the kernel's values.

do -- SO_REUSEADDR: 1 reads back nonzero, 0 reads back 0
	local s = socket.socket()
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0)
	s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	ok(s:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) ~= 0)
	s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0)
	s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, true)
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1)
	s:close()
end

do -- SO_RCVBUF: the kernel doubles the value set
	local s = socket.socket()
	s:setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 131072)
	-- raw bytes with a buflen, as Python's getsockopt(level, opt, buflen)
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4), struct.pack("<i", 131072))
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024), "\0\0\2\0", "the kernel's length, not buflen")
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2), "\0\0")
	raises("getsockopt buflen out of range", s.getsockopt, s, socket.SOL_SOCKET, socket.SO_RCVBUF, 0) -- OSError: getsockopt buflen out of range
	raises("getsockopt buflen out of range", s.getsockopt, s, socket.SOL_SOCKET, socket.SO_RCVBUF, 2000) -- OSError: getsockopt buflen out of range
	s:setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1)
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), 4608, "the kernel's minimum")
	s:close()
end

do -- TCP_NODELAY with a boolean; SO_KEEPALIVE
	local s = socket.socket()
	eq(s:getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 0)
	s:setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, true)
	eq(s:getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1)
	s:setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, false)
	eq(s:getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 0)
	s:setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), 1)
	s:close()
end

do -- SO_TYPE, SO_ERROR, SO_ACCEPTCONN
	local s = socket.socket()
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_STREAM)
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0)
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 0)
	s:bind{"127.0.0.1", 0}
	s:listen()
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1)
	s:close()
	local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	eq(u:getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_DGRAM)
	u:setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
	eq(u:getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST), 1)
	u:close()
end

do -- a struct value as a string of bytes: SO_LINGER
	local s = socket.socket()
	eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8), string.rep("\0", 8))
	s:setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 5))
	local onoff, linger = struct.unpack("ii", s:getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))
	eq(onoff, 1)
	eq(linger, 5)
	s:close()
end

do -- an option the kernel does not know: ENOPROTOOPT
	local s = socket.socket()
	local e = raises("OSError", s.setsockopt, s, socket.SOL_SOCKET, 9999, 1) -- [Errno 92] Protocol not available
	eq(e.errno, 92)
	e = raises("OSError", s.getsockopt, s, socket.SOL_SOCKET, 9999) -- [Errno 92] Protocol not available
	eq(e.errno, 92)
	s:close()
end

do -- SO_REUSEADDR lets a new server bind a port left in TIME_WAIT
	local function serve(reuse, port)
		local srv = socket.socket()
		if reuse then srv:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) end
		srv:bind{"127.0.0.1", port}
		srv:listen()
		srv:settimeout(5)
		return srv
	end
	local srv = serve(true, 0)
	local addr = srv:getsockname()
	local cli = socket.create_connection(addr, 5)
	local conn = srv:accept()
	-- the server closes first: its side of the connection enters TIME_WAIT
	conn:close()
	eq(cli:recv(10), "")
	cli:close()
	srv:close()
	local plain = socket.socket()
	local e = raises("OSError", plain.bind, plain, addr) -- [Errno 98] Address already in use
	eq(e.errno, 98)
	plain:close()
	local again = serve(true, addr.port)
	eq(again:getsockname(), addr)
	again:close()
end

do -- create_server sets SO_REUSEADDR
	local srv = socket.create_server{"127.0.0.1", 0}
	ok(srv:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) ~= 0)
	eq(srv:getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1)
	srv:close()
end
