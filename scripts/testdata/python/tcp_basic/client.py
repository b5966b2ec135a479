# client.py 客户端 (seed 000_2481a32fc39b92cd.txt §1.3)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 8898
sk = socket.socket()
sk.connect(('127.0.0.1', port))
sk.send(b'hello!')
ret = sk.recv(1024)
print(ret)
sk.close()
