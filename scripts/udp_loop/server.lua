-- udp_loop/server.lua — udp 数据传输循环通信 (a UDP conversation in a
-- loop), the server side.
-- Seed: 001_46cb482bf32f61e3.txt "udp 数据传输循环通信" (服务端).
--
-- UDP has no connection (无连接) and so no accept: every recvfrom returns
-- one whole datagram (数据报) and the address it came from, and the answer
-- goes back to that address with sendto. Answering Q ends the inner loop
-- (the client stops when it receives Q); the outer `while true` then waits
-- for the next datagram from anyone, for ever, so sk:close() is never
-- reached — stop it with Ctrl-C (the demo does that once the client is
-- done).
-- Usage: socklab run udp_loop/server [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket{type = socket.SOCK_DGRAM}
sk:bind({"127.0.0.1", port})
while true do
  while true do
    msg, cli_addr = sk:recvfrom(1024)
    print(msg:decode())
    msg = input("服务端给客户端发送的消息: ")
    sk:sendto(msg:encode(), cli_addr)
    if msg:upper() == "Q" then
      break
    end
  end
end
sk:close()
