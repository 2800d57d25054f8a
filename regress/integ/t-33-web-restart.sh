#!/bin/sh
# kill -9 of v720-web: the parent restarts it, the camera stays connected
# to the engine, and streams resume for new viewers; the restart shows in
# /metrics.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

web_start 22040
start_camsim --cameras 2 --uid WRST --bootstrap "$BOOT" --fps 10 \
    --duration 600 --log "$OUT/camsim.log"
web_cameras 2
C=WRST00000001

r=$($WEBCLIENT mjpeg "$WEB/api/cameras/$C/mjpeg" 5 --max 10) || fail "before: $r"
say "before: $r"
# A viewer that is connected while the process dies.
$WEBCLIENT mjpeg "$WEB/api/cameras/$C/mjpeg" 30 >"$OUT/victim" &
VICTIM=$!
sleep 1
old=$(web_pid) || fail "no v720-web"
engine=$(child_pid "$V720D_PID" engine)
kill -9 "$old"
wait_for 15 sh -c "p=\$(ps -o pid= --ppid $V720D_PID | tr -d ' ' | while read c; do tr '\\0' ' ' </proc/\$c/cmdline | grep -q v720-web && echo \$c; done); [ -n \"\$p\" ] && [ \"\$p\" != $old ]" ||
    fail "v720-web was not restarted"
new=$(web_pid)
say "v720-web $old killed, restarted as $new"
[ "$(child_pid "$V720D_PID" engine)" = "$engine" ] || fail "the engine was restarted too"
wait $VICTIM
say "the viewer of the dead process saw: $(cat "$OUT/victim")"

wait_for 10 curl -sf -o /dev/null "$WEB/api/cameras/$C" || fail "no answer after restart"
# State comes back from the engine: both cameras listed, not offline.
web_cameras 2
# New viewers get frames again, byte-identical to what camsim sends.
r=$($WEBCLIENT mjpeg "$WEB/api/cameras/$C/mjpeg" 10 --max 20 --hashes "$OUT/h") ||
    fail "after: $r"
[ "$(wc -l <"$OUT/h")" -eq 20 ] || fail "after restart: $r"
sent_hashes $C >"$OUT/sent"
grep -vxF -f "$OUT/sent" "$OUT/h" && fail "part not sent by camsim"
req GET "$WEB/api/cameras/$C/snapshot"
expect 200 image/jpeg "snapshot after restart"
say "after: $r"
wait_for 5 sh -c "[ \"\$(curl -s '$WEB/metrics' | awk '\$1 == \"v720_process_restarts_total{process=\\\"web\\\"}\" { print \$2 }')\" = 1 ]" ||
    fail "metrics: $(curl -s "$WEB/metrics" | grep restarts)"
say "ok"
