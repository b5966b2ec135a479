-- backlog/server.lua — Listen(backlog)数值代表的含义 (what listen's backlog
-- means), the server side.
-- Seed: 003_9b0599481fcb4b34.txt "Listen(backlog)数值代表的含义?" (服务端).
--
-- The three-way handshake (三次握手) is done by the kernel, not by accept:
-- once a socket listens, the kernel answers every SYN itself and puts the
-- finished connection in a queue (排队). accept() only takes the next one
-- out of that queue. backlog is the length of that queue (最多允许多少个客户
-- 连接到服务器); when it is full, new requests are refused (如果队列满,就拒绝
-- 请求) — on Linux the SYN is dropped without an answer, so the client's
-- connect just waits, and Linux lets backlog + 1 connections wait.
--
-- How the run proves it, without guessing with sleeps: the server accepts
-- one connection (the 通知 connection, its line to the client), says
-- "开始连接吧" and then blocks in recv, never in accept. Meanwhile the
-- client connects again and again; each connect that returns is a finished
-- handshake nobody accepted, and the client sends a line on it at once.
-- When the queue is full a connect times out, and the client reports over
-- the 通知 connection. Only then does the server accept, without blocking
-- (setblocking(false): BlockingIOError once the queue is empty), counting
-- the queued connections and reading what each sent before it was accepted.
-- Usage: socklab run backlog/server [PORT]   (default 7788)
local port = tonumber(arg[1]) or 7788

backlog = 2
-- 创建套接字
tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
-- 绑定端口信息
tcp_server_socket:bind({"", port})
-- 把监听由主动变为被动: 内核最多替我们排队 backlog 个已完成三次握手的连接
tcp_server_socket:listen(backlog)
-- 通知连接: the one connection the server accepts before the test
notice_socket, notice_addr = tcp_server_socket:accept()
notice_socket:send(("开始连接吧"):encode("utf-8"))
-- From here on, no accept: the server waits in recv for the client's report
recv_data = notice_socket:recv(1024):decode("utf-8")
print("客户端说: " .. recv_data)
-- 现在才accept: take what the kernel queued, without waiting
tcp_server_socket:setblocking(false)
count = 0
while true do
  local ok, new_client_socket, client_addr = pcall(tcp_server_socket.accept, tcp_server_socket)
  if not ok then
    local e = new_client_socket  -- Python: except BlockingIOError: break
    if e.kind ~= "BlockingIOError" then
      error(e)
    end
    break  -- 队列空了
  end
  count = count + 1
  recv_data = new_client_socket:recv(1024):decode("utf-8")
  print(string.format("accept第%d个排队的连接 %s, 它在accept之前就发来了: %s",
    count, tostring(client_addr), recv_data))
  new_client_socket:close()
end
print(string.format("listen(%d): accept之前已有%d个连接在队列中排队", backlog, count))
notice_socket:send(string.format("accept了%d个排队的连接", count):encode("utf-8"))
notice_socket:close()
tcp_server_socket:close()
