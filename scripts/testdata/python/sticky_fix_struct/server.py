# TCP黏包解决方式三 服务端 (seed 001_46cb482bf32f61e3.txt)
import socket
import struct
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
sk = socket.socket()
sk.bind(("127.0.0.1", port))
sk.listen()
coon, addr = sk.accept()
strvar = input("请输入数据:")
msg = strvar.encode()
length = len(msg)
res = struct.pack("i", length)
coon.send(res)
coon.send(strvar.encode())
coon.send("适合发呆".encode())
coon.close()
sk.close()
