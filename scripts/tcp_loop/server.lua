-- tcp_loop/server.lua — TCP: 服务端和客户端循环通信 (a TCP conversation in
-- a loop), the server side.
-- Seed: 001_46cb482bf32f61e3.txt "TCP: 服务端和客户端循环通信" (服务端).
--
-- One connection carries many messages, taking turns: the server recv()s a
-- message, prints it, and answers with a line typed at input(). Each answer
-- travels as its UTF-8 bytes (encode) and is decoded on the other side.
-- The inner loop is the conversation with one client: answering Q sends
-- "Q", ends it and closes the connection (四次挥手); the client stops when
-- it receives Q. The outer `while true` keeps the server alive for the
-- next client (保证服务端永不关闭): it goes back to accept(), so
-- sk:close() is never reached — stop it with Ctrl-C (the demo does that
-- once the client is done).
-- Usage: socklab run tcp_loop/server [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

-- 1. 创建一个socket对象
sk = socket.socket()
-- 2. 在网络中注册主机(绑定IP和端口)
sk:bind({"127.0.0.1", port})
-- 3. 监听
sk:listen()
-- 4. 建立三次握手
-- 5. 接收数据
while true do  -- 保证服务端永不关闭,随时能跟客户端连接
  conn, addr = sk:accept()
  while true do
    res = conn:recv(1024)
    print(res:decode("utf-8"))
    str1 = input("服务端想给客户端发送: ")
    conn:send(str1:encode("utf-8"))
    if str1:upper() == "Q" then
      break
    end
  end
  -- 6.四次挥手
  conn:close()
end
-- 7.退还端口
sk:close()
