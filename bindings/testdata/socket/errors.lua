-- Errors: kinds, errno values, messages, where, and bad arguments.

-- a port nobody listens on: bound by the kernel, then released
local function closed_port()
	local s = socket.socket()
	s:bind{"127.0.0.1", 0}
	local port = s:getsockname().port
	s:close()
	return port
end

do -- connect to a closed port: ConnectionRefusedError with errno and where
	local port = closed_port()
	local c = socket.socket()
	c:settimeout(5)
	local e, line = raises("ConnectionRefusedError", function() c:connect{"127.0.0.1", port} end), here() -- [Errno 111] Connection refused
	eq(e.kind, "ConnectionRefusedError")
	eq(e.errno, 111)
	eq(e.errno, socket.ECONNREFUSED)
	eq(e.message, "Connection refused")
	eq(e.where, line, "where is the line that called connect")
	eq(tostring(e), "ConnectionRefusedError: [Errno 111] Connection refused")
	eq("error: " .. e, "error: ConnectionRefusedError: [Errno 111] Connection refused", "errors concatenate")
	-- a blocking CPython socket may connect again after a refusal
	e = raises("ConnectionRefusedError", c.connect, c, "127.0.0.1", port) -- [Errno 111] Connection refused
	eq(e.errno, 111)
	-- connect_ex reports the errno instead, then 0 once something listens
	eq(c:connect_ex{"127.0.0.1", port}, 111)
	eq(c:connect_ex{"127.0.0.1", port}, socket.ECONNREFUSED)
	local srv = socket.socket()
	srv:bind{"127.0.0.1", 0}
	srv:listen()
	eq(c:connect_ex(srv:getsockname()), 0)
	eq(c:getpeername(), srv:getsockname())
	c:close()
	srv:close()
end

do -- the same with a blocking socket (no timeout) and a non-blocking one
	local port = closed_port()
	local c = socket.socket()
	eq(c:gettimeout(), nil)
	raises("ConnectionRefusedError", c.connect, c, {"127.0.0.1", port}) -- [Errno 111] Connection refused
	c:close()
	c = socket.socket()
	c:setblocking(false)
	-- non-blocking: EINPROGRESS, as in Python (loopback may answer at once)
	local ok_, err = pcall(c.connect, c, {"127.0.0.1", port})
	ok(not ok_, "a non-blocking connect to a closed port does not succeed")
	ok(err.kind == "BlockingIOError" or err.kind == "ConnectionRefusedError", tostring(err))
	if err.kind == "BlockingIOError" then
		eq(err.errno, 115) -- [Errno 115] Operation now in progress
	end
	c:close()
end

do -- connect errors are raised in the script, not swallowed by a thread
	local port = closed_port()
	local t = spawn(function()
		local c = socket.socket()
		c:settimeout(5)
		local ok_, e = pcall(c.connect, c, {"127.0.0.1", port})
		c:close()
		return ok_, e
	end)
	local ok_, e = t:join()
	eq(ok_, false)
	eq(e.kind, "ConnectionRefusedError")
end

do -- bind to a port in use: OSError errno 98
	local a = socket.socket()
	a:bind{"127.0.0.1", 0}
	a:listen()
	local addr = a:getsockname()
	local b = socket.socket()
	local e = raises("OSError", b.bind, b, addr) -- [Errno 98] Address already in use
	eq(e.kind, "OSError")
	eq(e.errno, 98)
	eq(e.errno, socket.EADDRINUSE)
	eq(tostring(e), "OSError: [Errno 98] Address already in use")
	-- SO_REUSEADDR does not let two sockets listen on one port
	b:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	raises("Address already in use", b.bind, b, addr) -- [Errno 98] Address already in use
	-- binding twice on one socket: EINVAL
	b:bind{"127.0.0.1", 0}
	e = raises("OSError", b.bind, b, {"127.0.0.1", 0}) -- [Errno 22] Invalid argument
	eq(e.errno, 22)
	a:close()
	b:close()
end

do -- use after close: OSError [Errno 9]; close twice is fine
	local s = socket.socket()
	s:bind{"127.0.0.1", 0}
	s:close()
	s:close()
	eq(s:fileno(), -1)
	local e = raises("OSError", s.recv, s, 10) -- [Errno 9] Bad file descriptor
	eq(e.errno, 9)
	eq(e.errno, socket.EBADF)
	eq(tostring(e), "OSError: [Errno 9] Bad file descriptor")
	raises("Bad file descriptor", s.send, s, "x") -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.sendall, s, "x") -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.bind, s, {"127.0.0.1", 0}) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.listen, s) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.accept, s) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.connect, s, {"127.0.0.1", 1}) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.getsockname, s) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.getpeername, s) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.shutdown, s, socket.SHUT_RDWR) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.setsockopt, s, socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.getsockopt, s, socket.SOL_SOCKET, socket.SO_REUSEADDR) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.recvfrom, s, 10) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.recv_exactly, s, 10) -- [Errno 9] Bad file descriptor
	raises("Bad file descriptor", s.recv_until, s, "\n") -- [Errno 9] Bad file descriptor
	eq(s:connect_ex{"127.0.0.1", 1}, 9, "connect_ex returns EBADF")
	has(tostring(s), "[closed]")
end

do -- closing a socket wakes a thread blocked on it with EBADF
	local srv = socket.socket()
	srv:settimeout(5)
	srv:bind{"127.0.0.1", 0}
	srv:listen()
	local t = spawn(function() return pcall(srv.accept, srv) end)
	time.sleep(0) -- let the thread block in accept
	srv:close()
	local ok_, e = t:join()
	eq(ok_, false)
	-- CPython leaves a thread blocked in accept asleep; here it wakes at once
	eq(e.kind, "OSError")
	eq(e.errno, 9)
end

do -- bad arguments use Lua's words, in a TypeError object with script:line
	local s = socket.socket()
	local e, line = raises("TypeError", function() s:bind(5) end), here()
	eq(e.message, "bad argument #1 to 'bind' (address expected, got number)")
	eq(tostring(e), "TypeError: bad argument #1 to 'bind' (address expected, got number)")
	eq(e.where, line)
	ok(e:is("Exception") and not e:is("OSError"))
	e = raises("bad argument", function() s:connect() end)
	match(e, "bad argument #1 to 'connect' %(address expected, got no value%)")
	e = raises("bad argument", function() s:sendto("x") end)
	match(e, "bad argument #2 to 'sendto' %(address expected, got no value%)")
	e = raises("bad argument", function() s:settimeout("soon") end)
	match(e, "bad argument #1 to 'settimeout' %(number or nil expected, got string%)")
	e = raises("bad argument", function() s:settimeout() end)
	match(e, "bad argument #1 to 'settimeout' %(number or nil expected, got no value%)")
	e = raises("bad argument", function() s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, {}) end)
	match(e, "bad argument #3 to 'setsockopt'")
	e = raises("bad argument", function() s:recv("ten") end)
	match(e, "bad argument #1 to 'recv'")
	-- a method called on something else
	e = raises("socket expected", function() s.bind(42, {"127.0.0.1", 0}) end)
	has(tostring(e), "'bind'")
	s:close()
end

do -- wrong host and port types: TypeError, as in Python
	local s = socket.socket()
	local e = raises("TypeError", s.bind, s, {42, 0}) -- TypeError: bind(): host must be a string, not number
	eq(e.errno, nil)
	raises("TypeError", s.bind, s, {"127.0.0.1", "x"}) -- TypeError: port must be an integer
	raises("TypeError", s.bind, s, {"127.0.0.1", 1.5}) -- TypeError: port must be an integer
	s:close()
end

do -- port out of range: OverflowError
	local s = socket.socket()
	local e = raises("OverflowError", s.bind, s, {"127.0.0.1", 70000}) -- OverflowError: bind(): port must be 0-65535.
	eq(e.message, "bind(): port must be 0-65535.")
	eq(tostring(e), "OverflowError: bind(): port must be 0-65535.")
	eq(e.errno, nil)
	raises("OverflowError", s.bind, s, "127.0.0.1", -1) -- OverflowError: bind(): port must be 0-65535.
	e = raises("OverflowError", s.connect, s, {"127.0.0.1", 65536}) -- OverflowError: connect(): port must be 0-65535.
	eq(e.message, "connect(): port must be 0-65535.")
	s:close()
end

do -- negative sizes: ValueError
	local s = socket.socket()
	local e = raises("ValueError", s.recv, s, -1) -- ValueError: negative buffersize in recv
	eq(tostring(e), "ValueError: negative buffersize in recv")
	e = raises("ValueError", s.recvfrom, s, -5) -- ValueError: negative buffersize in recvfrom
	eq(e.message, "negative buffersize in recvfrom")
	raises("ValueError", s.recv_exactly, s, -1) -- ValueError: negative size
	raises("ValueError", s.settimeout, s, -1) -- ValueError: Timeout value out of range
	s:close()
	-- checked before the descriptor, as in CPython
	raises("ValueError", s.recv, s, -1) -- ValueError: negative buffersize in recv
end

do -- socket() with a family or type the kernel refuses
	local e = raises("OSError", socket.socket, 99) -- [Errno 97] Address family not supported by protocol
	eq(e.errno, 97)
	e = raises("OSError", socket.socket, socket.AF_INET, 99) -- [Errno 22] Invalid argument
	eq(e.errno, 22)
end

do -- pcall catches everything; error objects are userdata with a metatable
	local s = socket.socket()
	s:close()
	local ok_, e = pcall(s.recv, s, 1); local line = here()
	eq(ok_, false)
	eq(type(e), "userdata")
	ok(getmetatable(e) ~= nil)
	eq(e.partial, nil)
	-- a directly pcalled binding's where is pcall's line
	eq(e.where, line)
	-- rethrowing keeps the object
	local ok2, e2 = pcall(function() error(e) end)
	eq(ok2, false)
	ok(rawequal(e, e2), "the same object comes back")
end

do -- a non-blocking connect: EINPROGRESS, then SO_ERROR tells the outcome once
	local port = closed_port()
	local c = socket.socket()
	c:setblocking(false)
	local e = raises("BlockingIOError", c.connect, c, {"127.0.0.1", port}) -- [Errno 115] Operation now in progress
	eq(e.errno, 115)
	eq(e.errno, socket.EINPROGRESS)
	eq(c:getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 111)
	eq(c:getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0, "reading SO_ERROR clears it")
	c:close()
end

do -- calls that need a state the socket is not in
	local s = socket.socket()
	local e = raises("OSError", s.accept, s) -- [Errno 22] Invalid argument
	eq(e.errno, 22)
	e = raises("OSError", s.shutdown, s, socket.SHUT_RDWR) -- [Errno 107] Transport endpoint is not connected
	eq(e.errno, 107)
	s:listen(-5) -- a negative backlog is 0, as in Python
	s:close()
	local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	e = raises("OSError", u.listen, u) -- [Errno 95] Operation not supported
	eq(e.errno, 95)
	e = raises("OSError", u.accept, u) -- [Errno 95] Operation not supported
	eq(e.errno, 95)
	u:close()
end

do -- the peer closes with data unread: RST, ConnectionResetError; then EPIPE
	local srv = socket.create_server{"127.0.0.1", 0}
	srv:settimeout(5)
	local c = socket.create_connection(srv:getsockname(), 5)
	local conn = srv:accept()
	c:sendall("unread")
	conn:close() -- unread data: the kernel answers with a reset
	local e = raises("ConnectionResetError", c.recv, c, 10) -- [Errno 104] Connection reset by peer
	eq(e.errno, 104)
	eq(e.errno, socket.ECONNRESET)
	eq(tostring(e), "ConnectionResetError: [Errno 104] Connection reset by peer")
	c:close()

	local c2 = socket.create_connection(srv:getsockname(), 5)
	local conn2 = srv:accept()
	conn2:close()
	c2:sendall("a") -- taken by the kernel; the peer answers with a reset
	e = raises("BrokenPipeError", c2.sendall, c2, "b") -- [Errno 32] Broken pipe
	eq(e.errno, 32)
	eq(e.errno, socket.EPIPE)
	raises("BrokenPipeError", c2.send, c2, "c") -- [Errno 32] Broken pipe
	c2:close()
	srv:close()
end

do -- a count is an integer: a number with a fraction raises TypeError, as
	-- Python's sk.recv(1.5) does (Lua 5.1 would truncate it)
	local a, b = socket.socketpair()
	raises("TypeError", a.recv, a, 1.5) -- TypeError: 'float' object cannot be interpreted as an integer
	raises("TypeError", a.recv, a, math.huge) -- TypeError: 'float' object cannot be interpreted as an integer
	raises("TypeError", a.recv, a, 0/0) -- TypeError: 'float' object cannot be interpreted as an integer
	raises("TypeError", a.listen, a, 0.5) -- TypeError: 'float' object cannot be interpreted as an integer
	raises("TypeError", a.recv_exactly, a, "2.5") -- TypeError: 'float' object cannot be interpreted as an integer
	b:send("xy")
	eq(a:recv(1.0), "x", "an integral number is an integer")
	eq(a:recv("1"), "y", "and so is a numeric string, as in Lua")
	a:close()
	b:close()
end

do -- e:is(class) is Python's isinstance over its exception hierarchy
	local a, b = socket.socketpair()
	a:settimeout(0.01)
	local e = raises("TimeoutError", a.recv, a, 1)
	ok(e:is(socket.timeout), "except socket.timeout")
	ok(e:is("TimeoutError") and e:is("OSError") and e:is(socket.error) and e:is("Exception"))
	ok(not e:is("ConnectionError") and not e:is("ValueError"))
	eq(socket.timeout, "TimeoutError")
	eq(socket.error, "OSError")
	eq(socket.gaierror, "gaierror")
	b:close()
	a:settimeout(nil)
	local c, d = socket.socketpair()
	d:close()
	e = raises("BrokenPipeError", function() for _ = 1, 100 do c:send("x") end end)
	ok(e:is("ConnectionError") and e:is("OSError") and not e:is("TimeoutError"))
	e = raises("EOFError", c.recv_exactly, a, 4)
	eq(e.partial, "")
	ok(e:is("Exception") and not e:is("OSError"))
	e = raises("TypeError", e.is, 5, "OSError")
	match(e, "bad argument #1 to 'is'")
	a:close(); c:close()
end
