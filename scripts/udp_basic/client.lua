-- udp_basic/client.lua — udp数据传输简单通信 (one UDP exchange), client side.
-- Seed: 001_46cb482bf32f61e3.txt "udp数据传输简单通信" (客户端).
--
-- The client needs no bind: the kernel gives its socket a free port on the
-- first sendto, and that is the address the server sees.
-- Usage: socklab run udp_basic/client [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

-- 1. 创建socket对象
sk = socket.socket{type = socket.SOCK_DGRAM}
-- 2. 发送数据
msg = "今天天气咋样啊?"
sk:sendto(msg:encode(), {"127.0.0.1", port})
msg, ser_addr = sk:recvfrom(1024)
print(msg:decode())  -- 下了一天的雨
print(ser_addr)      -- ('127.0.0.1', 9000)
-- 3. 断开连接
sk:close()
