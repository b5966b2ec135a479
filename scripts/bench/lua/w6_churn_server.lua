-- W6 connection churn, server: N connections one after another, each
-- read SIZE bytes, echoed, closed.
-- usage: w6_churn_server.lua N SIZE
local n, size = tonumber(arg[1]), tonumber(arg[2])
local srv = socket.socket()
srv:bind{"127.0.0.1", 0}
srv:listen(128)
print("PORT " .. srv:getsockname().port)
for _ = 1, n do
  local conn = srv:accept()
  local data, got = {}, 0
  while got < size do
    local d = conn:recv(65536)
    if d == "" then break end
    data[#data + 1] = d
    got = got + #d
  end
  conn:sendall(table.concat(data))
  conn:close()
end
srv:close()
