#!/usr/bin/python3
"""Generate vectors.json: CPython's struct module as the oracle for the Lua
struct module (bindings/struct.go, tested by bindings/struct_test.go).

Regenerate from the repository root with the system Python (3.11 or later;
/usr/bin/python3 is fast, the `python3` on PATH may be a slow shim):

    /usr/bin/python3 bindings/testdata/struct/gen_vectors.py

It rewrites vectors.json beside this file and prints the number of cases.
The output is deterministic: commit it with the generator.

Encoding:
  - bytes (pack results, unpack input, s/p/c values) are lower-case hex;
  - a value is a one-key object: {"int": "decimal"} (a string, so 64-bit
    values stay exact; the Go test decides whether a Lua number can hold
    it), {"float": "16 hex digits of the IEEE double"} with a "repr" beside
    it for the reader, {"bytes": "hex"}, {"bool": true}, or {"nil": true}
    (Python's None, packed by '?');
  - an error is {"kind": "struct.error" | "OverflowError" | "MemoryError",
    "message": "..."}.

Every argument used for packing is one that Lua can pass unchanged: integers
that a double holds exactly (Lua numbers are doubles), floats, byte strings,
booleans and nil. '?' is packed only from booleans, None and values that
are truthy in both languages (Python's 0 is false, Lua's 0 is true).

CPython 3.12 reworded the out-of-range errors of the integer codes
(gh-98248): 3.11 says "ubyte format requires 0 <= number <= 255",
"short format requires ...", "argument out of range" or "int too large to
convert"; 3.12 says "'B' format requires 0 <= number <= 255" for every
integer code but 'P'. SPEC §3.2 follows 3.12, so when this script runs on
3.11 it rewrites those messages (see to_312); on 3.12+ they come out as is.
"""

import json
import math
import os
import random
import re
import struct
import sys

INT_CODES = "bBhHiIlLqQnN"
PREFIXES = ["", "@", "=", "<", ">", "!"]
NATIVE = ("", "@")

cases = []


# ---------------------------------------------------------------- values

def enc(v):
    if v is None:
        return {"nil": True}
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        return {"float": struct.pack(">d", v).hex(), "repr": repr(v)}
    if isinstance(v, (bytes, bytearray)):
        return {"bytes": bytes(v).hex()}
    raise TypeError(type(v))


def lua_exact(v):
    """Whether Lua can pass v to pack unchanged."""
    if isinstance(v, bool) or v is None:
        return True
    if isinstance(v, int):
        try:
            return int(float(v)) == v
        except OverflowError:
            return False
    return isinstance(v, (float, bytes))


# ------------------------------------------------- 3.11 -> 3.12 messages

def split_format(fmt):
    """[(prefix, item)] for each argument pack takes: item is the format of
    that one argument ("i", "5s")."""
    prefix = fmt[:1] if fmt[:1] in "@=<>!" else ""
    s = fmt[len(prefix):]
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c.isspace():
            i += 1
            continue
        j = i
        while j < len(s) and s[j].isdigit():
            j += 1
        num = int(s[i:j]) if j > i else 1
        code = s[j]
        i = j + 1
        if code in "sp":
            out.append((prefix, "%d%s" % (num, code)))
        elif code != "x":
            out.extend([(prefix, code)] * num)
    return out


RANGE_311 = re.compile(
    r"^(byte|ubyte|short|ushort|'.') format requires .*$"
    r"|^argument out of range$|^int too large to convert$")


def range_312(prefix, code):
    size = struct.calcsize(prefix + code)
    if code.islower():
        lo, hi = -(1 << (size * 8 - 1)), (1 << (size * 8 - 1)) - 1
    else:
        lo, hi = 0, (1 << (size * 8)) - 1
    return "'%s' format requires %d <= number <= %d" % (code, lo, hi)


def to_312(fmt, args, msg):
    """CPython 3.12's message for the struct.error that 3.11 raised."""
    if not RANGE_311.match(msg):
        return msg
    items = split_format(fmt)
    for (prefix, item), arg in zip(items, args):
        try:
            struct.pack(prefix + item, arg)
        except struct.error as e:
            assert str(e) == msg, (fmt, args, msg, str(e))
            code = item[-1]
            if code == "P":
                return msg  # np_void_p: unchanged in 3.12
            assert code in INT_CODES, (fmt, code, msg)
            return range_312(prefix, code)
    raise AssertionError("no failing item for %r %r: %s" % (fmt, args, msg))


def error(e, fmt=None, args=()):
    if isinstance(e, struct.error):
        msg = str(e)
        if fmt is not None and sys.version_info < (3, 12):
            msg = to_312(fmt, args, msg)
        return {"kind": "struct.error", "message": msg}
    if isinstance(e, (OverflowError, MemoryError)):
        return {"kind": type(e).__name__, "message": str(e)}
    raise e


# ------------------------------------------------------------------ cases

def add(case):
    cases.append(case)


def calcsize(fmt):
    c = {"op": "calcsize", "fmt": fmt}
    try:
        c["size"] = struct.calcsize(fmt)
    except Exception as e:
        c["error"] = error(e)
    add(c)


def struct_obj(fmt):
    c = {"op": "struct", "fmt": fmt}
    try:
        s = struct.Struct(fmt)
        c["size"] = s.size
        c["format"] = s.format
    except Exception as e:
        c["error"] = error(e)
    add(c)


def pack(fmt, *args):
    for a in args:
        assert lua_exact(a), (fmt, a)
    c = {"op": "pack", "fmt": fmt, "args": [enc(a) for a in args]}
    try:
        c["out"] = struct.pack(fmt, *args).hex()
    except Exception as e:
        c["error"] = error(e, fmt, args)
    add(c)
    return c


def unpack(fmt, data):
    c = {"op": "unpack", "fmt": fmt, "data": data.hex()}
    try:
        c["values"] = [enc(v) for v in struct.unpack(fmt, data)]
    except Exception as e:
        c["error"] = error(e)
    add(c)


def unpack_from(fmt, data, offset=None):
    c = {"op": "unpack_from", "fmt": fmt, "data": data.hex()}
    try:
        if offset is None:
            r = struct.unpack_from(fmt, data)
        else:
            c["offset"] = offset
            r = struct.unpack_from(fmt, data, offset)
        c["values"] = [enc(v) for v in r]
    except Exception as e:
        c["error"] = error(e)
    add(c)


def iter_unpack(fmt, data):
    c = {"op": "iter_unpack", "fmt": fmt, "data": data.hex()}
    try:
        recs = [list(r) for r in struct.iter_unpack(fmt, data)]
        # A record without values (a format of only padding) cannot be
        # told from the end of a Lua generic for; struct_test covers it.
        assert all(recs), fmt
        c["records"] = [[enc(v) for v in r] for r in recs]
    except Exception as e:
        c["error"] = error(e)
    add(c)


def roundtrip(fmt, *args):
    """pack, then unpack what pack made (when it worked)."""
    c = pack(fmt, *args)
    if "out" in c:
        unpack(fmt, bytes.fromhex(c["out"]))


def int_range(prefix, code):
    size = struct.calcsize(prefix + code)
    if code.islower():
        return -(1 << (size * 8 - 1)), (1 << (size * 8 - 1)) - 1, size
    return 0, (1 << (size * 8)) - 1, size


def exact_below(x):
    """The largest integer <= x that a double holds exactly."""
    f = float(x)
    if int(f) > x:
        f = math.nextafter(f, -math.inf)
    return int(f)


def exact_above(x):
    f = float(x)
    if int(f) < x:
        f = math.nextafter(f, math.inf)
    return int(f)


def gen():
    # ---- calcsize: every code under every prefix, layouts, errors
    for p in PREFIXES:
        for code in "xcbB?hHiIlLqQnNefdspP":
            calcsize(p + code)
            calcsize(p + "3" + code)
    for fmt in ["", " ", "@", "<", "!", "bi", "@bq", "<bq", "=bq", "hxi",
                "ib", "bh", "b?h", "bd", "be", "bf", "bP", "bn", "bN",
                "bl", "cq", "b0i", "bi0q", "0i", "iq", "qi", "hhb", "xd",
                "3sq", "5pi", "?e", "b x h", " i", "i ", "\ti\n", "\x0bi\x0c",
                "\rh\r", "2i", "10s", "0s", "0p", "4x", "10p", "255p", "256p",
                "999999999999999999x", "9223372036854775807x",
                "9223372036854775808x", "99999999999999999999x",
                "9223372036854775807xb", "4611686018427387904i",
                "b9223372036854775807x", "9223372036854775800xq",
                "<9223372036854775807s", "5", "i5", "<5", "3 i", "<n", ">N",
                "!P", "=n", "i<", "@@i", "<>i", "z", "ij", "i\0", "\0",
                "2\0i", "i!", "-1i", "+2i", "1.5i"]:
        calcsize(fmt)
    for fmt in ["i", "<i", ">hh", "!HHI", "3s", "bi", "0s", "", "z", "5"]:
        struct_obj(fmt)

    # ---- integers: every code, every prefix, boundaries and beyond
    for p in PREFIXES:
        for code in INT_CODES + "P":
            if code in "nNP" and p not in NATIVE:
                continue
            if code == "P":
                lo, hi, size = -(1 << 63), (1 << 64) - 1, 8
            else:
                lo, hi, size = int_range(p, code)
            # "@", "=" and "!" share their code with "", "<" and ">":
            # a few cases each are enough there.
            full = p in ("", "<", ">")
            vals = {lo, exact_below(hi), exact_above(hi + 1), exact_below(lo - 1)}
            if full:
                vals |= {0, 1, -1, 0x12345678 & hi, 2**53, 2**70, -int(1e300)}
            if p == "<":
                vals |= {2, 127, 128, 255, 256, -128, -129, 32767, 32768,
                         65535, 65536, -32768, -32769, 2**31 - 1, 2**31,
                         -2**31, -2**31 - 1, 2**32 - 1, 2**32, -2**53, 2**63,
                         -2**63, 2**64, int(1e300)}
            for v in sorted(vals):
                roundtrip(p + code, v)
            # raw patterns: every boundary unpacks, 64-bit ones that a
            # double cannot hold must raise in Lua.
            for raw in [b"\xff" * size, b"\x80" + b"\x00" * (size - 1)] if not full else [b"\x00" * size, b"\xff" * size, b"\x7f" + b"\xff" * (size - 1),
                        b"\x80" + b"\x00" * (size - 1), b"\xff" * (size - 1) + b"\x7f",
                        b"\x00" * (size - 1) + b"\x80", bytes(range(1, size + 1))]:
                unpack(p + code, raw)
            if size == 8 and full:
                order = "<" if p in NATIVE + ("=", "<") else ">"
                for v in [2**53 - 1, 2**53, 2**53 + 1, 2**53 + 2, 2**62 + 1,
                          2**63 - 1024, 2**63 - 1, 2**63, 2**64 - 2048, 2**64 - 1,
                          -2**53, -2**53 - 1, -2**63, -2**63 + 1, -2**63 + 1024]:
                    unpack(p + code, struct.pack(order + "Q", v % 2**64))
            # not integers
            bads = [1.5, b"1"] if full else []
            if p == "<":
                bads += [-0.5, 1e-300, math.inf, -math.inf, math.nan, b"", None]
            for bad in bads:
                pack(p + code, bad)
            if full:
                pack(p + code + code, 1, 2.5)
                pack(p + "2" + code, 1, b"x")

    # ---- floats
    fvals = [0.0, -0.0, 1.0, -1.0, 1.5, -2.25, 0.1, 1 / 3, 3.141592653589793,
             1e-300, 5e-324, -5e-324, 1e-45, 1.401298464324817e-45,
             7e-46, 1e-40, 1.1754943508222875e-38, 3.4028234663852886e38,
             3.4028235e38, 3.4028235677973366e38, 3.4028235677973367e38,
             3.402823669209385e38, 1e38, 1e39, 1e300, -1e300, 1.7976931348623157e308,
             math.inf, -math.inf, math.nan, -math.nan,
             65504.0, 65519.99, 65520.0, -65520.0, 65519.0, 65536.0, 1e5,
             2.0 ** -14, 2.0 ** -24, 2.0 ** -25, 3 * 2.0 ** -26, 2.0 ** -26,
             2.0 ** -25 + 2.0 ** -40, 5e-8, 6e-8, 6.1e-5, 6.097555160522461e-05,
             1 + 2.0 ** -11, 1 + 3 * 2.0 ** -11, 1 + 2.0 ** -11 + 2.0 ** -30,
             2049.0, 2051.0, 2050.0, 4097.0, 0.333251953125, 1 - 2.0 ** -12,
             16777217.0, 16777219.0, 1 + 2.0 ** -24, 1 + 3 * 2.0 ** -24,
             123456.789, -9.87654321e-5, 2.0 ** 15, 2.0 ** 16 - 2.0 ** 4]
    for p in PREFIXES:
        for code in "efd":
            if p in ("<", ">"):
                vals = fvals
            elif p == "":
                # native 'f' is a C cast: no overflow error, unlike '<f'
                vals = fvals[::3] + [1e39, 1e300, 3.4028235677973367e38,
                                     -math.nan, 65520.0]
            else:
                vals = fvals[::7]
            for v in vals:
                roundtrip(p + code, v)
            for bad in [b"1.5", b"", None, True, False]:
                if isinstance(bad, bool):
                    continue  # Python's bool is a number; Lua's is not (struct_test)
                pack(p + code, bad)
    nan_e = [0x7c01, 0x7e00, 0xfe00, 0x7fff, 0xfc01, 0x7c00, 0xfc00, 0x0001,
             0x03ff, 0x0400, 0x3c00, 0x7bff, 0x8000, 0x8001, 0x3555, 0xc000]
    for bits in nan_e:
        for p, o in (("<", "<"), (">", ">"), ("", "<"), ("=", "<"), ("!", ">")):
            unpack(p + "e", struct.pack(o + "H", bits))
    for bits in [0x7f800001, 0x7fc00000, 0xffc00000, 0x7fbfffff, 0xff800001,
                 0x7f800000, 0x00000001, 0x007fffff, 0x80000000, 0x3eaaaaab]:
        for p, o in (("<", "<"), (">", ">"), ("@", "<")):
            unpack(p + "f", struct.pack(o + "I", bits))
    for bits in [0x7ff0000000000001, 0x7ff8000000000000, 0xfff8000000000000,
                 0x7ff4000000000000, 0x0000000000000001, 0x8000000000000000]:
        for p, o in (("<", "<"), (">", ">"), ("", "<")):
            unpack(p + "d", struct.pack(o + "Q", bits))

    # ---- ?, c, s, p, x: the same in every mode; all cases under "<",
    # a few under the other prefixes.
    for p in PREFIXES:
        full = p == "<"
        for v in [True, False, None, 1.5, b"x", -7]:
            roundtrip(p + "?", v)
        for raw in [b"\x00", b"\x01", b"\x02", b"\xff", b"\x80"]:
            unpack(p + "?", raw)
        roundtrip(p + "??", True, None)
        for v in [b"a", b"\x00", b"\xff", b"ab", b"", 1, None, 1.5]:
            roundtrip(p + "c", v)
        roundtrip(p + "3c", b"a", b"b", b"c")
        roundtrip(p + "2c", b"a", b"bc")
        for n in ["", "0", "1", "3", "10"] if full else ["3"]:
            for v in [b"", b"a", b"abc", b"abcdefghijkl", b"\x00\xff\x00"]:
                roundtrip(p + n + "s", v)
        for bad in [1, None, 1.5, True]:
            if bad is True:
                continue
            pack(p + "3s", bad)
            pack(p + "3p", bad)
        if full:
            for n in ["", "1", "2", "3", "10"]:
                for v in [b"", b"a", b"abc", b"abcdefghijkl"]:
                    roundtrip(p + n + "p", v)
            for n in ["254", "255", "256", "257", "300"]:
                for v in [b"x" * 253, b"x" * 254, b"y" * 255, b"z" * 256,
                          b"w" * 299, b"v" * 400]:
                    roundtrip(p + n + "p", v)
        else:
            roundtrip(p + "10p", b"abc")
            roundtrip(p + "256p", b"z" * 256)
        for n, raw in [] if not full else [(10, b"\xc8" + b"0123456789"[:9]), (10, b"\x03abcdefghi"),
                       (10, b"\x09abcdefghi"), (10, b"\x0aabcdefghi"), (1, b"\x05"),
                       (300, b"\xff" + b"q" * 299), (300, b"\x10" + b"q" * 299),
                       (256, b"\xff" + b"r" * 255)]:
            unpack(p + "%dp" % n, raw)
        pack(p + "0pb", b"", 1)
        pack(p + "0px", b"")
        pack(p + "0p", b"")
        pack(p + "b0p", 7, b"")
        pack(p + "0pxx", b"abc")
        for fmt in ["x", "4x", "0x", "xbx", "2xh2x"]:
            args = [5] if "b" in fmt else ([6] if "h" in fmt else [])
            roundtrip(p + fmt, *args)

    # ---- layouts: native alignment against standard packing
    layouts = [("bi", (1, 2)), ("bq", (1, 2)), ("hxi", (1, 2)), ("ci", (b"z", 3)),
               ("bh", (-1, -2)), ("b?h", (1, True, 3)), ("bd", (1, 0.5)),
               ("be", (1, 0.5)), ("bf", (1, 0.5)), ("bP", (1, 4096)),
               ("bn", (1, -5)), ("bN", (1, 5)), ("bl", (1, -6)), ("bL", (1, 6)),
               ("b0i", (1,)), ("bi0q", (1, 2)), ("ib", (1, 2)), ("3sq", (b"ab", 9)),
               ("5pi", (b"hey", 7)), ("?e", (True, 1.0)), ("b x h", (1, 2)),
               ("hhb", (1, 2, 3)), ("xd", (2.5,)), ("cq", (b"c", -1)),
               ("2i", (1, 2)), ("2ib2h", (1, 2, 3, 4, 5)), ("4s i", (b"abcd", 1)),
               ("bbbbi", (1, 2, 3, 4, 5)), ("bbbbbi", (1, 2, 3, 4, 5, 6)),
               ("IHH", (1, 2, 3)), ("HHI", (1, 2, 3)), ("HI", (1, 2)),
               ("Bq?", (1, 2, False)), ("3?i", (True, False, True, 9)),
               ("\ti\n h ", (1, 2)), ("i i", (1, 2)), ("2 s", (b"ab",))]
    for p in PREFIXES:
        for fmt, args in layouts:
            if p not in NATIVE and any(c in fmt for c in "nNP"):
                continue
            roundtrip(p + fmt, *args)

    # ---- argument counts, bad formats in pack/unpack
    for fmt, args in [("ii", (1,)), ("i", (1, 2)), ("i", ()), ("", (1,)),
                      ("0s", ()), ("4x", (1,)), ("3s", (b"a", b"b")),
                      ("2s2p", (b"a", b"b", b"c")), ("0i", (1,)), ("0i", ()),
                      ("<hhl", (1, 2)), ("!HHI", (1, 2, 3, 4)), ("3i", (1, 2)),
                      ("z", (1,)), ("5", ()), ("<n", (1,)), ("i\0", (1,)),
                      ("99999999999999999999x", ()), ("1000000000000000000s", (b"",)),
                      ("ii", (1, 1 << 40)), ("ib", (1 << 40, 1 << 40)),
                      ("bi", (1 << 40, 1.5)), ("iis", (1, 2, 3)), ("?i", (None, None))]:
        pack(fmt, *args)
    for fmt, data in [("i", b""), ("i", b"\x01\x02\x03"), ("i", b"\x01\x02\x03\x04\x05"),
                      ("<hh", b"\x01\x02\x03\x04"), ("<hh", b"\x01\x02\x03"),
                      ("", b""), ("", b"\x00"), ("0s", b""), ("4x", b"abcd"),
                      ("!HHI", bytes(range(8))), ("!HHI", bytes(range(9))),
                      ("z", b"\x00"), ("5", b""), ("=P", b"\x00" * 8), ("i\0", b"\x00" * 4),
                      ("3s2p", b"abc\x01d"), ("10s", b"0123456789")]:
        unpack(fmt, data)

    # ---- unpack_from
    data = bytes(range(1, 17))
    for fmt in ["i", "<h", ">q", "!HHI", "4s", "", "0s", "x", "3p", "z", "<d"]:
        for off in [None, 0, 1, 4, 8, 12, 13, 15, 16, 17, 100, -1, -2, -4,
                    -8, -15, -16, -17, -100]:
            unpack_from(fmt, data, off)
    for fmt, d, off in [("i", b"", None), ("i", b"", 0), ("i", b"\x01\x02\x03", None),
                        ("", b"", None), ("", b"", 0), ("", b"", -1), ("", b"ab", -1),
                        ("", b"ab", -2), ("", b"ab", -3), ("", b"ab", 2), ("", b"ab", 3),
                        ("<Q", b"\xff" * 8, 0), ("<q", b"\x01\x00\x00\x00\x00\x00\x20\x00", 0)]:
        unpack_from(fmt, d, off)

    # ---- iter_unpack
    for fmt, d in [("i", b""), ("<i", bytes(range(12))), ("<i", bytes(range(13))),
                   ("<i", bytes(range(3))), ("!HB", bytes(range(9))),
                   ("!HB", bytes(range(10))), ("0s", b""), ("", b""), ("0i", b""),
                   ("0s", b"ab"), ("2s", b"abcdef"), ("?", b"\x00\x01\x00"),
                   ("<q", struct.pack("<qq", 5, 2**53 + 1)), ("z", b""), ("bxh", bytes(8)),
                   ("<e", bytes.fromhex("003c00c0007c00fe")), ("c", b"xyz")]:
        iter_unpack(fmt, d)

    # ---- seeded random layouts: pack with random values, unpack back
    rng = random.Random(20240607)
    for _ in range(150):
        p = rng.choice(PREFIXES)
        pool = "xcbB?hHiIlLqQefdsp" + ("nNP" if p in NATIVE else "")
        fmt, args = p, []
        for _ in range(rng.randint(1, 5)):
            code = rng.choice(pool)
            n = rng.choice([1, 1, 1, 2, 3, 0])
            if code == "p" and n == 0:
                n = 4  # '0p' unpacks to a SystemError in CPython
            fmt += (str(n) if n != 1 or rng.random() < 0.2 else "") + code
            if rng.random() < 0.15:
                fmt += " "
            if code in "sp":
                args.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 6))))
                continue
            for _ in range(n):
                if code == "x":
                    break
                if code == "c":
                    args.append(bytes([rng.randrange(256)]))
                elif code == "?":
                    args.append(rng.choice([True, False, None]))
                elif code in "efd":
                    args.append(rng.choice([rng.uniform(-1000, 1000), rng.random(), 0.5, -0.0]))
                elif code == "P":
                    args.append(rng.randrange(0, 2**53))
                else:
                    lo, hi, _ = int_range(p, code)
                    lo, hi = max(lo, -2**53), min(hi, 2**53)
                    args.append(rng.randint(lo, hi))
        roundtrip(fmt, *args)


def main():
    gen()
    out = {
        "python": sys.version.split()[0],
        "generator": "bindings/testdata/struct/gen_vectors.py",
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.json")
    # One case a line: small, and a diff shows which cases changed.
    with open(path, "w") as f:
        f.write('{"python": %s,\n"generator": %s,\n"cases": [\n' % (
            json.dumps(out["python"]), json.dumps(out["generator"])))
        f.write(",\n".join(json.dumps(c, sort_keys=True) for c in cases))
        f.write("\n]}\n")
    print("%d cases written to %s" % (len(cases), path))


if __name__ == "__main__":
    main()
