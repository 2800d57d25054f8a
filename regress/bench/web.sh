#!/bin/sh
# v720-web fan-out: 100 cameras x 5 viewers, then 1 camera x 200 viewers,
# through the whole daemon (camsim -> engine -> v720-web -> viewers) on
# loopback.  Prints frames per viewer against frames sent, v720-web CPU
# per 1000 deliveries, p99 latency from the engine handing a frame over
# to its last byte written to a viewer socket, and v720-web RSS; then the
# same two loads on the floor (camsim --webfloor: the same JPEGs at the
# same rate, one writev per frame and viewer, nothing else) and v720-web's
# CPU per delivery over the floor's.  Never fails on speed.
#   WARM=4 SECS=10 sh regress/bench/web.sh
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=$TOP}"
: "${OUT:=$TOP/regress/out/bench/web}"
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/bench/lib-bench.sh"
warm=${WARM:-4}
secs=${SECS:-10}
base=25300
[ -x "$V720WEB" ] || { echo "no $V720WEB (run make)" >&2; exit 1; }

{
	bench_conf "$base"
	# Every viewer comes from 127.0.0.1 here: let that address hold 500.
	echo "web connections per address 600"
} >"$OUT/v720d.conf"
WEB=http://127.0.0.1:$((base + 2))
bench_v720d
wait_for 10 curl -s -o /dev/null "$WEB/metrics" || { echo "v720-web did not start" >&2; exit 1; }
web=$(child_pid "$V720D_PID" v720-web)

bench_cameras 100 "$base" --uid BW --duration $((4 * (warm + secs) + 30))

echo "v720-web fan-out, loopback, $(nproc) CPUs"
plan=
i=1
while [ $i -le 100 ]; do
	plan="$plan $(printf 'BW%010d' $i):5"
	i=$((i + 1))
done
# load NAME URL PID PLAN...: one webload run, its output kept in $OUT/NAME.
load() {
	_n=$1 _u=$2 _p=$3; shift 3
	python3 "$TOP/regress/bench/webload.py" "$_u" "$_p" "$warm" "$secs" "$@" \
	    >"$OUT/$_n" 2>&1 || echo "  ($_n did not complete)" >>"$OUT/$_n"
	cat "$OUT/$_n"
}
per1000() { sed -n 's/.* = \([0-9.]*\) CPU-s per 1000 deliveries.*/\1/p' "$OUT/$1"; }
# shellcheck disable=SC2086 # the plan is a list of words
load web-100x5 "$WEB" "$web" $plan
load web-1x200 "$WEB" "$web" BW0000000001:200
kill -TERM "$V720D_PID" "$CAMSIM_PID"; wait "$V720D_PID" "$CAMSIM_PID" 2>/dev/null

FLOOR=http://127.0.0.1:$((base + 20))
"$CAMSIM" --webfloor "127.0.0.1:$((base + 20))" --fps 10 \
    --duration $((2 * (warm + secs) + 30)) >"$OUT/webfloor.out" 2>&1 &
floor=$!
CLEANUP_PIDS="$CLEANUP_PIDS $floor"
wait_for 10 curl -s -o /dev/null "$FLOOR/metrics" ||
    { echo "camsim --webfloor did not start" >&2; exit 1; }
echo "floor: camsim --webfloor, the same loads"
# shellcheck disable=SC2086
load floor-100x5 "$FLOOR" "$floor" $plan
load floor-1x200 "$FLOOR" "$floor" BW0000000001:200
kill -TERM "$floor"; wait "$floor" 2>/dev/null
for l in 100x5 1x200; do
	awk -v l="$l" -v w="$(per1000 "web-$l")" -v f="$(per1000 "floor-$l")" \
	    'BEGIN { if (w > 0 && f > 0) printf "  %s: v720-web / floor %.2f\n", l, w / f }'
done
exit 0
