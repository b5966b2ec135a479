# TCP客户端 (seed 003_9b0599481fcb4b34.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 7788
# 创建套接字
tcp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 链接服务器
tcp_client_socket.connect(('127.0.0.1', port))
# 向服务器发送数据
tcp_client_socket.send('hello'.encode('utf-8'))
# 接收服务器回送数据
recv_data = tcp_client_socket.recv(1024)  # 返回的是字节类型的数据
print(recv_data.decode('utf-8'))
# 关闭套接字
tcp_client_socket.close()
