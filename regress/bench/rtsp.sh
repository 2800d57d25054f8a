#!/bin/sh
# The rtsp child in the frame path (issue 18, "Measure"), CAMERAS (50)
# camsim cameras at 10 fps streaming always, three phases of WINDOWS_
# (3) windows of SECONDS_ (10) s each, figures the median of the windows,
# run in the order 1 2 3 3 2 1 (PASSES_=1: 1 2 3) so that the machine's
# speed drifting during the run (README: it runs the same binary at two
# speeds, minutes at a time) weighs on the three phases alike:
#  1. web alone: engine CPU-s per 1000 frames (the web copy only);
#  2. + rtsp, CLIENTS_ (2) RTP/JPEG sessions per camera (interleaved TCP,
#     regress/bench/rtspload.c): rtsp child CPU-s per 1000 frames
#     delivered to clients, and the engine's figure with a second copy;
#  3. + recorder (record always, motion off): the engine with three
#     consumer copies of every frame (web, rtsp, recorder).
# Each phase also counts the engine's writes to its consumers' channels
# (its stats line): what a consumer costs the engine in a figure the load
# on the shared cores does not move, unlike the engine's CPU (README,
# "Tried, not kept"); and the wall-clock time in them, which it does move
# (a write that wakes a consumer may let it run first).  And the engine's
# own wakeups: its sleeps and preemptions (/proc), what woke it for the
# UDP socket, its recvmmsg and sendmmsg calls (its stats line).
# PIN_=1 gives the engine CPU 0 to itself and everything else (camsim,
# the other children, the clients) the other CPUs: what a consumer costs
# the engine is then its own work for it, not the consumer running on
# the engine's core.  Not the default: alone on its core the engine is
# idle more and reads smaller batches, so its figures are not those of
# the usual runs (README, "Session 13").
# Then cold start, STARTS_ (10) each: an idle camera's first MJPEG frame
# against its first RTSP frame (same engine, same camera).  CPU from
# /proc (utime+stime).  Never fails on speed.
#   CAMERAS=50 SECONDS_=10 WINDOWS_=3 CLIENTS_=2 STARTS_=10 PASSES_=2 \
#   PIN_=0 sh regress/bench/rtsp.sh
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=$TOP}"
: "${OUT:=$TOP/regress/out/bench/rtsp}"
export TOP BUILD OUT
. "$TOP/regress/integ/lib.sh"
cams=${CAMERAS:-50}
secs=${SECONDS_:-10}
wins=${WINDOWS_:-3}
clients=${CLIENTS_:-2}
starts=${STARTS_:-10}
passes=${PASSES_:-2}
case $passes in 1|2) ;; *) echo "PASSES_ is 1 or 2" >&2; exit 1 ;; esac
pin=${PIN_:-0}
# nproc counts only the CPUs this shell may use: not after the taskset.
ncpu=$(getconf _NPROCESSORS_ONLN)
[ "$ncpu" -ge 2 ] || pin=0
# Whatever this shell starts inherits CPUs 1-; the engine moves to CPU 0.
[ "$pin" = 1 ] && { taskset -p -c 1-$((ncpu - 1)) $$ >/dev/null || exit 1; }
port=25400
rport=25410
[ -x "$BUILD/v720d/rtsp/v720-rtsp" ] || { echo "run make first" >&2; exit 1; }
. "$TOP/regress/bench/lib-bench.sh"
ids=$(i=1; while [ $i -le "$cams" ]; do printf '0800c%07d\n' $i; i=$((i + 1)); done)
# The RTSP load: C clients, so that they load the two shared cores as
# little as can be (README: the Python ones read every RTP packet).
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wno-unused-function \
    -o "$OUT/rtspload" "$TOP/regress/bench/rtspload.c" || exit 1

# conf PHASE: 1 web, 2 + rtsp, 3 + recorder
conf() {
	{
		echo "$userline"
		echo "camera listen on 127.0.0.1 port $port"
		echo "bootstrap listen on 127.0.0.1 port $((port + 1))"
		echo "web listen on 127.0.0.1 port $((port + 2))"
		echo "control socket \"$OUT/ctl.sock\""
		echo "camera connections per address 4096"
		echo "rtsp connections per address 1024"
		echo "recordings \"$OUT/rec\""
		[ "$1" -ge 2 ] && echo "rtsp listen on 127.0.0.1 port $rport"
		for id in $ids; do
			printf 'camera "%s" {\n\tstream always\n' "$id"
			[ "$1" -ge 3 ] && printf '\trecord always\n\tmotion off\n'
			echo "}"
		done
	} >"$OUT/v720d.conf"
}
# frames_out: "FRAMES WRITES US": frames out, and the engine's writes to
# its consumers' channels (web, recorder, rtsp) and the time in them.
frames_out() {
	_n=$(grep -ac 'engine: stats:' "$OUT/v720d.log")
	kill -USR1 "$eng"
	wait_for 10 sh -c "[ \$(grep -ac 'engine: stats:' '$OUT/v720d.log') -gt $_n ]"
	grep -a 'engine: stats:' "$OUT/v720d.log" | tail -n 1 | awk '{
	    f = $0; sub(/.*frames out /, "", f); sub(/,.*/, "", f)
	    w = $0; sub(/.*channel writes: /, "", w); sub(/;.*/, "", w)
	    gsub(/[^0-9]+/, " ", w)
	    split(w, v, " ")
	    print f, v[1] + v[3] + v[5], v[2] + v[4] + v[6] }'
}
# snap: frames_out, then the engine's ctx_switches and udp_counts.
snap() {
	_f=$(frames_out)
	echo "$_f $(ctx_switches "$eng") $(udp_counts)"
}
# window_figures ENGINE_TICKS SNAP0 SNAP1: per 1000 frames, the engine's
# CPU-s, its writes to consumers and the seconds in them, then
# wake_figures' seven (lib-bench.sh).
window_figures() {
	_f=$(($(echo "$3" | cut -d' ' -f1) - $(echo "$2" | cut -d' ' -f1)))
	_w=$(echo "$2 $3" | awk -v t="$1" -v hz="$hz" -v f="$_f" '{
	    if (f <= 0) { print "0 0 0"; exit }
	    printf "%.4f %.1f %.4f\n", t / hz * 1000 / f,
	    ($12 - $2) * 1000 / f, ($13 - $3) / 1e6 * 1000 / f }')
	echo "$_w $(wake_figures "$(echo "$2" | cut -d' ' -f4-)" \
	    "$(echo "$3" | cut -d' ' -f4-)" "$_f")"
}
streaming() {
	[ "$("$V720CTL" -s "$OUT/ctl.sock" show cameras 2>/dev/null |
	    grep -c ' streaming ')" -ge "$cams" ]
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# col FILE N: the median of column N of a phase's windows.
col() { cut -d' ' -f"$2" "$1" | median; }

conf 1
start_v720d "$OUT/v720d.conf"
wait_for 10 test -S "$OUT/ctl.sock" || { echo "v720d did not start" >&2; exit 1; }
eng=$(child_pid "$V720D_PID" engine)
[ "$pin" = 1 ] && { taskset -a -p -c 0 "$eng" >/dev/null || exit 1; }
start_camsim --cameras "$cams" --bootstrap "127.0.0.1:$((port + 1))" \
    --fps 10 --duration 100000 --seed 1
wait_for 60 streaming || { echo "cameras not streaming" >&2; exit 1; }
sleep 2

# engine_window: one window of phase 1, window_figures' line.
engine_window() {
	_s0=$(snap); _t0=$(cpu_ticks "$eng")
	sleep "$secs"
	_t1=$(cpu_ticks "$eng"); _s1=$(snap)
	window_figures $((_t1 - _t0)) "$_s0" "$_s1"
}
: >"$OUT/p1"; : >"$OUT/e2"; : >"$OUT/r2"; : >"$OUT/e3"; : >"$OUT/r3"
web_phase() {
	i=0; while [ $i -lt "$wins" ]; do engine_window >>"$OUT/p1"; i=$((i + 1)); done
}
web_phase

# Phase 2: rtsp, CLIENTS_ sessions per camera; windows paced by the client.
# rtsp_phase PHASE WINDOWS: appends to $OUT/eN and rN.
rtsp_phase() {
	nw=$2
	list=$(for id in $ids; do c=0; while [ $c -lt "$clients" ]; do echo "$id"; c=$((c + 1)); done; done)
	rm -f "$OUT/load$1.fifo"; mkfifo "$OUT/load$1.fifo"
	"$OUT/rtspload" 127.0.0.1 "$rport" "$secs" "$nw" $list \
	    >"$OUT/load$1.fifo" 2>"$OUT/load$1.err" &
	lp=$!
	CLEANUP_PIDS="$CLEANUP_PIDS $lp"
	exec 7<"$OUT/load$1.fifo"
	read -r l <&7 || { echo "rtsp clients failed: $(cat "$OUT/load$1.err")" >&2; exit 1; }
	echo "  $l" >&2
	rt=$(child_pid "$V720D_PID" "v720d: rtsp")
	i=0
	while [ $i -lt "$nw" ]; do
		s0=$(snap); t0=$(cpu_ticks "$eng"); r0=$(cpu_ticks "$rt")
		l0=$(cpu_ticks "$lp")
		read -r l <&7 || { echo "rtsp clients failed: $(cat "$OUT/load$1.err")" >&2; exit 1; }
		t1=$(cpu_ticks "$eng"); r1=$(cpu_ticks "$rt"); s1=$(snap)
		l1=$(cpu_ticks "$lp")
		d=${l#frames }
		window_figures $((t1 - t0)) "$s0" "$s1" >>"$OUT/e$1"
		awk -v t=$((r1 - r0)) -v d="$d" -v hz="$hz" -v s="$secs" \
		    -v l=$((l1 - l0)) \
		    'BEGIN { printf "%.4f %d %.1f %.1f\n", d ? t / hz * 1000 / d : 0, d, 100 * t / hz / s, 100 * l / hz / s }' >>"$OUT/r$1"
		i=$((i + 1))
	done
	exec 7<&-
	wait "$lp"
}
conf 2
kill -HUP "$V720D_PID"
wait_for 20 child_pid "$V720D_PID" "v720d: rtsp" || { echo "no rtsp child" >&2; exit 1; }
sleep 2
rtsp_phase 2 "$wins"

conf 3
kill -HUP "$V720D_PID"
wait_for 20 child_pid "$V720D_PID" "v720d: recorder" || { echo "no recorder" >&2; exit 1; }
sleep 3
rtsp_phase 3 $((wins * passes))
# Back down: the consumers leave by a reload as they came.
gone() { ! child_pid "$V720D_PID" "$1"; }
if [ "$passes" -ge 2 ]; then
	conf 2
	kill -HUP "$V720D_PID"
	wait_for 20 gone "v720d: recorder" || { echo "recorder stays" >&2; exit 1; }
	sleep 2
	rtsp_phase 2 "$wins"
	conf 1
	kill -HUP "$V720D_PID"
	wait_for 20 gone "v720d: rtsp" || { echo "rtsp child stays" >&2; exit 1; }
	sleep 2
	web_phase
fi
e1=$(median <"$OUT/p1")
w1=$(cut -d' ' -f2 "$OUT/p1" | median); t1w=$(cut -d' ' -f3 "$OUT/p1" | median)
e2=$(median <"$OUT/e2")
w2=$(cut -d' ' -f2 "$OUT/e2" | median); t2w=$(cut -d' ' -f3 "$OUT/e2" | median)
r2=$(cut -d' ' -f1 "$OUT/r2" | median)
d2=$(cut -d' ' -f2 "$OUT/r2" | median)
c2=$(cut -d' ' -f3 "$OUT/r2" | median)
l2=$(cut -d' ' -f4 "$OUT/r2" | median)
e3=$(median <"$OUT/e3")
w3=$(cut -d' ' -f2 "$OUT/e3" | median); t3w=$(cut -d' ' -f3 "$OUT/e3" | median)
drops=$("$V720CTL" -s "$OUT/ctl.sock" -j show camera 0800c0000001 |
    sed -n 's/.*"dropped_rtsp":\([0-9]*\).*/\1/p')

{
	echo "rtsp: $cams cameras at 10 fps (stream always), medians of $((wins * passes)) windows of $secs s per phase (order $([ "$passes" -ge 2 ] && echo '1 2 3 3 2 1' || echo '1 2 3')), $ncpu CPUs$([ "$pin" = 1 ] && echo ', the engine alone on CPU 0'), load $(cut -d' ' -f1 /proc/loadavg)"
	echo "  rtsp child, $clients RTP/JPEG sessions per camera (TCP): $r2 CPU-s per 1000 frames delivered ($d2 frames per window, $c2 % of a core)"
	echo "  the RTSP clients themselves (regress/bench/rtspload.c): $l2 % of a core"
	echo "  engine CPU-s per 1000 frames: web alone $e1; web + rtsp $e2; web + rtsp + recorder $e3"
	awk -v a="$e1" -v b="$e2" -v c="$e3" 'BEGIN { if (a > 0) printf "  engine cost vs web alone: x%.2f with rtsp, x%.2f with rtsp and recorder\n", b / a, c / a }'
	if [ "$passes" -ge 2 ]; then
		# pass PHASEFILE 1|2: the median of that pass's windows
		pass() { if [ "$2" = 1 ]; then head -n "$wins" "$1"; else tail -n "$wins" "$1"; fi | cut -d' ' -f1 | median; }
		awk -v a1="$(pass "$OUT/p1" 1)" -v b1="$(pass "$OUT/e2" 1)" \
		    -v c1="$(pass "$OUT/e3" 1)" -v a2="$(pass "$OUT/p1" 2)" \
		    -v b2="$(pass "$OUT/e2" 2)" -v c2="$(pass "$OUT/e3" 2)" \
		    'BEGIN { if (a1 > 0 && a2 > 0) printf "  the same per pass (1 2 3, then 3 2 1): web alone %s, %s; x%.2f, x%.2f with rtsp; x%.2f, x%.2f with rtsp and recorder\n", a1, a2, b1 / a1, b2 / a2, c1 / a1, c2 / a2 }'
	fi
	echo "  engine writes to consumer channels per 1000 frames: web alone $w1; web + rtsp $w2; web + rtsp + recorder $w3"
	echo "  seconds in those writes per 1000 frames (wall clock, the wakees running meanwhile included): web alone $t1w; web + rtsp $t2w; web + rtsp + recorder $t3w"
	for p in 1 2 3; do
		case $p in 1) f="$OUT/p1" n="web alone";; 2) f="$OUT/e2" n="web + rtsp";; 3) f="$OUT/e3" n="+ recorder";; esac
		echo "  engine per 1000 frames, $n: sleeps $(col "$f" 4), preempted $(col "$f" 5); woken by the UDP socket $(col "$f" 6), polls $(col "$f" 7); recvmmsg $(col "$f" 8) ($(col "$f" 9) datagrams each), sendmmsg $(col "$f" 10)"
	done
	echo "  frames the rtsp child missed (camera 1, dropped_rtsp): ${drops:-?}"
} | tee "$OUT/figures"

kill -TERM "$CAMSIM_PID" 2>/dev/null
kill -TERM "$V720D_PID"
wait 2>/dev/null

# Cold start: one camera, idle timeout 1 s, on every CPU again.
[ "$pin" = 1 ] && taskset -p -c 0-$((ncpu - 1)) $$ >/dev/null
uid=0800c0000001
{
	echo "$userline"
	echo "camera listen on 127.0.0.1 port $port"
	echo "bootstrap listen on 127.0.0.1 port $((port + 1))"
	echo "web listen on 127.0.0.1 port $((port + 2))"
	echo "rtsp listen on 127.0.0.1 port $rport"
	echo "control socket \"$OUT/ctl.sock\""
	printf 'camera "%s" {\n\tidle timeout 1\n}\n' "$uid"
} >"$OUT/v720d.conf"
start_v720d "$OUT/v720d.conf"
wait_for 10 test -S "$OUT/ctl.sock" || { echo "v720d did not start" >&2; exit 1; }
start_camsim --cameras 1 --bootstrap "127.0.0.1:$((port + 1))" --seed 1
wait_for 20 sh -c "'$V720CTL' -s '$OUT/ctl.sock' show camera $uid | grep -qx 'state: online'" ||
    { echo "camera did not register" >&2; exit 1; }
python3 "$TOP/regress/bench/rtspload.py" coldstart "http://127.0.0.1:$((port + 2))/" \
    127.0.0.1 "$rport" "$uid" "$starts" | sed 's/^/  cold start: /' | tee -a "$OUT/figures"
exit 0
