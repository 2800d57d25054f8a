#!/bin/sh
# MJPEG fan-out: parts byte-identical to what camsim sent, in order; 20
# concurrent viewers all get the frames while a viewer that never reads
# is skipped (bounded) and does not slow them.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

web_start 22020
start_camsim --cameras 1 --uid WMJP --bootstrap "$BOOT" --fps 10 \
    --duration 600 --log "$OUT/camsim.log"
web_cameras 1
C=WMJP00000001

# One viewer, 30 parts: each one a frame camsim sent, in the order sent.
r=$($WEBCLIENT mjpeg "$WEB/api/cameras/$C/mjpeg" 15 --max 30 --hashes "$OUT/h") ||
    fail "mjpeg: $r"
[ "$(wc -l <"$OUT/h")" -eq 30 ] || fail "30 parts wanted: $r"
sent_hashes $C >"$OUT/sent"
python3 - "$OUT/h" "$OUT/sent" <<'PY' || fail "parts do not match the frames sent"
import sys
got = open(sys.argv[1]).read().split()
sent = open(sys.argv[2]).read().split()
# The first part may be the newest frame from before; the rest follow it.
i = sent.index(got[0])
want = sent[i:i + len(got)]
missing = [g for g in got if g not in sent]
if missing:
    sys.exit("not sent: %s" % missing[:3])
if got != want:
    sys.exit("out of order or skipped: got %d, want %d in sequence" % (len(got), len(want)))
PY
say "30 parts byte-identical to camsim's frames, in order ($r)"

# A viewer that never reads: its socket buffers fill up.
$WEBCLIENT stall 127.0.0.1 "$WEBPORT" "/api/cameras/$C/mjpeg" 60 >"$OUT/stall.out" &
STALL=$!
CLEANUP_PIDS="$CLEANUP_PIDS $STALL"
sleep 4
skip0=$(metric "v720_web_frames_skipped_total{camera=\"$C\"}")

# 20 viewers for 8 s, while the stalled one is still connected, each
# held to the frames camsim sent while it was open (viewershare.py).
$WEBCLIENT viewers 20 "$WEB/api/cameras/$C/mjpeg" 8 --log "$OUT/viewers.json" \
    >"$OUT/viewers" || fail "viewers: $(cat "$OUT/viewers")"
python3 "$TOP/regress/integ/viewershare.py" "$OUT/camsim.log" "$C" \
    "$OUT/viewers.json" >"$OUT/viewers.check" 2>&1 ||
    fail "$(cat "$OUT/viewers.check")"
say "viewers got: $(cat "$OUT/viewers"); $(cat "$OUT/viewers.check")"
kill -0 $STALL 2>/dev/null || fail "the stalled viewer was not kept"
skip1=$(metric "v720_web_frames_skipped_total{camera=\"$C\"}")
[ "$skip1" -gt "$skip0" ] || fail "stalled viewer never skipped frames ($skip0 -> $skip1)"
viewers=$(metric "v720_camera_viewers{camera=\"$C\"}")
say "stalled viewer: $((skip1 - skip0)) frames skipped during the window; viewers now $viewers"
[ "$viewers" -eq 1 ] || fail "viewer count $viewers, want 1 (the stalled one)"

# Memory stays bounded: the web process holds at most a few frames per viewer.
web=$(web_pid)
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$web/status")
say "v720-web RSS ${rss} kB"
[ "$rss" -lt 65536 ] || fail "v720-web RSS $rss kB"

kill $STALL 2>/dev/null
wait_for 5 sh -c "[ \"\$(curl -s '$WEB/metrics' | awk '\$1 == \"v720_camera_viewers{camera=\\\"$C\\\"}\" { print \$2 }')\" = 0 ]" ||
    fail "viewer count did not drop to 0"
say "ok"
