"""W2 TCP bulk, receiver: counts the bytes of one connection until the
sender closes, timed from the first byte to the end."""
import socket
import time

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
print("PORT", srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
total, t0 = 0, None
while True:
    data = conn.recv(65536)
    if not data:
        break
    if t0 is None:
        t0 = time.perf_counter()
    total += len(data)
elapsed = time.perf_counter() - (t0 if t0 is not None else time.perf_counter())
conn.close()
srv.close()
print("RESULT bytes=%d mb_per_s=%.1f" % (total, total / 1e6 / max(elapsed, 1e-9)), flush=True)
