-- W6 connection churn, client: N times connect, send SIZE bytes, read the
-- echo, close; timed from the first connect to the last close.
-- usage: w6_churn_client.lua PORT N SIZE
local port, n, size = tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3])
local addr = {"127.0.0.1", port}
local msg = string.rep("x", size)
local t0 = time.perf_counter()
for _ = 1, n do
  local sk = socket.socket()
  sk:connect(addr)
  sk:sendall(msg)
  local got = 0
  while got < size do
    local d = sk:recv(65536)
    if d == "" then error("server closed early") end
    got = got + #d
  end
  sk:close()
end
local elapsed = time.perf_counter() - t0
print(string.format("RESULT conns=%d conn_per_s=%.1f", n, n / elapsed))
