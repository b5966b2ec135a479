# 一个最小的HTTP服务器 (beyond the seeds): the Python twin of
# http_hello/server.lua: read up to the blank line, answer HTTP/1.0 with
# Content-Type and Content-Length (in bytes), close.
import re
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
page = '''<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>socklab</title></head>
<body>
<h1>欢迎光临! Welcome!</h1>
<p>这个页面来自一个Lua写的socket服务器 (this page comes from a socket server written in Lua).</p>
</body>
</html>
'''


def respond(conn, status, ctype, body):
    head = ('HTTP/1.0 ' + status + '\r\n'
            'Content-Type: ' + ctype + '\r\n'
            'Content-Length: ' + str(len(body)) + '\r\n'
            'Connection: close\r\n'
            '\r\n')
    conn.sendall(head.encode() + body)


def recv_until(conn, delim, limit=65536):
    data = b''
    while delim not in data:
        if len(data) > limit:
            raise ValueError('request headers too long')
        chunk = conn.recv(4096)
        if not chunk:
            raise EOFError('peer closed')
        data += chunk
    return data


sk = socket.socket()
sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk.bind(('127.0.0.1', port))
sk.listen()
while True:
    conn, addr = sk.accept()
    conn.settimeout(5)
    try:
        request = recv_until(conn, b'\r\n\r\n')
    except (EOFError, TimeoutError, ValueError, ConnectionResetError) as e:
        print(addr, 'dropped:', e, flush=True)
        conn.close()
        continue
    request_line = request.split(b'\r\n', 1)[0].decode('latin-1')
    print(addr, request_line, flush=True)
    m = re.match(r'^([A-Z]+) (\S+) HTTP/\d\.\d$', request_line)
    if not m:
        respond(conn, '400 Bad Request', 'text/plain; charset=utf-8', b'bad request\n')
    elif m.group(2) != '/':
        respond(conn, '404 Not Found', 'text/plain; charset=utf-8',
                ('没有这个页面 (not found): ' + m.group(2) + '\n').encode())
    else:
        respond(conn, '200 OK', 'text/html; charset=utf-8', page.encode('utf-8'))
    conn.close()
