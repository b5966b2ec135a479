"""W7 and W8, server: thread-per-connection echo, until it is killed.
usage: w7_echo_server.py BACKLOG"""
import resource
import socket
import sys
import threading


def raise_nofile():
    # What Go's runtime does at start: the soft limit up to the hard one.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def handle(conn):
    while True:
        data = conn.recv(4096)
        if not data:
            break
        conn.sendall(data)
    conn.close()


def main():
    backlog = int(sys.argv[1])
    raise_nofile()
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(backlog)
    print("PORT", srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


main()
