#!/usr/bin/env python3
"""ctest: sso_deflate()/sso_inflate() against Python's zlib, both directions, at test time.

usage: deflate_interop.py DEFLATE_TOOL
DEFLATE_TOOL is tests/corpus/md/deflate_tool.c: `d` compresses stdin, `i` inflates it.
Inputs are generated from a fixed seed, so runs are reproducible.
"""
import random
import subprocess
import sys
import zlib

TOOL = sys.argv[1]
INFLATE_MAX = 16384  # SSO_CFG_INFLATE_MAX
failures = []


def tool(mode, data):
    p = subprocess.run([TOOL, mode], input=data, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode().strip()


def raw(data, level, strategy=zlib.Z_DEFAULT_STRATEGY, wbits=-15, memlevel=8):
    c = zlib.compressobj(level, zlib.DEFLATED, wbits, memlevel, strategy)
    return c.compress(data) + c.flush()


rng = random.Random(20240101)
words = [b"<saml:Attribute", b"Name=", b'"groups"', b"</saml:AttributeValue>", b"xmlns:saml=",
         b"urn:oasis:names:tc:SAML:2.0:assertion", b" ", b"\n", b"admin", b"ops-team"]
inputs = [b"", b"a", b"ab", b"abc", b"\x00" * 5000, bytes(range(256)) * 20]
for n in (10, 100, 1000, 5000, 16000):
    inputs.append(bytes(rng.getrandbits(8) for _ in range(n)))
    inputs.append(b"".join(rng.choice(words) for _ in range(n // 8))[:n])
with open(sys.argv[0], "rb") as fh:
    inputs.append(fh.read())

# Ours -> zlib.
for i, data in enumerate(inputs):
    rc, out, err = tool("d", data)
    if rc != 0:
        failures.append("deflate #%d failed: %s" % (i, err))
        continue
    try:
        back = zlib.decompress(out, -15)
    except zlib.error as e:
        failures.append("zlib cannot inflate our stream #%d: %s" % (i, e))
        continue
    if back != data:
        failures.append("zlib inflated #%d to different bytes" % i)
    if len(out) > (len(data) * 9 + 7) // 8 + 2:
        failures.append("#%d over SSO_DEFLATE_BOUND" % i)

# zlib -> ours: every level and strategy (stored, fixed, dynamic blocks, RLE, Huffman only).
strategies = [zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE,
              zlib.Z_FIXED]
for i, data in enumerate(inputs):
    if len(data) > INFLATE_MAX:
        continue
    for level in (0, 1, 6, 9):
        for st in strategies:
            comp = raw(data, level, st)
            rc, out, err = tool("i", comp)
            if rc != 0 or out != data:
                failures.append("inflate of zlib level %d strategy %d input #%d: %s"
                                % (level, st, i, err))

# zlib with a small window and memLevel (different match distances and block splits).
for i, data in enumerate(inputs):
    comp = raw(data, 9, wbits=-9, memlevel=1)
    rc, out, err = tool("i", comp)
    if rc != 0 or out != data:
        failures.append("inflate of zlib wbits=9 input #%d: %s" % (i, err))

# Over the cap: refused, not truncated.
for data in (b"x" * (INFLATE_MAX + 1), bytes(1 << 20)):
    rc, out, err = tool("i", raw(data, 9))
    if rc != 1 or err != "deflate_invalid" or out:
        failures.append("over-cap stream of %d bytes not refused (%d %s)" % (len(data), rc, err))

# Random garbage never crashes: exit 0 or a clean deflate_invalid.
for k in range(200):
    blob = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64)))
    rc, out, err = tool("i", blob)
    if rc not in (0, 1) or (rc == 1 and err != "deflate_invalid"):
        failures.append("garbage #%d: rc %d %s" % (k, rc, err))

for f in failures:
    print("FAIL:", f)
print("%d inputs, %d failure(s)" % (len(inputs), len(failures)))
sys.exit(1 if failures else 0)
