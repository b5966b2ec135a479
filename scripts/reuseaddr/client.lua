-- reuseaddr/client.lua — SO_REUSEADDR: 允许端口重复捆绑 (rebinding a port
-- whose connection is still in TIME_WAIT), the client side.
-- Seed: 001_46cb482bf32f61e3.txt, the note on sk.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1).
--
-- The client sends one message and waits: recv returns "" because the
-- server closed first. The client's close() then sends the last FIN. The
-- side that closed second goes straight to CLOSED, so TIME_WAIT stays on
-- the server's end — on the server's well-known port, which is what stops
-- the server from binding it again.
-- Usage: socklab run reuseaddr/client [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket()
sk:connect({"127.0.0.1", port})
sk:send(("你好, 服务端"):encode("utf-8"))
res = sk:recv(1024)  -- "": the server has closed first
print("recv返回了" .. #res .. "个字节: 服务端先关闭了连接")
sk:close()
