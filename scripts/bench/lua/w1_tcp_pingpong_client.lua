-- W1 TCP ping-pong, client: ROUNDS round trips of a SIZE-byte message,
-- timed from the first send to the last reply.
-- usage: w1_tcp_pingpong_client.lua PORT ROUNDS SIZE
local port, rounds, size = tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3])
local sk = socket.socket()
sk:connect{"127.0.0.1", port}
local msg = string.rep("x", size)
local t0 = time.perf_counter()
for _ = 1, rounds do
  sk:sendall(msg)
  local got = 0
  while got < size do
    local data = sk:recv(65536)
    if data == "" then error("server closed early") end
    got = got + #data
  end
end
local elapsed = time.perf_counter() - t0
sk:close()
print(string.format("RESULT rounds=%d rt_per_s=%.1f", rounds, rounds / elapsed))
