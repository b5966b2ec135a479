-- udp_basic/server.lua — udp数据传输简单通信 (one UDP exchange), server side.
-- Seed: 001_46cb482bf32f61e3.txt "udp数据传输简单通信" (服务端).
--
-- UDP is connectionless (无连接): no listen, no accept. type=SOCK_DGRAM
-- makes a UDP socket; the server binds and then receives first. Each
-- recvfrom returns one whole datagram (数据报) and the sender's address,
-- which is where the answer goes.
-- Usage: socklab run udp_basic/server [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

-- 1. 创建一个socket对象 type=socket.SOCK_DGRAM表明创建的是UDP协议对象
sk = socket.socket{type = socket.SOCK_DGRAM}
-- 2. 绑定IP和端口号
sk:bind({"127.0.0.1", port})
-- 4. 接收消息,(UDP作为服务端的时候,第一次肯定是接收消息)
msg, cli_addr = sk:recvfrom(1024)
print(msg:decode())  -- 今天天气咋样啊?
print(cli_addr)      -- ('127.0.0.1', 64877)
-- 发送消息给客户端
msg = "下了一天的雨"
sk:sendto(msg:encode(), cli_addr)
-- 5. 关闭连接
sk:close()
