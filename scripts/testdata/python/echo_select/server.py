# select实现的回显服务器 (beyond the seeds): the Python twin of
# echo_select/server.lua. One thread, select over the listener and the
# connections; recv returning b'' removes a client; whole lines are echoed.
import select
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9002
sk = socket.socket()
sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk.bind(('127.0.0.1', port))
sk.listen()
sk.setblocking(False)

inputs = [sk]
buffers = {}
addrs = {}


def send(c, data):
    try:
        c.sendall(data)
        return True
    except (BrokenPipeError, ConnectionResetError):
        return False


def others(me):
    return [s for s in inputs if s is not sk and s is not me]


def tell(lst, text):
    for c in lst:
        send(c, text.encode())


def remove(conn):
    inputs.remove(conn)
    print('closed', addrs[conn], flush=True)
    del buffers[conn], addrs[conn]
    conn.close()
    tell(others(None), '*** a client left (%d online)\n' % (len(inputs) - 1))


while True:
    readable, _, _ = select.select(inputs, [], [])
    for s in readable:
        if s is sk:
            conn, addr = sk.accept()
            conn.setblocking(True)
            inputs.append(conn)
            buffers[conn], addrs[conn] = b'', addr
            print('connected', addr, flush=True)
            send(conn, ('*** welcome (%d online)\n' % (len(inputs) - 1)).encode())
            tell(others(conn), '*** a client joined (%d online)\n' % (len(inputs) - 1))
        elif s in inputs:
            try:
                data = s.recv(1024)
            except ConnectionResetError:
                data = b''
            if not data:
                remove(s)
                continue
            buffers[s] += data
            while b'\n' in buffers[s]:
                line, buffers[s] = buffers[s].split(b'\n', 1)
                print(addrs[s], 'echoes:', line.decode(), flush=True)
                if not send(s, line + b'\n'):
                    remove(s)
                    break
