# 多线程回显服务器 (beyond the seeds): the Python twin of
# echo_threaded/server.lua. One thread per client; lines come back
# unchanged; "*** welcome/joined/left (N online)" notices. The shared
# client set is guarded by a Lock: Python threads switch anywhere.
import socket
import sys
import threading

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9001
clients = set()
lock = threading.Lock()


def send(c, data):
    try:
        c.sendall(data)
        return True
    except (BrokenPipeError, ConnectionResetError):
        return False


def tell_others(me, text):
    with lock:
        others = [c for c in clients if c is not me]
    for c in others:
        send(c, text.encode())


def handle(conn, addr):
    me = threading.current_thread().name
    print(me, 'serves', addr, flush=True)
    f = conn.makefile('rb')
    while True:
        try:
            line = f.readline()
        except ConnectionResetError:
            break
        if not line.endswith(b'\n'):
            break  # b'' (or a last line without its end): the client closed
        print(me, 'echoes:', line[:-1].decode(), flush=True)
        if not send(conn, line):
            break
    with lock:
        clients.discard(conn)
        n = len(clients)
    f.close()
    conn.close()
    print(me, 'done with', addr, flush=True)
    tell_others(None, '*** a client left (%d online)\n' % n)


sk = socket.socket()
sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk.bind(('127.0.0.1', port))
sk.listen()
while True:
    conn, addr = sk.accept()
    with lock:
        clients.add(conn)
        n = len(clients)
    send(conn, ('*** welcome (%d online)\n' % n).encode())
    tell_others(conn, '*** a client joined (%d online)\n' % n)
    threading.Thread(target=handle, args=(conn, addr), daemon=True).start()
