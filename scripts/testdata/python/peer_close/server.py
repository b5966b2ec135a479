# TCP服务端 + recv解堵塞的两种方式 (seed 003_9b0599481fcb4b34.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 7788
# 创建套接字
tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 绑定端口信息,一定要做
tcp_server_socket.bind(("", port))
# 把监听由主动变为被动
tcp_server_socket.listen(128)
# 返回一个新的套接字专为客户端服务、以及客户端的ip、port
new_client_socket, client_addr = tcp_server_socket.accept()
while True:
    # 等待客户端发送数据
    recv_data = new_client_socket.recv(1024).decode('utf-8')
    if len(recv_data) == 0:  # 长度为0代表已下线
        print("recv返回的数据长度为0, 客户端已下线: " + str(client_addr))
        break
    print("收到客户端的数据: " + recv_data)
    # 可以给客户端回送数据
    new_client_socket.send('hello'.encode('utf-8'))
# 为该客户端服务完毕之后关闭套接字
new_client_socket.close()
# 关闭服务器端套接字
tcp_server_socket.close()
