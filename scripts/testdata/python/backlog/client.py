# Listen(backlog)数值代表的含义 客户端 (seed 003_9b0599481fcb4b34.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 7788
notice_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
notice_socket.connect(("127.0.0.1", port))
print(notice_socket.recv(1024).decode("utf-8"))
clients = []
for i in range(1, 11):
    tcp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp_client_socket.settimeout(0.5)
    try:
        tcp_client_socket.connect(("127.0.0.1", port))
    except OSError as e:
        print("第%d个连接: %s: %s (队列满了,内核不再回应)" % (i, type(e).__name__, e))
        tcp_client_socket.close()
        break
    print("第%d个连接: connect成功, 服务端还没有accept" % i)
    tcp_client_socket.send(("我是第%d个连接" % i).encode("utf-8"))
    clients.append(tcp_client_socket)
notice_socket.send(("我建立了%d个连接" % len(clients)).encode("utf-8"))
print(notice_socket.recv(1024).decode("utf-8"))
for tcp_client_socket in clients:
    tcp_client_socket.close()
notice_socket.close()
