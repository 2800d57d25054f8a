#!/bin/sh
# The camera engine under load: CAMERAS camsim cameras (500) register and
# idle, then a reload makes every one "stream always" at 10 fps for
# SECONDS_ (60).  Prints frames delivered to the web channel vs frames
# camsim sent, engine CPU-seconds per 1000 frames (utime+stime from
# /proc), p50/p99 latency from the last fragment received to the frame
# written to the web channel over the same window (measured inside the
# engine, its "stats" log line), engine RSS idle and streaming, and
# memory per idle camera.
# Then the floor: the same cameras against camsim's --sink (the cheapest
# server that keeps them streaming: no reassembly, no consumers), its CPU
# per 1000 frames, and the engine's as a multiple of it.
# Never fails on speed.
#   CAMERAS=500 SECONDS_=60 sh regress/bench/engine.sh
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=$TOP}"
: "${OUT:=$TOP/regress/out/bench/engine}"
export TOP BUILD OUT
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/bench/lib-bench.sh"
cams=${CAMERAS:-500}
secs=${SECONDS_:-60}
port=25200

conf() {
	{
		bench_conf "$port"
		echo "unknown cameras accept"
		if [ "$1" = always ]; then
			i=1
			while [ $i -le "$cams" ]; do
				printf 'camera "0800c%07d" {\n\tstream always\n}\n' $i
				i=$((i + 1))
			done
		fi
	} >"$OUT/v720d.conf"
}

online() {
	"$V720CTL" -s "$OUT/ctl.sock" show cameras 2>/dev/null |
	    grep -c " $1 "
}
count_is() { [ "$(online "$1")" -ge "$2" ]; }

conf idle
bench_v720d
wait_for 5 child_pid "$V720D_PID" engine || exit 1
eng=$(child_pid "$V720D_PID" engine)
sleep 1
rss0=$(rss_kb "$eng")

bench_cameras "$cams" "$port" --duration $((secs + 40)) --seed 1
sleep 2
rss1=$(rss_kb "$eng")

# Every camera streams from now on.
conf always
kill -HUP "$V720D_PID"
wait_for 30 count_is streaming "$cams" ||
    echo "only $(online streaming) of $cams cameras streaming" >&2
stats_out() {
	kill -USR1 "$eng"
	sleep 0.5
	grep -a 'engine: stats:' "$OUT/v720d.log" | tail -n 1 |
	    sed -n 's/.*frames out \([0-9]*\).*/\1/p'
}
# web_writes: the engine's writes to the web channel so far, and their us.
web_writes() {
	grep -a 'engine: stats:' "$OUT/v720d.log" | tail -n 1 |
	    sed -n 's/.*channel writes: web \([0-9]*\) in \([0-9]*\) us.*/\1 \2/p'
}
out0=$(stats_out)
wr0=$(web_writes)
wk0="$(ctx_switches "$eng") $(udp_counts)"
held0=$(grep -a 'engine: stats:' "$OUT/v720d.log" | tail -n 1 |
    sed -n 's/.*frames held for an older one \([0-9]*\).*/\1/p')
t0=$(cpu_ticks "$eng")
sleep "$secs"
t1=$(cpu_ticks "$eng")
rss2=$(rss_kb "$eng")
out1=$(($(stats_out) - out0))
wr1=$(web_writes)
wk1="$(ctx_switches "$eng") $(udp_counts)"
held1=$(grep -a 'engine: stats:' "$OUT/v720d.log" | tail -n 1 |
    sed -n 's/.*frames held for an older one \([0-9]*\).*/\1/p')
# Latency is counted per stats line: this one covers the window alone,
# not the start of 500 streams at once (the last line's, below).
window=$(grep -a 'engine: stats:' "$OUT/v720d.log" | tail -n 1)
startup=$(grep -a 'engine: stats:' "$OUT/v720d.log" | tail -n 2 | head -n 1)
mem=$(grep -a 'engine: stats:' "$OUT/v720d.log" | tail -n 1 |
    sed -n 's/.*\(media memory .*\), channel writes.*/\1/p')

# Let camsim finish; its summary counts every frame it sent.
wait "$CAMSIM_PID" 2>/dev/null
sleep 2
kill -USR1 "$eng"
sleep 1
line=$(grep -a 'engine: stats:' "$OUT/v720d.log" | tail -n 1)
out=$(echo "$line" | sed -n 's/.*frames out \([0-9]*\).*/\1/p')
p50=$(echo "$window" | sed -n 's/.*latency p50 \([0-9]*\) us.*/\1/p')
p99=$(echo "$window" | sed -n 's/.*latency p50 [0-9]* us p99 \([0-9]*\) us.*/\1/p')
u50=$(echo "$window" | sed -n "s/.*engine's read p50 \([0-9]*\) us.*/\1/p")
u99=$(echo "$window" | sed -n "s/.*engine's read p50 [0-9]* us p99 \([0-9]*\) us.*/\1/p")
w50=$(echo "$window" | sed -n 's/.*waited in the socket p50 \([0-9]*\) us.*/\1/p')
w99=$(echo "$window" | sed -n 's/.*waited in the socket p50 [0-9]* us p99 \([0-9]*\) us.*/\1/p')
s99=$(echo "$startup" | sed -n 's/.*latency p50 [0-9]* us p99 \([0-9]*\) us.*/\1/p')
sent=$(grep -a '"ev":"summary"' "$OUT/camsim.out" | tail -n 1 |
    sed -n 's/.*"frames":\([0-9]*\).*/\1/p')

awk -v c="$cams" -v s="$secs" -v sent="${sent:-0}" -v out="${out:-0}" \
    -v out1="${out1:-0}" -v t0="$t0" -v t1="$t1" -v hz="$hz" \
    -v r0="$rss0" -v r1="$rss1" -v r2="$rss2" -v p50="$p50" -v p99="$p99" \
    -v u50="$u50" -v u99="$u99" -v s99="$s99" -v w50="$w50" -v w99="$w99" \
    -v held=$((${held1:-0} - ${held0:-0})) \
    -v ncpu="$(nproc)" 'BEGIN {
	cpu = (t1 - t0) / hz
	printf "engine: %d cameras at 10 fps for %d s, loopback, %d CPUs\n", c, s, ncpu
	printf "  frames delivered to the web channel: %d of %d sent (%.3f%%)\n", out, sent, sent ? 100 * out / sent : 0
	printf "  engine CPU while streaming: %.2f s for %d frames = %.4f CPU-s per 1000 frames (%.0f%% of a core)\n", cpu, out1, out1 ? cpu * 1000 / out1 : 0, 100 * cpu / s
	printf "  latency last fragment -> web channel: p50 %d us, p99 %d us (from the kernel receive timestamp)\n", p50, p99
	printf "  the same from the engine reading the datagram: p50 %d us, p99 %d us\n", u50, u99
	printf "  (both over the window; from the kernel while the %d streams started: p99 %d us)\n", c, s99
	printf "  where the difference is: datagrams waited in the socket p50 %d us, p99 %d us; %d frames (%.2f%%) complete but held for an older one\n", w50, w99, held, out1 ? 100 * held / out1 : 0
	printf "  engine RSS: %d KB empty, %d KB with %d idle cameras (%.1f KB per idle camera), %d KB streaming\n", r0, r1, c, (r1 - r0) / c, r2
}' | tee "$OUT/figures"
echo "  while streaming: $mem" | tee -a "$OUT/figures"
echo "${wr0:-0 0} ${wr1:-0 0}" | awk -v f="${out1:-0}" '{ if (f > 0)
	printf "  engine writes to the web channel: %.1f per 1000 frames, %.4f s in them per 1000 frames\n",
	    ($3 - $1) * 1000 / f, ($4 - $2) / 1e6 * 1000 / f }' | tee -a "$OUT/figures"
wake_figures "$wk0" "$wk1" "${out1:-0}" | awk '{ printf "  engine per 1000 frames: sleeps %d, preempted %d; woken by the UDP socket %d, polls %d; recvmmsg %d (%.1f datagrams each), sendmmsg %d\n", $1, $2, $3, $4, $5, $6, $7 }' | tee -a "$OUT/figures"
kill -TERM "$V720D_PID"; wait "$V720D_PID" 2>/dev/null

# The floor, same cameras (count, fps, seed), same length.  Its CPU and
# frames are summed over its per-second lines after a warm-up, as the
# engine's were counted while every camera streamed.
warm=4
"$CAMSIM" --sink "127.0.0.1:$((port + 10))" --duration $((secs + warm + 3)) \
    --stats >"$OUT/sink.out" 2>"$OUT/sink.err" &
sink=$!
CLEANUP_PIDS="$CLEANUP_PIDS $sink"
sleep 0.5
"$CAMSIM" --tcp "127.0.0.1:$((port + 10))" --cameras "$cams" --fps 10 \
    --seed 1 --duration $((secs + warm + 2)) >"$OUT/sink-cams.out" 2>&1
wait "$sink"
grep '"ev":"sink-stats"' "$OUT/sink.err" | tail -n +$((warm + 1)) |
    head -n "$secs" | awk -v out1="${out1:-0}" -v t0="$t0" -v t1="$t1" \
    -v hz="$hz" '{
	f = $0; sub(/.*"frames_per_s":/, "", f); sub(/[,}].*/, "", f)
	c = $0; sub(/.*"cpu_pct":/, "", c); sub(/[,}].*/, "", c)
	frames += f; cpu += c / 100; n++
} END {
	eng = out1 ? (t1 - t0) / hz * 1000 / out1 : 0
	floor = frames ? cpu * 1000 / frames : 0
	printf "  floor (camsim --sink, the same cameras, %d s): %.2f CPU-s for %d frames = %.4f CPU-s per 1000 frames\n", n, cpu, frames, floor
	printf "  engine / floor: %.2f\n", floor ? eng / floor : 0
}' | tee -a "$OUT/figures"
exit 0
