-- http_hello/server.lua — 一个最小的HTTP服务器 (a tiny HTTP/1.0 server on a socket).
-- Seed: beyond the seeds (002_ac6abc7cd8388bf0.txt is titled "http 协议"
-- and names http among TCP's uses (000: "邮件 文件 http web"); this is that
-- protocol, by hand).
--
-- HTTP is text over TCP (超文本传输协议). The browser sends a request:
--   GET / HTTP/1.0\r\n               the request line (请求行)
--   Host: 127.0.0.1:8080\r\n         headers (请求头), one per line
--   \r\n                             an empty line: the end of the headers
-- so the server reads up to "\r\n\r\n" (recv_until): the blank line is the
-- message boundary, as the 4-byte header was in sticky_fix_struct. It
-- answers with a status line (状态行), its own headers, a blank line and
-- the body (响应体). Content-Length counts BYTES, not characters: each
-- Chinese character is 3 bytes in UTF-8, which #body (bytes) gets right.
-- HTTP/1.0 closes the connection after one answer: the close tells the
-- client that the body has ended.
-- Usage: socklab run http_hello/server [PORT]   (default 8080), then open
-- http://127.0.0.1:8080/ in a browser, or: curl -i http://127.0.0.1:8080/
local port = tonumber(arg[1]) or 8080

local page = [[
<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>socklab</title></head>
<body>
<h1>欢迎光临! Welcome!</h1>
<p>这个页面来自一个Lua写的socket服务器 (this page comes from a socket server written in Lua).</p>
</body>
</html>
]]

local function respond(conn, status, ctype, body)
  local head = "HTTP/1.0 " .. status .. "\r\n"
    .. "Content-Type: " .. ctype .. "\r\n"
    .. "Content-Length: " .. #body .. "\r\n"  -- #body is the byte count
    .. "Connection: close\r\n"
    .. "\r\n"
  conn:sendall(head .. body)
end

sk = socket.socket()
sk:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk:bind({"127.0.0.1", port})
sk:listen()
while true do
  local conn, addr = sk:accept()
  conn:settimeout(5)  -- a client that never finishes its request is dropped
  local ok, request = pcall(conn.recv_until, conn, "\r\n\r\n")
  if ok then
    local request_line = request:match("^([^\r\n]*)")
    print(tostring(addr) .. " " .. request_line)
    local method, path = request_line:match("^(%u+) (%S+) HTTP/%d%.%d$")
    if not method then
      respond(conn, "400 Bad Request", "text/plain; charset=utf-8", "bad request\n")
    elseif path ~= "/" then
      respond(conn, "404 Not Found", "text/plain; charset=utf-8", "没有这个页面 (not found): " .. path .. "\n")
    else
      respond(conn, "200 OK", "text/html; charset=utf-8", page:encode("utf-8"))
    end
  else
    -- EOFError (it closed early), TimeoutError, or ValueError (headers too
    -- long): no answer; anything else (Ctrl-C) goes on up
    local kind = request.kind
    if kind ~= "EOFError" and kind ~= "TimeoutError" and kind ~= "ValueError"
      and kind ~= "ConnectionResetError" then
      error(request, 0)
    end
    print(tostring(addr) .. " dropped: " .. tostring(request))
  end
  conn:close()
end
