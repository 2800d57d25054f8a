"""Headless Chromium driven over the DevTools protocol, Python 3 stdlib only.

Chrome() starts chromium in its own process group on a fresh profile with
--remote-debugging-port=0, reads the port it picked from DevToolsActivePort,
and attaches to its page target over a minimal RFC 6455 websocket client.
"""
import base64, json, os, select, shutil, signal, socket, struct, subprocess
import tempfile, time, urllib.request


class CDPError(Exception):
    pass


class WebSocket:
    """Just enough of a websocket client for the DevTools protocol."""

    def __init__(self, url, timeout=10):
        assert url.startswith("ws://")
        hostport, _, path = url[5:].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port or 80)), timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" %
                           (path, hostport, key)).encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise CDPError("websocket upgrade refused: %r" % head[:80])

    def _recv(self):
        d = self.sock.recv(1 << 16)
        if not d:
            raise CDPError("DevTools connection closed")
        return d

    def _need(self, n):
        while len(self.buf) < n:
            self.buf += self._recv()
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def send(self, text, opcode=1):
        data = text.encode() if isinstance(text, str) else text
        n = len(data)
        hdr = bytes([0x80 | opcode])
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i & 3] for i, b in enumerate(data))
        self.sock.sendall(hdr + mask + masked)

    def pending(self):
        return bool(self.buf) or bool(select.select([self.sock], [], [], 0)[0])

    def recv(self):
        """One whole text message (continuations joined, pings answered)."""
        msg = b""
        while True:
            b0, b1 = self._need(2)
            op, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._need(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._need(8))[0]
            mask = self._need(4) if b1 & 0x80 else None
            data = self._need(n)
            if mask:
                data = bytes(b ^ mask[i & 3] for i, b in enumerate(data))
            if op == 8:
                raise CDPError("DevTools closed the websocket")
            if op == 9:
                self.send(data, 10)
                continue
            if op == 10:
                continue
            msg += data
            if b0 & 0x80:
                return msg.decode()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Chrome:
    def __init__(self, binary="/usr/bin/chromium", width=1280, height=900,
                 log=None, extra_args=()):
        self.profile = tempfile.mkdtemp(prefix="v720-chromium-")
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                "--mute-audio", "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + self.profile,
                "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                "--window-size=%d,%d" % (width, height)] + list(extra_args) + [
                "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=log or subprocess.DEVNULL,
                                     stderr=log or subprocess.DEVNULL,
                                     start_new_session=True)
        self.ws = None
        self.next_id = 0
        self.events = []
        try:
            self._attach()
        except BaseException:
            self.close()
            raise

    def _attach(self):
        portfile = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(portfile) or os.path.getsize(portfile) == 0:
            if self.proc.poll() is not None:
                raise CDPError("chromium exited with %d" % self.proc.returncode)
            if time.time() > deadline:
                raise CDPError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(open(portfile).read().split()[0])
        while True:
            with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port,
                                        timeout=5) as r:
                pages = [t for t in json.load(r) if t.get("type") == "page"]
            if pages:
                break
            if time.time() > deadline:
                raise CDPError("chromium has no page target")
            time.sleep(0.1)
        self.ws = WebSocket(pages[0]["webSocketDebuggerUrl"])

    def call(self, method, timeout=30, **params):
        """Send a command and return its result; events seen meanwhile queue."""
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        self.ws.sock.settimeout(timeout)
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == mid:
                if "error" in m:
                    raise CDPError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def drain(self):
        """Collect events that arrived without a command."""
        self.ws.sock.settimeout(5)
        while self.ws.pending():
            m = json.loads(self.ws.recv())
            if "method" in m:
                self.events.append(m)
        return self.events

    def eval(self, expr, timeout=30):
        """Evaluate a JavaScript expression (promises awaited), return its value."""
        r = self.call("Runtime.evaluate", timeout=timeout, expression=expr,
                      returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise CDPError("JavaScript: %s" % d.get("exception", {}).get(
                "description", d.get("text")))
        return r["result"].get("value")

    def wait(self, expr, seconds, what):
        """Poll a JavaScript expression until it is truthy; return its value."""
        deadline = time.time() + seconds
        while True:
            v = self.eval(expr)
            if v:
                return v
            if time.time() > deadline:
                raise CDPError("timed out after %gs waiting for %s" % (seconds, what))
            time.sleep(0.2)

    def click(self, selector):
        """A real mouse click (pressed + released) in the middle of an element."""
        box = self.eval("""(() => {
            const e = document.querySelector(%s);
            if (!e) return null;
            e.scrollIntoView({block: "center"});
            const r = e.getBoundingClientRect();
            return {x: r.left + r.width / 2, y: r.top + r.height / 2,
                    disabled: !!e.disabled};
        })()""" % json.dumps(selector))
        if not box:
            raise CDPError("no element %s to click" % selector)
        if box["disabled"]:
            raise CDPError("%s is disabled" % selector)
        for t in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=t, x=box["x"], y=box["y"],
                      button="left" if t != "mouseMoved" else "none",
                      clickCount=1 if t != "mouseMoved" else 0)

    def screenshot(self, path):
        r = self.call("Page.captureScreenshot", format="png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def close(self):
        if self.ws:
            self.ws.close()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
