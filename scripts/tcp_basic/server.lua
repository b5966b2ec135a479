-- tcp_basic/server.lua — 基于tcp协议的socket (TCP socket), the server side.
-- Seed: 000_2481a32fc39b92cd.txt §1.3 (server.py).
--
-- TCP is connection-based (面向连接): start the server first, then the
-- client. bind() registers the address, listen() makes the socket passive,
-- and accept() completes the three-way handshake (三次握手) with a client,
-- giving a new socket `conn` for that one client. recv(1024) reads at most
-- 1024 bytes of whatever has arrived; close() starts the four-way
-- goodbye (四次挥手).
-- Usage: socklab run tcp_basic/server [PORT]   (default 8898)
local port = tonumber(arg[1]) or 8898

sk = socket.socket()
sk:bind({'127.0.0.1', port})
sk:listen()
conn, addr = sk:accept()
ret = conn:recv(1024)
print(ret)
conn:send('hi')
conn:close()
sk:close()
