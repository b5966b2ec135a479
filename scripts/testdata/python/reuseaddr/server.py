# SO_REUSEADDR 服务端 (seed 001_46cb482bf32f61e3.txt: 在bind方法之前加上
# sk.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1))
# The seed has only that note; this is a small server around it.
import socket
import sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
# 老的服务端
sk = socket.socket()
sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
print("老的服务端 SO_REUSEADDR = %d" % sk.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))
sk.bind(("127.0.0.1", port))
port = sk.getsockname()[1]
sk.listen()
conn, addr = sk.accept()
res = conn.recv(1024)
print(res.decode("utf-8"))
# 服务端先挥手
conn.shutdown(socket.SHUT_WR)
res = conn.recv(1024)
print("recv返回了%d个字节: 客户端也关闭了, 服务端这一端进入TIME_WAIT" % len(res))
conn.close()
sk.close()
# 立刻重启服务端, 不设置SO_REUSEADDR
sk = socket.socket()
try:
    sk.bind(("127.0.0.1", port))
except OSError as e:
    print("不设置SO_REUSEADDR: %s: %s" % (type(e).__name__, e))
sk.close()
# 立刻重启服务端, 设置SO_REUSEADDR
sk = socket.socket()
sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk.bind(("127.0.0.1", port))
sk.listen()
print("设置了SO_REUSEADDR: 绑定成功 " + str(sk.getsockname()))
sk.close()
