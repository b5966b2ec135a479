-- peer_close/server.lua — TCP服务端recv解堵塞的两种方式 (how recv wakes
-- up: data, or the client going away), the server side.
-- Seed: 003_9b0599481fcb4b34.txt "TCP服务端:" and "TCP服务端recv解堵塞的两种方式?" (服务端).
--
-- recv blocks until one of two things happens: 1、收到客户端发送的数据 —
-- it returns those bytes; 2、客户端关闭了套接字 — the client's close()
-- sends a FIN, and recv returns "" (b"" in Python). Data never has length
-- 0, so 长度为0代表已下线: an empty result is how a server learns that
-- the client has gone. The seed's server reads once; here it reads in a
-- loop until that empty recv, which is the point of the exercise.
-- accept() returns a tuple (新的套接字, 客户端信息): all the talking goes
-- through the new socket, the listening one only accepts. listen(128):
-- up to 128 finished handshakes may wait for accept (see the backlog
-- exercise). bind(("", 7788)) listens on every interface.
-- Usage: socklab run peer_close/server [PORT]   (default 7788)
local port = tonumber(arg[1]) or 7788

-- 创建套接字
tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
-- 绑定端口信息,一定要做
tcp_server_socket:bind({"", port})
-- 把监听由主动变为被动
tcp_server_socket:listen(128)
-- 等待客户端链接,在链接之前处于堵塞状态,一直到客户端链接才会解堵塞
-- 返回一个新的套接字专为客户端服务、以及客户端的ip、port
new_client_socket, client_addr = tcp_server_socket:accept()
while true do
  -- 等待客户端发送数据
  recv_data = new_client_socket:recv(1024):decode("utf-8")
  if #recv_data == 0 then  -- Python: len(recv_data) == 0; 长度为0代表已下线
    print("recv返回的数据长度为0, 客户端已下线: " .. tostring(client_addr))
    break
  end
  print("收到客户端的数据: " .. recv_data)
  -- 可以给客户端回送数据
  new_client_socket:send(("hello"):encode("utf-8"))
end
-- 为该客户端服务完毕之后关闭套接字
new_client_socket:close()
-- 关闭服务器端套接字
tcp_server_socket:close()
