-- sticky_fix_fixed/client.lua — TCP黏包解决方式二 (fix 2: a fixed-width
-- length), the client side.
-- Seed: 001_46cb482bf32f61e3.txt "TCP黏包解决方式" 方式二 (客户端).
--
-- The glued bytes "00000018下了一天的雨适合发呆" are cut at fixed places:
-- recv(8) is the length (将第一次接受的大小固定), recv(18) the first
-- message, the rest the second. Still clumsy — 方式一和方式二都太麻烦 — which
-- is why 方式三 (sticky_fix_struct) packs the length into 4 bytes.
-- Python's int(res.decode()) is tonumber(res:decode()) in Lua.
-- Usage: socklab run sticky_fix_fixed/client [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket()
sk:connect({"127.0.0.1", port})
time.sleep(0.1)
res = sk:recv(8)  -- 将第一次接受的大小固定
n = tonumber(res:decode())  -- Python: n = int(res.decode())
res1 = sk:recv(n)
print(res1:decode())
res2 = sk:recv(1024)
print(res2:decode())
-- 下了一天的雨
-- 适合发呆
sk:close()
-- 但是方式一和方式二都太麻烦,每次都需要改动
