# TCP: 服务端和客户端循环通信 客户端 (seed 001_46cb482bf32f61e3.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
# 1. 建立一个socket对象
sk = socket.socket()
# 2. 连接服务端
sk.connect(("127.0.0.1", port))
# 3. 发送数据
while True:
    strvar = input("客户端想给服务端发送的消息为: ")
    sk.send(strvar.encode("utf-8"))
    res = sk.recv(1024)
    if res.upper() == b"Q":
        break
    print(res.decode("utf-8"))
# 4.断开连接
sk.close()
