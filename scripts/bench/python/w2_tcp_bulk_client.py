"""W2 TCP bulk, sender: TOTAL bytes in sendall calls of CHUNK bytes, the
same bytes object every time.
usage: w2_tcp_bulk_client.py PORT TOTAL CHUNK"""
import socket
import sys

port, total, chunk = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sk = socket.socket()
sk.connect(("127.0.0.1", port))
block = b"x" * chunk
sent = 0
while sent + chunk <= total:
    sk.sendall(block)
    sent += chunk
if sent < total:
    sk.sendall(block[: total - sent])
sk.close()
