#!/usr/bin/env python3
"""Cold start of a stream, as a user sees it (issue 10).

    coldstart.py WEB_URL UID N

N times each, alternating: open an MJPEG viewer of an idle camera and
time until its first complete frame; request a snapshot of an idle
camera and time until its complete answer.  "Idle": the camera's state
is "online" (its stream stopped after the idle timeout) and the last
frame is over 2 s old, so v720-web holds no fresh frame to answer with.
Prints one line per kind: p50, p99, min, max in ms (p99 of N < 100
samples is the largest but one's neighbour: nearest rank).
"""
import http.client
import json
import sys
import time
import urllib.parse


def state(u, uid):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    c.request("GET", "/api/cameras/%s" % uid)
    r = c.getresponse()
    body = r.read()
    c.close()
    return json.loads(body).get("state")


def wait_idle(u, uid):
    end = time.monotonic() + 30
    while state(u, uid) != "online":
        if time.monotonic() > end:
            sys.exit("camera %s never idle" % uid)
        time.sleep(0.05)
    time.sleep(2.1)		# no fresh frame held by v720-web


def first_mjpeg(u, uid):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=15)
    t0 = time.monotonic()
    c.request("GET", "/api/cameras/%s/mjpeg" % uid)
    r = c.getresponse()
    if r.status != 200:
        sys.exit("mjpeg: HTTP %d" % r.status)
    length = None
    while True:
        line = r.fp.readline()
        if not line:
            sys.exit("mjpeg: stream ended")
        k, _, v = line.decode("latin-1").partition(":")
        if k.strip().lower() == "content-length":
            length = int(v.strip())
        elif line in (b"\r\n", b"\n") and length is not None:
            break
    data = r.fp.read(length)
    t = time.monotonic() - t0
    c.close()
    if len(data) != length or data[:2] != b"\xff\xd8":
        sys.exit("mjpeg: bad first part")
    return t


def snapshot(u, uid):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=15)
    t0 = time.monotonic()
    c.request("GET", "/api/cameras/%s/snapshot" % uid)
    r = c.getresponse()
    data = r.read()
    t = time.monotonic() - t0
    c.close()
    if r.status != 200 or data[:2] != b"\xff\xd8":
        sys.exit("snapshot: HTTP %d" % r.status)
    return t


def pct(xs, p):
    xs = sorted(xs)
    i = max(0, min(len(xs) - 1, -(-len(xs) * p // 100) - 1))
    return xs[int(i)]


def main():
    url, uid, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    u = urllib.parse.urlparse(url)
    res = {"mjpeg": [], "snapshot": []}
    for i in range(n):
        for kind, f in (("mjpeg", first_mjpeg), ("snapshot", snapshot)):
            wait_idle(u, uid)
            res[kind].append(1000 * f(u, uid))
    for kind, xs in res.items():
        print("%-8s first frame: p50 %.1f ms, p99 %.1f ms, min %.1f, max %.1f "
              "(%d starts)" % (kind, pct(xs, 50), pct(xs, 99), min(xs),
                               max(xs), len(xs)))


if __name__ == "__main__":
    main()
