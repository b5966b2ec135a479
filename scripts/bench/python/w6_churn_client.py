"""W6 connection churn, client: N times connect, send SIZE bytes, read the
echo, close; timed from the first connect to the last close.
usage: w6_churn_client.py PORT N SIZE"""
import socket
import sys
import time

port, n, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
addr = ("127.0.0.1", port)
msg = b"x" * size
t0 = time.perf_counter()
for _ in range(n):
    sk = socket.socket()
    sk.connect(addr)
    sk.sendall(msg)
    got = 0
    while got < size:
        d = sk.recv(65536)
        if not d:
            raise RuntimeError("server closed early")
        got += len(d)
    sk.close()
elapsed = time.perf_counter() - t0
print("RESULT conns=%d conn_per_s=%.1f" % (n, n / elapsed), flush=True)
