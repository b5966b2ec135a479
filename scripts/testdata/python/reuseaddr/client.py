# SO_REUSEADDR 客户端 (seed 001_46cb482bf32f61e3.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
sk = socket.socket()
sk.connect(("127.0.0.1", port))
sk.send("你好, 服务端".encode("utf-8"))
res = sk.recv(1024)
print("recv返回了%d个字节: 服务端先关闭了连接" % len(res))
sk.close()
