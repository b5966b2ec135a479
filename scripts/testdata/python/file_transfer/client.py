# 自定义协议2 文件传输 客户端 (seed 000_2481a32fc39b92cd.txt §1.2): the Python
# twin of file_transfer/client.lua. Sends struct.pack("i", len(header)),
# the JSON header {"filename", "filesize"}, then the file 64 KiB at a time;
# without FILE, a built-in sample text as socklab_sample.txt.
import json
import os
import socket
import struct
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9004
path = sys.argv[2] if len(sys.argv) > 2 else None
SAMPLE = '''自定义协议2 (custom protocol 2), from the socklab file_transfer demo:
先发送报头字典的字节长度,再发送字典(字典中包含文件的名字、大小),再发送文件的内容。
First the header's length, then the header (name and size), then the bytes.
'''.encode('utf-8')

if path:
    name, size = os.path.basename(path), os.path.getsize(path)
else:
    name, size = 'socklab_sample.txt', len(SAMPLE)

sk = socket.socket()
sk.connect(('127.0.0.1', port))
header = json.dumps({'filename': name, 'filesize': size}).encode('utf-8')
sk.sendall(struct.pack('i', len(header)))
sk.sendall(header)
print('header: ' + header.decode(), flush=True)
if path:
    with open(path, 'rb') as f:
        while True:
            chunk = f.read(65536)
            if not chunk:
                break
            sk.sendall(chunk)
else:
    sk.sendall(SAMPLE)
print('sent %s: %d bytes' % (name, size), flush=True)
sk.close()
