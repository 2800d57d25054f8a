#!/usr/bin/env python3
"""A small RTSP/RTP client for the RTSP tests: what ffmpeg and GStreamer
cannot do on purpose (stall, vanish, send garbage, count frames of many
clients at once, bind a source address).

  rtspclient.py [-s SRC] status METHOD URL [-u user:pass] [Header: v ...]
        one request on a new connection: prints the status, headers, body
  rtspclient.py [-s SRC] raw HOST:PORT FILE|- [WAIT]
        send the bytes of a file (or stdin), print every status line that
        comes back and "closed" when the server closes, "open" if it has
        not WAIT seconds (10) after the last answer
  rtspclient.py [-s SRC] play URL SECONDS [tcp|udp]
        DESCRIBE, SETUP both tracks, PLAY, GET_PARAMETER every second,
        until SECONDS passed or SIGTERM; prints "frames=N audio=M
        start=T end=T" (frames: RTP packets with marker; wall times)
  rtspclient.py guess URL USER N [PASSWORD]
        N DESCRIBEs on one connection, each with a wrong password for
        USER, then one with PASSWORD; prints the statuses on one line
        (a 429 with Retry-After as "429R")
  rtspclient.py viewers N URL SECONDS
        N clients at once (tcp); a line each: frames, wall time of the
        PLAY answer and of the end
  rtspclient.py avsync URL SECONDS
        interleaved; maps each video frame's and audio packet's RTP time to
        wall time through the sender reports (RFC 3550 6.4.1) and prints
        the median of arrival minus that time per track, in ms: "V A N"
  rtspclient.py stall URL SECONDS
        SETUP/PLAY interleaved, then never read again (a small receive
        buffer; a keep-alive every second, so it is not timed out)
  rtspclient.py vanish URL
        SETUP/PLAY over UDP, then exit without TEARDOWN or RTCP
"""
import base64
import signal
import socket
import sys
import threading
import time
import urllib.parse

SRC = None
STOP = False


def stop(sig, frame):
    global STOP
    STOP = True


class Rtsp:
    def __init__(self, url, auth=None, timeout=10):
        u = urllib.parse.urlsplit(url)
        self.url = url
        self.host = u.hostname
        self.port = u.port or 554
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if SRC:
            self.sock.bind((SRC, 0))
        self.sock.settimeout(timeout)
        self.sock.connect((self.host, self.port))
        self.cseq = 0
        self.buf = b""
        self.session = None
        self.auth = auth
        self.video = 0
        self.audio = 0
        self.chan = {}

    def _fill(self):
        d = self.sock.recv(65536)
        if not d:
            raise EOFError("closed")
        self.buf += d

    def _interleaved(self):
        """Consume one interleaved frame at the head of buf."""
        while len(self.buf) < 4:
            self._fill()
        n = self.buf[2] << 8 | self.buf[3]
        while len(self.buf) < 4 + n:
            self._fill()
        ch, pkt = self.buf[1], self.buf[4:4 + n]
        self.buf = self.buf[4 + n:]
        what = self.chan.get(ch)
        if what == "video" and len(pkt) >= 12 and pkt[1] & 0x80:
            self.video += 1
        elif what == "audio" and len(pkt) >= 12:
            self.audio += 1

    def response(self):
        while True:
            if self.buf[:1] == b"$":
                self._interleaved()
                continue
            i = self.buf.find(b"\r\n\r\n")
            if i < 0:
                self._fill()
                continue
            head = self.buf[:i].decode("latin-1").split("\r\n")
            self.buf = self.buf[i + 4:]
            hdrs = {}
            for line in head[1:]:
                k, _, v = line.partition(":")
                hdrs[k.strip().lower()] = v.strip()
            n = int(hdrs.get("content-length", "0"))
            while len(self.buf) < n:
                self._fill()
            body, self.buf = self.buf[:n], self.buf[n:]
            status = int(head[0].split()[1])
            return status, head[0], hdrs, body

    def request(self, method, url, headers=()):
        self.cseq += 1
        lines = ["%s %s RTSP/1.0" % (method, url), "CSeq: %d" % self.cseq]
        if self.session:
            lines.append("Session: " + self.session)
        if self.auth:
            lines.append("Authorization: Basic " +
                         base64.b64encode(self.auth.encode()).decode())
        lines += list(headers)
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return self.response()

    def setup_play(self, udp=False):
        st, line, h, body = self.request("DESCRIBE", self.url,
                                         ["Accept: application/sdp"])
        if st != 200:
            raise RuntimeError("DESCRIBE: " + line)
        base = h.get("content-base", self.url + "/")
        self.udp = []
        for i, what in ((0, "video"), (1, "audio")):
            if udp:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind((SRC or "127.0.0.1", 0))
                self.udp.append(s)
                tr = "RTP/AVP;unicast;client_port=%d-%d" % (
                    s.getsockname()[1], s.getsockname()[1] + 1)
            else:
                tr = "RTP/AVP/TCP;unicast;interleaved=%d-%d" % (2 * i, 2 * i + 1)
                self.chan[2 * i] = what
            st, line, h, body = self.request(
                "SETUP", base + "trackID=%d" % i, ["Transport: " + tr])
            if st != 200:
                raise RuntimeError("SETUP: " + line)
            self.session = h["session"].split(";")[0]
        st, line, h, body = self.request("PLAY", base, ["Range: npt=0.000-"])
        if st != 200:
            raise RuntimeError("PLAY: " + line)


def play(url, secs, transport="tcp", out=None):
    c = Rtsp(url)
    c.setup_play(udp=(transport == "udp"))
    c.start = time.time()
    end = c.start + secs
    nextka = time.time() + 1
    c.sock.settimeout(0.2)
    while time.time() < end and not STOP:
        if time.time() >= nextka:
            c.cseq += 1
            c.sock.sendall(("GET_PARAMETER %s RTSP/1.0\r\nCSeq: %d\r\n"
                            "Session: %s\r\n\r\n" % (c.url, c.cseq,
                                                     c.session)).encode())
            nextka += 1
        if transport == "udp":
            for i, s in enumerate(c.udp):
                s.setblocking(False)
                try:
                    while True:
                        p = s.recv(2048)
                        if i == 0 and len(p) >= 12 and p[1] & 0x80:
                            c.video += 1
                        elif i == 1:
                            c.audio += 1
                except BlockingIOError:
                    pass
            try:
                c._fill()
                c.buf = b""
            except socket.timeout:
                pass
            continue
        try:
            if c.buf[:1] == b"$":
                c._interleaved()
            elif c.buf:
                # an answer to a keep-alive
                i = c.buf.find(b"\r\n\r\n")
                if i < 0:
                    c._fill()
                else:
                    c.buf = c.buf[i + 4:]
            else:
                c._fill()
        except socket.timeout:
            pass
    if out is not None:
        out.append("%d %.3f %.3f" % (c.video, c.start, time.time()))
    return c


def avsync(url, secs):
    import statistics
    import struct
    c = Rtsp(url)
    c.setup_play()
    sr = {}
    late = {0: [], 2: []}
    end = time.time() + secs
    while time.time() < end:
        while len(c.buf) < 4:
            c._fill()
        if c.buf[:1] != b"$":
            c.response()
            continue
        n = c.buf[2] << 8 | c.buf[3]
        while len(c.buf) < 4 + n:
            c._fill()
        ch, p = c.buf[1], c.buf[4:4 + n]
        c.buf = c.buf[4 + n:]
        now = time.time()
        if ch in (1, 3) and len(p) >= 20 and p[1] == 200:
            ntp = struct.unpack(">Q", p[8:16])[0] / 2 ** 32 - 2208988800
            sr[ch - 1] = (ntp, struct.unpack(">I", p[16:20])[0])
        elif ch in sr and len(p) > 12:
            if ch == 0 and not p[1] & 0x80:
                continue        # a frame is there with its last packet
            ntp0, ts0 = sr[ch]
            d = (struct.unpack(">I", p[4:8])[0] - ts0 + 2 ** 31) % 2 ** 32 - 2 ** 31
            t = ntp0 + (d / 90000 if ch == 0 else (d + len(p) - 12) / 8000)
            late[ch].append(now - t)
    if len(late[0]) < 10 or len(late[2]) < 10:
        sys.exit("too few: %d frames, %d audio packets with reports" %
                 (len(late[0]), len(late[2])))
    print("%.0f %.0f %d" % (statistics.median(late[0]) * 1000,
                            statistics.median(late[2]) * 1000, len(late[0])))


def main():
    global SRC
    a = sys.argv[1:]
    if a[:1] == ["-s"]:
        SRC = a[1]
        a = a[2:]
    cmd = a[0]
    if cmd == "status":
        method, url = a[1], a[2]
        auth = None
        hdrs = a[3:]
        if hdrs[:1] == ["-u"]:
            auth, hdrs = hdrs[1], hdrs[2:]
        c = Rtsp(url, auth=auth)
        st, line, h, body = c.request(method, url, hdrs)
        print(line)
        for k, v in h.items():
            print("%s: %s" % (k, v))
        print()
        sys.stdout.write(body.decode("latin-1"))
    elif cmd == "raw":
        host, port = a[1].rsplit(":", 1)
        data = sys.stdin.buffer.read() if a[2] == "-" else open(a[2], "rb").read()
        s = socket.socket()
        if SRC:
            s.bind((SRC, 0))
        s.settimeout(10)
        s.connect((host, int(port)))
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = b""
        wait = float(a[3]) if len(a) > 3 else 10
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    got += b"\nclosed\n"
                    break
                got += d
                s.settimeout(wait)
        except socket.timeout:
            got += b"\nopen\n"
        except ConnectionResetError:
            got += b"\nclosed\n"
        for line in got.split(b"\n"):
            if line.startswith(b"RTSP/") or line in (b"closed", b"open"):
                print(line.decode("latin-1").strip())
    elif cmd == "play":
        signal.signal(signal.SIGTERM, stop)
        c = play(a[1], float(a[2]), a[3] if len(a) > 3 else "tcp")
        print("frames=%d audio=%d start=%.3f end=%.3f" % (c.video, c.audio,
                                                         c.start, time.time()))
    elif cmd == "viewers":
        n, url, secs = int(a[1]), a[2], float(a[3])
        out = []
        ts = [threading.Thread(target=play, args=(url, secs, "tcp", out))
              for _ in range(n)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if len(out) != n:
            sys.exit("only %d of %d viewers finished" % (len(out), n))
        print("\n".join(str(x) for x in out))
    elif cmd == "guess":
        c = Rtsp(a[1])
        out = []
        tries = ["%s:guess%d" % (a[2], i) for i in range(int(a[3]))]
        if len(a) > 4:
            tries.append("%s:%s" % (a[2], a[4]))
        for t in tries:
            c.auth = t
            st, line, h, body = c.request("DESCRIBE", a[1])
            out.append("429R" if st == 429 and "retry-after" in h else str(st))
        print(" ".join(out))
    elif cmd == "avsync":
        avsync(a[1], float(a[2]))
    elif cmd == "stall":
        c = Rtsp(a[1])
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        c.setup_play()
        # its port: the test watches the server's side of this connection
        print("stalled %d" % c.sock.getsockname()[1], flush=True)
        # Alive (a keep-alive every second) but never reading again.
        end = time.time() + float(a[2])
        c.sock.setblocking(False)
        while time.time() < end:
            c.cseq += 1
            try:
                c.sock.send(("GET_PARAMETER %s RTSP/1.0\r\nCSeq: %d\r\n"
                             "Session: %s\r\n\r\n" % (c.url, c.cseq,
                                                        c.session)).encode())
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                pass
            time.sleep(1)
    elif cmd == "vanish":
        c = Rtsp(a[1])
        c.setup_play(udp=True)
        print("session", c.session, flush=True)
        # the process ends: the kernel closes the RTSP connection and the
        # UDP ports, nothing says goodbye
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
