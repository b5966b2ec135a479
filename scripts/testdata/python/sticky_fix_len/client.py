# TCP黏包解决方式 方式一 客户端 (seed 001_46cb482bf32f61e3.txt)
import socket
import sys
import time
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
sk = socket.socket()
sk.connect(("127.0.0.1", port))
time.sleep(0.1)
res = sk.recv(2)
n = int(res.decode())
res1 = sk.recv(n)
print(res1.decode())
res2 = sk.recv(1024)
print(res2.decode())
sk.close()
