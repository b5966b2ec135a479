# 聊天室 (beyond the seeds): the Python twin of chat_room/server.lua.
# A thread per member; the first line is the name; each line is relayed to
# the others as "NAME: text"; "*** NAME joined/left (N online)" notices.
import socket
import sys
import threading

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9003
clients = {}  # conn -> name
lock = threading.Lock()


def send(c, data):
    try:
        c.sendall(data)
        return True
    except (BrokenPipeError, ConnectionResetError):
        return False


def broadcast(me, text):
    with lock:
        others = [c for c in clients if c is not me]
    for c in others:
        send(c, (text + '\n').encode())


def handle(conn, addr):
    f = conn.makefile('rb')

    def readline():
        try:
            line = f.readline()
        except ConnectionResetError:
            return None
        if not line.endswith(b'\n'):
            return None
        return line[:-1].decode()

    name = readline()
    if not name:
        conn.close()
        return
    with lock:
        clients[conn] = name
        n = len(clients)
    joined = '*** %s joined (%d online)' % (name, n)
    print(joined, 'from', addr, flush=True)
    broadcast(None, joined)
    while True:
        text = readline()
        if text is None:
            break
        print(name + ': ' + text, flush=True)
        broadcast(conn, name + ': ' + text)
    with lock:
        del clients[conn]
        n = len(clients)
    f.close()
    conn.close()
    left = '*** %s left (%d online)' % (name, n)
    print(left, flush=True)
    broadcast(None, left)


sk = socket.socket()
sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk.bind(('127.0.0.1', port))
sk.listen()
while True:
    conn, addr = sk.accept()
    threading.Thread(target=handle, args=(conn, addr), daemon=True).start()
