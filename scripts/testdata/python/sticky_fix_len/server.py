# TCP黏包解决方式 方式一 服务端 (seed 001_46cb482bf32f61e3.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
sk = socket.socket()
sk.bind(("127.0.0.1", port))
sk.listen()
coon, addr = sk.accept()
# 在发送真实数据之前,先发送真实数据的大小
coon.send("18".encode())
coon.send("下了一天的雨".encode())
coon.send("适合发呆".encode())
coon.close()
sk.close()
