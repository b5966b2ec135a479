-- echo_threaded/server.lua — 多线程回显服务器 (an echo server, one thread per client).
-- Seed: beyond the seeds (the seeds' TCP servers serve one client at a
-- time: while accept()ed conn talks, the next client waits in the listen
-- backlog (半连接/全连接队列)).
--
-- Here the main thread only accepts; each connection gets its own thread
-- (线程) that loops recv -> send (回显, echo). A thread blocked in recv
-- does not stop the others, so many clients are served at once (并发).
-- What crosses the wire: lines ending in "\n" (the line is the message
-- boundary that TCP itself does not keep: see sticky/粘包); every line a
-- client sends comes back unchanged. The server also tells each client how
-- many are online: "*** welcome (N online)" when it arrives, and
-- "*** a client joined/left (N online)" to the others when someone comes or
-- goes — which lets a client see that another one was served meanwhile.
--
-- Threads share the `clients` table. In socklab one thread runs Lua at a
-- time and they switch only at blocking calls (accept, recv, sendall...),
-- so taking a copy of the table before sending is enough; the Python twin,
-- whose threads switch anywhere, guards it with a threading.Lock.
-- Usage: socklab run echo_threaded/server [PORT]   (default 9001)
local port = tonumber(arg[1]) or 9001

local clients = {}  -- conn -> true, for everyone connected now

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

-- tell_others sends text to every client but `me`.
local function tell_others(me, text)
  local others = {}
  for c in pairs(clients) do
    if c ~= me then others[#others + 1] = c end
  end
  for _, c in ipairs(others) do
    send(c, text:encode())  -- one that is leaving may be gone
  end
end

-- handle runs in its own thread: one client's whole conversation.
local function handle(conn, addr)
  local me = threading.current_thread().name
  print(me .. " serves " .. tostring(addr))
  while true do
    local ok, line = pcall(conn.recv_until, conn, "\n")
    if not ok then
      -- EOFError: the client closed (recv returned ""); a reset ends it too
      if line.kind ~= "EOFError" and line.kind ~= "ConnectionResetError" then
        error(line, 0)
      end
      break
    end
    print(me .. " echoes: " .. line:sub(1, -2):decode())
    if not send(conn, line) then break end  -- 回显: the same bytes go back
  end
  clients[conn] = nil
  conn:close()
  print(me .. " done with " .. tostring(addr))
  tell_others(nil, ("*** a client left (%d online)\n"):format(online()))
end

sk = socket.socket()
sk:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk:bind({"127.0.0.1", port})
sk:listen()
while true do
  local conn, addr = sk:accept()
  clients[conn] = true
  send(conn, ("*** welcome (%d online)\n"):format(online()):encode())
  tell_others(conn, ("*** a client joined (%d online)\n"):format(online()))
  -- the target is the function itself, its arguments go in args
  local t = threading.Thread{target = handle, args = {conn, addr}, daemon = true}
  t:start()
end
