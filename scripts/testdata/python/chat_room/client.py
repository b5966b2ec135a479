# 聊天室 (beyond the seeds): the Python twin of chat_room/client.lua.
# Sends its name, then one line per message; a receive thread prints what
# the others say; Q (or EOF) shuts down the writing side and waits for the
# server to close.
# Named .wait.py: its demo input uses "@wait" lines, which the generic
# interop test cannot feed to Python yet; group_b_test.go runs it.
import socket
import sys
import threading

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9003
name = sys.argv[2] if len(sys.argv) > 2 else 'guest'
sk = socket.socket()
sk.connect(('127.0.0.1', port))
sk.sendall((name + '\n').encode())


def receive():
    for raw in sk.makefile('rb'):
        print(raw.rstrip(b'\n').decode(), flush=True)


receiver = threading.Thread(target=receive)
receiver.start()
print('you are ' + name + '; type messages, Q quits', flush=True)
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
