-- http_hello/client.lua — 一个最小的HTTP客户端 (GET a page by hand).
-- Seed: beyond the seeds (the "http 协议" of 002_ac6abc7cd8388bf0.txt, by hand).
--
-- What a browser does, in three steps: send the request (a request line,
-- a Host header, a blank line "\r\n\r\n"), read until the server closes
-- (HTTP/1.0: recv returns "" when the whole answer is in), then split the
-- answer at the first blank line into headers and body.
-- Usage: socklab run http_hello/client [PORT [PATH]]   (default 8080, /)
local port = tonumber(arg[1]) or 8080
local path = arg[2] or "/"

sk = socket.socket()
sk:connect({"127.0.0.1", port})
sk:sendall("GET " .. path .. " HTTP/1.0\r\nHost: 127.0.0.1:" .. port .. "\r\n\r\n")
local parts = {}
while true do
  local data = sk:recv(4096)
  if data == "" then break end  -- the server closed: the answer is complete
  parts[#parts + 1] = data
end
sk:close()
local response = table.concat(parts)
local head, body = response:match("^(.-)\r\n\r\n(.*)$")
print(head:match("^([^\r\n]*)"))               -- the status line
print(head:match("[Cc]ontent%-[Tt]ype: ([^\r\n]*)"))
io.write(body:decode("utf-8"))  -- the body (it ends with its own newline)
