# Shell helpers for the benchmarks (regress/bench/*.sh), sourced after
# regress/integ/lib.sh: the configuration every bench's daemon starts
# from, and the one way the benches start their simulated cameras.
ulimit -n 8192 2>/dev/null || ulimit -n 4096 2>/dev/null
[ -x "$V720D" ] && [ -x "$CAMSIM" ] && [ -x "$V720CTL" ] ||
    { echo "run make first" >&2; exit 1; }
userline=
if [ "$(id -u)" -eq 0 ]; then
	ensure_test_user
	chmod 0755 "$OUT"
	userline="user \"$TEST_USER\""
fi
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
# ctx_switches PID: "VOLUNTARY INVOLUNTARY" context switches so far, all
# threads: a voluntary one is a sleep (so a wakeup follows), an
# involuntary one a preemption by another task on the core.
ctx_switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null | awk '
	    /^voluntary_ctxt_switches:/ { v += $2 }
	    /^nonvoluntary_ctxt_switches:/ { n += $2 }
	    END { print v + 0, n + 0 }'
}
# udp_counts: from the engine's last stats line in $OUT/v720d.log, its
# UDP socket so far: "WAKEUPS POLLS READS DATAGRAMS SENDS" (woken by an
# arrival, by the poll timer; recvmmsg calls, datagrams, sendmmsg calls).
udp_counts() {
	grep -a 'engine: stats:' "$OUT/v720d.log" | tail -n 1 | sed -n \
	    's/.*; udp wakeups \([0-9]*\), polls \([0-9]*\), reads \([0-9]*\), datagrams \([0-9]*\), sends \([0-9]*\).*/\1 \2 \3 \4 \5/p'
}
# wake_figures "C0" "C1" FRAMES: from two "VOL INVOL WAKEUPS POLLS READS
# DATAGRAMS SENDS" snapshots, per 1000 frames: the engine's sleeps,
# preemptions, UDP wakeups, polls, recvmmsg calls, datagrams per
# recvmmsg, sendmmsg calls.
wake_figures() {
	echo "$1 $2" | awk -v f="$3" '{ if (f <= 0) { print "0 0 0 0 0 0 0"; exit }
	    k = 1000 / f; r = $12 - $5
	    printf "%.0f %.0f %.0f %.0f %.0f %.1f %.0f\n", ($8 - $1) * k,
	    ($9 - $2) * k, ($10 - $3) * k, ($11 - $4) * k, r * k,
	    r ? ($13 - $6) / r : 0, ($14 - $7) * k }'
}

# bench_conf PORT: camera, bootstrap and web listeners on PORT, PORT+1
# and PORT+2, the control socket in $OUT.  Every simulated camera comes
# from 127.0.0.1, so that address may hold all of them.
bench_conf() {
	echo "$userline"
	echo "camera listen on 127.0.0.1 port $1"
	echo "bootstrap listen on 127.0.0.1 port $(($1 + 1))"
	echo "web listen on 127.0.0.1 port $(($1 + 2))"
	echo "control socket \"$OUT/ctl.sock\""
	echo "camera connections per address 4096"
}

# bench_v720d: v720d on $OUT/v720d.conf, up when its control socket is.
bench_v720d() {
	start_v720d "$OUT/v720d.conf"
	wait_for 10 test -S "$OUT/ctl.sock" ||
	    { echo "v720d did not start: $(tail -n 3 "$OUT/v720d.log")" >&2; exit 1; }
}

# bench_cameras N PORT [camsim options]: N simulated cameras at 10 fps
# (uids 0800c0000001 and up unless --uid says otherwise) registering
# through the bootstrap on PORT+1; waits until v720ctl lists N of them
# more other than offline (30 s at most; if fewer came, says so).
bench_cameras() {
	_n=$1 _p=$2; shift 2
	_want=$(($(bench_up) + _n))
	start_camsim --cameras "$_n" --bootstrap "127.0.0.1:$((_p + 1))" \
	    --fps 10 "$@"
	wait_for 30 bench_registered "$_want" ||
	    echo "only $(bench_up) of $_want cameras registered" >&2
}
bench_up() {
	"$V720CTL" -s "$OUT/ctl.sock" show cameras 2>/dev/null |
	    grep -c -E ' (online|connecting|streaming|standby) '
}
bench_registered() { [ "$(bench_up)" -ge "$1" ]; }
