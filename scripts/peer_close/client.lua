-- peer_close/client.lua — TCP服务端recv解堵塞的两种方式 (how recv wakes
-- up: data, or the client going away), the client side.
-- Seed: 003_9b0599481fcb4b34.txt "TCP客户端:" (客户端).
--
-- The client follows the seed's four steps: 创建套接字, 链接服务器, 收发数据,
-- 关闭套接字. Its close() is what the server sees as recv returning ""
-- (长度为0代表已下线). The seed spells the family socket.SOCK_AF_INET and
-- leaves the server's address as a placeholder ('server_ip',
-- server_port); here they are socket.AF_INET and 127.0.0.1.
-- Usage: socklab run peer_close/client [PORT]   (default 7788)
local port = tonumber(arg[1]) or 7788

-- 创建套接字
tcp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
-- 链接服务器
tcp_client_socket:connect({"127.0.0.1", port})
-- 向服务器发送数据
tcp_client_socket:send(("hello"):encode("utf-8"))
-- 接收服务器回送数据
recv_data = tcp_client_socket:recv(1024)  -- 返回的是字节类型的数据
print(recv_data:decode("utf-8"))
-- 关闭套接字: the server's recv now returns ""
tcp_client_socket:close()
