#!/bin/sh
# Issue 17, finding 1: a playback viewer that reads the head, takes
# nothing for 10 s (a phone on weak Wi-Fi), then reads at full speed must
# get its playback and must not take v720-web down: another camera's
# MJPEG viewer keeps its connection and its frames, v720-web its pid.
# Before the fix v720-web asked the recorder for another batch on every
# frame while it caught up, and ended with "recorder sent more than asked".
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

R=$OUT/recordings
C=PAUS00000001
L=LIVE00000001
web_start 37500 "recordings \"$R\"
record segment 3
camera \"$C\" {
	record always
	motion off
}"
# 25 frames a second of 23-30 KB: the 10 s pause leaves ~7 MB due, more
# than v720-web buffers for one connection (2 MB) and the sockets hold.
start_camsim --cameras 1 --uid PAUS --bootstrap "$BOOT" --fps 25 \
    --duration 14 --log "$OUT/camsim.log"
REC_PID=$CAMSIM_PID
start_camsim --cameras 1 --uid LIVE --bootstrap "$BOOT" --fps 10 \
    --duration 600 --log "$OUT/camsim-live.log"
web_cameras 2
wait_for 40 sh -c "! kill -0 $REC_PID 2>/dev/null" || fail "camsim did not end"
# The recorder closes the last file once the camera is gone.
wait_for 30 sh -c "curl -s '$WEB/api/cameras/$C/recordings' | python3 -c '
import json, sys
j = json.load(sys.stdin)
sys.exit(0 if j and not any(f[\"recording\"] for f in j) else 1)'" ||
    fail "the recordings never closed: $(curl -s "$WEB/api/cameras/$C/recordings")"
req GET "$WEB/api/cameras/$C/recordings"
expect 200 application/json "recordings"
from=$(python3 -c "import json; print('%.3f' % (json.load(open('$OUT/body'))[0]['start'] - 0.01))")
want=$(python3 -c "import json; print(sum(f['frames'] for f in json.load(open('$OUT/body'))))")
[ "$want" -ge 250 ] || fail "only $want frames recorded"
wpid=$(web_pid) || fail "no v720-web"

$WEBCLIENT mjpeg "$WEB/api/cameras/$L/mjpeg" 300 --times "$OUT/live.times" \
    >"$OUT/live.out" 2>&1 &
LIVE=$!
CLEANUP_PIDS="$CLEANUP_PIDS $LIVE"
wait_for 10 test -s "$OUT/live.times" || fail "the live viewer got no frame"

r=$($WEBCLIENT pause "$WEB/api/cameras/$C/playback?from=$from" 10 60) ||
    fail "playback: $r"
tend=$(date +%s.%N)
say "the paused playback viewer got: $r (of $want frames recorded)"

npid=$(web_pid) || fail "v720-web is gone: $(grep -m1 'more than asked' "$OUT/v720d.log")"
[ "$npid" = "$wpid" ] || fail "v720-web restarted ($wpid -> $npid): $(grep -m1 'more than asked' "$OUT/v720d.log")"
set -- $r
[ "$6" = 1 ] || fail "the playback did not end with its closing delimiter: $r"
[ "$2" = "$want" ] || fail "the playback sent $2 of the $want frames recorded"

# The live viewer, open all along, keeps getting frames after it.
wait_for 10 sh -c "awk -v t=$tend '\$1 > t { n++ } END { exit n >= 5 ? 0 : 1 }' '$OUT/live.times'" ||
    fail "the live viewer got no frames after the playback: $(tail -n 1 "$OUT/live.times"), $(cat "$OUT/live.out")"
alive "$LIVE" || fail "the live viewer's connection ended: $(cat "$OUT/live.out")"
say "v720-web kept pid $wpid; the live viewer has $(wc -l <"$OUT/live.times") frames, still streaming"
say "surplus frames dropped: $(metric v720_web_playback_surplus_frames_total)"
