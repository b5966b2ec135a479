-- echo_select/server.lua — select实现的回显服务器 (an echo server on select, one thread).
-- Seed: beyond the seeds (the seeds serve one client at a time, or use a
-- thread per client: see echo_threaded).
--
-- I/O multiplexing (IO多路复用): instead of blocking in accept() or in one
-- client's recv(), the single thread blocks in select.select(inputs, {}, {})
-- on all sockets at once; it returns the ones that are ready:
--   * the listening socket is readable  -> a client is waiting: accept();
--   * a connection is readable          -> recv() will not block: read it;
--     recv() returning "" means that client has closed (its FIN, 四次挥手):
--     remove it from the list and close our side.
-- What crosses the wire is the same as echo_threaded (same client): lines
-- ending in "\n" come back unchanged, and the server says
-- "*** welcome (N online)" / "*** a client joined/left (N online)". TCP is
-- a byte stream (流式, see sticky/粘包): one recv may hold half a line or
-- several, so each connection keeps a buffer and only whole lines are
-- echoed.
-- (A simplification: sendall may block if a client stops reading; a real
-- server would also wait for writability with the second list.)
-- Usage: socklab run echo_select/server [PORT]   (default 9002)
local port = tonumber(arg[1]) or 9002

sk = socket.socket()
sk:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk:bind({"127.0.0.1", port})
sk:listen()
sk:setblocking(false)

local inputs = {sk}   -- what select watches: the listener and every client
local buffers = {}    -- conn -> bytes received but not yet a whole line
local addrs = {}      -- conn -> its address, for the messages

local function others(me)
  local list = {}
  for _, s in ipairs(inputs) do
    if s ~= sk and s ~= me then list[#list + 1] = s end
  end
  return list
end

-- send is sendall that returns false when the client has gone (a reset,
-- a broken pipe) instead of raising; Ctrl-C and real bugs still raise.
local function send(c, data)
  local ok, err = pcall(c.sendall, c, data)
  if not ok and err.kind ~= "BrokenPipeError" and err.kind ~= "ConnectionResetError" then
    error(err, 0)
  end
  return ok
end

local function tell(list, text)
  for _, c in ipairs(list) do send(c, text:encode()) end
end

local function remove(conn)
  for i, s in ipairs(inputs) do
    if s == conn then table.remove(inputs, i) break end
  end
  print("closed " .. tostring(addrs[conn]))
  buffers[conn], addrs[conn] = nil, nil
  conn:close()
  tell(others(nil), ("*** a client left (%d online)\n"):format(#inputs - 1))
end

while true do
  local readable = select.select(inputs, {}, {})
  for _, s in ipairs(readable) do
    if s == sk then
      local conn, addr = sk:accept()
      conn:setblocking(true)
      inputs[#inputs + 1] = conn
      buffers[conn], addrs[conn] = "", addr
      print("connected " .. tostring(addr))
      send(conn, ("*** welcome (%d online)\n"):format(#inputs - 1):encode())
      tell(others(conn), ("*** a client joined (%d online)\n"):format(#inputs - 1))
    else
      local ok, data = pcall(s.recv, s, 1024)
      if not ok and data.kind ~= "ConnectionResetError" then error(data, 0) end
      if not ok or data == "" then
        remove(s)  -- recv returned "": the client has closed
      else
        buffers[s] = buffers[s] .. data
        while true do
          local line, rest = buffers[s]:match("^(.-\n)(.*)$")
          if not line then break end
          buffers[s] = rest
          print(tostring(addrs[s]) .. " echoes: " .. line:sub(1, -2):decode())
          if not send(s, line) then  -- 回显: the same bytes go back
            remove(s)
            break
          end
        end
      end
    end
  end
end
