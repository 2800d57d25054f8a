#!/usr/bin/env python3
"""Write the seed corpus of fuzz_media (format: see fuzz_media.c).

Streams built from the test JPEGs in regress/data: in order, reordered
with losses and duplicates, single-packet frames, audio, a pkg_id wrap.
Run from the top of the tree: python3 regress/fuzz/mkcorpus-media.py
"""
import os
import random
import struct

OUT = "regress/fuzz/corpus/media"


def dgram(cmd, flag, pkg_id, payload):
    hdr = struct.pack("<IHBB8sI", len(payload), cmd, flag, 0, b"\0" * 8,
                      pkg_id & 0xffffffff)
    return hdr + payload


def frame(jpeg, pkg_id, frag=1004):
    """The datagrams of one frame: payloads of frag bytes, size trailer."""
    wire = jpeg + struct.pack("<I", len(jpeg))
    parts = [wire[i:i + frag] for i in range(0, len(wire), frag)]
    if len(parts) == 1:
        return [dgram(1, 255, pkg_id, parts[0])]
    flags = [250] + [251] * (len(parts) - 2) + [252]
    return [dgram(1, f, pkg_id + i, p) for i, (f, p) in
            enumerate(zip(flags, parts))]


def records(items):
    """items: datagrams (bytes) or clock steps (int < 20)."""
    out = b""
    for it in items:
        if isinstance(it, int):
            out += struct.pack("<H", it) + b"\0" * it
        else:
            out += struct.pack("<H", len(it)) + it
    return out


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    random.seed(720)
    os.makedirs(OUT, exist_ok=True)
    tiny = open("regress/data/small/tiny.jpg", "rb").read()
    big = open("regress/data/scene1.jpg", "rb").read()

    # In order: small frames in 200-byte fragments, 605 timer between.
    items, pid = [], 1000
    for _ in range(3):
        fr = frame(tiny, pid, 200)
        items += fr + [2]
        pid += len(fr)
    write("inorder-small", b"\0" + records(items))

    # One real-sized frame (26 fragments of 1004 bytes).
    write("inorder-scene", b"\0" + records(frame(big, 2802) + [2]))

    # Reordered, duplicated, one fragment lost then resent late.
    items, pid = [], 50
    for n in range(3):
        fr = frame(tiny, pid, 150)
        random.shuffle(fr)
        fr.insert(2, fr[0])
        if n == 1:
            lost = fr.pop(3)
            items += fr + [3, lost]
        else:
            items += fr + [2]
        pid += len(fr)
    write("reorder-dup-loss", b"\1" + records(items))

    # Single-packet frames, with and without trailer, and a broken one.
    items = [dgram(1, 255, 7, tiny + struct.pack("<I", len(tiny))),
             dgram(1, 255, 8, tiny),
             dgram(1, 255, 9, tiny[:-1] + struct.pack("<I", len(tiny))), 2]
    write("single", b"\0" + records(items))

    # Audio between frames: A-law with a trailer, PCM without.
    alaw = bytes([0xd5]) * 320
    items = [dgram(4, 255, 300, alaw + struct.pack("<I", 320))]
    items += frame(tiny, 301, 300)
    items += [dgram(6, 255, 305, bytes(range(256))), 2]
    write("audio", b"\0" + records(items))

    # pkg_id wrap, out of order, then a reset and a restart at 0.
    fr = frame(tiny, 0xfffffffe, 180)
    items = fr[::-1] + [2, 1] + frame(tiny, 0, 180) + [2]
    write("wrap-reset", b"\1" + records(items))


if __name__ == "__main__":
    main()
