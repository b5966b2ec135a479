"""W3 UDP ping-pong, client: ROUNDS datagrams of SIZE bytes, each waiting
for its echo, timed from the first send to the last reply.
usage: w3_udp_pingpong_client.py PORT ROUNDS SIZE"""
import socket
import sys
import time

port, rounds, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
addr = ("127.0.0.1", port)
msg = b"x" * size
t0 = time.perf_counter()
for _ in range(rounds):
    sk.sendto(msg, addr)
    data, _ = sk.recvfrom(65536)
    if len(data) != size:
        raise RuntimeError("short echo: %d bytes" % len(data))
elapsed = time.perf_counter() - t0
sk.close()
print("RESULT rounds=%d rt_per_s=%.1f" % (rounds, rounds / elapsed), flush=True)
