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
