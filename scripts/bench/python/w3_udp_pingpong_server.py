"""W3 UDP ping-pong, server: echoes ROUNDS datagrams back to their sender.
usage: w3_udp_pingpong_server.py ROUNDS"""
import socket
import sys

rounds = int(sys.argv[1])
sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sk.bind(("127.0.0.1", 0))
print("PORT", sk.getsockname()[1], flush=True)
for _ in range(rounds):
    data, addr = sk.recvfrom(65536)
    sk.sendto(data, addr)
sk.close()
