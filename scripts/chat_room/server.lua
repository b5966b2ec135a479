-- chat_room/server.lua — 聊天室 (a TCP chat room), the server.
-- Seed: beyond the seeds (the UDP chat of 002_ac6abc7cd8388bf0.txt, made a
-- room of many over TCP).
--
-- A relay (转发): every client has a thread (线程) here that reads its
-- lines, and each line is sent on to all the other clients with the
-- sender's name in front. What crosses the wire is UTF-8 text in lines
-- ending in "\n" — TCP is a byte stream (流式) with no message boundaries
-- (see sticky/粘包), so the newline is our protocol's boundary:
--   client -> server: first line its name, then one line per message;
--   server -> client: "NAME: text" for others' messages, and
--                     "*** NAME joined/left (N online)" notices.
-- When a client closes (recv returns "", 四次挥手) its thread says goodbye
-- to the others and ends.
-- Threads share the `clients` table; in socklab they switch only at
-- blocking calls, so a copy of the table before sending is enough (the
-- Python twin uses a threading.Lock).
-- Usage: socklab run chat_room/server [PORT]   (default 9003)
local port = tonumber(arg[1]) or 9003

local clients = {}  -- conn -> name, for everyone in the room

local function online()
  local n = 0
  for _ in pairs(clients) do n = n + 1 end
  return n
end

-- send is sendall that returns false when the client has gone (a reset,
-- a broken pipe) instead of raising; anything else still raises.
local function send(c, data)
  local ok, err = pcall(c.sendall, c, data)
  if not ok and err.kind ~= "BrokenPipeError" and err.kind ~= "ConnectionResetError" then
    error(err, 0)
  end
  return ok
end

-- broadcast sends a line to everyone in the room but `me`.
local function broadcast(me, text)
  local others = {}
  for c in pairs(clients) do
    if c ~= me then others[#others + 1] = c end
  end
  for _, c in ipairs(others) do send(c, (text .. "\n"):encode()) end
end

-- readline returns the next line without "\n", or nil once the client
-- has closed.
local function readline(conn)
  local ok, line = pcall(conn.recv_until, conn, "\n")
  if ok then return line:sub(1, -2):decode() end
  if line.kind ~= "EOFError" and line.kind ~= "ConnectionResetError" then
    error(line, 0)
  end
  return nil
end

-- handle runs in its own thread: one member of the room.
local function handle(conn, addr)
  local name = readline(conn)
  if name == nil or name == "" then conn:close() return end
  clients[conn] = name
  local joined = ("*** %s joined (%d online)"):format(name, online())
  print(joined .. " from " .. tostring(addr))
  broadcast(nil, joined)
  while true do
    local text = readline(conn)
    if text == nil then break end
    print(name .. ": " .. text)
    broadcast(conn, name .. ": " .. text)  -- 转发 to the others
  end
  clients[conn] = nil
  conn:close()
  local left = ("*** %s left (%d online)"):format(name, online())
  print(left)
  broadcast(nil, left)
end

sk = socket.socket()
sk:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk:bind({"127.0.0.1", port})
sk:listen()
while true do
  local conn, addr = sk:accept()
  threading.Thread{target = handle, args = {conn, addr}, daemon = true}:start()
end
