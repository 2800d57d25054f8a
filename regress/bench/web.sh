#!/bin/sh
# v720-web fan-out: 100 cameras x 5 viewers, then 1 camera x 200 viewers,
# through the whole daemon (camsim -> engine -> v720-web -> viewers) on
# loopback.  Prints frames per viewer against frames sent, v720-web CPU
# per 1000 deliveries, p99 latency from the engine handing a frame over
# to its last byte written to a viewer socket, and v720-web RSS.  Never
# fails on speed.   WARM=4 SECS=10 sh regress/bench/web.sh
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
# shellcheck disable=SC2086 # the plan is a list of words
python3 "$TOP/regress/bench/webload.py" "$WEB" "$web" "$warm" "$secs" $plan ||
    echo "(100 x 5 did not complete)"
python3 "$TOP/regress/bench/webload.py" "$WEB" "$web" "$warm" "$secs" BW0000000001:200 ||
    echo "(1 x 200 did not complete)"
exit 0
