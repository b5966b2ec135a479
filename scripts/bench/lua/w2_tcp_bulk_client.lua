-- W2 TCP bulk, sender: TOTAL bytes in sendall calls of CHUNK bytes, the
-- same string every time (a protocol script sending a buffer it holds).
-- usage: w2_tcp_bulk_client.lua PORT TOTAL CHUNK
local port, total, chunk = tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3])
local sk = socket.socket()
sk:connect{"127.0.0.1", port}
local block = string.rep("x", chunk)
local sent = 0
while sent + chunk <= total do
  sk:sendall(block)
  sent = sent + chunk
end
if sent < total then sk:sendall(block:sub(1, total - sent)) end
sk:close()
