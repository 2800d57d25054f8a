#!/usr/bin/env python3
"""v720-web alone, driven through its channels (stdlib only).

  fakeparent.py OUTDIR PORT -- COMMAND...

Plays the parent (fd 3: config push, peer hand-over, stats, reload) and
the camera engine (camera state, frames, audio) for the v720-web started
by COMMAND, and checks what HTTP clients and the engine side see:
viewer counts, byte-identical frames, A-law and PCM audio, settings and
commands as messages, engine loss and replacement, reloads that keep or
move the listener, a recorder that sends more playback frames than
asked (dropped and counted), and a clean exit when the parent goes away.
Exits 0 when everything held, 1 with a message otherwise.
"""
import fcntl
import json
import os
import mmap
import random
import socket
import struct
import subprocess
import sys
import time

import fakechan
import msglayout
from fakechan import HDR, WAIT, fail, say

CFG_START, CFG_LISTEN, CFG_CAMERA, CFG_WEBUSER, CFG_TLS_CERT, CFG_TLS_KEY, \
    CFG_END, CFG_DONE, CFG_PEER, PROC_STATS = range(100, 110)
CTL_VERBOSE = 209
CAM_STATE, CAM_FRAME, CAM_AUDIO, CAM_RING, CAM_FSLOT = range(300, 305)
# The frame ring (common/framering.h): a page of head, then 8 slots of a
# page of slot header (begin seq, end seq, length) and V720_FRAME_MAX bytes.
FRING_PAGE, FRING_SLOTS, FRAME_MAX = 4096, 8, 256 * 1024
FRING_STRIDE = FRING_PAGE + FRAME_MAX
FRING_SIZE = FRING_PAGE + FRING_SLOTS * FRING_STRIDE
F_SEAL_FUTURE_WRITE = 0x10
WEB_VIEWERS, WEB_STREAM, WEB_SET, WEB_REBOOT, WEB_FORWARD = range(400, 405)
CFG_WEB_LIMITS = 151	# struct cfg_weblimits
REC_PLAY, REC_PLAY_MORE, REC_PLAY_STOP, REC_PFRAME, REC_END = range(708, 713)
WEB_AUDIO = 520		# audio listeners, after WEB_VIEWERS (stream mode)
# v720-web's listeners, for v720ctl doctor: sent at any time, not checked here.
WEB_LISTENERS = 460
LISTEN_WEB = 5
PROC_ENGINE, PROC_WEB, PROC_MQTT, PROC_RECORDER, PROC_RTSP, PROC_MAX = range(6)
CAM = "FAKE00000001"
L = msglayout.load()	# the structs of common/msg.h


def proc_stats(parent_start, procs):
    """struct proc_stats: the parent's start, then (name, start, restarts)
    by enum proc_id."""
    ps = b""
    for i in range(PROC_MAX):
        name, start, restarts = procs[i] if i < len(procs) else ("", 0, 0)
        ps += L.pack("proc_stat", pr_name=name, pr_start=start,
                     pr_restarts=restarts)
    return L.pack("proc_stats", ps_parent_start=parent_start, ps_proc=ps)


class Chan(fakechan.Chan):
    """v720-web's end: it tells its audio listeners (kept in .audio) and
    its listeners at any time."""
    def ignored(self, typ, data):
        if typ == WEB_AUDIO:
            self.audio = L.unpack("ctl_req", data)["value"]
            return True
        return typ == WEB_LISTENERS

    def frame(self, seq, data):
        """A frame as the engine sends one: into this engine's ring
        (made and passed on its first frame), then the notice."""
        seq += 1			# the ring's sequences start at 1
        if not hasattr(self, "ring"):
            fd = os.memfd_create("fake-frames", os.MFD_ALLOW_SEALING)
            os.ftruncate(fd, FRING_SIZE)
            self.ring = mmap.mmap(fd, FRING_SIZE)
            fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK |
                        fcntl.F_SEAL_GROW | F_SEAL_FUTURE_WRITE |
                        fcntl.F_SEAL_SEAL)
            self.send(CAM_RING, L.pack("ctl_id", id=CAM), fd=fd)
            os.close(fd)
        slot = seq % FRING_SLOTS
        off = FRING_PAGE + slot * FRING_STRIDE
        struct.pack_into("=Q", self.ring, off, seq)
        self.ring[off + FRING_PAGE:off + FRING_PAGE + len(data)] = data
        struct.pack_into("=I", self.ring, off + 16, len(data))
        struct.pack_into("=Q", self.ring, off + 8, seq)
        self.send(CAM_FSLOT, L.pack("cam_media", cm_id=CAM, cm_seq=seq,
                                    cm_ts_ns=time.monotonic_ns(),
                                    cm_codec=1) +
                  struct.pack("=II", slot, len(data)))


def cam_info(state, battery=55, fps_milli=9500, frames=7, name="Fake cam"):
    return L.pack("cam_info", ci_id=CAM, ci_name=name,
                  ci_address="10.1.2.3:4567", ci_firmware="202212011602",
                  ci_wifi="wlan", ci_state=state, ci_ir_led=2, ci_flip=4,
                  ci_status_led=1, ci_battery=battery, ci_fps_milli=fps_milli,
                  ci_last_seen=1795500000, ci_frames=frames, ci_bytes=1234,
                  ci_dropped=3, ci_drop_incomplete=1, ci_drop_backlog=2,
                  ci_packets=100, ci_packets_dup=4, ci_packets_late=5,
                  ci_confirms=6, ci_audio_chunks=7, ci_stream_restarts=8,
                  ci_strangers=9, ci_sd_total_mb=60334, ci_sd_free_mb=35359)


def media(seq, codec, data):
    return L.pack("cam_media", cm_id=CAM, cm_seq=seq,
                  cm_ts_ns=time.monotonic_ns(), cm_codec=codec) + data


def alaw_ref(a):
    a ^= 0x55
    t = (a & 0x0F) << 4
    seg = (a & 0x70) >> 4
    t = t + 8 if seg == 0 else (t + 0x108) << (seg - 1)
    return t if a & 0x80 else -t


def http(port, req, timeout=WAIT):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(req.encode() if isinstance(req, str) else req)
    out = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        out += d
    head, _, body = out.partition(b"\r\n\r\n")
    return head.decode().split("\r\n")[0], body


def get(port, path):
    return http(port, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path)


def post(port, path, body=""):
    return http(port, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                "Content-Length: %d\r\n\r\n%s" % (path, len(body), body))


class Stream:
    """A streaming client reading in the background of our own calls."""

    def __init__(self, port, path):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path).encode())
        self.buf = b""

    def fill(self):
        self.s.settimeout(WAIT)
        try:
            d = self.s.recv(1 << 20)
        except socket.timeout:
            fail("stream: nothing more after %r" % self.buf[-40:])
        if not d:
            fail("stream closed")
        self.buf += d

    def take(self, n):
        while len(self.buf) < n:
            self.fill()
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l.decode()

    def head(self):
        lines = []
        while True:
            l = self.line()
            if not l:
                return lines
            lines.append(l)

    def part(self):
        hdr = self.head()
        if not hdr or hdr[0] != "--v720frame":
            fail("part header %r" % hdr)
        ln = [int(h.split(":")[1]) for h in hdr if h.lower().startswith("content-length:")][0]
        d = self.take(ln)
        if self.take(2) != b"\r\n":
            fail("part without CRLF")
        return d


def until(what, check):
    """Poll check() until it returns something true (returned), or fail."""
    end = time.time() + WAIT
    while True:
        r = check()
        if r:
            return r
        if time.time() > end:
            fail("%s: not within %d s" % (what, WAIT))
        time.sleep(0.1)


def camera(port, cam):
    """The camera object from GET /api/cameras/ID, or None."""
    st, body = get(port, "/api/cameras/" + cam)
    return json.loads(body) if st == "HTTP/1.1 200 OK" else None


def listen_socket(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(128)
    return s


def cfg_push(parent, lsock, port, users=()):
    parent.send(CFG_START, L.pack("cfg_global"))
    parent.send(CFG_LISTEN, L.pack("cfg_listen", cl_kind=LISTEN_WEB,
                                   cl_port=port, cl_addr="127.0.0.1"),
                fd=lsock.fileno())
    parent.send(CFG_CAMERA, L.pack("cfg_camera", cc_id="CONF00000001",
                                   cc_name="Configured"))
    for u, h in users:
        parent.send(CFG_WEBUSER, L.pack("cfg_webuser", cw_name=u, cw_hash=h))
    # 64 connections per address; the GET compatibility commands on.
    parent.send(CFG_WEB_LIMITS, L.pack("cfg_weblimits", wl_conn_per_addr=64,
                                       wl_compat_cmds=1))
    parent.send(CFG_END)
    parent.expect(CFG_DONE, "config")


def viewers(engine, want, what):
    d = L.unpack("ctl_req", engine.expect(WEB_VIEWERS, what))
    cam, val = d["id"], d["value"]
    if (cam, val) != (CAM, want):
        fail("%s: viewers %s=%d, want %d" % (what, cam, val, want))


def rec_surplus(parent, port):
    """A recorder that answers a playback with more frames than the 16
    asked for (issue 17, finding 1): the 16 are played, the rest dropped
    and counted, and v720-web goes on."""
    r_ours, r_theirs = socket.socketpair()
    parent.send(CFG_PEER, L.pack("cfg_peer", cp_proc=PROC_RECORDER),
                fd=r_theirs.fileno())
    r_theirs.close()
    rec = Chan(r_ours)
    p = Stream(port, "/api/cameras/%s/playback?from=1" % CAM)
    m = rec.recv()
    if m is None or m[0] != REC_PLAY:
        fail("playback: no IMSG_REC_PLAY: %r" % (m,))
    peer = HDR.unpack_from(rec.last)[2]
    frames = [b"\xff\xd8played %d\xff\xd9" % i for i in range(56)]
    t0 = time.time_ns()
    for i, f in enumerate(frames):
        # 20 ms apart: the 16 owed wait in the queue, due one by one.
        rec.send(REC_PFRAME, L.pack("cam_media", cm_id=CAM, cm_seq=i,
                                    cm_ts_ns=t0 + i * 20000000, cm_codec=1)
                 + f, peer=peer)
    if p.head()[0] != "HTTP/1.1 200 OK":
        fail("playback head")
    got = [p.part() for _ in range(16)]
    if got != frames[:16]:
        fail("playback: the 16 frames asked for differ")
    if rec.expect(REC_PLAY_MORE, "the next batch, once 16 came") != b"":
        fail("PLAY_MORE with a payload")
    rec.send(REC_END, peer=peer)
    if p.line() != "--v720frame--":
        fail("playback: no closing delimiter after the end")
    st, body = get(port, "/metrics")
    if "v720_web_playback_surplus_frames_total 40\n" not in body.decode():
        fail("surplus not counted: %s" % [l for l in body.decode().split(
            "\n") if "surplus" in l])
    say("a recorder's 40 frames beyond the 16 asked: dropped, counted")


def main():
    out, port = sys.argv[1], int(sys.argv[2])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    p_ours, p_theirs = socket.socketpair()
    log = open(os.path.join(out, "web.log"), "wb")
    proc = subprocess.Popen(cmd, pass_fds=(3,), stderr=log, stdout=log,
                            preexec_fn=lambda: os.dup2(p_theirs.fileno(), 3))
    p_theirs.close()
    parent = Chan(p_ours)
    lsock = listen_socket(port)
    cfg_push(parent, lsock, port)
    e_ours, e_theirs = socket.socketpair()
    parent.send(CFG_PEER, L.pack("cfg_peer", cp_proc=PROC_ENGINE),
                fd=e_theirs.fileno())
    e_theirs.close()
    engine = Chan(e_ours)
    parent.send(PROC_STATS, proc_stats(int(time.time()) - 100,
                                       [("engine", int(time.time()) - 50, 2),
                                        ("web", int(time.time()) - 5, 3)]))
    parent.send(CTL_VERBOSE, struct.pack("=i", 2))
    say("config applied, engine channel handed over")

    engine.send(CAM_STATE, cam_info(1))
    until("camera listed", lambda: camera(port, CAM))
    st, body = get(port, "/api/cameras")
    cams = {c["id"]: c for c in json.loads(body)}
    c = cams.get(CAM)
    if st != "HTTP/1.1 200 OK" or c is None:
        fail("camera list: %s %s" % (st, body))
    want = {"name": "Fake cam", "state": "online", "address": "10.1.2.3:4567",
            "firmware": "202212011602", "battery": 55, "fps": 9.5, "frames": 7,
            "dropped": 3, "viewers": 0, "last_seen": 1795500000,
            "ir_led": "auto", "flip": "upside-down", "status_led": "on",
            "motion_alert": "off"}
    for k, v in want.items():
        if c.get(k) != v:
            fail("field %s: %r, want %r" % (k, c.get(k), v))
    if cams.get("CONF00000001", {}).get("name") != "Configured" or \
            cams["CONF00000001"]["state"] != "offline":
        fail("configured camera: %s" % cams.get("CONF00000001"))
    engine.send(CAM_STATE, cam_info(3, battery=-1))
    c = until("state streaming", lambda: (lambda c: c if c["state"] == "streaming"
                                           else None)(camera(port, CAM)))
    if c["battery"] is not None or c["state"] != "streaming":
        fail("battery -1 / streaming: %s" % c)
    say("camera object fields as the engine sent them")

    v = Stream(port, "/api/cameras/%s/mjpeg" % CAM)
    h = v.head()
    if h[0] != "HTTP/1.1 200 OK" or not any(
            x.lower() == "content-type: multipart/x-mixed-replace;boundary=v720frame" for x in h):
        fail("mjpeg head %s" % h)
    viewers(engine, 1, "first viewer")
    rnd = random.Random(1)
    frames = []
    for i in range(20):
        n = rnd.choice([2, 100, 5000, 30000, 250000])
        f = b"\xff\xd8" + bytes(rnd.getrandbits(8) for _ in range(n)) + b"\xff\xd9"
        frames.append(f)
        engine.frame(i, f)
        if v.part() != f:
            fail("frame %d (%d bytes) not byte-identical" % (i, len(f)))
    say("20 frames (4 B .. 250 kB) byte-identical to what the engine sent")
    st, body = get(port, "/api/cameras/%s/snapshot" % CAM)
    if st != "HTTP/1.1 200 OK" or body != frames[-1]:
        fail("snapshot: %s, %d bytes" % (st, len(body)))
    say("snapshot is the newest frame")

    a = Stream(port, "/api/cameras/%s/audio" % CAM)
    a.head()
    viewers(engine, 2, "audio listener")
    hdr = a.take(44)
    if hdr[:4] != b"RIFF" or hdr[8:16] != b"WAVEfmt " or \
            struct.unpack("<HHIIHH", hdr[20:36]) != (1, 1, 8000, 16000, 2, 16):
        fail("wav header %r" % hdr)
    engine.send(CAM_AUDIO, media(1, 4, bytes(range(256))))
    pcm = struct.unpack("<256h", a.take(512))
    bad = [i for i in range(256) if pcm[i] != alaw_ref(i)]
    if bad:
        fail("A-law decoding differs at %s" % bad[:5])
    engine.send(CAM_AUDIO, media(2, 6, b"\x01\x02\x03\x04\x05"))
    if a.take(4) != b"\x01\x02\x03\x04":
        fail("PCM pass-through")
    say("audio: A-law decoded as G.711, PCM passed through, WAV header right")

    st, _ = post(port, "/api/cameras/%s/settings" % CAM, '{"flip":"vertical","ir_led":"off"}')
    if not st.startswith("HTTP/1.1 202"):
        fail("settings: " + st)
    got = set()
    for _ in range(2):
        d = L.unpack("ctl_set", engine.expect(WEB_SET, "settings"))
        got.add((d["id"], d["key"], d["value"]))
    if got != {(CAM, "flip", "vertical"), (CAM, "ir_led", "off")}:
        fail("settings messages: %s" % got)
    post(port, "/api/cameras/%s/reboot" % CAM)
    if L.unpack("ctl_id", engine.expect(WEB_REBOOT, "reboot"))["id"] != CAM:
        fail("reboot message")
    post(port, "/api/cameras/%s/stream/stop" % CAM)
    d = L.unpack("ctl_req", engine.expect(WEB_STREAM, "stream stop"))
    if d["value"] != 0:
        fail("stream stop value")
    get(port, "/dev/%s/cmd?code=202&IrLed=1" % CAM)
    d = L.unpack("web_forward", engine.expect(WEB_FORWARD, "cmd"))
    if d["wf_id"] != CAM or json.loads(d["wf_json"]) != {"code": 202, "IrLed": 1}:
        fail("forward: %r" % d)
    say("settings, reboot, stream stop and /dev/cmd arrive as engine messages")

    st, body = get(port, "/metrics")
    for m in ('v720_process_restarts_total{process="web"} 3',
              'v720_process_restarts_total{process="engine"} 2',
              'v720_camera_viewers{camera="%s"} 2' % CAM):
        if m not in body.decode():
            fail("metrics: no %s" % m)
    say("metrics carry the parent's process stats")
    rec_surplus(parent, port)

    # The engine goes away: state stays, commands get 503, streams stay.
    e_ours.close()
    until("reboot without engine: 503", lambda: post(
        port, "/api/cameras/%s/reboot" % CAM)[0].startswith("HTTP/1.1 503"))
    c = json.loads(get(port, "/api/cameras/" + CAM)[1])
    if c["state"] != "streaming":
        fail("state after engine loss: %s" % c)
    e_ours, e_theirs = socket.socketpair()
    parent.send(CFG_PEER, L.pack("cfg_peer", cp_proc=PROC_ENGINE),
                fd=e_theirs.fileno())
    e_theirs.close()
    engine = Chan(e_ours)
    viewers(engine, 2, "viewers re-sent to the new engine")
    engine.frame(99, frames[3])
    if v.part() != frames[3]:
        fail("frame after engine replacement")
    say("engine replaced: viewers re-sent, the old viewer gets new frames")

    # Reload with the same listener (a new fd for the same socket): kept.
    dup = socket.socket(fileno=os.dup(lsock.fileno()))
    cfg_push(parent, dup, port)
    dup.close()
    engine.frame(100, frames[4])
    if v.part() != frames[4]:
        fail("stream across reload")
    if not get(port, "/api/cameras")[0].startswith("HTTP/1.1 200"):
        fail("listener after reload")
    # Reload onto another port: the old one closes, the new one answers.
    l2 = listen_socket(port + 1)
    cfg_push(parent, l2, port + 1)
    lsock.close()
    l2.close()

    def old_closed():
        try:
            get(port, "/api/cameras")
            return False
        except OSError:
            return True
    until("old port closed after moving the listener", old_closed)
    if not get(port + 1, "/api/cameras")[0].startswith("HTTP/1.1 200"):
        fail("new port after reload")
    engine.frame(101, frames[5])
    if v.part() != frames[5]:
        fail("stream across a listener move")
    say("reloads: listener kept, then moved; streams stay up")

    # Viewers leave: the engine hears 0.
    v.s.close()
    viewers(engine, 1, "mjpeg viewer left")
    a.s.close()
    viewers(engine, 0, "audio listener left")

    # The parent goes away: exit 0, promptly.
    p_ours.close()
    try:
        rc = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("v720-web did not exit after the parent went away")
    if rc != 0:
        fail("v720-web exited with %d" % rc)
    say("parent gone: v720-web exited 0")


if __name__ == "__main__":
    main()
