# socket.getaddrinfo 客户端 (seed 004_e2274674d858162d.txt)
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 1060


def show(info):
    family, socktype, proto, canonname, sockaddr = info
    print("family=%d type=%d proto=%d canonname=%r sockaddr=%s"
          % (family, socktype, proto, canonname, sockaddr))


infolist = socket.getaddrinfo("localhost", port, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)
for info in infolist:
    show(info)
family, socktype, proto, canonname, sockaddr = infolist[0]
sk = socket.socket(family, socktype, proto)
sk.connect(sockaddr)
print("getsockname: " + str(sk.getsockname()))
sk.send("hello".encode())
sk.close()
