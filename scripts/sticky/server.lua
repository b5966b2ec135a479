-- sticky/server.lua — TCP的黏包现象 (sticky packets), the server side.
-- Seed: 001_46cb482bf32f61e3.txt "TCP的黏包现象" (服务端).
--
-- TCP is a byte stream with no message boundaries (无边界). The server
-- sends two short messages back to back; TCP (and the client's receive
-- buffer, 缓冲区) is free to deliver them as one run of bytes.
-- Usage: socklab run sticky/server [PORT]   (default 9000)
local port = tonumber(arg[1]) or 9000

sk = socket.socket()
sk:bind({"127.0.0.1", port})
sk:listen()
coon, addr = sk:accept()
coon:send(("下了一天的雨"):encode())
coon:send(("适合发呆"):encode())
coon:close()
sk:close()
