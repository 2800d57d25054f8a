#!/usr/bin/env python3
"""The recordings timeline of the viewer page, in headless Chromium.

    check-timeline.py --url http://127.0.0.1:37040/ --cam UID --out DIR

Asserts: the camera's tile shows its timeline with at least --spans
recorded spans; a click on a span plays it back in the tile's image
(src is the playback route, a 640x480 frame decodes, the tile says
"playback from ..."); "Back to live" returns to the live stream.  No
JavaScript exception.  Screenshot in DIR/timeline.png.
"""
import argparse, json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Chrome, CDPError  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--cam", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--spans", type=int, default=2)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    a = ap.parse_args()
    tile = '[data-cam="%s"]' % a.cam
    img = tile + " .view img"
    q = json.dumps
    with open(os.path.join(a.out, "chromium-tl.log"), "wb") as clog:
        b = Chrome(a.chromium, log=clog)
    step = "loading the page"
    try:
        b.call("Runtime.enable")
        b.call("Page.enable")
        b.call("Page.navigate", url=a.url)
        b.wait("document.readyState === 'complete'", 15, "the page to load")
        step = "waiting for the timeline"
        n = b.wait("""(() => { const t = document.querySelector(%s);
            if (!t || t.hidden) return null;
            const n = t.querySelectorAll(".tl-span").length;
            return n >= %d ? n : null; })()""" % (q(tile + " .timeline"), a.spans),
                   40, "%d recorded spans in the timeline" % a.spans)
        print("timeline shows %d recorded spans" % n)
        step = "waiting for the live image"
        b.wait("""(() => { const i = document.querySelector(%s);
            return i && i.naturalWidth && /mjpeg/.test(i.src) ? 1 : null; })()"""
               % q(img), 20, "the live image")
        b.screenshot(os.path.join(a.out, "timeline.png"))

        step = "clicking the first span"
        b.click(tile + " .tl-span")
        src = b.wait("""(() => { const i = document.querySelector(%s);
            return /\\/playback\\?from=/.test(i.src) ? i.getAttribute("src") : null; })()"""
                     % q(img), 5, "the image to switch to playback")
        print("image plays back: %s" % src)
        b.wait("""(() => { const i = document.querySelector(%s);
            return i.complete && i.naturalWidth === 640 ? 1 : null; })()""" % q(img),
               15, "a played-back frame to decode")
        mode = b.eval("document.querySelector(%s).textContent" % q(tile + " .tl-mode"))
        print("tile says: %s" % mode)
        if not mode.startswith("playback from"):
            raise CDPError("tile does not say it plays back: %r" % mode)
        if b.eval("document.querySelector(%s).hidden" % q(tile + " .tl-live")):
            raise CDPError("no 'Back to live' button during playback")
        b.screenshot(os.path.join(a.out, "playback.png"))

        step = "back to live"
        b.click(tile + " .tl-live")
        b.wait("""(() => { const i = document.querySelector(%s);
            return /\\/mjpeg/.test(i.src) && i.naturalWidth ? 1 : null; })()""" % q(img),
               15, "the live stream again")
        print("back to live")
        exc = [e["params"]["exceptionDetails"] for e in b.drain()
               if e["method"] == "Runtime.exceptionThrown"]
        if exc:
            raise CDPError("JavaScript exception: %s" % json.dumps(exc[0])[:400])
    except CDPError as e:
        print("FAIL while %s: %s" % (step, e), file=sys.stderr)
        b.close()
        sys.exit(1)
    b.close()


if __name__ == "__main__":
    main()
