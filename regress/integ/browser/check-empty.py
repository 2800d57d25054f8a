#!/usr/bin/env python3
"""The viewer's empty state in headless Chromium (t-56).

With no camera: the set-up steps (the v720ctl ap command, the dnsmasq and
hosts-file lines with this server's address, the ports) and "nothing has
contacted v720d yet".  Then --boot runs (a source that stops at the
bootstrap) and its row must appear with its stage and hint; then --camera
runs (a real camera, in the background) and its tile must appear, the
empty state go away.
"""
import argparse, json, os, shlex, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Chrome, CDPError  # noqa: E402


def text(b, sel):
    return b.eval("(() => { const e = document.querySelector(%s); "
                  "return e ? e.textContent : null; })()" % json.dumps(sel))


def visible(sel):
    return ("(() => { const e = document.querySelector(%s); return !!e && "
            "!e.closest('[hidden]') && e.getClientRects().length > 0; })()"
            % json.dumps(sel))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--addr", required=True, help="server address the steps name")
    ap.add_argument("--ports", required=True, help="text the ports step must hold")
    ap.add_argument("--boot", required=True, help="command: a bootstrap-only source")
    ap.add_argument("--boot-addr", required=True)
    ap.add_argument("--hint", required=True, help="part of the bootstrap hint")
    ap.add_argument("--camera", required=True, help="command: a camera (background)")
    ap.add_argument("--cam", required=True, help="its id")
    ap.add_argument("--configured", help="a configured camera that never connects")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    a = ap.parse_args()
    cam = None
    step = "starting chromium"
    with open(os.path.join(a.out, "chromium.log"), "wb") as clog:
        b = Chrome(a.chromium, log=clog)
    try:
        step = "loading the page"
        b.call("Runtime.enable")
        b.call("Page.enable")
        b.call("Page.navigate", url=a.url)
        b.wait("document.readyState === 'complete'", 15, "the page to load")

        step = "the set-up steps"
        b.wait(visible("#empty"), 15, "the empty state")
        want_dns = "address=/naxclow.com/" + a.addr
        b.wait("document.getElementById('step-dnsmasq').textContent === %s"
               % json.dumps(want_dns), 15, "the dnsmasq line " + want_dns)
        got = text(b, "#step-ap")
        if got != 'v720ctl ap wifi "YOUR-WIFI" "YOUR-WIFI-PASSWORD"':
            raise CDPError("AP step shows %r" % got)
        hosts = text(b, "#step-hosts").split("\n")
        want = [a.addr + " " + n for n in ("v720.naxclow.com",
                "v720.p2p.naxclow.com", "p2p.v720.naxclow.com",
                "dl2.naxclow.com", "home.naxclow.com")]
        if hosts != want:
            raise CDPError("hosts step shows %r, want %r" % (hosts, want))
        ports = text(b, "#step-ports")
        if a.ports not in ports:
            raise CDPError("ports step shows %r, want %r in it" % (ports, a.ports))
        if not b.eval(visible("#src-none")):
            raise CDPError("'nothing has contacted' is not shown")
        if a.configured:
            # Its offline tile is there, and so is the help.
            b.wait("!!document.querySelector('[data-cam=\"%s\"]')" % a.configured,
                   10, "the tile of the configured camera")
            title = text(b, "#empty-title")
            if title != "No camera has connected yet":
                raise CDPError("empty state title %r" % title)
        for sel in ("#step-ap", "#step-dnsmasq", "#step-hosts", "#step-ports"):
            if not b.eval(visible(sel)):
                raise CDPError("%s is not visible" % sel)
        print("steps: %r, %r, %d hosts lines, ports %r" % (got, want_dns,
              len(hosts), ports))
        b.screenshot(os.path.join(a.out, "empty.png"))

        step = "a source at the bootstrap"
        subprocess.run(shlex.split(a.boot), check=True,
                       stdout=subprocess.DEVNULL, timeout=20)
        row = '#sources tr[data-address="%s"]' % a.boot_addr
        b.wait(visible(row), 15, "the row of " + a.boot_addr)
        stage = text(b, row + " .stage")
        hint = text(b, row + " .hint")
        if stage != "bootstrap" or a.hint not in hint:
            raise CDPError("row of %s: stage %r hint %r" % (a.boot_addr, stage, hint))
        if b.eval(visible("#src-none")):
            raise CDPError("'nothing has contacted' still shown")
        print("source %s: %s: %s" % (a.boot_addr, stage, hint))
        b.screenshot(os.path.join(a.out, "source.png"))

        step = "the camera arrives"
        cam = subprocess.Popen(shlex.split(a.camera), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        tile = '[data-cam="%s"]' % a.cam
        b.wait("!!document.querySelector(%s)" % json.dumps(tile), 20,
               "the tile of " + a.cam)
        b.wait("document.getElementById('empty').hidden", 5, "the empty state to go")
        print("camera %s: tile shown, empty state gone" % a.cam)
        b.screenshot(os.path.join(a.out, "camera.png"))
        return 0
    except (CDPError, subprocess.SubprocessError, OSError) as e:
        print("FAIL while %s: %s" % (step, e))
        try:
            b.screenshot(os.path.join(a.out, "fail.png"))
        except Exception:
            pass
        return 1
    finally:
        if cam is not None:
            cam.terminate()
            cam.wait(5)
        b.close()


if __name__ == "__main__":
    sys.exit(main())
