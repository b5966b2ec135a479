"""W6 connection churn, server: N connections one after another, each
read SIZE bytes, echoed, closed.
usage: w6_churn_server.py N SIZE"""
import socket
import sys

n, size = int(sys.argv[1]), int(sys.argv[2])
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(128)
print("PORT", srv.getsockname()[1], flush=True)
for _ in range(n):
    conn, _ = srv.accept()
    data, got = [], 0
    while got < size:
        d = conn.recv(65536)
        if not d:
            break
        data.append(d)
        got += len(d)
    conn.sendall(b"".join(data))
    conn.close()
srv.close()
