#!/usr/bin/env python3
"""Helpers for the engine's whole-process tests (t-2*-engine-*.sh).

  engine-check.py mjpeg URL SECONDS OUT [CLOSED]
      Read a multipart MJPEG stream for SECONDS; write one line per part:
      "<monotonic seconds> <sha256> <size>".  With CLOSED, write the wall
      clock time (Unix seconds) at which the connection was closed there.
  engine-check.py fwdtime CAMSIM_LOG UID CODE
      The wall clock time (Unix seconds) of the first forward CODE camsim
      received for UID, from its log (events carry camsim's own clock,
      frames both clocks).
  engine-check.py frames CAMSIM_LOG UID MJPEG_OUT MIN_FPS MIN_RATIO
      Every part in MJPEG_OUT must be byte-identical to a frame camsim
      logged for UID (sha256), in camsim's order; the rate between the
      first and last part must be >= MIN_FPS; and the parts must be at
      least MIN_RATIO of the frames camsim sent up to the last part (from
      its first: the viewer started the stream).  Prints a summary line, exits 1 on a violation.
  engine-check.py forwards CAMSIM_LOG UID
      Print the forward codes camsim received for UID, one per line.
"""
import hashlib
import http.client
import json
import sys
import time
import urllib.parse


def mjpeg(url, secs, out, closed=None):
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=secs + 5)
    conn.request("GET", u.path)
    r = conn.getresponse()
    if r.status != 200:
        sys.exit("%s: HTTP %d" % (url, r.status))
    end = time.monotonic() + secs
    with open(out, "w") as f:
        while time.monotonic() < end:
            line = r.fp.readline()
            if not line:
                break
            if not line.lower().startswith(b"content-type: image/jpeg"):
                continue
            length = None
            while True:
                h = r.fp.readline()
                if not h or h in (b"\r\n", b"\n"):
                    break
                k, _, v = h.decode("latin-1").partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v.strip())
            if length is None:
                sys.exit("part without Content-Length")
            data = r.fp.read(length)
            if len(data) != length:
                break
            f.write("%.6f %s %d\n" % (time.monotonic(),
                                      hashlib.sha256(data).hexdigest(),
                                      length))
            f.flush()
    conn.close()
    if closed:
        with open(closed, "w") as f:
            f.write("%.6f\n" % time.time())


def fwdtime(log, uid, code):
    """camsim's "t" is seconds since its start; a frame's "wall" pairs it
    with the wall clock, so any frame gives the offset."""
    offset = None
    first = None
    with open(log) as f:
        for line in f:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if offset is None and "wall" in ev and "t" in ev:
                offset = ev["wall"] - ev["t"]
            if (first is None and ev.get("ev") == "forward" and
                    ev.get("cam") == uid and ev.get("code") == code):
                first = ev["t"]
    if offset is None or first is None:
        sys.exit("no forward %d for %s (or no frame) in %s" % (code, uid, log))
    print("%.6f" % (first + offset))


def camsim_frames(log, uid):
    frames = []
    with open(log) as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("ev") == "frame" and e.get("cam") == uid:
                frames.append((e["n"], e["sha256"], e.get("t", 0.0)))
    return frames


def frames(log, uid, out, min_fps, min_ratio):
    sent = camsim_frames(log, uid)
    index = {}
    for n, sha, t in sent:
        index.setdefault(sha, n)
    parts = []
    with open(out) as f:
        for line in f:
            t, sha, size = line.split()
            parts.append((float(t), sha, int(size)))
    if len(parts) < 2:
        print("%s: only %d frames received" % (uid, len(parts)))
        return 1
    bad = 0
    last = -1
    order = 0
    ns = []
    for t, sha, size in parts:
        n = index.get(sha)
        if n is None:
            bad += 1
            continue
        if n <= last:
            order += 1
        last = n
        ns.append(n)
    span = parts[-1][0] - parts[0][0]
    fps = (len(parts) - 1) / span if span > 0 else 0.0
    # The viewer started the stream: camsim's frames 1.. are all for it.
    expected = max(ns) if ns else 0
    ratio = len(ns) / expected if expected else 0.0
    print("%s: %d frames received, %d sent up to the last one, ratio %.3f, "
          "%.2f fps, %d not byte-identical to a sent frame, %d out of order"
          % (uid, len(parts), expected, ratio, fps, bad, order))
    if bad or order or fps < min_fps or ratio < min_ratio:
        return 1
    return 0


def forwards(log, uid):
    with open(log) as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("ev") == "forward" and e.get("cam") == uid:
                print(e.get("code"))


def main():
    cmd = sys.argv[1]
    if cmd == "mjpeg":
        mjpeg(sys.argv[2], float(sys.argv[3]), sys.argv[4],
              sys.argv[5] if len(sys.argv) > 5 else None)
    elif cmd == "frames":
        sys.exit(frames(sys.argv[2], sys.argv[3], sys.argv[4],
                        float(sys.argv[5]), float(sys.argv[6])))
    elif cmd == "forwards":
        forwards(sys.argv[2], sys.argv[3])
    elif cmd == "fwdtime":
        fwdtime(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
