# udp数据传输简单通信 客户端 (seed 001_46cb482bf32f61e3.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
sk = socket.socket(type=socket.SOCK_DGRAM)
msg = "今天天气咋样啊?"
sk.sendto(msg.encode(), ("127.0.0.1", port))
msg, ser_addr = sk.recvfrom(1024)
print(msg.decode())
print(ser_addr)
sk.close()
