-- W1 TCP ping-pong, server: echoes one connection until the client closes.
-- Prints "PORT n" (the kernel's choice) once it listens.
local srv = socket.socket()
srv:bind{"127.0.0.1", 0}
srv:listen(1)
print("PORT " .. srv:getsockname().port)
local conn = srv:accept()
while true do
  local data = conn:recv(65536)
  if data == "" then break end
  conn:sendall(data)
end
conn:close()
srv:close()
