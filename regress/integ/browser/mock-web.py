#!/usr/bin/env python3
"""A stand-in for v720-web, to work on the viewer page without the daemon.

    python3 regress/integ/browser/mock-web.py [-p PORT] [-l post-log.jsonl]

Serves v720-web/assets/index.html at /, a fake GET /api/cameras (three cameras:
streaming, online, offline with a hostile name), MJPEG cycling through
regress/data/scene*.jpg, snapshots, a WAV tone, and accepts settings/reboot
POSTs (logged one JSON object a line).  Python 3 standard library only.
"""
import argparse, glob, json, math, os, struct, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
FRAMES = [open(p, "rb").read()
          for p in sorted(glob.glob(os.path.join(TOP, "regress/data/scene*.jpg")))]
BOUNDARY = "v720frame"
LOCK = threading.Lock()
CAMS = [
    {"id": "0800c00128F8", "name": "Porch", "state": "streaming",
     "address": "192.168.1.31:40211", "firmware": "202212011602", "battery": 87,
     "fps": 12.4, "frames": 1234, "dropped": 2, "viewers": 1,
     "ir_led": "auto", "status_led": "on", "flip": "normal"},
    {"id": "0800c0019AB3", "name": "Garden shed", "state": "online",
     "address": "192.168.1.32:39001", "firmware": "202212011602", "battery": None,
     "fps": 0, "frames": 0, "dropped": 0, "viewers": 0},
    {"id": "0800c001FFFF", "name": "<img src=x onerror=alert(1)> \"&'",
     "state": "offline", "address": "", "firmware": "", "battery": 12,
     "fps": 0, "frames": 0, "dropped": 0, "viewers": 0,
     "last_seen": int(time.time()) - 3600},
]
# What caminfo.c's table gives every camera (the viewer draws its rows
# of settings from it), and one model's extras.
SETTINGS = [
    {"key": "ir_led", "label": "IR LED", "kind": "choice",
     "choices": ["off", "on", "auto"]},
    {"key": "flip", "label": "Flip", "kind": "choice",
     "choices": ["normal", "horizontal", "vertical", "upside-down"]},
    {"key": "status_led", "label": "Status LED", "kind": "switch",
     "choices": ["off", "on"]},
    {"key": "motion_alert", "label": "Motion alert", "kind": "switch",
     "choices": ["off", "on"]},
]
CAMS[0].update(video_quality="3", actions=["wifi_scan"],
               settings=SETTINGS + [
                   {"key": "video_quality", "label": "Video quality",
                    "kind": "level", "choices": [str(i) for i in range(6)]},
                   {"key": "wifi_scan", "label": "Scan Wi-Fi", "kind": "action",
                    "choices": ["confirm"]}])
for c in CAMS:
    c.setdefault("last_seen", int(time.time()))
    c.setdefault("settings", SETTINGS)
    c.setdefault("actions", [])


def cam(cid):
    return next((c for c in CAMS if c["id"] == cid), None)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        sys.stderr.write("mock-web: " + (fmt % a) + "\n")

    def send(self, code, ctype, body, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def json(self, code, obj):
        self.send(code, "application/json", json.dumps(obj).encode())

    def parts(self):
        p = self.path.split("?", 1)[0].strip("/").split("/")
        return p

    def do_GET(self):
        p = self.parts()
        if p == [""]:
            with open(os.path.join(TOP, "v720-web/assets/index.html"), "rb") as f:
                return self.send(200, "text/html; charset=utf-8", f.read())
        if p == ["api", "cameras"]:
            with LOCK:
                for c in CAMS:
                    if c["state"] != "offline":
                        c["last_seen"] = int(time.time())
                return self.json(200, CAMS)
        if len(p) >= 3 and p[:2] == ["api", "cameras"]:
            c = cam(p[2])
            if c is None:
                return self.json(404, {"error": "no such camera"})
            if len(p) == 3:
                return self.json(200, c)
            if p[3] == "snapshot":
                return self.send(200, "image/jpeg", FRAMES[0])
            if p[3] == "mjpeg":
                return self.mjpeg(c)
            if p[3] == "audio":
                return self.audio()
        self.json(404, {"error": "not found"})

    do_HEAD = do_GET

    def mjpeg(self, c):
        self.send_response(200)
        self.send_header("Content-Type",
                         "multipart/x-mixed-replace;boundary=" + BOUNDARY)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        with LOCK:
            c["viewers"] += 1
            c["state"] = "streaming"
            c["fps"] = 10.0
        i = 0
        try:
            while True:
                f = FRAMES[i % len(FRAMES)]
                self.wfile.write(("--%s\r\nContent-Type: image/jpeg\r\n"
                                  "Content-Length: %d\r\n\r\n" %
                                  (BOUNDARY, len(f))).encode() + f + b"\r\n")
                self.wfile.flush()
                i += 1
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with LOCK:
                c["viewers"] -= 1
            self.close_connection = True

    def audio(self):
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Connection", "close")
        self.end_headers()
        size = int(os.environ.get("MOCK_WAV_SIZE", "4294967295"))
        hdr = (b"RIFF" + struct.pack("<I", min(size + 36, 0xFFFFFFFF)) +
               b"WAVEfmt " +
               struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) +
               b"data" + struct.pack("<I", size))
        try:
            self.wfile.write(hdr)
            n = 0
            while True:
                s = b"".join(struct.pack("<h", int(3000 * math.sin(
                    2 * math.pi * 440 * (n + k) / 8000))) for k in range(800))
                n += 800
                self.wfile.write(s)
                self.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def do_POST(self):
        p = self.parts()
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if len(p) == 4 and p[:2] == ["api", "cameras"] and cam(p[2]):
            if p[3] in ("settings", "reboot"):
                try:
                    obj = json.loads(body) if body else {}
                except ValueError:
                    return self.json(400, {"error": "bad JSON"})
                if self.server.postlog:
                    with LOCK, open(self.server.postlog, "a") as f:
                        f.write(json.dumps({"cam": p[2], "route": p[3],
                                            "body": obj}) + "\n")
                if p[3] == "settings" and isinstance(obj, dict):
                    with LOCK:
                        cam(p[2]).update((k, v) for k, v in obj.items()
                                         if k in [s["key"] for s in SETTINGS])
                if p[2] == "0800c0019AB3" and p[3] == "reboot":
                    return self.json(503, {"error": "camera busy"})
                return self.json(202, cam(p[2]))
        self.json(404, {"error": "not found"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", "--port", type=int, default=22990)
    ap.add_argument("-l", "--log", default="")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), H)
    srv.daemon_threads = True
    srv.postlog = a.log
    srv.serve_forever()


if __name__ == "__main__":
    main()
