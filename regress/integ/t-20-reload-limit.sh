#!/bin/sh
# Reloads are rate-limited (issue 17, finding 5): a v720ctl user who
# floods "v720ctl reload" (or SIGHUP) gets at most one reload a second,
# not one per request: 16 at once all answer "ok" and cost at most one
# reload per second they took (plus the first); a reload asked for
# within the second after another still takes the configuration as it is
# by then (it waits, it is not dropped); more than the parent keeps
# waiting are refused, saying so.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user

U=0819r0000001
engine_conf 34300 "camera \"$U\" {" "name \"One\"" "}"
engine_start
reloads() { grep -c "configuration reloaded" "$OUT/v720d.log"; }
now_ms() { date +%s%3N; }
# reloads_at_once N PREFIX: N v720ctl reloads at once; each one's output
# and exit status in $OUT/PREFIX<i>.out and .rc.
reloads_at_once() {
	_i=0 _pids=
	while [ $_i -lt "$1" ]; do
		( ctl reload >"$OUT/$2$_i.out" 2>&1; echo $? >"$OUT/$2$_i.rc" ) &
		_pids="$_pids $!"
		_i=$((_i + 1))
	done
	for _p in $_pids; do wait "$_p"; done
}

# 1. Two in a row: the second waits for its second and takes "Two".
ctl reload || fail "first reload"
sed -i 's/name "One"/name "Two"/' "$OUT/v720d.conf"
ctl reload || fail "second reload"
[ "$(cam_field "$U" name)" = Two ] || fail "name after the second reload: $(cam_field "$U" name)"
say "a reload right after another waited and took the new configuration"

# 2. 16 at once: all answered "ok", coalesced.
n0=$(reloads)
t0=$(now_ms)
reloads_at_once 16 r
t1=$(now_ms)
i=0
while [ $i -lt 16 ]; do
	[ "$(cat "$OUT/r$i.rc")" = 0 ] || fail "reload $i: $(cat "$OUT/r$i.out")"
	i=$((i + 1))
done
n=$(($(reloads) - n0))
el=$((t1 - t0))
say "16 concurrent reloads: $n reloads done in $el ms"
# One at once, then at most one per second that passed.
[ "$n" -le $((1 + el / 1000 + 1)) ] || fail "$n reloads for 16 requests in $el ms"
grep -q "reload requested while one waits: coalesced" "$OUT/v720d.log" ||
    fail "coalescing not logged"

# 3. SIGHUP too.
n0=$(reloads)
t0=$(now_ms)
for i in 1 2 3 4 5 6 7 8 9 10; do kill -HUP "$V720D_PID"; done
wait_for 5 sh -c "[ \$(grep -c 'configuration reloaded' '$OUT/v720d.log') -gt $n0 ]" ||
    fail "SIGHUP did not reload"
sleep 1.5
t1=$(now_ms)
n=$(($(reloads) - n0))
el=$((t1 - t0))
say "10 SIGHUPs: $n reloads in $el ms"
[ "$n" -le $((1 + el / 1000 + 1)) ] || fail "$n reloads for 10 SIGHUPs in $el ms"

# 4. More than RELOAD_WAITERS (16) waiting: the rest are refused, saying so.
ctl reload || fail "reload"
reloads_at_once 24 s
ok=0 full=0 i=0
while [ $i -lt 24 ]; do
	if [ "$(cat "$OUT/s$i.rc")" = 0 ]; then
		ok=$((ok + 1))
	elif grep -q "too many reloads waiting" "$OUT/s$i.out"; then
		full=$((full + 1))
	else
		fail "reload $i: $(cat "$OUT/s$i.out")"
	fi
	i=$((i + 1))
done
say "24 more at once: $ok ok, $full refused as too many waiting"
[ "$ok" -ge 1 ] || fail "none of 24 reloads went through"
alive "$V720D_PID" || fail "parent died"
[ "$(child_pid "$V720D_PID" engine)" = "$ENGINE_PID" ] || fail "engine changed pid"
say "ok"
