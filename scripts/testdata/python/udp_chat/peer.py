# 使用Socket--udp实现简单的聊天软件 (seed 002_ac6abc7cd8388bf0.txt, 客户端)
# Changed from the seed: the ports come from argv (mine, then the other's)
# instead of input(); "Q" ends a peer (after it sent its Q and received the
# other's); prints are flushed so a pipe sees them at once.
# Named .wait.py: its demo input uses "@wait" lines, which the generic
# interop test cannot feed to Python yet; group_b_test.go runs it.
import socket
import sys
from threading import Thread


# 1.收数据,打印
def recData():
    while True:
        data, addr = udpsocket.recvfrom(1024)
        text = data.decode('utf-8')
        if text == 'Q':
            print('对方已退出聊天 (the other side sent Q)', flush=True)
            break
        print('>>' + text, flush=True)


# 2.发数据
def sendData():
    while True:
        try:
            senInput = input('<<:')
        except EOFError:
            senInput = 'Q'
        udpsocket.sendto(senInput.encode('utf-8'), (destIp, destPort))
        if senInput == 'Q':
            break


udpsocket = None
destIp = '127.0.0.1'
destPort = 0


def min():
    global udpsocket
    global destPort
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8752
    destPort = int(sys.argv[2]) if len(sys.argv) > 2 else (7853 if port == 8752 else 8752)
    udpsocket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udpsocket.bind(('', port))

    tr = Thread(target=recData)  # the function itself, not recData()
    th = Thread(target=sendData)

    tr.start()
    th.start()

    tr.join()
    th.join()
    udpsocket.close()


min()
