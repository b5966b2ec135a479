-- W7 and W8, server: thread-per-connection echo, until it is killed.
-- usage: w7_echo_server.lua BACKLOG
local backlog = tonumber(arg[1])

local function handle(conn)
  while true do
    local data = conn:recv(4096)
    if data == "" then break end
    conn:sendall(data)
  end
  conn:close()
end

local srv = socket.socket()
srv:bind{"127.0.0.1", 0}
srv:listen(backlog)
print("PORT " .. srv:getsockname().port)
while true do
  local conn = srv:accept()
  threading.Thread{target = handle, args = {conn}, daemon = true}:start()
end
