-- sticky_fix_len/client.lua — TCP黏包解决方式一 (fix 1: send the length
-- first), the client side.
-- Seed: 001_46cb482bf32f61e3.txt "TCP黏包解决方式" 方式一 (客户端).
--
-- After the 0.1 s sleep all three sends sit glued in the receive buffer
-- (缓冲区): "18下了一天的雨适合发呆". recv(2) takes just the length, and
-- recv(n) exactly the first message, so the two messages come out apart.
-- Python's int(res.decode()) is tonumber(res:decode()) in Lua.
-- Usage: socklab run sticky_fix_len/client [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket()
sk:connect({"127.0.0.1", port})
time.sleep(0.1)
res = sk:recv(2)
n = tonumber(res:decode())  -- Python: n = int(res.decode())
res1 = sk:recv(n)
print(res1:decode())
res2 = sk:recv(1024)
print(res2:decode())
-- 下了一天的雨
-- 适合发呆
sk:close()
