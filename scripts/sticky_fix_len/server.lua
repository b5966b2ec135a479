-- sticky_fix_len/server.lua — TCP黏包解决方式一 (fix 1: send the length
-- first), the server side.
-- Seed: 001_46cb482bf32f61e3.txt "TCP黏包解决方式" 方式一 (服务端).
--
-- TCP is a byte stream without boundaries (无边界), so two quick sends can
-- arrive glued together (黏包). The fix: before the real data, send its
-- size (在发送真实数据之前,先发送真实数据的大小). "下了一天的雨" is 6
-- characters but 18 bytes in UTF-8, so the server sends the two bytes "18"
-- first; the client reads exactly 2 bytes, then exactly 18, and what is
-- left is the next message. The catch: "18" only works because the client
-- knows the length itself takes 2 bytes (方式二 fixes that).
-- Usage: socklab run sticky_fix_len/server [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket()
sk:bind({"127.0.0.1", port})
sk:listen()
coon, addr = sk:accept()
-- 在发送真实数据之前,先发送真实数据的大小
coon:send(("18"):encode())
coon:send(("下了一天的雨"):encode())
coon:send(("适合发呆"):encode())
coon:close()
sk:close()
