-- TCP: round trips, peer close, recv(0), big transfers between threads.

local function listener()
	local srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	srv:settimeout(5)
	srv:bind{"127.0.0.1", 0}
	srv:listen(5)
	return srv, srv:getsockname()
end

-- a connected pair: client, server side
local function pair()
	local srv, addr = listener()
	local cli = socket.socket()
	cli:settimeout(5)
	cli:connect(addr)
	local conn, peer = srv:accept()
	conn:settimeout(5)
	srv:close()
	eq(peer, cli:getsockname(), "accept's address is the client's")
	return cli, conn
end

do -- round trip with send/sendall/recv
	local cli, conn = pair()
	eq(cli:send("hello"), 5)
	eq(conn:recv(1024), "hello")
	cli:sendall("world")
	eq(conn:recv(1024), "world")
	conn:sendall("echo back")
	eq(cli:recv(4), "echo")
	eq(cli:recv(100), " back")
	cli:close()
	conn:close()
end

do -- recv returns "" once the peer has closed, every time after
	local cli, conn = pair()
	cli:sendall("last words")
	cli:close()
	eq(conn:recv(1024), "last words")
	eq(conn:recv(1024), "", "recv after the peer closed")
	eq(conn:recv(1024), "", "and again")
	conn:close()
end

do -- shutdown(SHUT_WR) is an end of stream for the peer, who can still answer
	local cli, conn = pair()
	cli:sendall("question")
	cli:shutdown(socket.SHUT_WR)
	eq(conn:recv(100), "question")
	eq(conn:recv(100), "")
	conn:sendall("answer")
	conn:close()
	eq(cli:recv(100), "answer")
	eq(cli:recv(100), "")
	raises("BrokenPipeError", cli.send, cli, "more") -- [Errno 32] Broken pipe
	cli:close()
end

do -- recv(0) returns "" at once, whether or not data is waiting
	local cli, conn = pair()
	eq(conn:recv(0), "", "recv(0) with nothing to read")
	cli:sendall("abc")
	eq(conn:recv(0), "", "recv(0) with data waiting")
	eq(conn:recv(10), "abc", "recv(0) consumed nothing")
	cli:close()
	conn:close()
end

do -- recv with a huge bufsize returns what there is, without allocating it
	local cli, conn = pair()
	cli:sendall("small")
	eq(conn:recv(2^31), "small")
	cli:sendall("again")
	eq(conn:recv(2^40), "again")
	cli:close()
	conn:close()
end

do -- send takes numbers as Lua's string coercion does; a table is a bad argument
	local cli, conn = pair()
	eq(cli:send(42), 2)
	eq(conn:recv(10), "42")
	local e = raises("bad argument #1 to 'send'", function() cli:send({}) end)
	has(tostring(e), "string expected, got table")
	cli:close()
	conn:close()
end

do -- sendall of "" sends nothing and returns nothing (Python: None)
	local cli, conn = pair()
	eq(select("#", cli:sendall("")), 0)
	eq(cli:send(""), 0)
	cli:sendall("x")
	eq(conn:recv(10), "x")
	cli:close()
	conn:close()
end

do -- binary data passes through untouched
	local cli, conn = pair()
	local all = {}
	for i = 0, 255 do all[#all + 1] = string.char(i) end
	local bytes = table.concat(all)
	cli:sendall(bytes)
	eq(conn:recv_exactly(256), bytes)
	cli:close()
	conn:close()
end

do -- recvfrom on TCP: the data, and no address (Python: None)
	local cli, conn = pair()
	cli:sendall("hi")
	local d, from = conn:recvfrom(10)
	eq(d, "hi")
	eq(from, nil)
	eq(select("#", conn:recvfrom(0)), 2, "always two results")
	cli:close()
	d, from = conn:recvfrom(10)
	eq(d, "")
	eq(from, nil)
	conn:close()
end

do -- MSG_PEEK leaves the data for the next recv
	local cli, conn = pair()
	cli:sendall("peekaboo")
	eq(conn:recv(4, socket.MSG_PEEK), "peek")
	eq(conn:recv(100), "peekaboo")
	cli:close()
	conn:close()
end

do -- several clients queue in the backlog and are accepted in order
	local srv, addr = listener()
	local clients = {}
	for i = 1, 3 do
		clients[i] = socket.create_connection(addr, 5)
		clients[i]:sendall("client " .. i)
	end
	for i = 1, 3 do
		local conn, peer = srv:accept()
		conn:settimeout(5)
		eq(peer, clients[i]:getsockname(), "accept order")
		eq(conn:recv(100), "client " .. i)
		eq(conn:getpeername(), clients[i]:getsockname())
		conn:close()
		clients[i]:close()
	end
	srv:close()
end

do -- connecting twice on a connected socket is EISCONN
	local cli, conn = pair()
	local e = raises("OSError", cli.connect, cli, conn:getsockname()) -- [Errno 106] Transport endpoint is already connected
	eq(e.errno, 106)
	eq(tostring(e), "OSError: [Errno 106] Transport endpoint is already connected")
	cli:close()
	conn:close()
end

do -- recv on a listening socket: ENOTCONN
	local srv = listener()
	local e = raises("OSError", srv.recv, srv, 10) -- [Errno 107] Transport endpoint is not connected
	eq(e.errno, socket.ENOTCONN)
	srv:close()
end
