#!/bin/sh
# No leaks and no memory errors in any of the three processes over a run
# that registers cameras, streams, serves MJPEG, snapshots and control
# requests, reloads and stops.  Normal build: all three under valgrind.
# ASan build: LeakSanitizer.  Runs as an ordinary user, because neither
# tool can inspect a process that dropped privileges.
. "$TOP/regress/integ/lib.sh"
need_root
ensure_test_user
uid=$(id -u "$TEST_USER")
gid=$(id -g "$TEST_USER")
work=$(mktemp -d /tmp/v720d-leaks.XXXXXX)
chmod 755 "$work"
chown "$TEST_USER" "$work"
conf=$work/v720d.conf
cat >"$conf" <<CONF
camera listen on 127.0.0.1 port 20201
bootstrap listen on 127.0.0.1 port 20202
web listen on 127.0.0.1 port 20203
control socket "$work/ctl.sock"
camera "0800c0000001" {
	stream always
}
CONF
chown "$TEST_USER" "$conf"
asan=0
nm "$V720D" 2>/dev/null | grep -q __asan_init && asan=1
# Not a shell function: $! must be the daemon's own pid.  The seccomp
# filters stay off here (V720D_SANDBOX=off, see v720d(8)): valgrind makes
# its own system calls inside the filtered process, LeakSanitizer stops
# the world with ptrace at exit.  Every other test runs with them on.
export V720D_SANDBOX=off
as_user="setpriv --reuid=$uid --regid=$gid --clear-groups"
if [ $asan -eq 1 ]; then
	ASAN_OPTIONS=detect_leaks=1 $as_user "$V720D" -d -f "$conf" >"$OUT/v720d.log" 2>&1 &
	patience=10
else
	command -v valgrind >/dev/null || fail "valgrind missing"
	V720D_STOP_GRACE_MS=30000 V720D_PING_WAIT_MS=60000 $as_user valgrind --trace-children=yes --leak-check=full \
	    --show-leak-kinds=definite,indirect --log-file="$work/vg.%p" \
	    "$V720D" -d -f "$conf" >"$OUT/v720d.log" 2>&1 &
	patience=60
fi
V720D_PID=$!
CLEANUP_PIDS=$V720D_PID
wait_for $patience test -S "$work/ctl.sock" || fail "daemon did not start"
wait_for $patience sh -c "curl -sf http://127.0.0.1:20203/api/cameras >/dev/null" ||
    fail "web did not start"
start_camsim --cameras 2 --uid 0800c0 --bootstrap 127.0.0.1:20202 --audio
wait_for $patience sh -c "'$V720CTL' -s '$work/ctl.sock' show cameras | grep -q streaming" ||
    fail "no camera streaming"
# Work every path that allocates: viewers, snapshot, audio, API, control.
curl -s -m 4 -o "$OUT/mjpeg.out" http://127.0.0.1:20203/api/cameras/0800c0000001/mjpeg
curl -s -m 2 -o /dev/null http://127.0.0.1:20203/api/cameras/0800c0000001/audio
curl -s -m 15 -o "$OUT/snap.jpg" http://127.0.0.1:20203/api/cameras/0800c0000002/snapshot
curl -s -o /dev/null http://127.0.0.1:20203/metrics
curl -s -o /dev/null -X POST -d '{"ir_led":"on"}' http://127.0.0.1:20203/api/cameras/0800c0000001/settings
curl -s -o /dev/null http://127.0.0.1:20203/nonexistent
"$V720CTL" -s "$work/ctl.sock" show camera 0800c0000001 >/dev/null
"$V720CTL" -s "$work/ctl.sock" snapshot 0800c0000001 -o "$OUT/ctl.jpg"
"$V720CTL" -s "$work/ctl.sock" reload || fail "reload failed"
[ "$(head -c 2 "$OUT/snap.jpg" | od -An -tx1 | tr -d ' ')" = ffd8 ] || fail "no snapshot"
[ -s "$OUT/mjpeg.out" ] || fail "no mjpeg"
kill "$CAMSIM_PID"
kill -TERM "$V720D_PID"
wait_for $patience sh -c "! [ -e /proc/$V720D_PID ] || grep -q '^State:.*Z' /proc/$V720D_PID/status" ||
    fail "daemon did not stop"
sleep 1
if [ $asan -eq 1 ]; then
	if grep -E 'LeakSanitizer|AddressSanitizer|runtime error' "$OUT/v720d.log"; then
		fail "sanitizer report, see $OUT/v720d.log"
	fi
	say "no LeakSanitizer or AddressSanitizer report from the three processes"
else
	# The three processes must have run to their end (heap summary
	# printed), not been killed.
	n=0
	for l in "$work"/vg.*; do
		grep -q 'HEAP SUMMARY' "$l" || continue
		grep -qE 'Command: .*(v720d -d -f|v720d -E|v720-web)' "$l" && n=$((n + 1))
	done
	[ "$n" -ge 3 ] || fail "expected complete valgrind reports of 3 processes, got $n"
	cat "$work"/vg.* >"$OUT/valgrind.log"
	if grep -E 'definitely lost: [1-9]|indirectly lost: [1-9]|Invalid (read|write|free)|uninitialised|Conditional jump|Syscall param' "$OUT/valgrind.log"; then
		fail "valgrind found errors, see $OUT/valgrind.log"
	fi
	say "valgrind: no leaks or errors in $n processes"
fi
rm -rf "$work"
