"""W9 string rewriting: re.sub("\n", "\r\n", s) over SIZE characters of
64-character lines, repeated until MINTIME seconds have passed (at least
once).
usage: w9_gsub.py SIZE MINTIME"""
import re
import sys
import time

size, mintime = int(sys.argv[1]), float(sys.argv[2])
line = ("abcdefghijklmnopqrstuvwxyz0123456789" * 2)[:63] + "\n"
s = line * (size // 64) + line[: size % 64]
iters = 0
t0 = time.perf_counter()
while True:
    out, count = re.subn("\n", "\r\n", s)
    iters += 1
    if time.perf_counter() - t0 >= mintime:
        break
elapsed = time.perf_counter() - t0
print("RESULT size=%d replaced=%d outlen=%d mb_per_s=%.2f" % (len(s), count, len(out), size * iters / 1e6 / elapsed), flush=True)
