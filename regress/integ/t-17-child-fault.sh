#!/bin/sh
# A compromised or hung child is restarted alone, as root with privilege
# separation: the engine stopped with SIGSTOP (as a compromised sibling
# with the same uid could) is replaced within 5 s; v720-web sending the
# parent a message it may not (IMSG_CTL_VERBOSE, through the test-only
# hook V720D_TEST_HOOKS=1 and SIGURG) is killed and restarted without the
# parent's log level changing; the engine sending one likewise; a frozen
# child (cgroup freezer: no signal, only the missed PING shows it) is
# killed.  Each time the parent and the other child keep their pids.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
command -v curl >/dev/null || skip "no curl"

export V720D_TEST_HOOKS=1
U=0817f0000001
engine_conf 34200
engine_start
wait_for 5 child_pid "$V720D_PID" v720-web || fail "no v720-web"
web=$(child_pid "$V720D_PID" v720-web)
start_camsim --cameras 1 --uid 0817f --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 600 --heartbeat 1 --log "$OUT/camsim.log"
wait_for 10 cam_is "$U" online || fail "camera not online"
web_ok() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$WEB_PORT/api/cameras")" = 200 ]; }

# 1. SIGSTOP the engine.
old=$ENGINE_PID
kill -STOP "$old"
new_engine() { _p=$(child_pid "$V720D_PID" engine) && [ "$_p" != "$old" ]; }
wait_for 5 new_engine || fail "no new engine within 5 s of SIGSTOP"
ENGINE_PID=$(child_pid "$V720D_PID" engine)
[ "$(child_pid "$V720D_PID" v720-web)" = "$web" ] || fail "web changed pid"
grep -q "camera engine (pid $old) stopped by signal 19" "$OUT/v720d.log" || fail "stop not logged"
wait_for 30 cam_is "$U" online || fail "camera not back on the new engine"
say "engine $old stopped: engine $ENGINE_PID in its place, web $web kept"

# 2. v720-web sends IMSG_CTL_VERBOSE (level 3).
sed -n '$=' "$OUT/v720d.log" >"$OUT/mark"
kill -URG "$web"
new_web() { _w=$(child_pid "$V720D_PID" v720-web) && [ "$_w" != "$web" ]; }
wait_for 5 new_web || fail "no new v720-web within 5 s of a forbidden message"
grep -q "v720-web (pid $web) sent a message it may not (message 209): killing it" "$OUT/v720d.log" ||
    fail "forbidden message not logged: $(grep "pid $web" "$OUT/v720d.log")"
sed "1,$(cat "$OUT/mark")d" "$OUT/v720d.log" | grep -q "^parent: log level" &&
    fail "the parent obeyed v720-web's IMSG_CTL_VERBOSE"
[ "$(child_pid "$V720D_PID" engine)" = "$ENGINE_PID" ] || fail "engine changed pid"
alive "$V720D_PID" || fail "parent died"
web=$(child_pid "$V720D_PID" v720-web)
wait_for 5 web_ok || fail "new v720-web does not answer"
say "v720-web sending IMSG_CTL_VERBOSE was restarted alone (now $web)"

# 3. The engine sends IMSG_PROC_STATS, which only the parent sends.
old=$ENGINE_PID
kill -URG "$old"
wait_for 5 new_engine || fail "no new engine within 5 s of a forbidden message"
ENGINE_PID=$(child_pid "$V720D_PID" engine)
grep -q "camera engine (pid $old) sent a message it may not" "$OUT/v720d.log" ||
    fail "engine's forbidden message not logged"
[ "$(child_pid "$V720D_PID" v720-web)" = "$web" ] || fail "web changed pid"
say "engine sending IMSG_PROC_STATS was restarted alone (now $ENGINE_PID)"

# 4. A frozen v720-web: no signal reaches the parent, the PING deadline does.
# ip netns exec gives us a /sys without cgroups: mount the freezer here.
fz=/sys/fs/cgroup/freezer
if [ ! -e "$fz/tasks" ]; then
	fz=$OUT/freezer
	mkdir -p "$fz"
	mount -t cgroup -o freezer v720t17 "$fz" 2>/dev/null || fz=
	[ -n "$fz" ] && CLEANUP_MOUNT=$fz
fi
t17_cleanup() {
	[ -n "$fz" ] && [ -d "$fz/v720t17.$$" ] && {
		echo THAWED >"$fz/v720t17.$$/freezer.state"
		for _p in $(cat "$fz/v720t17.$$/tasks"); do echo "$_p" >"$fz/tasks"; done
		rmdir "$fz/v720t17.$$"
	}
	[ -n "${CLEANUP_MOUNT:-}" ] && umount "$CLEANUP_MOUNT"
	cleanup
}
trap t17_cleanup EXIT INT TERM
if [ -n "$fz" ] && mkdir "$fz/v720t17.$$" 2>/dev/null; then
	echo "$web" >"$fz/v720t17.$$/tasks" && echo FROZEN >"$fz/v720t17.$$/freezer.state" ||
	    fail "cannot freeze $web"
	wait_for 12 grep -q "v720-web (pid $web) does not answer: killing it" "$OUT/v720d.log" ||
	    { echo THAWED >"$fz/v720t17.$$/freezer.state"; fail "frozen web not noticed within 12 s"; }
	# The freezer holds even SIGKILL back until it thaws.
	echo THAWED >"$fz/v720t17.$$/freezer.state"
	wait_for 5 new_web || fail "no new v720-web after the frozen one"
	[ "$(child_pid "$V720D_PID" engine)" = "$ENGINE_PID" ] || fail "engine changed pid"
	wait_for 5 web_ok || fail "v720-web after the freeze does not answer"
	say "a frozen v720-web missed its PING and was replaced"
else
	say "freezer part skipped: no writable cgroup v1 freezer"
fi
cam_is "$U" online || fail "camera lost"
say "ok"
