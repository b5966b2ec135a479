-- tcp_loop/client.lua — TCP: 服务端和客户端循环通信 (a TCP conversation in
-- a loop), the client side.
-- Seed: 001_46cb482bf32f61e3.txt "TCP: 服务端和客户端循环通信" (客户端).
--
-- The client connects once and then talks in turns on the same connection:
-- send a typed line, wait for the answer. It is the server that ends the
-- conversation: when the answer is "Q" the client leaves the loop and
-- closes. Python compares bytes (res.upper() == b"Q"); a Lua string is
-- bytes already, so it compares with "Q".
-- Usage: socklab run tcp_loop/client [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

-- 1. 建立一个socket对象
sk = socket.socket()
-- 2. 连接服务端
sk:connect({"127.0.0.1", port})
-- 3. 发送数据
while true do
  strvar = input("客户端想给服务端发送的消息为: ")
  sk:send(strvar:encode("utf-8"))
  res = sk:recv(1024)
  if res:upper() == "Q" then  -- Python: res.upper() == b"Q"
    break
  end
  print(res:decode("utf-8"))
end
-- 4.断开连接
sk:close()
