#!/usr/bin/env python3
"""Camera sources that stop at one stage, from a chosen source address,
for the diagnostics tests (t-54 ... t-57).

  diagsrc.py boot SRC HOST:BOOTPORT UID
      getA9ConfCheck as a camera sends it (PROTOCOL.md section 1); prints
      the JSON answer; nothing after that.
  diagsrc.py tcp SRC HOST:CAMPORT
      connect to the camera port and close without a registration.
  diagsrc.py register SRC HOST:BOOTPORT HOST:CAMPORT UID HOLD
      bootstrap, then register on TCP with the pwd (code 100), read the
      101, then ignore everything (code 11 included: no UDP ever) for HOLD
      seconds, sending heartbeats.
  diagsrc.py pppp SRC HOST:UDPPORT
      one PPPP datagram (0xf1 0x30 0x00 0x00: a CS2 LAN search, the UDP
      32100 family) to the camera UDP port.
  diagsrc.py junk N HOST:UDPPORT
      N PPPP datagrams, each from its own address 127.77.x.y.
  diagsrc.py web80 forward|plain UPSTREAM_PORT
      another web server on port 80 (all addresses): "forward" passes
      /app/api/... to 127.0.0.1:UPSTREAM_PORT as etc/nginx-v720d.conf
      does, everything else (and everything with "plain") is its own page.
"""
import http.client
import http.server
import json
import socket
import struct
import sys
import time


def hp(s):
    h, p = s.rsplit(":", 1)
    return h, int(p)


def bootstrap(src, boot, uid):
    s = socket.socket()
    s.settimeout(10)
    s.bind((src, 0))
    s.connect(hp(boot))
    s.sendall(("POST /app/api/ApiServer/getA9ConfCheck?devicesCode=%s"
               "&random=OPQRST&token=2d8c8b52f1 HTTP/1.1\r\n"
               "Host: v720.naxclow.com\r\nversion: 202212011602\r\n\r\n"
               % uid).encode())
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
    s.close()
    body = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b"{}"
    return json.loads(body or b"{}")


def msg(payload, cmd=0):
    return struct.pack("<IHBB8sI", len(payload), cmd, 0, 0, b"\0" * 8,
                       0) + payload


def web80(forward, upstream):
    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def handle_one(self):
            if forward and self.path.startswith("/app/api/"):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                c = http.client.HTTPConnection("127.0.0.1", upstream,
                                               timeout=10)
                hdrs = {k: v for k, v in self.headers.items()
                        if k.lower() not in ("connection",)}
                # What etc/nginx-v720d.conf sets.
                hdrs["X-Real-IP"] = self.client_address[0]
                hdrs["X-Server-Addr"] = self.connection.getsockname()[0]
                c.request(self.command, self.path, body, hdrs)
                r = c.getresponse()
                data = r.read()
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in ("connection", "content-length",
                                         "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            page = b"<html>another site</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        do_GET = do_POST = handle_one

    http.server.ThreadingHTTPServer.allow_reuse_address = True
    http.server.ThreadingHTTPServer(("0.0.0.0", 80), H).serve_forever()


def main():
    a = sys.argv[1:]
    if a[0] == "boot":
        print(json.dumps(bootstrap(a[1], a[2], a[3])))
    elif a[0] == "tcp":
        s = socket.socket()
        s.settimeout(10)
        s.bind((a[1], 0))
        s.connect(hp(a[2]))
        time.sleep(0.2)
        s.close()
    elif a[0] == "register":
        src, boot, cam, uid, hold = a[1], a[2], a[3], a[4], float(a[5])
        j = bootstrap(src, boot, uid)
        pwd = j["data"]["pwd"]
        s = socket.socket()
        s.settimeout(1)
        s.bind((src, 0))
        s.connect(hp(cam))
        s.sendall(msg(('{"code": 100, "uid": "%s", "token": "%s" ,'
                       '"domain": "v720.naxclow.com"}' % (uid, pwd))
                      .encode()))
        end = time.monotonic() + hold
        beat = 0
        while time.monotonic() < end:
            try:
                if not s.recv(4096):
                    break
            except socket.timeout:
                pass
            if time.monotonic() > beat:
                s.sendall(msg(b"", 100))
                beat = time.monotonic() + 5
        s.close()
    elif a[0] == "pppp":
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((a[1], 0))
        u.sendto(b"\xf1\x30\x00\x00", hp(a[2]))
        u.close()
    elif a[0] == "junk":
        n, dst = int(a[1]), hp(a[2])
        for i in range(n):
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind(("127.77.%d.%d" % (i // 250, 1 + i % 250), 0))
            u.sendto(b"\xf1\x30\x00\x00", dst)
            u.close()
    elif a[0] == "web80":
        web80(a[1] == "forward", int(a[2]))
    else:
        sys.exit("usage: see the source")


if __name__ == "__main__":
    main()
