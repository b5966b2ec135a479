# Listen(backlog)数值代表的含义 服务端 (seed 003_9b0599481fcb4b34.txt)
# The seed explains backlog in words only; this is the same idea in the
# seed's style: accept nothing while the client connects, then count what
# the kernel queued.
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 7788
backlog = 2
# 创建套接字
tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 绑定端口信息
tcp_server_socket.bind(("", port))
# 把监听由主动变为被动: 内核最多替我们排队 backlog 个已完成三次握手的连接
tcp_server_socket.listen(backlog)
# 通知连接
notice_socket, notice_addr = tcp_server_socket.accept()
notice_socket.send("开始连接吧".encode("utf-8"))
recv_data = notice_socket.recv(1024).decode("utf-8")
print("客户端说: " + recv_data)
# 现在才accept
tcp_server_socket.setblocking(False)
count = 0
while True:
    try:
        new_client_socket, client_addr = tcp_server_socket.accept()
    except BlockingIOError:
        break  # 队列空了
    count += 1
    recv_data = new_client_socket.recv(1024).decode("utf-8")
    print("accept第%d个排队的连接 %s, 它在accept之前就发来了: %s"
          % (count, str(client_addr), recv_data))
    new_client_socket.close()
print("listen(%d): accept之前已有%d个连接在队列中排队" % (backlog, count))
notice_socket.send(("accept了%d个排队的连接" % count).encode("utf-8"))
notice_socket.close()
tcp_server_socket.close()
