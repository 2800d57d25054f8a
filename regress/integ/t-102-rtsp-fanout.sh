#!/bin/sh
# 20 RTSP clients on one camera while one interleaved client stalls (it
# sends keep-alives but never reads): the 20 keep the camera's frame rate
# and the stalled one holds a bounded amount.  A client that vanishes
# without TEARDOWN is cleaned up by the session timeout (shortened to 4 s
# by the test hook V720D_TEST_RTSP_TIMEOUT): the camera's viewer count
# goes back to what it was.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
. "$TOP/regress/integ/lib-rtsp.sh"
need_root
ensure_test_user

export V720D_TEST_HOOKS=1 V720D_TEST_RTSP_TIMEOUT=4
rtsp_start 22140 "rtsp connections per address 32"
rtsp_camera RFAN

# The engine's count (RTSP sessions included), as v720ctl shows it.
viewers() {
	"$V720CTL" -s "$OUT/ctl.sock" show camera "$C" |
	    awk '$1 == "viewers:" { print $2 }'
}

$RTSPCLIENT stall "$RTSP/$C" 120 >"$OUT/stall.out" 2>&1 &
STALL=$!
CLEANUP_PIDS="$CLEANUP_PIDS $STALL"
wait_for 15 grep -q stalled "$OUT/stall.out" || fail "stall: $(cat "$OUT/stall.out")"
sleep 3		# its socket buffers fill up

$RTSPCLIENT viewers 20 "$RTSP/$C" 8 >"$OUT/viewers" 2>&1 ||
    fail "viewers: $(cat "$OUT/viewers")"
# Each client against what camsim sent while it played.
r=$(python3 - "$OUT/viewers" "$OUT/camsim.log" "$C" <<'PY'
import json, sys
sent = [e["wall"] for e in map(json.loads, open(sys.argv[2]))
        if e.get("ev") == "frame" and e.get("cam") == sys.argv[3]]
worst = 1.0
out = []
for line in open(sys.argv[1]):
    got, t0, t1 = line.split()
    # a frame sent in the last 0.3 s may still be on its way
    n = sum(float(t0) <= t <= float(t1) - 0.3 for t in sent)
    if n < 30:
        sys.exit("camsim sent only %d frames in a client's 8 s" % n)
    worst = min(worst, int(got) / n)
    out.append("%s/%d" % (got, n))
print("%.2f %s" % (worst, " ".join(out)))
sys.exit(0 if worst >= 0.8 else 1)
PY
) || fail "a client fell behind the camera: $r"
say "20 clients, frames got/sent while each played (worst ratio first): $r"
kill -0 $STALL 2>/dev/null || fail "the stalled client is gone: $(cat "$OUT/stall.out")"
viewers_are() { [ "$(viewers)" = "$1" ]; }
rtsp=$(child_pid "$V720D_PID" rtsp) || fail "no rtsp child"
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$rtsp/status")
[ "$rss" -lt 131072 ] || fail "v720-rtsp RSS $rss kB"
if wait_for 10 viewers_are 1; then
	say "the stalled client is kept (viewers 1); v720-rtsp RSS $rss kB"
	# Frames are dropped for it once the kernel holds all it will (the
	# server's Send-Q to it stops growing) and the server's own queue
	# (2 frames) is full.  How much the kernel takes depends on its
	# buffer autotuning and the machine's pace (beside a CPU hog it took
	# every frame of the test's first 11 s), so wait for the full socket
	# and a second of frames after it rather than for a fixed time.
	sport=$(awk '/^stalled/ { print $2 }' "$OUT/stall.out")
	sendq() {
		ss -tnH state established \
		    "( sport = :$RTSPPORT and dport = :$sport )" | awk '{ print $2 }'
	}
	# full: Send-Q the same a second apart; gone: the server timed the
	# session out meanwhile (it stops reading a client it cannot answer).
	settled() {
		_q0=$(sendq); sleep 1; _q1=$(sendq)
		if [ -z "$_q1" ]; then st=gone
		elif [ "$_q0" = "$_q1" ] && [ "$_q1" -gt 0 ]; then st=full
		else st=filling; fi
		[ $st != filling ]
	}
	wait_for 6 settled ||	# 60 tries of a second or more
	    fail "the server's socket to the stalled client never filled (Send-Q $(sendq))"
	if [ $st = gone ]; then
		wait_for 5 grep -q "session .*: timed out" "$OUT/v720d.log" ||
		    fail "the stalled client's connection went without a timeout"
		say "the stalled client went unread and was timed out"
		kill $STALL
	else
		say "the server's socket to the stalled client is full: Send-Q $(sendq) bytes"
		sleep 1		# 10 frames at 10 fps; the server queues 2
		kill $STALL
		wait_for 10 grep -q "frames dropped: the client was too slow" "$OUT/v720d.log" ||
		    fail "the stalled client never lost a frame"
		say "$(grep -o "[0-9]* frames dropped: the client was too slow" "$OUT/v720d.log")"
	fi
else
	# The server stops reading a client whose answers it cannot
	# deliver; its keep-alives then go unread, and once its socket
	# buffers are full (how soon depends on the kernel's autotuning and
	# the machine's pace) the session times out (4 s here) like a
	# vanished one.  Either way it costs the others nothing (above).
	grep -q "session .*: timed out" "$OUT/v720d.log" ||
	    fail "viewers $(viewers) after the 20 left: the stalled client was neither kept nor timed out"
	say "the stalled client went unread and was timed out; v720-rtsp RSS $rss kB"
	kill $STALL
fi
wait_for 10 viewers_are 0 ||
    fail "viewers $(viewers) after the stalled client left, want 0"

# A UDP client that vanishes: its session lives until the timeout.
t0=$(date +%s)
$RTSPCLIENT vanish "$RTSP/$C" >"$OUT/vanish.out" 2>&1 ||
    fail "vanish: $(cat "$OUT/vanish.out")"
wait_for 3 viewers_are 1 ||
    fail "the vanished client's session was never counted (viewers $(viewers))"
wait_for 20 viewers_are 0 ||
    fail "the vanished client's session was never timed out (viewers $(viewers))"
t1=$(date +%s)
[ $((t1 - t0)) -ge 3 ] || fail "session ended after $((t1 - t0)) s, before its 4 s timeout"
grep -q "session .*: timed out" "$OUT/v720d.log" || fail "no timeout in the log"
say "a vanished UDP client was timed out after $((t1 - t0)) s (timeout 4 s)"
say "ok"
