# TCP: 服务端和客户端循环通信 服务端 (seed 001_46cb482bf32f61e3.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
# 1. 创建一个socket对象
sk = socket.socket()
# 2. 在网络中注册主机(绑定IP和端口)
sk.bind(("127.0.0.1", port))
# 3. 监听
sk.listen()
# 4. 建立三次握手
# 5. 接收数据
while True:  # 保证服务端永不关闭,随时能跟客户端连接
    conn, addr = sk.accept()
    while True:
        res = conn.recv(1024)
        print(res.decode("utf-8"))
        str1 = input("服务端想给客户端发送: ")
        conn.send(str1.encode("utf-8"))
        if str1.upper() == "Q":
            break
    # 6.四次挥手
    conn.close()
# 7.退还端口
sk.close()
