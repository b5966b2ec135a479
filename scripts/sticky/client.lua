-- sticky/client.lua — TCP的黏包现象 (sticky packets), the client side.
-- Seed: 001_46cb482bf32f61e3.txt "TCP的黏包现象" (客户端).
--
-- The client waits 0.1 s, so both messages are already in its kernel
-- buffer; the first recv(1024) takes both at once (黏包), and the second
-- finds the connection closed and returns "".
-- Usage: socklab run sticky/client [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket()
sk:connect({"127.0.0.1", port})
time.sleep(0.1)
res1 = sk:recv(1024)
print(res1:decode())
res2 = sk:recv(1024)
print(res2:decode())
-- 下了一天的雨适合发呆 两个数据粘在了一起,这就是数据的黏包
sk:close()
