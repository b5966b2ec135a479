-- file_transfer/client.lua — 自定义协议2: 文件传输 (file transfer with a JSON header), the sender.
-- Seed: 000_2481a32fc39b92cd.txt §1.2 "自定义协议2" (先发送报头字典的字节长度,
-- 再发送字典(字典中包含文件的名字、大小),再发送文件的内容).
--
-- On the wire: struct.pack("i", #header) (4 bytes, native order: little
-- endian on x86-64), the header {"filename": NAME, "filesize": N} as UTF-8
-- JSON (json.dumps, as Python's: non-ASCII names travel as \uXXXX), then
-- the N bytes of the file, read and sent 64 KiB at a time so that a big
-- file never sits in memory whole. The receiver reads exactly N bytes:
-- the header's size is what tells it where the file ends.
-- FILE is sent under its base name. Without FILE the client sends a small
-- built-in text as "socklab_sample.txt" (nothing is written on this side).
-- Usage: socklab run file_transfer/client [PORT [FILE]]   (default 9004)
local port = tonumber(arg[1]) or 9004
local path = arg[2]

local SAMPLE = [[
自定义协议2 (custom protocol 2), from the socklab file_transfer demo:
先发送报头字典的字节长度,再发送字典(字典中包含文件的名字、大小),再发送文件的内容。
First the header's length, then the header (name and size), then the bytes.
]]

local name, size, f
if path then
  f = assert(io.open(path, "rb"))
  size = f:seek("end")  -- the file's size: seek to its end...
  f:seek("set", 0)      -- ...and back
  name = path:match("([^/\\]*)$")
else
  name, size = "socklab_sample.txt", #SAMPLE
end

sk = socket.socket()
sk:connect({"127.0.0.1", port})
local header = json.dumps({filename = name, filesize = size}):encode("utf-8")
sk:sendall(struct.pack("i", #header))  -- 1. 报头的长度, 4 bytes
sk:sendall(header)                     -- 2. 报头: the JSON dictionary
print("header: " .. header)
if f then                              -- 3. 文件的内容
  while true do
    local chunk = f:read(65536)
    if chunk == nil then break end
    sk:sendall(chunk)
  end
  f:close()
else
  sk:sendall(SAMPLE)
end
print(("sent %s: %d bytes"):format(name, size))
sk:close()
