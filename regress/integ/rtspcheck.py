#!/usr/bin/env python3
"""Checks on what ffmpeg/GStreamer got from v720-rtsp.

  rtspcheck.py pixels W H RAW SRC.yuv...   every frame of RAW (yuvj420p)
        is byte for byte one of the sources; prints the frame count
  rtspcheck.py psnr W H RAW SRC.yuv...     every frame's luma PSNR against
        the closest source (of the first 25); prints count and the minimum,
        fails under 30 dB
  rtspcheck.py alaw FILE                   the bytes are camsim's 440 Hz
        A-law tone, 512-byte packets each a stretch of it; prints the count
"""
import math
import sys


def frames(path, size):
    data = open(path, "rb").read()
    if len(data) == 0 or len(data) % size:
        sys.exit("%s: %d bytes, not whole %d-byte frames" % (path, len(data), size))
    return [data[i:i + size] for i in range(0, len(data), size)]


def pixels(w, h, raw, srcs):
    size = w * h * 3 // 2
    want = {open(s, "rb").read() for s in srcs}
    got = frames(raw, size)
    bad = [i for i, f in enumerate(got) if f not in want]
    if bad:
        sys.exit("frames %s are none of the %d JPEGs camsim sends" % (bad[:5], len(want)))
    print(len(got))


def psnr(w, h, raw, srcs):
    size = w * h * 3 // 2
    ysz = w * h
    want = [open(s, "rb").read()[:ysz] for s in srcs]
    worst = 1e9
    got = frames(raw, size)
    for f in got[:25]:          # enough to judge, cheap in Python
        y = f[:ysz]
        best = 0
        for s in want:
            # Sample every 7th byte: enough for a PSNR, cheap in Python.
            se = sum((a - b) ** 2 for a, b in zip(y[::7], s[::7]))
            mse = se / len(y[::7])
            p = 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)
            best = max(best, p)
        worst = min(worst, best)
    print(len(got), "%.1f" % worst)
    if worst < 30:
        sys.exit("a frame has PSNR %.1f dB against every source" % worst)


def tone():
    """camsim's regress/camsim/audio.c, sample for sample."""
    cw, sw = 0.94088076895422545, 0.33873792024529142
    x, y = 1.0, 0.0
    out = bytearray()
    for _ in range(8000):
        v = 8000.0 * y
        pcm = int(v - 0.5) if v < 0 else int(v + 0.5)
        out.append(alaw(pcm))
        x, y = x * cw - y * sw, x * sw + y * cw
    return bytes(out)


def alaw(v):
    sign = 0x80 if v >= 0 else 0
    if v < 0:
        v = -v - 1
    v = min(v, 32767) >> 3
    if v < 32:
        e, m = 0, v >> 1
    else:
        e = 1
        while v >= (32 << e) and e < 7:
            e += 1
        m = (v >> e) & 0x0f
    return (sign | (e << 4) | m) ^ 0x55


def alawcheck(path):
    data = open(path, "rb").read()
    t = tone()
    t2 = t + t
    n = len(data) // 512
    if n == 0:
        sys.exit("no audio")
    for i in range(n):
        if t2.find(data[i * 512:(i + 1) * 512]) < 0:
            sys.exit("packet %d is not camsim's tone" % i)
    print(n)


cmd = sys.argv[1]
if cmd == "pixels":
    pixels(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5:])
elif cmd == "psnr":
    psnr(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5:])
elif cmd == "alaw":
    alawcheck(sys.argv[2])
else:
    sys.exit(__doc__)
