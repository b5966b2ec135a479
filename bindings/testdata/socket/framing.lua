-- recv_exactly and recv_until: the protocol helpers beyond Python.

local function pair()
	local srv = socket.socket()
	srv:settimeout(5)
	srv:bind{"127.0.0.1", 0}
	srv:listen()
	local cli = socket.create_connection(srv:getsockname(), 5)
	local conn = srv:accept()
	conn:settimeout(5)
	srv:close()
	return cli, conn
end

do -- recv_exactly gathers n bytes over several sends
	local cli, conn = pair()
	local t = spawn(function()
		for _, part in ipairs{"ab", "cde", "f", "ghij"} do cli:sendall(part) end
	end)
	eq(conn:recv_exactly(3), "abc")
	eq(conn:recv_exactly(5), "defgh")
	t:join()
	eq(conn:recv_exactly(0), "")
	eq(conn:recv(10), "ij")
	cli:close()
	conn:close()
end

do -- a big recv_exactly
	local cli, conn = pair()
	local big = string.rep("0123456789abcdef", 65536) -- 1 MiB
	local t = spawn(function() cli:sendall(big) end)
	eq(conn:recv_exactly(#big), big)
	t:join()
	cli:close()
	conn:close()
end

do -- recv_exactly: EOFError carrying the partial data when the peer closes first
	local cli, conn = pair()
	cli:sendall("only")
	cli:close()
	local e = raises("EOFError", conn.recv_exactly, conn, 10) -- EOFError: peer closed after 4 bytes, expected 10
	eq(e.kind, "EOFError")
	eq(e.partial, "only")
	eq(e.errno, nil)
	eq(tostring(e), "EOFError: " .. e.message)
	has(e.message, "4")
	has(e.message, "10")
	-- nothing at all before the close: partial is ""
	e = raises("EOFError", conn.recv_exactly, conn, 1) -- EOFError: peer closed after 0 bytes, expected 1
	eq(e.partial, "")
	conn:close()
end

do -- a timeout in the middle loses nothing: the bytes wait for the next read
	local cli, conn = pair()
	cli:sendall("abcd")
	conn:settimeout(0.05)
	raises("TimeoutError", conn.recv_exactly, conn, 10) -- TimeoutError: timed out
	cli:sendall("efghij")
	conn:settimeout(5)
	eq(conn:recv_exactly(10), "abcdefghij")
	cli:sendall("line")
	conn:settimeout(0.05)
	raises("TimeoutError", conn.recv_until, conn, "\n") -- TimeoutError: timed out
	cli:sendall(" end\n")
	conn:settimeout(5)
	eq(conn:recv_until("\n"), "line end\n")
	cli:close()
	conn:close()
end

do -- recv_until: the delimiter is included, what follows it is kept
	local cli, conn = pair()
	cli:sendall("GET / HTTP/1.0\r\nHost: x\r\n\r\nbody")
	eq(conn:recv_until("\r\n"), "GET / HTTP/1.0\r\n")
	eq(conn:recv_until("\r\n"), "Host: x\r\n")
	eq(conn:recv_until("\r\n"), "\r\n")
	eq(conn:recv(100), "body", "data after the delimiter waits for the next recv")
	cli:sendall("a;b;c;")
	eq(conn:recv_until(";"), "a;")
	eq(conn:recv_exactly(2), "b;", "recv_exactly sees the kept data too")
	local d, from = conn:recvfrom(100)
	eq(d, "c;", "and recvfrom")
	eq(from, nil, "recvfrom on TCP names no sender, as on Linux (Python: None)")
	cli:close()
	conn:close()
end

do -- a delimiter split across two reads (at the 64 KiB read size)
	local cli, conn = pair()
	local head = string.rep("a", 65535)
	cli:sendall(head .. "\r\ntail") -- queued whole before the first read
	local line = conn:recv_until("\r\n", 70000)
	eq(#line, 65537)
	eq(line, head .. "\r\n")
	eq(conn:recv(100), "tail")
	cli:close()
	conn:close()
end

do -- a delimiter split across sends, one byte at a time from a thread
	local cli, conn = pair()
	local text = "line one\r\nline two\r\nrest"
	local t = spawn(function()
		for i = 1, #text do cli:sendall(text:sub(i, i)) end
	end)
	eq(conn:recv_until("\r\n"), "line one\r\n")
	eq(conn:recv_until("\r\n"), "line two\r\n")
	eq(conn:recv_exactly(4), "rest")
	t:join()
	cli:close()
	conn:close()
end

do -- max: ValueError past max bytes; the data is kept
	local cli, conn = pair()
	cli:sendall("abcdefgh\nrest")
	local e = raises("ValueError", conn.recv_until, conn, "\n", 5) -- ValueError: delimiter not found within 5 bytes
	eq(e.kind, "ValueError")
	has(e.message, "5")
	-- whatever the reads return, a line longer than max is refused
	raises("ValueError", conn.recv_until, conn, "\n", 8) -- ValueError: delimiter not found within 8 bytes
	eq(conn:recv_until("\n", 9), "abcdefgh\n", "exactly max bytes is allowed")
	eq(conn:recv(100), "rest")
	-- the default max is 65536
	cli:sendall(string.rep("x", 70000))
	raises("ValueError", conn.recv_until, conn, "\n") -- ValueError: delimiter not found within 65536 bytes
	eq(#conn:recv_exactly(70000), 70000, "nothing was lost")
	cli:close()
	conn:close()
end

do -- recv_until: EOFError with the partial data
	local cli, conn = pair()
	cli:sendall("no newline")
	cli:close()
	local e = raises("EOFError", conn.recv_until, conn, "\n") -- EOFError: peer closed after 10 bytes
	eq(e.partial, "no newline")
	conn:close()
end

do -- bad delimiters
	local cli, conn = pair()
	local e = raises("bad argument", function() conn:recv_until("") end)
	match(e, "bad argument #1 to 'recv_until' %(delimiter is empty%)")
	e = raises("bad argument", function() conn:recv_until() end)
	match(e, "bad argument #1 to 'recv_until' %(string expected, got no value%)")
	e = raises("bad argument", function() conn:recv_exactly("many") end)
	match(e, "bad argument #1 to 'recv_exactly' %(number expected, got string%)")
	cli:close()
	conn:close()
end

do -- kept data is not served once the socket is closed
	local cli, conn = pair()
	cli:sendall("one\ntwo\n")
	eq(conn:recv_until("\n"), "one\n")
	conn:close()
	raises("OSError", conn.recv, conn, 10) -- [Errno 9] Bad file descriptor
	raises("OSError", conn.recv_until, conn, "\n") -- [Errno 9] Bad file descriptor
	cli:close()
end
