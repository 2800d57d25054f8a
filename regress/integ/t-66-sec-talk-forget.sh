#!/bin/sh
# Issue 17, finding 2: a talk refused (the body is no WAV: 415) keeps its
# connection while v720-web reads the rest of the body; made-up cameras
# that register and leave make the engine forget the talk's camera
# meanwhile, and the connection's close must not touch the forgotten
# camera.  Under the ASan build the old code died here with
# heap-use-after-free in talk_release; v720-web must keep its pid, serve
# on, and the log hold no sanitizer report.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

Z=GONE00000001
# The 70 made-up cameras come from one address at once.
web_start 37510 "camera connections per address 100"
start_camsim --cameras 1 --uid GONE --bootstrap "$BOOT" --fps 5 \
    --duration 600 --log "$OUT/camsim-z.log"
ZSIM=$CAMSIM_PID
web_cameras 1
kill -TERM "$ZSIM"
wait_for 15 sh -c "curl -s '$WEB/api/cameras' | grep -q '\"offline\"'" ||
    fail "camera $Z never went offline: $(curl -s "$WEB/api/cameras")"
wpid=$(web_pid) || fail "no v720-web"

# 70 made-up cameras register (and will leave): more than the engine
# keeps offline, so once they leave it forgets the oldest, Z first.  They
# register before the talk starts: v720-web drains a refused body for at
# most 20 s (WEB_TALK_TIMEOUT), and on a loaded machine registering 70
# cameras can take longer than that.
start_camsim --cameras 70 --uid MADE --bootstrap "$BOOT" --fps 1 \
    --duration 600 --log "$OUT/camsim-made.log"
MADE=$CAMSIM_PID
web_cameras 70

# The talk: 100000 bytes announced, 16 of no WAV, then a byte every 2 s.
rm -f "$OUT/stop"
$WEBCLIENT trickle 127.0.0.1 "$WEBPORT" "/api/cameras/$Z/talk" 100000 \
    "$OUT/stop" >"$OUT/trickle.out" 2>&1 &
TRICKLE=$!
CLEANUP_PIDS="$CLEANUP_PIDS $TRICKLE"
wait_for 10 sh -c "[ \"\$(curl -s '$WEB/metrics' | awk '\$1 == \"v720_web_connections\" { print \$2 }')\" -ge 2 ]" ||
    fail "the talk connection never showed"
# Its 16 bytes came with the head: the talk is refused (415) as soon as
# they are read, before the cameras leave.
kill -TERM "$MADE"
wait_for 30 sh -c "! curl -s '$WEB/api/cameras' | grep -q '$Z'" ||
    fail "the engine never forgot $Z"
grep -q "forgotten" "$OUT/v720d.log" || fail "no camera forgotten in the log"
alive "$TRICKLE" || fail "the talk connection ended early: $(cat "$OUT/trickle.out")"

# The attacker closes.
touch "$OUT/stop"
wait "$TRICKLE"
say "talk client: $(cat "$OUT/trickle.out")"
wait_for 10 sh -c "[ \"\$(curl -s '$WEB/metrics' | awk '\$1 == \"v720_web_connections\" { print \$2 }')\" = 1 ]" ||
    fail "the talk connection was never closed (or v720-web is gone): $(grep -m1 -A3 'AddressSanitizer' "$OUT/v720d.log")"

grep -q "AddressSanitizer\|runtime error" "$OUT/v720d.log" &&
    fail "$(grep -m1 -A6 'AddressSanitizer\|runtime error' "$OUT/v720d.log")"
npid=$(web_pid) || fail "v720-web is gone"
[ "$npid" = "$wpid" ] || fail "v720-web restarted ($wpid -> $npid)"
req GET "$WEB/api/cameras"
expect 200 application/json "the camera list after the talk closed"
say "v720-web kept pid $wpid after the forgotten camera's talk closed"
