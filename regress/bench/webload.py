#!/usr/bin/env python3
"""MJPEG fan-out load for regress/bench/web.sh (stdlib only).

  webload.py BASEURL WEBPID WARM SECS CAMERA:VIEWERS ...

Opens VIEWERS MJPEG streams per camera, lets them run WARM seconds, then
measures SECS seconds: parts each viewer received against the frames the
camera delivered (v720_camera_frames_total), v720-web CPU per 1000
deliveries (v720_web_frames_delivered_total), the p99 of the delivery
latency histogram, and v720-web's RSS.  One epoll loop; parts are
counted by their boundary line, so the client stays cheap.
"""
import os
import select
import socket
import sys
import time
import urllib.parse
import urllib.request

MARK = b"--v720frame\r\n"


def metrics(base):
    with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
        text = r.read().decode()
    m = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            m[k] = float(v)
    return m


def cpu_seconds(pid):
    """(user, system) CPU seconds of pid so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    hz = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / hz, int(fields[12]) / hz


def rss_kb(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def hist(m, name="v720_web_delivery_latency_seconds"):
    b = []
    for k, v in m.items():
        if k.startswith(name + "_bucket"):
            le = k.split('le="')[1].rstrip('"}')
            b.append((float("inf") if le == "+Inf" else float(le), v))
    return sorted(b)


def p99(h0, h1):
    """p99 of the deliveries between two histogram snapshots, linearly
    interpolated inside its bucket."""
    d = [(le, c1 - c0) for (le, c1), (_, c0) in zip(h1, h0)]
    if not d:       # the floor keeps no histograms
        return None
    total = d[-1][1]
    if total <= 0:
        return None
    want = 0.99 * total
    prev_le, prev_c = 0.0, 0.0
    for le, c in d:
        if c >= want:
            if le == float("inf"):
                return prev_le
            return prev_le + (le - prev_le) * (want - prev_c) / max(c - prev_c, 1)
        prev_le, prev_c = le, c
    return None


def main():
    base, pid, warm, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    u = urllib.parse.urlsplit(base)
    plan = []
    for a in sys.argv[5:]:
        cam, n = a.rsplit(":", 1)
        plan += [cam] * int(n)
    ep = select.epoll()
    conns = {}
    for cam in plan:
        s = socket.create_connection((u.hostname, u.port))
        s.setblocking(False)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.sendall(("GET /api/cameras/%s/mjpeg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % cam).encode())
        conns[s.fileno()] = {"s": s, "cam": cam, "n": 0, "tail": b"", "n0": 0}
        ep.register(s.fileno(), select.EPOLLIN)

    def pump(until):
        while True:
            left = until - time.time()
            if left <= 0:
                return
            for fd, _ in ep.poll(min(left, 0.5)):
                c = conns[fd]
                try:
                    d = c["s"].recv(1 << 20)
                except BlockingIOError:
                    continue
                if not d:
                    ep.unregister(fd)
                    continue
                buf = c["tail"] + d
                c["n"] += buf.count(MARK)
                c["tail"] = buf[-(len(MARK) - 1):]

    pump(time.time() + warm)
    m0, cpu0 = metrics(base), cpu_seconds(pid)
    for c in conns.values():
        c["n0"] = c["n"]
    pump(time.time() + secs)
    m1, cpu1 = metrics(base), cpu_seconds(pid)
    for c in conns.values():
        c["got"] = c["n"] - c["n0"]
    rss = rss_kb(pid)

    def dm(key):
        return m1.get(key, 0) - m0.get(key, 0)
    ratios = []
    for c in conns.values():
        sent = dm('v720_camera_frames_total{camera="%s"}' % c["cam"])
        ratios.append(c["got"] / sent if sent > 0 else 0.0)
    ratios.sort()
    sent_total = sum(dm('v720_camera_frames_total{camera="%s"}' % cam) for cam in set(plan))
    deliveries = sum(v for k, v in m1.items() if k.startswith("v720_web_frames_delivered_total")) - \
        sum(v for k, v in m0.items() if k.startswith("v720_web_frames_delivered_total"))
    skipped = sum(v for k, v in m1.items() if k.startswith("v720_web_frames_skipped_total")) - \
        sum(v for k, v in m0.items() if k.startswith("v720_web_frames_skipped_total"))
    user, system = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    cpu = user + system
    p = p99(hist(m0), hist(m1))
    ps = p99(hist(m0, "v720_web_send_latency_seconds"),
             hist(m1, "v720_web_send_latency_seconds"))
    cams = len(set(plan))
    print("  %d cameras x %d viewers, %.0f s measured: cameras delivered %d frames (%.1f fps each)" % (
        cams, len(plan) // cams, secs, sent_total, sent_total / secs / cams))
    print("  frames per viewer vs sent: min %.3f median %.3f max %.3f; starved viewers (<50%%): %d" % (
        ratios[0], ratios[len(ratios) // 2], ratios[-1], sum(r < 0.5 for r in ratios)))
    print("  web deliveries %d (%d skipped for slow readers), %.0f/s" % (deliveries, skipped, deliveries / secs))
    # The kernel's share is mostly the writes: on loopback, a write also
    # runs the receiving side's TCP, charged to the writer.
    print("  web CPU %.2f s (user %.2f, system %.2f) = %.4f CPU-s per 1000 deliveries" % (
        cpu, user, system, cpu / deliveries * 1000 if deliveries else float("nan")))
    if deliveries:
        sent = sum(v for k, v in m1.items() if k.startswith("v720_web_bytes_sent_total")) - \
            sum(v for k, v in m0.items() if k.startswith("v720_web_bytes_sent_total"))
        print("  JPEG bytes per delivery %.0f" % (sent / deliveries))
    print("  p99 latency engine -> last byte to viewer socket: %s (aim < 5 ms)" % (
        "%.2f ms" % (p * 1000) if p is not None else "n/a"))
    print("  p99 latency in v720-web alone (arrival -> last byte): %s" % (
        "%.2f ms" % (ps * 1000) if ps is not None else "n/a"))
    print("  web RSS %d kB (peak %d kB)" % (rss.get("VmRSS", 0), rss.get("VmHWM", 0)))


if __name__ == "__main__":
    main()
