#!/bin/sh
# Cold start (issue 10): time from opening an MJPEG viewer of an idle
# camera, and from a snapshot request, to the first frame, p50/p99 over
# STARTS_ (20) starts each, against an instant camsim and one answering
# every message LATENCY_ (50) ms late (--latency: a camera on Wi-Fi).
# Setting up a stream takes 7 of the camera's answers (11, 21, three
# probes, forward 4, forward 3), so the slow camera's own share is
# 7 x LATENCY_.  Never fails on speed.
#   STARTS_=20 LATENCY_=50 sh regress/bench/coldstart.sh
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=$TOP}"
: "${OUT:=$TOP/regress/out/bench/coldstart}"
export TOP BUILD OUT
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/bench/lib-bench.sh"
starts=${STARTS_:-20}
lat=${LATENCY_:-50}
port=25300
uid=0800c0000001
{
	bench_conf "$port"
	printf 'camera "%s" {\n\tidle timeout 1\n}\n' "$uid"
} >"$OUT/v720d.conf"

bench_v720d
state_is() {
	"$V720CTL" -s "$OUT/ctl.sock" show camera "$uid" 2>/dev/null |
	    grep -qx "state: $1"
}
for l in 0 "$lat"; do
	bench_cameras 1 "$port" --latency "$l" --seed 1
	wait_for 20 state_is online || { echo "camera did not register" >&2; exit 1; }
	echo "camsim --latency $l (camera's own share: $((7 * l)) ms):" |
	    tee -a "$OUT/figures"
	python3 "$TOP/regress/bench/coldstart.py" \
	    "http://127.0.0.1:$((port + 2))/" "$uid" "$starts" |
	    sed 's/^/  /' | tee -a "$OUT/figures" || exit 1
	kill -TERM "$CAMSIM_PID"
	wait "$CAMSIM_PID" 2>/dev/null
	# What camsim's answers really waited (its timers wake late when
	# the machine is busy): the camera's own share, measured.
	d=$(grep -a '"ev":"summary"' "$OUT/camsim.out" | tail -n 1 |
	    sed -n 's/.*"delay_ms":\([0-9.]*\).*/\1/p')
	[ "$l" -gt 0 ] && [ -n "$d" ] &&
	    awk -v d="$d" 'BEGIN { printf "  camsim'"'"'s answers waited %.2f ms on average: the camera'"'"'s own share was 7 x %.2f = %.1f ms\n", d, d, 7 * d }' |
	    tee -a "$OUT/figures"
	wait_for 40 state_is offline
done
exit 0
