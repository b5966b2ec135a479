# 自定义协议2 文件传输 服务端 (seed 000_2481a32fc39b92cd.txt §1.2): the Python
# twin of file_transfer/server.lua. Reads struct "i" header length, the
# JSON header {"filename", "filesize"}, then exactly filesize bytes; saves
# under the base name in DIR (default .), through a temporary file renamed
# when complete; refuses names that leave DIR and sizes that are not whole
# numbers >= 0. Exits 1 after a refusal or an incomplete transfer.
import json
import math
import os
import socket
import struct
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9004
directory = sys.argv[2] if len(sys.argv) > 2 else '.'
MAX_HEADER = 64 * 1024


class Refused(Exception):
    pass


def recv_exactly(conn, n, what):
    data = b''
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise Refused('the connection closed ' + what)
        data += chunk
    return data


def safe_name(filename):
    if not isinstance(filename, str):
        raise Refused('filename is not a string')
    shown = "'" + filename + "'"
    if filename == '' or '\0' in filename:
        raise Refused('file name ' + shown + ' is empty or has a NUL byte')
    if filename[0] in '/\\':
        raise Refused('file name ' + shown + ' is an absolute path: it would leave this directory')
    parts = [p for p in filename.replace('\\', '/').split('/') if p]
    if '..' in parts:
        raise Refused('file name ' + shown + " has '..': it would leave this directory")
    base = filename.replace('\\', '/').rsplit('/', 1)[-1]
    if base in ('', '.'):
        raise Refused('file name ' + shown + ' names no file')
    return base


def receive(conn, addr):
    head_len, = struct.unpack('i', recv_exactly(conn, 4, 'before the header length'))
    if head_len <= 0 or head_len > MAX_HEADER:
        raise Refused('header length %d is out of range (1..%d)' % (head_len, MAX_HEADER))
    head_bytes = recv_exactly(conn, head_len, 'inside the header')
    try:
        header = json.loads(head_bytes.decode('utf-8'))
    except ValueError as e:
        raise Refused('the header is not a JSON object: %s' % e)
    if not isinstance(header, dict):
        raise Refused('the header is not a JSON object')
    name = safe_name(header.get('filename'))
    size = header.get('filesize')
    if (isinstance(size, bool) or not isinstance(size, (int, float)) or not math.isfinite(size)
            or size != int(size) or size < 0 or size > 2 ** 53):
        raise Refused('filesize %r is not a whole number >= 0' % (size,))
    size = int(size)
    print('receiving %s (%d bytes) from %s' % (name, size, addr), flush=True)
    final = os.path.join(directory, name)
    tmp = os.path.join(directory, '.%s.%d-%d.part' % (name, conn.getsockname()[1], addr[1]))
    got = 0
    with open(tmp, 'wb') as f:
        while got < size:
            try:
                chunk = conn.recv(min(65536, size - got))
            except ConnectionResetError:
                break
            if not chunk:
                break
            f.write(chunk)
            got += len(chunk)
    print('received %s: %d of %d bytes, size matched: %s' % (name, got, size, str(got == size).lower()), flush=True)
    if got != size:
        os.remove(tmp)
        raise Refused('incomplete transfer: ' + name + ' not saved')
    os.replace(tmp, final)
    print('saved as ' + final, flush=True)


sk = socket.socket()
sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk.bind(('127.0.0.1', port))
sk.listen()
conn, addr = sk.accept()
try:
    receive(conn, addr)
except Refused as e:
    print('refused: %s (nothing saved)' % e, flush=True)
    sys.exit(1)
finally:
    conn.close()
    sk.close()
