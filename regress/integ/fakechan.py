"""One end of a channel between v720d's processes (common/chan.c's
framing: struct chan_hdr, then the payload; a descriptor rides with its
message), for the fakes that play a child's parent and siblings
(fakeparent.py, mqttchild.py), so both frame messages the same way.

    c = Chan(sock)
    c.send(TYPE, payload, fd=None, peer=0)
    typ, payload = c.recv(timeout)    # None on timeout or EOF
    payload = c.expect(TYPE, "what it is")   # or FAIL and exit 1

A subclass's ignored(typ, payload) returns True for messages the child
may send at any time, which expect() then passes over.
"""
import socket
import struct
import sys
import time

# struct chan_hdr: ch_type, ch_len, ch_peerid, ch_flags, ch_pad.
HDR = struct.Struct("=IIIHH")
# How long to wait for what must come.  Only a failure waits that long;
# a child under valgrind on a busy machine takes seconds to start.
WAIT = 30


def fail(msg):
    print("FAIL:", msg, flush=True)
    sys.exit(1)


def say(msg):
    print(msg, flush=True)


class Chan:
    def __init__(self, sock):
        self.s, self.buf = sock, b""
        self.last = b""		# the header of the message recv() returned

    def send(self, typ, data=b"", fd=None, peer=0):
        msg = HDR.pack(typ, len(data), peer, 1 if fd is not None else 0,
                       0) + data
        if fd is not None:
            socket.send_fds(self.s, [msg], [fd])
        else:
            self.s.sendall(msg)

    def recv(self, timeout=WAIT):
        """Next message (type, payload) or None on timeout."""
        end = time.time() + timeout
        while True:
            if len(self.buf) >= HDR.size:
                typ, ln, _, _, _ = HDR.unpack_from(self.buf)
                if len(self.buf) >= HDR.size + ln:
                    self.last = self.buf[:HDR.size]
                    data = self.buf[HDR.size:HDR.size + ln]
                    self.buf = self.buf[HDR.size + ln:]
                    return typ, data
            left = end - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                return None
            if not d:
                return None
            self.buf += d

    def ignored(self, typ, data):
        return False

    def expect(self, typ, what, timeout=WAIT, skip=()):
        while True:
            m = self.recv(timeout)
            if m is None:
                fail("%s: no message %d" % (what, typ))
            if m[0] in skip or self.ignored(*m):
                continue
            if m[0] != typ:
                fail("%s: message %d, want %d" % (what, m[0], typ))
            return m[1]
