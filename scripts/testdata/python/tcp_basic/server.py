# server.py 服务端 (seed 000_2481a32fc39b92cd.txt §1.3)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 8898
sk = socket.socket()
sk.bind(('127.0.0.1', port))
sk.listen()
conn, addr = sk.accept()
ret = conn.recv(1024)
print(ret)
conn.send(b'hi')
conn.close()
sk.close()
