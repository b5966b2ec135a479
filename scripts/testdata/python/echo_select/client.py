# 回显客户端 (beyond the seeds): the Python twin of echo_select/client.lua
# (the same client as echo_threaded's). Lines go out with "\n"; a receive thread
# prints what comes back; Q (or EOF) shuts down the writing side and waits
# for the server to close.
# Named .wait.py: its demo input uses "@wait" lines, which the generic
# interop test cannot feed to Python yet; group_b_test.go runs it.
import socket
import sys
import threading

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9002
sk = socket.socket()
sk.connect(('127.0.0.1', port))


def receive():
    for raw in sk.makefile('rb'):
        line = raw.rstrip(b'\n').decode()
        if line.startswith('***'):
            print(line, flush=True)
        else:
            print('echo: ' + line, flush=True)


receiver = threading.Thread(target=receive)
receiver.start()
print('type lines to echo; Q quits', flush=True)
while True:
    try:
        line = input()
    except EOFError:
        break
    if line == 'Q':
        break
    sk.sendall((line + '\n').encode())
sk.shutdown(socket.SHUT_WR)
receiver.join()
sk.close()
