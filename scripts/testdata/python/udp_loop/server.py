# udp 数据传输循环通信 服务端 (seed 001_46cb482bf32f61e3.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
sk = socket.socket(type=socket.SOCK_DGRAM)
sk.bind(("127.0.0.1", port))
while True:
    while True:
        msg, cli_addr = sk.recvfrom(1024)
        print(msg.decode())
        msg = input("服务端给客户端发送的消息: ")
        sk.sendto(msg.encode(), cli_addr)
        if msg.upper() == "Q":
            break
sk.close()
