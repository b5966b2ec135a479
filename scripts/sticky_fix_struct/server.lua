-- sticky_fix_struct/server.lua — TCP黏包解决方式三 (fix 3: a struct header).
-- Seed: 001_46cb482bf32f61e3.txt "TCP黏包解决方式三(推荐)" (服务端).
--
-- A custom protocol (自定义协议): before the message, send its length as a
-- fixed 4-byte header (报头). struct.pack("i", n) turns any int into exactly
-- 4 bytes (native order: little-endian on x86-64), so the client always
-- knows how much to read first, and then how much belongs to the message.
-- Usage: socklab run sticky_fix_struct/server [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket()
sk:bind({"127.0.0.1", port})
sk:listen()
coon, addr = sk:accept()
strvar = input("请输入数据:")
msg = strvar:encode()
length = #msg
res = struct.pack("i", length)  -- 将要发送的第一个数据的长度先用struct进行压缩
coon:send(res)
coon:send(strvar:encode())
coon:send(("适合发呆"):encode())
coon:close()
sk:close()
