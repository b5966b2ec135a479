-- tcp_basic/client.lua — 基于tcp协议的socket (TCP socket), the client side.
-- Seed: 000_2481a32fc39b92cd.txt §1.3 (client.py).
--
-- connect() sends the SYN of the three-way handshake (三次握手); once it
-- returns, bytes flow both ways (全双工). Python's b'hello!' is a plain Lua
-- string: Lua strings are bytes already.
-- Usage: socklab run tcp_basic/client [PORT]   (default 8898)
local port = tonumber(arg[1]) or 8898

sk = socket.socket()
sk:connect({'127.0.0.1', port})
sk:send('hello!')
ret = sk:recv(1024)
print(ret)
sk:close()
-- 注意:运行时,先执行server,再执行client (start the server first)
