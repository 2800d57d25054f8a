#!/usr/bin/env python3
"""WebSocket clients for the talk-back route, friendly and hostile.

  wsclient.py talk HOST:PORT PATH WAV      push-to-talk as the page does it:
        the WAV's samples as binary messages of 40 ms, in real time (some
        fragmented, pings in between), then a close 1000; prints the
        server's close code.  Exit 0 if the server closed with 1000.
  wsclient.py hostile HOST:PORT PATH KIND  one misbehaving client; prints
        what the server did ("close CODE", "http STATUS", "closed") and
        exits 0 if that is what RFC 6455 asks for KIND.
  wsclient.py handshake HOST:PORT PATH HDRS  print the status of a
        handshake with the given extra header lines ("|" separated).
  wsclient.py closecode HOST:PORT PATH     open, print the server's first
        close code (and reason).
"""
import base64, hashlib, os, socket, struct, sys, time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def connect(hostport, path, extra=None, key=None, timeout=10):
    host, port = hostport.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout)
    key = key or base64.b64encode(os.urandom(16)).decode()
    hdrs = extra if extra is not None else [
        "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13",
        "Origin: http://" + hostport]
    req = "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n\r\n" % (path, hostport, "\r\n".join(hdrs))
    s.sendall(req.encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            return s, None, buf
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    if status == 101:
        want = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest())
        if b"sec-websocket-accept: " + want.lower() not in head.lower():
            raise SystemExit("bad Sec-WebSocket-Accept in %r" % head)
    return s, status, rest


def frame(op, data, fin=True, mask=True, rsv=0):
    b0 = (0x80 if fin else 0) | rsv | op
    n = len(data)
    if n < 126:
        hdr = struct.pack("BB", b0, (0x80 if mask else 0) | n)
    elif n < 65536:
        hdr = struct.pack(">BBH", b0, (0x80 if mask else 0) | 126, n)
    else:
        hdr = struct.pack(">BBQ", b0, (0x80 if mask else 0) | 127, n)
    if not mask:
        return hdr + data
    m = os.urandom(4)
    return hdr + m + bytes(c ^ m[i & 3] for i, c in enumerate(data))


class Reader:
    def __init__(self, s, buf=b""):
        self.s, self.buf = s, buf

    def need(self, n):
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def frame(self):
        b0, b1 = self.need(2)
        n = b1 & 0x7f
        if n == 126:
            n = struct.unpack(">H", self.need(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self.need(8))[0]
        if b1 & 0x80:
            raise SystemExit("server frame is masked")
        return b0 & 0x0f, self.need(n)

    def until_close(self, timeout):
        """Frames until a close: its code, or None if the TCP closed."""
        self.s.settimeout(timeout)
        try:
            while True:
                op, p = self.frame()
                if op == 8:
                    return struct.unpack(">H", p[:2])[0] if len(p) >= 2 else 1005
        except (EOFError, ConnectionResetError):
            return None


def wav_pcm(path):
    d = open(path, "rb").read()
    off = 12
    while off + 8 <= len(d):
        cid, size = d[off:off + 4], struct.unpack("<I", d[off + 4:off + 8])[0]
        if cid == b"data":
            return d[off + 8:off + 8 + size]
        off += 8 + size + (size & 1)
    raise SystemExit("no data chunk")


def talk(hostport, path, wav):
    s, st, rest = connect(hostport, path)
    if st != 101:
        print("http", st)
        return 1
    r = Reader(s, rest)
    op, p = r.frame()
    if op != 1 or b"talking" not in p:
        raise SystemExit("no talking event: %r %r" % (op, p))
    pcm = wav_pcm(wav)
    step = 640       # 40 ms of 16-bit samples
    t0 = time.monotonic()
    for i, off in enumerate(range(0, len(pcm), step)):
        due = t0 + i * 0.04
        d = due - time.monotonic()
        if d > 0:
            time.sleep(d)
        chunk = pcm[off:off + step]
        if i % 7 == 3 and len(chunk) > 3:
            # Fragmented, split inside a sample, a ping in between.
            s.sendall(frame(2, chunk[:3], fin=False) + frame(9, b"hi") +
                      frame(0, chunk[3:101], fin=False) + frame(0, chunk[101:]))
        else:
            s.sendall(frame(2, chunk))
    s.sendall(frame(8, struct.pack(">H", 1000) + b"bye"))
    code = r.until_close(10)
    print("close", code)
    return 0 if code == 1000 else 1


# What the server must answer each hostile client with.
HOSTILE = {
    "unmasked": ([frame(2, b"\x00\x01" * 10, mask=False)], 1002),
    "huge": ([struct.pack(">BBQ", 0x82, 0xff, 1 << 62) + b"mask"], 1009),
    "big": ([frame(2, b"\x00" * 9000)], 1009),
    "bigmsg": ([frame(2, b"\x00" * 8000, fin=False)] +
               [frame(0, b"\x00" * 8000, fin=False)] * 8, 1009),
    "rsv": ([frame(2, b"ab", rsv=0x40)], 1002),
    "opcode": ([frame(3, b"ab")], 1002),
    "text": ([frame(1, b"hello")], 1003),
    "cont": ([frame(0, b"ab")], 1002),
    "interleave": ([frame(2, b"ab", fin=False), frame(2, b"cd")], 1002),
    "fragping": ([frame(9, b"x", fin=False)], 1002),
    "longping": ([struct.pack(">BBH", 0x89, 0xfe, 200) + b"mask" + b"x" * 200], 1002),
    "badclose": ([frame(8, struct.pack(">H", 1005))], 1002),
    "closeutf8": ([frame(8, struct.pack(">H", 1000) + b"\xc0\xaf")], 1007),
    # Closed for sending no audio: by the engine's stall check (4408,
    # after 10 s) or the WebSocket's idle timeout (1008, after 30 s).
    "slowloris": (None, (1008, 4408)),
    "silent": (None, (1008, 4408)),
}


def hostile(hostport, path, kind):
    frames, want = HOSTILE[kind]
    s, st, rest = connect(hostport, path)
    if st != 101:
        print("http", st)
        return 1
    r = Reader(s, rest)
    t0 = time.monotonic()
    if kind == "slowloris":
        # A frame header, a byte every 2 s: never a whole frame.
        hdr = struct.pack(">BBH", 0x82, 0xfe, 4000) + b"mask"
        try:
            for b in hdr + b"\x00" * 100:
                s.sendall(bytes([b]))
                s.settimeout(2)
                try:
                    if s.recv(1, socket.MSG_PEEK):
                        break
                except socket.timeout:
                    pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        code = r.until_close(60)
    elif kind == "silent":
        code = r.until_close(60)
    else:
        try:
            for f in frames:
                s.sendall(f)
        except (BrokenPipeError, ConnectionResetError):
            pass
        code = r.until_close(15)
    # After the close frame the server closes the TCP connection too.
    try:
        s.settimeout(10)
        tail = s.recv(1)
    except (ConnectionResetError, socket.timeout):
        tail = b""
    print("close", code, "after %.1f s" % (time.monotonic() - t0),
          "tcp closed" if tail == b"" else "tcp open")
    ok = code in want if isinstance(want, tuple) else code == want
    return 0 if ok and tail == b"" else 1


def main():
    cmd = sys.argv[1]
    if cmd == "talk":
        return talk(sys.argv[2], sys.argv[3], sys.argv[4])
    if cmd == "hostile":
        return hostile(sys.argv[2], sys.argv[3], sys.argv[4])
    if cmd == "closecode":
        s, st, rest = connect(sys.argv[2], sys.argv[3])
        if st != 101:
            print("http", st)
            return 1
        print(Reader(s, rest).until_close(10))
        return 0
    if cmd == "handshake":
        extra = [h for h in sys.argv[4].split("|") if h]
        s, st, _ = connect(sys.argv[2], sys.argv[3], extra=extra)
        print(st)
        return 0
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
