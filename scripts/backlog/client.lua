-- backlog/client.lua — Listen(backlog)数值代表的含义 (what listen's backlog
-- means), the client side.
-- Seed: 003_9b0599481fcb4b34.txt "Listen(backlog)数值代表的含义?" (客户端).
--
-- The server has stopped calling accept (it said "开始连接吧" over the 通知
-- connection). Each connect below still succeeds: the kernel completes the
-- handshake and queues the connection — and a line sent on it waits in the
-- kernel too. When the queue is full (如果队列满,就拒绝请求) Linux drops
-- the SYN, so connect gets no answer and times out after 0.5 s: that is
-- the one wait in this exercise, and it proves the limit. Then the client
-- tells the server how many connections it made, and the server accepts
-- them all at once. (Python's clients.append(s) is a Lua table insert.)
-- Usage: socklab run backlog/client [PORT]   (default 7788)
local port = tonumber(arg[1]) or 7788

notice_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
notice_socket:connect({"127.0.0.1", port})
print(notice_socket:recv(1024):decode("utf-8"))  -- 开始连接吧: the server no longer accepts
clients = {}
for i = 1, 10 do
  tcp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  tcp_client_socket:settimeout(0.5)
  local ok, e = pcall(tcp_client_socket.connect, tcp_client_socket, {"127.0.0.1", port})
  if not ok then  -- Python: except OSError as e
    print(string.format("第%d个连接: %s (队列满了,内核不再回应)", i, tostring(e)))
    tcp_client_socket:close()
    break
  end
  print(string.format("第%d个连接: connect成功, 服务端还没有accept", i))
  tcp_client_socket:send(string.format("我是第%d个连接", i):encode("utf-8"))
  clients[#clients + 1] = tcp_client_socket  -- Python: clients.append(tcp_client_socket)
end
notice_socket:send(string.format("我建立了%d个连接", #clients):encode("utf-8"))
print(notice_socket:recv(1024):decode("utf-8"))
for _, tcp_client_socket in ipairs(clients) do
  tcp_client_socket:close()
end
notice_socket:close()
