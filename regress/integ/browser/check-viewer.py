#!/usr/bin/env python3
"""Load the viewer page in headless Chromium and check what a user sees.

    check-viewer.py --url http://127.0.0.1:22900/ --cam UID --out DIR
                    [--log FILE --expect '{"ev":"forward","code":202}']

Asserts: the camera's tile shows up with its live <img> decoded at 640x480
and changing over time, the tile's state turns "streaming" (within 1 s
of the first frame, not at the next poll), camera strings
are shown as text (--name), every setting and action the camera object
lists in "settings" has its row (label, a control per choice), a click on "Snapshot" downloads a 640x480 JPEG,
a real mouse click on "IR LED On" is answered and, with --log, a new line
in FILE then matches every key/value of --expect; with --audio, "Listen"
gets PCM flowing into Web Audio; the page loads nothing from anywhere but
its own origin and throws no JavaScript exception.  Screenshots (desktop
and phone width) go to DIR.  Exit 0 on success, 1 with a line on stderr otherwise.
"""
import argparse, json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Chrome, CDPError  # noqa: E402

# The current frame of an <img>, scaled down, hashed (FNV-1a over RGB).
FRAME_HASH = """(() => {
    const img = document.querySelector(%s);
    if (!img || !img.complete || !img.naturalWidth) return null;
    const c = document.createElement("canvas");
    c.width = 80; c.height = 60;
    const g = c.getContext("2d", {willReadFrequently: true});
    g.drawImage(img, 0, 0, 80, 60);
    const d = g.getImageData(0, 0, 80, 60).data;
    let h = 0x811c9dc5;
    for (let i = 0; i < d.length; i++) {
        if ((i & 3) === 3) continue;
        h = Math.imul(h ^ d[i], 16777619) >>> 0;
    }
    return h.toString(16);
})()"""


def jpeg_size(data):
    """(width, height) from a baseline or progressive JPEG's SOF, or None."""
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker, seglen = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return (int.from_bytes(data[i + 7:i + 9], "big"),
                    int.from_bytes(data[i + 5:i + 7], "big"))
        i += 2 + seglen
    return None


def log_lines(path, start):
    try:
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read()
    except FileNotFoundError:
        return []
    out = []
    for line in data.decode(errors="replace").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--cam", required=True, help="camera id")
    ap.add_argument("--out", required=True, help="directory for screenshots")
    ap.add_argument("--name", help="camera name the tile must show, verbatim")
    ap.add_argument("--log", help="JSON-lines log to watch after the click")
    ap.add_argument("--expect", default="{}", help="JSON object a new log line must match")
    ap.add_argument("--audio", action="store_true", help="also check live audio")
    ap.add_argument("--rtsp", help="RTSP URL the tile must show with a copy button")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    a = ap.parse_args()
    expect = json.loads(a.expect)
    origin = a.url.split("/", 3)
    origin = "/".join(origin[:3]) + "/"

    tile = '[data-cam="%s"]' % a.cam.replace("\\", "\\\\").replace('"', '\\"')
    img = tile + " .view img"
    step = "starting chromium"
    with open(os.path.join(a.out, "chromium.log"), "wb") as clog:
        b = Chrome(a.chromium, log=clog)
    try:
        step = "loading the page"
        b.call("Network.enable")
        b.call("Runtime.enable")
        b.call("Page.enable")
        b.call("Page.navigate", url=a.url)
        b.wait("document.readyState === 'complete'", 15, "the page to load")
        print("page loaded: %s" % b.eval("document.title"))

        step = "waiting for the camera's tile"
        b.wait("!!document.querySelector(%s)" % json.dumps(tile), 15,
               "the tile of camera %s" % a.cam)
        if a.name is not None:
            shown = b.eval("document.querySelector(%s).textContent" %
                           json.dumps(tile + " .name"))
            if shown != a.name:
                raise CDPError("tile shows name %r, want %r" % (shown, a.name))
            if b.eval("document.querySelector(%s).children.length" %
                      json.dumps(tile + " .name")):
                raise CDPError("the camera name was parsed as HTML")
            print("name shown as text: %r" % shown)

        if a.rtsp is not None:
            step = "the tile's RTSP URLs"
            want = [a.rtsp, a.rtsp + "/h264"]
            codes = json.dumps(tile + " .rtsp code")
            got = b.wait("(() => { const c = [...document.querySelectorAll(%s)]"
                         ".map(e => e.textContent); return c.length ? c : null; })()"
                         % codes, 15, "the RTSP URLs in the tile")
            if got != want:
                raise CDPError("tile shows RTSP URLs %r, want %r" % (got, want))
            # Copy: to the clipboard, or (no permission) selected for Ctrl+C.
            btn = tile + " .rtsp .url:first-child button"
            b.click(btn)
            said = b.wait("(() => { const t = document.querySelector(%s).textContent;"
                          " return t !== 'Copy' ? t : null; })()" % json.dumps(btn),
                          5, "the copy button to answer")
            if said == "Selected":
                sel = b.eval("window.getSelection().toString()")
                if sel != a.rtsp:
                    raise CDPError("copy selected %r, want %r" % (sel, a.rtsp))
            elif said != "Copied":
                raise CDPError("copy button says %r" % said)
            print("RTSP URLs shown: %s; copy: %s" % (" ".join(got), said))

        step = "waiting for the live image"
        size = b.wait("""(() => { const i = document.querySelector(%s);
            return i && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : null;
            })()""" % json.dumps(img), 20, "the live image to decode")
        print("live image %dx%d" % tuple(size))
        if size != [640, 480]:
            raise CDPError("live image is %dx%d, want 640x480" % tuple(size))
        # The first frame marks the tile streaming at once, not at the
        # page's next poll (every 2 s).
        step = "the tile says streaming with its first frame"
        b.wait("document.querySelector(%s).textContent === 'streaming'" %
               json.dumps(tile + " .state"), 1,
               "state 'streaming' within 1 s of the first frame")

        step = "checking that the image changes"
        # Frames keep arriving: the picture changes at least 4 times in 10 s.
        hashes, seq, changes, last, t0 = [], [], 0, None, time.time()
        while time.time() < t0 + 10 and changes < 4:
            h = b.eval(FRAME_HASH % json.dumps(img))
            seq.append("%.1f:%s" % (time.time() - t0, h and h[:4]))
            if h and last and h != last:
                changes += 1
            last = h or last
            if h and h not in hashes:
                hashes.append(h)
            time.sleep(0.17)
        print("picture changed %d times in %.1f s, %d distinct frames (%s)" %
              (changes, time.time() - t0, len(hashes), " ".join(hashes)))
        if changes < 4:
            print("samples: " + " ".join(seq))
            print("img: %s" % json.dumps(b.eval("""(() => {
                const i = document.querySelector(%s);
                return {src: i.getAttribute("src"), complete: i.complete,
                        w: i.naturalWidth, conn: document.getElementById("conn").textContent};
                })()""" % json.dumps(img))))
            raise CDPError("the live image did not keep changing (%d changes in 10 s)"
                           % changes)

        step = "waiting for the tile to say streaming"
        b.wait("document.querySelector(%s).textContent === 'streaming'" %
               json.dumps(tile + " .state"), 10, "state 'streaming' in the tile")
        stats = b.eval("""(() => { const t = document.querySelector(%s);
            const o = {};
            for (const k of ["state", "battery", "fps", "viewers", "firmware"])
                o[k] = t.querySelector("." + k).textContent;
            return o; })()""" % json.dumps(tile))
        print("tile shows: %s" % json.dumps(stats))

        b.screenshot(os.path.join(a.out, "screenshot.png"))

        step = "a settings row for every setting the camera object lists"
        # The rows come from the object's "settings": each setting a row
        # with its label and a control for each choice, each action a
        # button in the actions row, and no row for anything else.
        rows = b.wait("""(async () => {
            const r = await fetch("/api/cameras/" + encodeURIComponent(%s),
                                  {cache: "no-store"});
            const c = await r.json(), tile = document.querySelector(%s);
            const bad = [], acts = [];
            if (!Array.isArray(c.settings) || c.settings.length < 4)
                return null;
            for (const s of c.settings) {
                if (s.kind === "action") {
                    if (!c.actions.includes(s.key)) bad.push(s.key + " not an action");
                    const b = [...tile.querySelectorAll(
                        '[data-setting="actions"] button[data-action]')]
                        .find(e => e.dataset.key === s.key);
                    if (!b || b.textContent !== s.label || b.hidden)
                        bad.push("action " + s.key);
                    acts.push(s.key);
                    continue;
                }
                if (!(s.key in c)) bad.push(s.key + " not a member");
                const row = [...tile.querySelectorAll(".row[data-setting]")]
                    .find(e => e.dataset.setting === s.key);
                if (!row || row.querySelector(".label").textContent !== s.label) {
                    bad.push("row " + s.key);
                    continue;
                }
                const vals = [...row.querySelectorAll("button[data-key], option")]
                    .map(e => e.dataset.val ?? e.value).filter(v => v !== "");
                if (JSON.stringify(vals) !== JSON.stringify(s.choices))
                    bad.push(s.key + " choices " + vals.join(","));
            }
            const n = c.settings.length - acts.length + (acts.length ? 1 : 0);
            if (tile.querySelectorAll(".row[data-setting]").length !== n)
                bad.push("rows " + tile.querySelectorAll(".row[data-setting]").length +
                         ", want " + n);
            if (bad.length) return {bad};
            return c.settings.map(s => s.key);
            })()""" % (json.dumps(a.cam), json.dumps(tile)), 10,
            "a row for each of the camera's settings")
        if isinstance(rows, dict):
            raise CDPError("settings rows do not match the camera object: %s"
                           % "; ".join(rows["bad"]))
        print("a row for each of %d settings: %s" % (len(rows), " ".join(rows)))

        step = "downloading a snapshot"
        dl = os.path.join(a.out, "downloads")
        os.makedirs(dl, exist_ok=True)
        b.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=dl)
        b.click(tile + " .snapshot")
        deadline = time.time() + 15
        while True:
            done = [f for f in os.listdir(dl) if f.endswith(".jpg")]
            if done:
                break
            if time.time() > deadline:
                raise CDPError("no snapshot downloaded into %s" % dl)
            time.sleep(0.2)
        with open(os.path.join(dl, done[0]), "rb") as f:
            size = jpeg_size(f.read())
        print("snapshot downloaded: %s %s" % (done[0], size))
        if size != (640, 480):
            raise CDPError("snapshot %s is not a 640x480 JPEG" % done[0])

        step = "clicking IR LED on"
        start = os.path.getsize(a.log) if a.log and os.path.exists(a.log) else 0
        button = tile + ' button[data-key="ir_led"][data-val="on"]'
        b.click(button)
        clicked = time.time()
        msg = b.wait("""(() => { const m = document.querySelector(%s).textContent;
            return /sent|failed/.test(m) ? m : null; })()""" %
                     json.dumps(tile + " .msg"), 15, "the answer to the click")
        print("tile says: %s" % msg)
        if "failed" in msg:
            raise CDPError("the setting was refused: %s" % msg)
        if b.eval("document.querySelector(%s).getAttribute('aria-pressed')" %
                  json.dumps(button)) != "true":
            raise CDPError("the IR LED On button is not shown as pressed")
        if a.log:
            step = "waiting for the camera to get the command"
            deadline = time.time() + 10
            while True:
                hit = [m for m in log_lines(a.log, start)
                       if all(m.get(k) == v for k, v in expect.items())]
                if hit:
                    print("camera got: %s" % json.dumps(hit[0]))
                    break
                if time.time() > deadline:
                    raise CDPError("no line matching %s in %s after the click"
                                   % (json.dumps(expect), a.log))
                time.sleep(0.2)

        if a.audio:
            step = "listening"
            # Count the PCM buffers the page queues into Web Audio.
            b.eval("""(() => { const P = AudioBufferSourceNode.prototype, o = P.start;
                window.v720buffers = 0;
                P.start = function (...x) { window.v720buffers++; return o.apply(this, x); };
                })()""")
            t0 = time.time()
            b.click(tile + " .audio")
            n = b.wait("window.v720buffers >= 10 && window.v720buffers", 15,
                       "audio to play")
            print("audio playing: %d buffers queued in %.1f s" % (n, time.time() - t0))
            b.click(tile + " .audio")
            b.wait("document.querySelector(%s).getAttribute('aria-pressed') === 'false'"
                   % json.dumps(tile + " .audio"), 5, "audio to stop")

        step = "checking the setting stays shown"
        time.sleep(max(0, 2.5 - (time.time() - clicked)))
        if b.eval("document.querySelector(%s).getAttribute('aria-pressed')" %
                  json.dumps(button)) != "true":
            raise CDPError("IR LED On no longer shown as chosen after a poll")

        step = "phone-width screenshot"
        b.call("Emulation.setDeviceMetricsOverride", width=390, height=844,
               deviceScaleFactor=2, mobile=True)
        b.wait("""(() => { const i = document.querySelector(%s);
            return i && i.getBoundingClientRect().width <= 390; })()""" %
               json.dumps(img), 5, "the phone layout")
        b.eval("document.querySelector(%s).scrollIntoView()" % json.dumps(tile))
        time.sleep(0.5)
        b.screenshot(os.path.join(a.out, "screenshot-phone.png"))

        step = "checking requests and errors"
        ev = b.drain()
        urls = sorted({e["params"]["request"]["url"] for e in ev
                       if e["method"] == "Network.requestWillBeSent"})
        foreign = [u for u in urls if not (u.startswith(origin) or
                                           u.startswith("data:"))]
        print("requests: %d distinct URLs" % len(urls))
        if foreign:
            raise CDPError("page loaded foreign resources: %s" % ", ".join(foreign))
        exc = [e["params"]["exceptionDetails"] for e in ev
               if e["method"] == "Runtime.exceptionThrown"]
        if exc:
            raise CDPError("JavaScript exception: %s" % json.dumps(exc[0])[:400])
        if b.eval("typeof window.pwned") != "undefined":
            raise CDPError("camera-provided text ran as script")
    except (CDPError, OSError, ValueError) as e:
        try:
            b.screenshot(os.path.join(a.out, "screenshot-fail.png"))
        except Exception:
            pass
        print("FAIL while %s: %s" % (step, e), file=sys.stderr)
        return 1
    finally:
        b.close()
    print("viewer OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
