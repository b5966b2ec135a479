# socket.getaddrinfo 服务端 (seed 004_e2274674d858162d.txt)
# The seed gives the calls as fragments; this is a small server around them.
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 1060


def show(info):
    family, socktype, proto, canonname, sockaddr = info
    print("family=%d type=%d proto=%d canonname=%r sockaddr=%s"
          % (family, socktype, proto, canonname, sockaddr))


for info in socket.getaddrinfo(None, 'smtp', 0, socket.SOCK_STREAM, 0, socket.AI_PASSIVE):
    show(info)
infolist = socket.getaddrinfo("127.0.0.1", port, socket.AF_INET, socket.SOCK_STREAM)
family, socktype, proto, canonname, sockaddr = infolist[0]
server_sock = socket.socket(family, socktype, proto)
server_sock.bind(sockaddr)
server_sock.listen()
# 利用已经通信的套接字名提供给getaddrinfo
mysock, _ = server_sock.accept()
addr, port = mysock.getpeername()
print("getpeername: " + str(mysock.getpeername()))
for info in socket.getaddrinfo(addr, port, mysock.family, mysock.type, mysock.proto, socket.AI_CANONNAME):
    show(info)
print(mysock.recv(1024).decode())
mysock.close()
server_sock.close()
