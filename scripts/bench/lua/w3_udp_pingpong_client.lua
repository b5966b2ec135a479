-- W3 UDP ping-pong, client: ROUNDS datagrams of SIZE bytes, each waiting
-- for its echo, timed from the first send to the last reply.
-- usage: w3_udp_pingpong_client.lua PORT ROUNDS SIZE
local port, rounds, size = tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3])
local sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
local addr = {"127.0.0.1", port}
local msg = string.rep("x", size)
local t0 = time.perf_counter()
for _ = 1, rounds do
  sk:sendto(msg, addr)
  local data = sk:recvfrom(65536)
  if #data ~= size then error("short echo: " .. #data .. " bytes") end
end
local elapsed = time.perf_counter() - t0
sk:close()
print(string.format("RESULT rounds=%d rt_per_s=%.1f", rounds, rounds / elapsed))
