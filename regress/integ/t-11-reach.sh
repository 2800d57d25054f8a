#!/bin/sh
# No child can reach into another process.  All children run as one
# user; what keeps a compromised one (the MQTT child parses what the
# broker sends, the recorder decodes any fake camera's JPEGs, the rtsp
# child parses any RTSP client's requests) from
# stopping, killing or tracing the others is the filter every child gets
# from the parent between fork and execve, and not being dumpable.
# Proven with the test hook (V720D_TEST_HOOKS=1, SIGWINCH: the child
# tries SIGSTOP to every process it may signal, ptrace and memory of the
# parent, the parent's scheduling, a TCP connection to a trap port, each
# logged):
#  1. sandbox on: each child dies of SIGSYS at its first try; the others
#     keep their pids, are never stopped, the camera keeps streaming;
#     the MQTT child cannot connect to the trap (not its broker's port);
#  2. V720D_SANDBOX=log (the children's own lists only log): each try
#     comes back EPERM from the spawn filter, nobody is stopped;
#  3. started as an ordinary user (no uid change, no chroot), log mode:
#     ptrace of the parent, which then has the same uid, is refused too,
#     and each child's /proc/PID/status belongs to root (not dumpable).
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
. "$TOP/regress/integ/lib-mqtt.sh"
need_root
ensure_test_user
need_python
[ "${V720D_SANDBOX:-on}" = on ] || skip "V720D_SANDBOX=$V720D_SANDBOX relaxes the filter"
chmod 0755 "$OUT"
uid=$(id -u "$TEST_USER")
gid=$(id -g "$TEST_USER")
U=0811s0000001
export V720D_TEST_HOOKS=1
SIGSYS_EXPECTED=1

# A port nothing should connect to: counts the connections it accepts.
TRAP=36807
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
while True:
	c, a = s.accept(); print("connection from", a, flush=True); c.close()
' "$TRAP" >"$OUT/trap.log" 2>&1 &
CLEANUP_PIDS="$CLEANUP_PIDS $!"
export V720D_TEST_CONNECT=127.0.0.1:$TRAP

start_broker 36801 36802
engine_conf 36803 "mqtt broker 127.0.0.1 port $MQ_LOCAL" \
    "rtsp listen on 127.0.0.1 port 36810" \
    "recordings \"$OUT/rec\"" "camera \"$U\" {
	stream always
	record always
	motion off
}"

# The children of the running v720d, by title.
kids() {
	ENGINE=$(child_pid "$V720D_PID" "camera engine") &&
	    WEB=$(child_pid "$V720D_PID" v720-web) &&
	    MQTT=$(child_pid "$V720D_PID" "v720d: mqtt") &&
	    REC=$(child_pid "$V720D_PID" "v720d: recorder") &&
	    RTSP=$(child_pid "$V720D_PID" "v720d: rtsp")
}
# Stopped (T) or traced (t) now, or a tracer attached.
stopped() {
	grep -q '^State:[[:space:]]*[tT]' "/proc/$1/status" 2>/dev/null ||
	    ! grep -q '^TracerPid:[[:space:]]*0$' "/proc/$1/status" 2>/dev/null
}
frames() { cam_field "$U" frames; }
cam_up() { case $(cam_field "$U" state) in online|streaming) ;; *) false ;; esac; }
# The child PID tries; WHO: the others, which must keep pid and run.
reach() {
	_p=$1; shift
	_f=$(frames)
	kill -WINCH "$_p"
	# A stop would last until the parent's ping notices (5 s): look often.
	_i=0
	while [ $_i -lt 30 ]; do
		for _o in "$@" "$V720D_PID"; do
			alive "$_o" || fail "pid $_o gone after pid $_p reached out"
			stopped "$_o" && fail "pid $_o stopped or traced after pid $_p reached out: $(grep -E '^(State|TracerPid)' "/proc/$_o/status" | tr '\n' ' ')"
		done
		sleep 0.1
		_i=$((_i + 1))
	done
	for _o in "$@"; do
		alive "$_o" || fail "pid $_o gone after pid $_p reached out"
	done
	wait_for 10 sh -c "[ \"\$(\"$V720CTL\" -s \"$CTL_SOCK\" show camera $U | sed -n 's/^frames: //p')\" -gt $_f ]" ||
	    fail "the camera stopped streaming after pid $_p reached out"
}
# How the parent saw PID's death.
died_of() {
	wait_for 5 grep -q "(pid $1) killed by signal $2" "$OUT/v720d.log" ||
	    fail "pid $1 not killed by signal $2: $(grep -E "pid $1|test hook" "$OUT/v720d.log" | tail -5)"
}

# 1. Sandbox on.
engine_start
start_camsim --cameras 1 --uid 0811s --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 3600 --heartbeat 1 --log "$OUT/camsim.log"
wait_for 10 cam_up || fail "camera not online"
wait_for 10 kids || fail "not all five children: $(children_of "$V720D_PID" | tr '\n' ' ')"
sandboxed() { grep -q '^Seccomp:[[:space:]]*2$' "/proc/$1/status"; }
for p in $ENGINE $WEB $MQTT $REC $RTSP; do
	wait_for 5 sandboxed "$p" || fail "pid $p: no seccomp filter"
	st=/proc/$p/status
	awk -v u="$uid" '/^Uid:/ { exit !($2 == u && $3 == u && $4 == u && $5 == u) }' "$st" ||
	    fail "pid $p: $(grep ^Uid: "$st")"
	awk -v g="$gid" '/^Gid:/ { exit !($2 == g && $3 == g && $4 == g && $5 == g) }' "$st" ||
	    fail "pid $p: $(grep ^Gid: "$st")"
	# The parent's filter (at exec) and the child's own list.
	grep -q '^Seccomp_filters:[[:space:]]*2$' "$st" || fail "pid $p: $(grep ^Seccomp_filters: "$st")"
	[ "$(stat -c %u "$st")" = 0 ] || fail "pid $p is dumpable: $st belongs to $(stat -c %U "$st")"
	say "pid $p ($(tr '\0' ' ' <"/proc/$p/cmdline" | cut -c1-30)): uid $uid gid $gid, 2 seccomp filters, not dumpable"
done
wait_for 10 sh -c "[ \"\$(mosquitto_sub -h 127.0.0.1 -p $MQ_LOCAL -t v720d/status -C 1 -W 2)\" = online ]" ||
    fail "mqtt child not connected"

reach "$MQTT" "$ENGINE" "$WEB" "$REC" "$RTSP"
died_of "$MQTT" 31
# Landlock's ABI (landlock_create_ruleset's version query): 4 has TCP ports.
abi=$(python3 -c 'import ctypes; print(ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1))')
if [ "$abi" -ge 4 ]; then
	[ -s "$OUT/trap.log" ] && fail "the MQTT child connected to the trap port: $(cat "$OUT/trap.log")"
	grep -q "mqtt: Landlock ABI $abi: TCP connections to port $MQ_LOCAL only" "$OUT/v720d.log" ||
	    fail "no Landlock for the MQTT child: $(grep -i landlock "$OUT/v720d.log")"
	grep -q "mqtt: test hook: connect: Permission denied" "$OUT/v720d.log" ||
	    fail "the MQTT child's connect: $(grep 'mqtt: test hook' "$OUT/v720d.log")"
	say "mqtt $MQTT: TCP to port $TRAP refused (Landlock ABI $abi), nothing reached the trap"
else
	grep -q "mqtt: no Landlock network rules" "$OUT/v720d.log" ||
	    fail "Landlock ABI $abi, and the MQTT child did not warn"
	say "note: Landlock ABI $abi has no network rules: the MQTT child can reach any TCP port here"
fi
say "mqtt $MQTT died of SIGSYS; engine, web, recorder, rtsp kept running and streaming"
for p in "$ENGINE" "$WEB" "$REC" "$RTSP"; do
	others=
	for o in "$ENGINE" "$WEB" "$REC" "$RTSP"; do [ "$o" = "$p" ] || others="$others $o"; done
	# shellcheck disable=SC2086
	reach "$p" $others
	died_of "$p" 31
	wait_for 10 kids || fail "children not back after $p died"
	wait_for 30 cam_up || fail "camera not back after $p died"
done
grep -q "test hook: still alive after reaching out" "$OUT/v720d.log" &&
    fail "a child survived its own tries"
say "engine, web, recorder and rtsp each died of SIGSYS at their first try"
kill -TERM "$V720D_PID"
wait_for 5 sh -c "! kill -0 $V720D_PID 2>/dev/null" || fail "v720d did not stop"
mv "$OUT/v720d.log" "$OUT/v720d-on.log"

# 2. The children's own lists only log: the spawn filter answers EPERM.
unset V720D_TEST_CONNECT
V720D_SANDBOX=log engine_start
wait_for 10 cam_up || fail "camera not online (log mode)"
wait_for 10 kids || fail "not all five children (log mode)"
n=0
for p in $ENGINE $WEB $MQTT $REC $RTSP; do
	others=
	for o in $ENGINE $WEB $MQTT $REC $RTSP; do [ "$o" = "$p" ] || others="$others $o"; done
	# shellcheck disable=SC2086
	reach "$p" $others
	n=$((n + 1))
	wait_for 5 sh -c "[ \$(grep -c 'test hook: still alive after reaching out' '$OUT/v720d.log') -eq $n ]" ||
	    fail "pid $p: no end of its tries"
	[ "$(grep -c "test hook: kill(-1, SIGSTOP): Operation not permitted" "$OUT/v720d.log")" -eq $n ] ||
	    fail "pid $p: kill(-1, SIGSTOP) not refused: $(grep 'test hook: kill(-1' "$OUT/v720d.log" | tail -1)"
	alive "$p" || fail "pid $p died in log mode"
done
for w in "kill(parent, SIGSTOP)" "ptrace(PTRACE_ATTACH, parent)" \
    "process_vm_readv(parent)" "setpriority(PRIO_USER, 0, 19)" \
    "sched_setscheduler(parent, SCHED_IDLE)"; do
	[ "$(grep -cF "test hook: $w: Operation not permitted" "$OUT/v720d.log")" -eq 5 ] ||
	    fail "$w not refused in each child: $(grep -F "test hook: $w" "$OUT/v720d.log")"
done
grep "test hook: .*: done" "$OUT/v720d.log" && fail "a try went through"
say "log mode: every child's tries refused with EPERM, nobody stopped"
kill -TERM "$V720D_PID"
wait_for 5 sh -c "! kill -0 $V720D_PID 2>/dev/null" || fail "v720d did not stop"
mv "$OUT/v720d.log" "$OUT/v720d-log.log"

# 3. As an ordinary user: one uid for all, the parent included.
work=$(mktemp -d /tmp/v720d-reach.XXXXXX)
chmod 755 "$work"
chown "$TEST_USER" "$work"
sed -e "s|$CTL_SOCK|$work/ctl.sock|" -e '/^recordings/d' -e '/record always/d' \
    "$OUT/v720d.conf" >"$work/v720d.conf"
CTL_SOCK=$work/ctl.sock
V720D_SANDBOX=log setpriv --reuid="$uid" --regid="$gid" --clear-groups \
    "$V720D" -d -v -f "$work/v720d.conf" >"$OUT/v720d.log" 2>&1 &
V720D_PID=$!
CLEANUP_PIDS="$CLEANUP_PIDS $V720D_PID"
wait_for 10 test -S "$CTL_SOCK" || fail "no control socket (ordinary user)"
wait_for 5 child_pid "$V720D_PID" "camera engine" || fail "no engine (ordinary user)"
ENGINE=$(child_pid "$V720D_PID" "camera engine")
wait_for 5 child_pid "$V720D_PID" v720-web || fail "no web (ordinary user)"
WEB=$(child_pid "$V720D_PID" v720-web)
wait_for 5 child_pid "$V720D_PID" "v720d: mqtt" || fail "no mqtt (ordinary user)"
MQTT=$(child_pid "$V720D_PID" "v720d: mqtt")
wait_for 30 cam_up || fail "camera not online (ordinary user)"
[ "$(stat -c %u "/proc/$V720D_PID/status")" = "$uid" ] || fail "the parent is not dumpable?"
for p in $ENGINE $WEB $MQTT; do
	awk -v u="$uid" '/^Uid:/ { exit !($2 == u) }' "/proc/$p/status" || fail "pid $p uid"
	[ "$(stat -c %u "/proc/$p/status")" = 0 ] ||
	    fail "pid $p is dumpable: /proc/$p/status belongs to $(stat -c %U "/proc/$p/status")"
done
for p in $ENGINE $WEB $MQTT; do
	others=
	for o in $ENGINE $WEB $MQTT; do [ "$o" = "$p" ] || others="$others $o"; done
	# shellcheck disable=SC2086
	reach "$p" $others
	alive "$p" || fail "pid $p died"
done
[ "$(grep -cF "test hook: ptrace(PTRACE_ATTACH, parent): Operation not permitted" "$OUT/v720d.log")" -eq 3 ] ||
    fail "ptrace of the parent (same uid) not refused: $(grep -F 'test hook: ptrace' "$OUT/v720d.log")"
grep "test hook: .*: done" "$OUT/v720d.log" && fail "a try went through"
say "ordinary user: the children cannot signal, trace or read the parent or each other"
kill -TERM "$V720D_PID"
wait_for 5 sh -c "! kill -0 $V720D_PID 2>/dev/null" || fail "v720d did not stop"
rm -rf "$work"
say "ok"
