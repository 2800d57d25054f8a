#!/bin/sh
# The recordings timeline in a real browser: headless Chromium loads the
# viewer of a recording camera; its tile shows the recorded spans of the
# last 24 hours; a click on one plays the recording back in the tile
# (the playback route, 640x480 frames) and "Back to live" returns to the
# live stream (regress/integ/browser/check-timeline.py).
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM (Debian package chromium)"

C=BTLA00000001
web_start 37040 "recordings \"$OUT/recordings\"
record segment 3
camera \"$C\" {
	record always
	motion off
}"
start_camsim --cameras 1 --uid BTLA --bootstrap "$BOOT" --fps 10 \
    --duration 600 --log "$OUT/camsim.log"
web_cameras 1
# Two closed files before the page loads.
wait_for 20 sh -c "curl -s '$WEB/api/cameras/$C/recordings' | python3 -c '
import json, sys
sys.exit(0 if sum(not r[\"recording\"] for r in json.load(sys.stdin)) >= 2 else 1)'" ||
    fail "no recordings: $(curl -s "$WEB/api/cameras/$C/recordings")"
python3 "$TOP/regress/integ/browser/check-timeline.py" --url "$WEB/" --cam "$C" \
    --out "$OUT" --chromium "$CHROMIUM" || fail "timeline check failed"
grep -q "playback" "$OUT/v720d.log" || true
say "timeline shows the spans, plays back a clip, returns to live"
