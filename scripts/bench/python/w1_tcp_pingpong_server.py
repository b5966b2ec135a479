"""W1 TCP ping-pong, server: echoes one connection until the client closes.
Prints "PORT n" (the kernel's choice) once it listens."""
import socket

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
print("PORT", srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
while True:
    data = conn.recv(65536)
    if not data:
        break
    conn.sendall(data)
conn.close()
srv.close()
