-- reuseaddr/server.lua — SO_REUSEADDR: 允许端口重复捆绑 (rebinding a port
-- whose connection is still in TIME_WAIT), the server side.
-- Seed: 001_46cb482bf32f61e3.txt, the note on sk.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1) (在bind方法之前加上这句话).
--
-- The side that closes a TCP connection first (主动关闭) keeps it in
-- TIME_WAIT for a minute after the four-way goodbye (四次挥手), so that
-- late segments of the old connection die out. That leftover still holds
-- the port: a server restarted at once cannot bind it, and bind raises
-- OSError: [Errno 98] Address already in use — unless SO_REUSEADDR was set
-- before bind. On Linux it must be set on both sockets: the old server's
-- (its accepted connections, and so the TIME_WAIT, inherit it) and the new
-- one's; if the old one lacked it, even a new socket with it gets Errno 98.
--
-- The run: a first server, with SO_REUSEADDR, serves one client and closes
-- first — shutdown(SHUT_WR) sends its FIN, then recv waits for the
-- client's FIN (recv returns ""), and from that moment the server's end of
-- the connection is in TIME_WAIT. Then the server is restarted twice on
-- the same port: without SO_REUSEADDR (Errno 98), and with it (bound).
-- The seed's other exercises use 9000 without SO_REUSEADDR: if one ran in
-- the last minute, its TIME_WAIT lacks the flag and even the first bind
-- here fails — the rule of both sides again.
-- Usage: socklab run reuseaddr/server [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

-- 老的服务端: 在bind方法之前加上这句话
sk = socket.socket()
sk:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
print("老的服务端 SO_REUSEADDR = " .. sk:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))
sk:bind({"127.0.0.1", port})
-- The port bound: the one asked for, unless 0 asked the kernel to pick one.
port = sk:getsockname()[2]  -- Python: sk.getsockname()[1] (Lua counts from 1)
sk:listen()
conn, addr = sk:accept()
res = conn:recv(1024)
print(res:decode("utf-8"))
-- 服务端先挥手: our FIN goes first (主动关闭)
conn:shutdown(socket.SHUT_WR)
res = conn:recv(1024)  -- "": the client's FIN; our end is now in TIME_WAIT
print("recv返回了" .. #res .. "个字节: 客户端也关闭了, 服务端这一端进入TIME_WAIT")
conn:close()
sk:close()

-- 立刻重启服务端, 不设置SO_REUSEADDR
sk = socket.socket()
local ok, e = pcall(sk.bind, sk, {"127.0.0.1", port})
if not ok then  -- Python: except OSError as e
  print("不设置SO_REUSEADDR: " .. tostring(e))
end
sk:close()
-- 立刻重启服务端, 设置SO_REUSEADDR
sk = socket.socket()
sk:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk:bind({"127.0.0.1", port})
sk:listen()
print("设置了SO_REUSEADDR: 绑定成功 " .. tostring(sk:getsockname()))
sk:close()
