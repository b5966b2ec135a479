"""W4 struct: N packs and unpacks of "!IHd".
usage: w4_struct.py N"""
import struct
import sys
import time


def main():
    n = int(sys.argv[1])
    fmt = "!IHd"
    pack, unpack = struct.pack, struct.unpack
    a = b = c = None
    t0 = time.perf_counter()
    for i in range(1, n + 1):
        s = pack(fmt, i, 7, 0.5)
        a, b, c = unpack(fmt, s)
    elapsed = time.perf_counter() - t0
    if (a, b, c) != (n, 7, 0.5):
        raise RuntimeError("unpack gave %r" % ((a, b, c),))
    print("RESULT ops=%d ops_per_s=%.1f" % (n, n / elapsed), flush=True)


main()
