# udp 数据传输循环通信 客户端 (seed 001_46cb482bf32f61e3.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
sk = socket.socket(type=socket.SOCK_DGRAM)
while True:
    msg = input("客户端给服务端发送的消息: ")
    sk.sendto(msg.encode(), ("127.0.0.1", port))
    msg, ser_addr = sk.recvfrom(1024)
    if msg.upper() == b"Q":
        break
    print(msg.decode())
sk.close()
