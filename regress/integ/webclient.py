#!/usr/bin/env python3
"""HTTP client for the v720-web tests (stdlib only).

  webclient.py mjpeg URL SECONDS [--user U:P] [--hashes FILE] [--max N]
                   [--times FILE]
      read an MJPEG stream; print "parts N bytes B"; write one sha256 a part
      (--hashes), the Unix time each part arrived (--times)
  webclient.py pause URL PAUSE SECONDS
      a viewer on weak Wi-Fi: a 4 KB receive buffer, read the answer's head,
      take nothing for PAUSE seconds, then read at full speed; print
      "parts N bytes B closed C" (C 1: the stream ended with its closing
      delimiter)
  webclient.py viewers N URL SECONDS [--log FILE] [--user U:P]
      N concurrent MJPEG viewers; print one part count per viewer; with
      --log, one JSON line per viewer: its parts' sha256 and arrival times
      and when it was open (wall clock, as camsim's log)
  webclient.py stall HOST PORT PATH SECONDS
      request a stream and never read from the socket
  webclient.py trickle HOST PORT PATH LENGTH STOPFILE
      POST PATH with Content-Length LENGTH and a body that is no WAV: 16
      bytes, then one byte every 2 s until STOPFILE exists (or LENGTH is
      reached); then close and print what the server answered meanwhile
  webclient.py raw HOST PORT [SECONDS [--shut]]
      send stdin as is (then half-close with --shut), print everything the
      server answers until it closes
  webclient.py slowloris HOST PORT SECONDS
      trickle a request head a byte a second; print the answer's status line
  webclient.py flood HOST PORT N [SOURCES]
      hold N idle connections (from 127.0.0.10 and up, SOURCES addresses,
      when given); print the status of one more request, and of another
      after closing 50 of them
  webclient.py hold SRC HOST PORT N SECONDS
      open N idle connections from address SRC; print "accepted A refused R"
      and the first refusal's status line and body, then keep them SECONDS
  webclient.py guess SRC HOST PORT USER SECONDS
      from SRC, send wrong passwords for USER on one connection for SECONDS;
      print "401 N 429 M rate R retry-after S" (R: 429 answers a second)
  webclient.py wav URL SECONDS
      read an audio stream; print the WAV header fields and the data bytes
"""
import base64
import hashlib
import os
import json
import socket
import ssl
import sys
import threading
import time
import urllib.parse


def connect(url, user=None):
    u = urllib.parse.urlsplit(url)
    port = u.port or (443 if u.scheme == "https" else 80)
    s = socket.create_connection((u.hostname, port), timeout=15)
    if u.scheme == "https":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s, server_hostname=u.hostname)
    path = u.path + ("?" + u.query if u.query else "")
    req = "GET %s HTTP/1.1\r\nHost: %s\r\n" % (path, u.hostname)
    if user:
        req += "Authorization: Basic %s\r\n" % base64.b64encode(
            user.encode()).decode()
    s.sendall((req + "\r\n").encode())
    return s


class Reader:
    def __init__(self, s, deadline):
        self.s, self.buf, self.deadline = s, b"", deadline

    def fill(self):
        left = self.deadline - time.time()
        if left <= 0:
            raise TimeoutError
        self.s.settimeout(left)
        try:
            d = self.s.recv(65536)
        except socket.timeout:
            raise TimeoutError
        if not d:
            raise EOFError
        self.buf += d

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l.decode("latin-1")

    def take(self, n):
        while len(self.buf) < n:
            self.fill()
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def head(self):
        status = self.line()
        hdrs = {}
        while True:
            l = self.line()
            if not l:
                return status, hdrs
            k, v = l.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()


def read_parts(s, seconds, maxparts=None, onpart=None, pause=0, state=None):
    """Parse multipart/x-mixed-replace; strict about every part's framing."""
    r = Reader(s, time.time() + seconds)
    n = nbytes = 0
    try:
        status, hdrs = r.head()
        time.sleep(pause)
        if " 200 " not in status + " ":
            raise SystemExit("status: " + status)
        ct = hdrs.get("content-type", "")
        if not ct.startswith("multipart/x-mixed-replace") or "boundary=" not in ct:
            raise SystemExit("content-type: " + ct)
        boundary = "--" + ct.split("boundary=", 1)[1].strip('"')
        while maxparts is None or n < maxparts:
            l = r.line()
            if l == "":
                continue
            if l == boundary + "--":
                if state is not None:
                    state["closed"] = 1
                break	# the closing delimiter: the stream is over
            if l != boundary:
                raise SystemExit("bad boundary line %r" % l)
            ph = {}
            while True:
                l = r.line()
                if not l:
                    break
                k, v = l.split(":", 1)
                ph[k.strip().lower()] = v.strip()
            if ph.get("content-type") != "image/jpeg":
                raise SystemExit("part content-type %r" % ph)
            data = r.take(int(ph["content-length"]))
            if r.take(2) != b"\r\n":
                raise SystemExit("part not followed by CRLF")
            n += 1
            nbytes += len(data)
            if onpart:
                onpart(data)
    except (TimeoutError, EOFError):
        pass
    return n, nbytes


def cmd_mjpeg(args):
    url, secs = args[0], float(args[1])
    user = hashes = times = None
    maxparts = None
    i = 2
    while i < len(args):
        if args[i] == "--user":
            user = args[i + 1]
        elif args[i] == "--hashes":
            hashes = open(args[i + 1], "w")
        elif args[i] == "--max":
            maxparts = int(args[i + 1])
        elif args[i] == "--times":
            times = open(args[i + 1], "w", buffering=1)
        i += 2

    def onpart(d):
        if not (d.startswith(b"\xff\xd8") and d.endswith(b"\xff\xd9")):
            raise SystemExit("part is not a JPEG")
        if hashes:
            hashes.write(hashlib.sha256(d).hexdigest() + "\n")
            hashes.flush()	# read while the stream goes on
        if times:
            times.write("%.3f\n" % time.time())
    n, b = read_parts(connect(url, user), secs, maxparts, onpart)
    print("parts %d bytes %d" % (n, b))


def cmd_pause(args):
    url, pause, secs = args[0], float(args[1]), float(args[2])
    u = urllib.parse.urlsplit(url)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Set before connecting, so the window the server sees is small.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(15)
    s.connect((u.hostname, u.port))
    s.sendall(("GET %s?%s HTTP/1.1\r\nHost: %s\r\n\r\n" % (
        u.path, u.query, u.hostname)).encode())
    state = {"closed": 0}
    n, b = read_parts(s, secs, pause=pause, state=state)
    print("parts %d bytes %d closed %d" % (n, b, state["closed"]))


def cmd_viewers(args):
    count, url, secs = int(args[0]), args[1], float(args[2])
    log = user = None
    for i in range(3, len(args) - 1, 2):
        if args[i] == "--log":
            log = open(args[i + 1], "w")
        elif args[i] == "--user":
            user = args[i + 1]
    res = [0] * count
    views = [None] * count

    def run(i):
        v = {"viewer": i, "open": time.time(), "parts": []}

        def onpart(d):
            v["parts"].append([hashlib.sha256(d).hexdigest(), time.time()])
        try:
            res[i] = read_parts(connect(url, user), secs, None, onpart)[0]
        except Exception as e:  # noqa: BLE001 - report, do not hang
            print("viewer %d: %s" % (i, e), file=sys.stderr)
        v["close"] = time.time()
        views[i] = v
    th = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    if log:
        for v in views:
            log.write(json.dumps(v) + "\n")
        log.close()
    print(" ".join(str(x) for x in res))


def cmd_stall(args):
    host, port, path, secs = args[0], int(args[1]), args[2], float(args[3])
    s = socket.create_connection((host, port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path).encode())
    print("stalled", flush=True)
    time.sleep(secs)


def cmd_trickle(args):
    host, port, path, length, stop = args[0], int(args[1]), args[2], \
        int(args[3]), args[4]
    s = socket.create_connection((host, port), timeout=15)
    s.sendall(("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n"
               "\r\nthis is no WAV.." % (path, host, length)).encode())
    sent, got = 16, b""
    s.setblocking(False)
    while sent < length and not os.path.exists(stop):
        time.sleep(2)
        s.send(b".")
        sent += 1
        try:
            got += s.recv(65536)
        except BlockingIOError:
            pass
    s.close()
    print("sent %d answer %r" % (sent, got[:60]))


def cmd_raw(args):
    host, port = args[0], int(args[1])
    secs = float(args[2]) if len(args) > 2 else 5
    s = socket.create_connection((host, port), timeout=secs)
    s.sendall(sys.stdin.buffer.read())
    if "--shut" in args:
        s.shutdown(socket.SHUT_WR)
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except socket.timeout:
        out += b"\n[timeout]"
    sys.stdout.buffer.write(out)


def cmd_slowloris(args):
    """Trickle a never-ending head, a byte a second; print what comes back
    and after how many seconds the server closed."""
    host, port, secs = args[0], int(args[1]), float(args[2])
    s = socket.create_connection((host, port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    start = time.time()
    out = b""
    s.settimeout(1)
    while time.time() - start < secs:
        try:
            s.send(b"X")
        except OSError:
            break
        try:
            d = s.recv(65536)
            if not d:
                break
            out += d
        except socket.timeout:
            pass
        except OSError:
            break
    print("%s after %d s" % (out.split(b"\r\n", 1)[0].decode("latin-1"),
                             round(time.time() - start)))


def cmd_flood(args):
    """Hold N idle connections, then try one request; print its status
    line; close 50 and try again."""
    import resource
    host, port, n = args[0], int(args[1]), int(args[2])
    nsrc = int(args[3]) if len(args) > 3 else 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 200), hard))
    held = [socket.create_connection((host, port), source_address=(
        "127.0.0.%d" % (10 + i % nsrc), 0) if nsrc else None)
        for i in range(n)]
    time.sleep(1.5)

    def one():
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(b"GET /dev/list HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        out = b""
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                out += d
        except OSError:
            pass
        head, _, body = out.partition(b"\r\n\r\n")
        return "%s %s" % (head.split(b"\r\n")[0].decode(), body.decode())
    print(one())
    for s in held[:50]:
        s.close()
    time.sleep(1)
    print(one())


def cmd_hold(args):
    import resource
    import select
    src, host, port, n, secs = (args[0], args[1], int(args[2]), int(args[3]),
                                float(args[4]))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 200), hard))
    held = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((src, 0))
        s.connect((host, port))
        held.append(s)
    time.sleep(1.5)
    refused, first = 0, ""
    for s in held:
        p = select.poll()
        p.register(s, select.POLLIN)
        if not p.poll(0):
            continue
        s.settimeout(2)
        out = b""
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                out += d
        except OSError:
            pass
        if out.startswith(b"HTTP/1.1 503 "):
            refused += 1
            if not first:
                head, _, body = out.partition(b"\r\n\r\n")
                first = "%s %s" % (head.split(b"\r\n")[0].decode(),
                                   body.decode())
    print("accepted %d refused %d" % (n - refused, refused))
    print(first, flush=True)
    time.sleep(secs)


def cmd_guess(args):
    src, host, port, user, secs = (args[0], args[1], int(args[2]), args[3],
                                   float(args[4]))
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.connect((host, port))
    s.settimeout(15)
    r = Reader(s, time.time() + secs + 15)
    codes = {}
    retry = ""
    t429 = []
    end = time.time() + secs
    i = 0
    while time.time() < end:
        a = base64.b64encode(("%s:guess%d" % (user, i)).encode()).decode()
        i += 1
        s.sendall(("GET /api/cameras HTTP/1.1\r\nHost: %s\r\n"
                   "Authorization: Basic %s\r\n\r\n" % (host, a)).encode())
        status, hdrs = r.head()
        r.take(int(hdrs.get("content-length", "0")))
        code = int(status.split()[1])
        codes[code] = codes.get(code, 0) + 1
        if code == 429:
            t429.append(time.time())
            retry = retry or hdrs.get("retry-after", "")
    rate = (len(t429) - 1) / (t429[-1] - t429[0]) if len(t429) > 2 and \
        t429[-1] > t429[0] else 0
    print("401 %d 429 %d rate %d retry-after %s other %d" % (
        codes.get(401, 0), codes.get(429, 0), rate, retry or "-",
        sum(v for k, v in codes.items() if k not in (401, 429))))


def cmd_wav(args):
    url, secs = args[0], float(args[1])
    r = Reader(connect(url), time.time() + secs)
    status, hdrs = r.head()
    print(status)
    print("content-type:", hdrs.get("content-type"))
    h = r.take(44)
    print("riff", h[0:4].decode(), "wave", h[8:16].decode(),
          "format", int.from_bytes(h[20:22], "little"),
          "channels", int.from_bytes(h[22:24], "little"),
          "rate", int.from_bytes(h[24:28], "little"),
          "bits", int.from_bytes(h[34:36], "little"))
    n = 0
    try:
        while True:
            r.fill()
            n += len(r.buf)
            r.buf = b""
    except (TimeoutError, EOFError):
        pass
    print("data", n + len(r.buf))


if __name__ == "__main__":
    cmds = {"mjpeg": cmd_mjpeg, "viewers": cmd_viewers, "stall": cmd_stall,
            "raw": cmd_raw, "trickle": cmd_trickle, "wav": cmd_wav, "pause": cmd_pause,
            "slowloris": cmd_slowloris, "flood": cmd_flood,
            "hold": cmd_hold, "guess": cmd_guess}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](sys.argv[2:])
