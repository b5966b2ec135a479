-- sticky_fix_struct/client.lua — TCP黏包解决方式三 (fix 3: a struct header).
-- Seed: 001_46cb482bf32f61e3.txt "TCP黏包解决方式三(推荐)" (客户端).
--
-- recv(4) takes just the header; struct.unpack("i", res) turns it back
-- into the length. Python returns a tuple (tup[0]); Lua returns the values
-- themselves, so {struct.unpack(...)} makes the tuple and tup[1] is the
-- first item (Lua counts from 1).
-- Usage: socklab run sticky_fix_struct/client [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket()
sk:connect({"127.0.0.1", port})
time.sleep(0.1)
res = sk:recv(4)  -- struct压缩的数据永远都是4个字节
tup = {struct.unpack("i", res)}
print(tup[1])  -- 18
res1 = sk:recv(tup[1])
print(res1:decode())
res2 = sk:recv(1024)
print(res2:decode())
-- 下了一天的雨
-- 适合发呆
sk:close()
