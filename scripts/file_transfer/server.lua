-- file_transfer/server.lua — 自定义协议2: 文件传输 (file transfer with a JSON header), the receiver.
-- Seed: 000_2481a32fc39b92cd.txt §1.2 "自定义协议2" (我们专门用来做文件发送的协议).
--
-- TCP is a byte stream (流式): nothing on the wire says where the header
-- ends and the file begins (粘包). So the sender says it first:
--   1. 4 bytes, struct.pack("i", len(header)): the header's length (报头长度)
--   2. the header (报头), a JSON dictionary (字典) in UTF-8:
--        {"filename": "a.txt", "filesize": 1234}
--   3. exactly filesize bytes: the file's content (报文)
-- The receiver reads 4 bytes, then exactly that many header bytes, then
-- exactly filesize bytes — and so knows when the file is complete, with
-- the connection still open.
--
-- The header comes from the network: never trust it (不要相信客户端).
-- filename is reduced to its base name and saved in DIR (default: the
-- current directory), never outside it: "../x", "/etc/x", "a/../../x", ""
-- and "." are refused, as are a size that is negative or not a whole
-- number. The bytes go to a temporary name first and are renamed only when
-- all filesize of them have arrived: a transfer cut short leaves no file
-- under the final name.
-- It receives one file, as the seed's server does; it exits 1 after a
-- refusal or an incomplete transfer. (socklab demo passes /tmp as DIR, so
-- that a demo does not leave the sample file in your directory.)
-- Usage: socklab run file_transfer/server [PORT [DIR]]   (default 9004, .)
local port = tonumber(arg[1]) or 9004
local dir = arg[2] or "."
local MAX_HEADER = 64 * 1024

-- safe_name returns the base name to save under, or nil and why not.
local function safe_name(filename)
  if type(filename) ~= "string" then
    return nil, "filename is not a string"
  end
  local shown = "'" .. filename .. "'"
  if filename == "" or filename:find("\0", 1, true) then
    return nil, "file name " .. shown .. " is empty or has a NUL byte"
  end
  if filename:sub(1, 1) == "/" or filename:sub(1, 1) == "\\" then
    return nil, "file name " .. shown .. " is an absolute path: it would leave this directory"
  end
  for part in filename:gmatch("[^/\\]+") do
    if part == ".." then
      return nil, "file name " .. shown .. " has '..': it would leave this directory"
    end
  end
  local base = filename:match("([^/\\]*)$")
  if base == "" or base == "." then
    return nil, "file name " .. shown .. " names no file"
  end
  return base
end

-- receive reads one transfer from conn; it returns true when a file was
-- saved, or false and why not.
local function receive(conn, addr)
  local ok, head = pcall(conn.recv_exactly, conn, 4)
  if not ok then return false, "the connection closed before the header length" end
  local head_len = struct.unpack("i", head)  -- 报头的长度
  if head_len <= 0 or head_len > MAX_HEADER then
    return false, ("header length %d is out of range (1..%d)"):format(head_len, MAX_HEADER)
  end
  local ok, head_bytes = pcall(conn.recv_exactly, conn, head_len)
  if not ok then return false, "the connection closed inside the header" end
  local ok, header = pcall(json.loads, head_bytes)  -- 报头字典
  if not ok or type(header) ~= "table" then
    return false, "the header is not a JSON object: " .. tostring(header)
  end
  local name, why = safe_name(header.filename)
  if not name then return false, why end
  local size = header.filesize
  -- (NaN fails the first test, infinity the last: Lua numbers are doubles,
  -- whole numbers exact up to 2^53)
  if type(size) ~= "number" or size ~= math.floor(size) or size < 0 or size > 2^53 then
    return false, "filesize " .. repr(size) .. " is not a whole number >= 0"
  end

  print(("receiving %s (%d bytes) from %s"):format(name, size, tostring(addr)))
  local final = dir .. "/" .. name
  -- a temporary name of our own: the two ports make it unique among the
  -- transfers running now
  local tmp = ("%s/.%s.%d-%d.part"):format(dir, name, conn:getsockname().port, addr.port)
  local f, err = io.open(tmp, "wb")
  if not f then return false, "cannot write " .. tmp .. ": " .. tostring(err) end
  local got = 0
  while got < size do
    local ok, chunk = pcall(conn.recv, conn, math.min(65536, size - got))
    if not ok then
      if chunk.kind ~= "ConnectionResetError" then f:close() os.remove(tmp) error(chunk, 0) end
      break  -- the client was killed: a reset
    end
    if chunk == "" then break end  -- the client closed early
    f:write(chunk)
    got = got + #chunk
  end
  f:close()
  print(("received %s: %d of %d bytes, size matched: %s"):format(name, got, size, tostring(got == size)))
  if got ~= size then
    os.remove(tmp)
    return false, "incomplete transfer: " .. name .. " not saved"
  end
  local ok, err = os.rename(tmp, final)  -- 完整了才改名 (only complete files get the name)
  if not ok then
    os.remove(tmp)
    return false, "cannot rename to " .. final .. ": " .. tostring(err)
  end
  print("saved as " .. final)
  return true
end

sk = socket.socket()
sk:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk:bind({"127.0.0.1", port})
sk:listen()
conn, addr = sk:accept()
local saved, why = receive(conn, addr)
conn:close()
sk:close()
if not saved then
  print("refused: " .. why .. " (nothing saved)")
  os.exit(1)
end
