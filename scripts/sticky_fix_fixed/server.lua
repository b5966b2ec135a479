-- sticky_fix_fixed/server.lua — TCP黏包解决方式二 (fix 2: a fixed-width
-- length), the server side.
-- Seed: 001_46cb482bf32f61e3.txt "TCP黏包解决方式" 方式二 (服务端).
--
-- 方式一 sent "18", two bytes, and the client had to know that. Here the
-- length is always written with 8 digits, "00000018", so the client always
-- reads 8 bytes first, whatever the message (以免客户端每次都要改第一次接收
-- 字节数). "下了一天的雨" is 18 bytes in UTF-8 (6 characters × 3 bytes).
-- Usage: socklab run sticky_fix_fixed/server [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket()
sk:bind({"127.0.0.1", port})
sk:listen()
coon, addr = sk:accept()
-- 在发送真实数据之前,先发送真实数据的大小
coon:send(("00000018"):encode())  -- 以免客户端每次都要改第一次接收字节数
coon:send(("下了一天的雨"):encode())
coon:send(("适合发呆"):encode())
coon:close()
sk:close()
