-- udp_loop/client.lua — udp 数据传输循环通信 (a UDP conversation in a
-- loop), the client side.
-- Seed: 001_46cb482bf32f61e3.txt "udp 数据传输循环通信" (客户端).
--
-- The client never connects and never binds: the kernel gives its socket a
-- port on the first sendto and keeps it, so every answer comes back to the
-- same socket. Each message is one datagram, with its boundaries kept (UDP
-- 不黏包). When the answer is "Q" the client stops; Python compares bytes
-- (msg.upper() == b"Q"), a Lua string is bytes already.
-- Usage: socklab run udp_loop/client [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket{type = socket.SOCK_DGRAM}
while true do
  msg = input("客户端给服务端发送的消息: ")
  sk:sendto(msg:encode(), {"127.0.0.1", port})
  msg, ser_addr = sk:recvfrom(1024)
  if msg:upper() == "Q" then  -- Python: msg.upper() == b"Q"
    break
  end
  print(msg:decode())
end
sk:close()
