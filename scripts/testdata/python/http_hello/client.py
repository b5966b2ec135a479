# 一个最小的HTTP客户端 (beyond the seeds): the Python twin of
# http_hello/client.lua: send a GET, read until the server closes, print the
# status line, the Content-Type and the body.
import re
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
path = sys.argv[2] if len(sys.argv) > 2 else '/'
sk = socket.socket()
sk.connect(('127.0.0.1', port))
sk.sendall(('GET %s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n\r\n' % (path, port)).encode())
parts = []
while True:
    data = sk.recv(4096)
    if not data:
        break
    parts.append(data)
sk.close()
head, body = b''.join(parts).split(b'\r\n\r\n', 1)
head = head.decode('latin-1')
print(head.split('\r\n', 1)[0])
m = re.search(r'(?i)content-type: ([^\r\n]*)', head)
print(m.group(1) if m else None)
print(body.decode('utf-8'), end='', flush=True)
