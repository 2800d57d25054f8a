#!/bin/sh
# The recorder under load: CAMERAS (50) camsim cameras at 10 fps for
# SECONDS_ (40), all "record always" with motion detection on (camsim's
# own JPEGs, 23-30 KB).  Prints recorder CPU-seconds per 1000 frames
# (utime+stime from /proc), write throughput (bytes in the segments per
# second), frames recorded vs sent, motion detection cost per frame
# p50/p99 and frame-to-event latency p50/p99 (measured in the recorder,
# its "stats" line; one scene-mode camera makes the events), and the
# engine's CPU per 1000 frames with and without the recorder.
# Never fails on speed.
#   CAMERAS=50 SECONDS_=40 sh regress/bench/recorder.sh
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=$TOP}"
: "${OUT:=$TOP/regress/out/bench/recorder}"
export TOP BUILD OUT
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/bench/lib-bench.sh"
cams=${CAMERAS:-50}
secs=${SECONDS_:-40}
port=25300
R=$OUT/recordings
rm -rf "$R"

conf() {
	{
		bench_conf "$port"
		echo "recordings \"$R\""
		echo "record segment 60"
		i=1
		while [ $i -le "$cams" ]; do
			if [ "$1" = record ]; then
				printf 'camera "BNCH%08d" {\n\trecord always\n}\n' $i
			else
				printf 'camera "BNCH%08d" {\n\tstream always\n}\n' $i
			fi
			i=$((i + 1))
		done
		[ "$1" = record ] && printf 'camera "BMOT00000001" {\n\trecord always\n}\n'
	} >"$OUT/v720d.conf"
}
run() {
	conf "$1"
	: >"$OUT/v720d.log"
	bench_v720d
	wait_for 5 child_pid "$V720D_PID" "camera engine" || exit 1
	eng=$(child_pid "$V720D_PID" "camera engine")
	: >"$OUT/camsim-$1.log"
	bench_cameras "$cams" "$port" --uid BNCH --duration $((secs + 5)) \
	    --log "$OUT/camsim-$1.log"
	cs=$CAMSIM_PID
	if [ "$1" = record ]; then
		bench_cameras 1 "$port" --uid BMOT --duration $((secs + 5)) \
		    --motion-at 8,18,28 --motion-for 3
		mot=$CAMSIM_PID
		wait_for 10 child_pid "$V720D_PID" "v720d: recorder" || exit 1
		rec=$(child_pid "$V720D_PID" "v720d: recorder")
	fi
	sleep 5
	e0=$(cpu_ticks "$eng"); [ "$1" = record ] && r0=$(cpu_ticks "$rec")
	f0=$(grep -c '"ev":"frame"' "$OUT/camsim-$1.log"); b0=$(du -sb "$R" 2>/dev/null | cut -f1)
	sleep "$secs"
	e1=$(cpu_ticks "$eng"); [ "$1" = record ] && r1=$(cpu_ticks "$rec")
	f1=$(grep -c '"ev":"frame"' "$OUT/camsim-$1.log"); b1=$(du -sb "$R" 2>/dev/null | cut -f1)
	frames=$(( f1 - f0 ))
	[ "$1" = record ] && kill -USR1 "$rec" && sleep 1
	kill "$cs" ${mot:-} 2>/dev/null
	kill -TERM "$V720D_PID"; wait "$V720D_PID" 2>/dev/null
	python3 - "$1" "$frames" "$e0" "$e1" "${r0:-0}" "${r1:-0}" "${b0:-0}" "${b1:-0}" "$secs" "$hz" <<'PY'
import sys
mode, frames, e0, e1, r0, r1, b0, b1, secs, hz = sys.argv[1:]
frames = int(frames); secs = float(secs); hz = float(hz)
ecpu = (int(e1) - int(e0)) / hz
print("%s: %d frames in %.0f s; engine %.4f CPU-s per 1000 frames" %
      (mode, frames, secs, 1000 * ecpu / max(frames, 1)))
if mode == "record":
    rcpu = (int(r1) - int(r0)) / hz
    print("recorder: %.4f CPU-s per 1000 frames (%.0f %% of a core), "
          "writes %.2f MB/s" % (1000 * rcpu / max(frames, 1),
          100 * rcpu / secs, (int(b1) - int(b0)) / secs / 1e6))
PY
	[ "$1" = record ] && grep "recorder: stats" "$OUT/v720d.log" | tail -n 1
}

run stream
rm -f "$OUT/ctl.sock"
run record
