-- W3 UDP ping-pong, server: echoes ROUNDS datagrams back to their sender.
-- usage: w3_udp_pingpong_server.lua ROUNDS
local rounds = tonumber(arg[1])
local sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sk:bind{"127.0.0.1", 0}
print("PORT " .. sk:getsockname().port)
for _ = 1, rounds do
  local data, addr = sk:recvfrom(65536)
  sk:sendto(data, addr)
end
sk:close()
