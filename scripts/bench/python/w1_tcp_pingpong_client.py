"""W1 TCP ping-pong, client: ROUNDS round trips of a SIZE-byte message,
timed from the first send to the last reply.
usage: w1_tcp_pingpong_client.py PORT ROUNDS SIZE"""
import socket
import sys
import time

port, rounds, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sk = socket.socket()
sk.connect(("127.0.0.1", port))
msg = b"x" * size
t0 = time.perf_counter()
for _ in range(rounds):
    sk.sendall(msg)
    got = 0
    while got < size:
        data = sk.recv(65536)
        if not data:
            raise RuntimeError("server closed early")
        got += len(data)
elapsed = time.perf_counter() - t0
sk.close()
print("RESULT rounds=%d rt_per_s=%.1f" % (rounds, rounds / elapsed), flush=True)
