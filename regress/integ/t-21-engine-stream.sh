#!/bin/sh
# Camera engine end to end, as root with privilege separation: 5 camsim
# cameras register through the HTTP bootstrap, viewers open MJPEG streams
# (on demand), and every frame that comes out is byte-identical to one
# camsim sent (sha256 in camsim's log), in order, at >= 9 fps per camera.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
need_python

engine_conf 21010
engine_start
start_camsim --cameras 5 --uid 0800e --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 60 --log "$OUT/camsim.log"

for u in $(uids 0800e 5); do
	wait_for 10 cam_is "$u" online || fail "camera $u did not register"
done
say "5 cameras online"

pids=
for u in $(uids 0800e 5); do
	python3 "$CHECK" mjpeg \
	    "http://127.0.0.1:$WEB_PORT/api/cameras/$u/mjpeg" 8 \
	    "$OUT/mjpeg.$u" &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "MJPEG reader failed"; done

rc=0
for u in $(uids 0800e 5); do
	python3 "$CHECK" frames "$OUT/camsim.log" "$u" "$OUT/mjpeg.$u" 9 0.95 ||
	    rc=1
done
[ $rc = 0 ] || fail "frames not as sent"

# The engine's own counters agree: frames, no drops, confirmations sent.
u=$(uids 0800e 1)
ctl show camera "$u" >"$OUT/show.$u" || fail "show camera"
[ "$(cam_field "$u" dropped)" = 0 ] || fail "engine dropped frames"
[ "$(cam_field "$u" frames)" -gt 50 ] || fail "engine counted few frames"
[ "$(cam_field "$u" confirmations)" -gt 50 ] || fail "few 605s sent"
[ "$(cam_field "$u" firmware)" = 202212011602 ] || fail "no base info"
kill -0 "$ENGINE_PID" || fail "engine died"
say "ok"
