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
warm=${WARM:-4}
secs=${SECS:-10}
base=25300
for b in "$V720D" "$V720WEB" "$CAMSIM"; do
	[ -x "$b" ] || { echo "no $b (run make)" >&2; exit 1; }
done

userline=
if [ "$(id -u)" -eq 0 ]; then
	ensure_test_user
	userline="user \"$TEST_USER\""
fi
cat >"$OUT/v720d.conf" <<CONF
$userline
camera listen on 127.0.0.1 port $base
bootstrap listen on 127.0.0.1 port $((base + 1))
web listen on 127.0.0.1 port $((base + 2))
# Every viewer comes from 127.0.0.1 here: let that address hold 500.
web connections per address 600
# ... and every simulated camera.
camera connections per address 4096
control socket "$OUT/ctl.sock"
CONF
WEB=http://127.0.0.1:$((base + 2))
"$V720D" -d -f "$OUT/v720d.conf" >>"$OUT/v720d.log" 2>&1 &
V720D_PID=$!
CLEANUP_PIDS=$V720D_PID
wait_for 10 curl -s -o /dev/null "$WEB/metrics" || { echo "v720d did not start" >&2; exit 1; }
web=$(child_pid "$V720D_PID" v720-web)

start_camsim --cameras 100 --uid BW --bootstrap 127.0.0.1:$((base + 1)) --fps 10 \
    --duration $((4 * (warm + secs) + 30))
wait_for 20 sh -c "[ \$(curl -s '$WEB/api/cameras' | grep -o '\"state\":\"online\"' | wc -l) -ge 100 ]" ||
    echo "(not all 100 cameras online: $(curl -s "$WEB/api/cameras" | grep -o '"state":"online"' | wc -l))"

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
