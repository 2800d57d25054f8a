#!/usr/bin/env python3
"""An RTSP client's cold start for the benchmarks (regress/bench/rtsp.sh;
the load itself is regress/bench/rtspload.c).

    rtspload.py coldstart WEB_URL HOST PORT ID N
        N times each, alternating: the first complete MJPEG frame of an
        idle camera (coldstart.py), and the first complete RTSP video
        frame (OPTIONS, DESCRIBE, SETUP x2, PLAY, then the first RTP
        packet with the marker bit), from opening the connection; prints
        p50/min/max in ms for each.
"""
import os
import socket
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


class Session:
    def __init__(self, host, port, cid):
        self.url = "rtsp://%s:%d/%s" % (host, port, cid)
        self.s = socket.create_connection((host, port), timeout=15)
        self.buf = b""
        self.cseq = 0
        self.session = None
        self.frames = 0

    def request(self, method, url, extra=""):
        self.cseq += 1
        hdr = "%s %s RTSP/1.0\r\nCSeq: %d\r\n%s" % (method, url, self.cseq, extra)
        if self.session:
            hdr += "Session: %s\r\n" % self.session
        self.s.sendall((hdr + "\r\n").encode())
        while b"\r\n\r\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise OSError("closed during %s" % method)
            self.buf += d
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 200 " not in lines[0] + " ":
            raise OSError("%s: %s" % (method, lines[0]))
        h = {}
        for l in lines[1:]:
            k, _, v = l.partition(":")
            h[k.strip().lower()] = v.strip()
        n = int(h.get("content-length", "0"))
        while len(self.buf) < n:
            self.buf += self.s.recv(65536)
        body, self.buf = self.buf[:n], self.buf[n:]
        return h, body.decode("latin-1")

    def start(self):
        self.request("OPTIONS", self.url)
        h, sdp = self.request("DESCRIBE", self.url, "Accept: application/sdp\r\n")
        base = h.get("content-base", self.url + "/")
        ctl, media = [], None
        for l in sdp.split("\r\n"):
            if l.startswith("m="):
                media = l.split()[0][2:]
            elif l.startswith("a=control:") and media:
                c = l[len("a=control:"):]
                ctl.append(c if "://" in c else urllib.parse.urljoin(base, c))
                media = None
        for i, c in enumerate(ctl[:2]):
            h, _ = self.request("SETUP", c, "Transport: RTP/AVP/TCP;unicast;"
                                "interleaved=%d-%d\r\n" % (2 * i, 2 * i + 1))
            self.session = h["session"].split(";")[0]
        self.request("PLAY", base)
        self.s.setblocking(False)

    def feed(self, data):
        """Count completed video frames in interleaved data."""
        b = self.buf + data
        i, n = 0, len(b)
        while n - i >= 4:
            if b[i] != 0x24:	# '$'; an RTSP message would be a bug here
                raise OSError("not interleaved data from %s" % self.url)
            ln = (b[i + 2] << 8) | b[i + 3]
            if n - i < 4 + ln:
                break
            if b[i + 1] == 0 and ln > 1 and b[i + 5] & 0x80:
                self.frames += 1
            i += 4 + ln
        self.buf = b[i:]


def first_rtsp(host, port, cid):
    t0 = time.monotonic()
    s = Session(host, port, cid)
    s.start()
    s.s.setblocking(True)
    s.s.settimeout(15)
    s.feed(b"")
    while s.frames == 0:
        d = s.s.recv(65536)
        if not d:
            raise SystemExit("closed before the first frame")
        s.feed(d)
    ms = (time.monotonic() - t0) * 1000
    s.s.close()
    return ms


def coldstart(web, host, port, cid, n):
    import coldstart as cs
    u = urllib.parse.urlparse(web)
    mj, rt = [], []
    for _ in range(n):
        cs.wait_idle(u, cid)
        mj.append(1000 * cs.first_mjpeg(u, cid))
        cs.wait_idle(u, cid)
        rt.append(first_rtsp(host, port, cid))
    for name, v in (("MJPEG (HTTP)", mj), ("RTSP (RTP/JPEG, TCP)", rt)):
        print("%s first frame: p50 %.0f ms, min %.0f, max %.0f (n=%d)" %
              (name, statistics.median(v), min(v), max(v), len(v)))
    print("RTSP / MJPEG (p50): %.2f" % (statistics.median(rt) /
                                        statistics.median(mj)))


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "coldstart" and len(a) == 6:
        coldstart(a[1], a[2], int(a[3]), a[4], int(a[5]))
    else:
        sys.exit(__doc__)
