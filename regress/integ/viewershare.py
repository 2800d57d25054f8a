#!/usr/bin/env python3
"""Did each MJPEG viewer get the frames camsim sent while it was open?

  viewershare.py CAMSIM_LOG CAM VIEWERS_LOG [PERCENT]

VIEWERS_LOG is what "webclient.py viewers ... --log" wrote.  Each viewer
is held to the frames camsim sent while it was open, not to a window of
the test's: from the frame of its first part to its close less the
longest a part of its took from camsim to it (camsim's log and the
viewer's times are on the same wall clock).  Under load viewers open
late and parts arrive late; neither is a frame lost.  Every part must be
a frame camsim sent, in the order sent; each viewer must have got
PERCENT (80) of its frames, of at least 20.  Prints the worst viewer's
share; exits 1 with the reason otherwise.
"""
import json
import sys

pct = int(sys.argv[4]) if len(sys.argv) > 4 else 80
sent = [e for e in map(json.loads, open(sys.argv[1]))
        if e.get("ev") == "frame" and e.get("cam") == sys.argv[2]]
worst = None
for v in map(json.loads, open(sys.argv[3])):
    # Each part a frame camsim sent, after the previous part's frame.
    j, got = -1, []
    for h, t in v["parts"]:
        j = next((k for k in range(j + 1, len(sent)) if sent[k]["sha256"] == h), None)
        if j is None:
            sys.exit("viewer %d: part %d not sent, or out of order" % (v["viewer"], len(got)))
        got.append((sent[j]["wall"], t))
    if not got:
        sys.exit("viewer %d: no part at all" % v["viewer"])
    lat = max(t - w for w, t in got)
    lo, hi = got[0][0], v["close"] - lat
    want = sum(lo <= e["wall"] <= hi for e in sent)
    have = sum(lo <= w <= hi for w, t in got)
    if want < 20:
        sys.exit("viewer %d: only %d frames sent while it was open "
                 "(%.2f..%.2f, latency up to %.2f s)" % (v["viewer"], want, lo, hi, lat))
    if have < want * pct // 100:
        sys.exit("viewer %d got %d of the %d frames camsim sent while it was open "
                 "(latency up to %.2f s)" % (v["viewer"], have, want, lat))
    if worst is None or have / want < worst[0]:
        worst = (have / want, have, want, lat)
print("the worst viewer got %d of the %d frames sent while it was open "
      "(latency up to %.2f s)" % worst[1:])
