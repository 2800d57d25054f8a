#!/bin/sh
# v720d with MQTT under load: CAMERAS camsim cameras (500), TCP and MQTT,
# each sending an Info every INFO_EVERY seconds (5) with a battery that
# drains (so every Info differs), for SECONDS_ (60).  Prints the broker's
# messages per second (mosquitto's $SYS counters), the mqtt child's CPU
# (utime+stime from /proc), and the time from a camera's Info (camsim's
# clock when it published) to the Home Assistant sensor state carrying
# it (v720d/ID/state as a subscriber receives it), p50/p99.  Never fails
# on speed.
#   CAMERAS=500 SECONDS_=60 INFO_EVERY=5 sh regress/bench/mqtt.sh
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=$TOP}"
: "${OUT:=$TOP/regress/out/bench/mqtt}"
export TOP BUILD OUT
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-mqtt.sh"
. "$TOP/regress/bench/lib-bench.sh"
cams=${CAMERAS:-500}
secs=${SECONDS_:-60}
every=${INFO_EVERY:-5}
start_broker 36901 36902
# $SYS counters every second.
kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null
echo "sys_interval 1" >>"$OUT/mosquitto.conf"
echo "max_connections -1" >>"$OUT/mosquitto.conf"
mosquitto -c "$OUT/mosquitto.conf" >>"$OUT/mosquitto.log" 2>&1 &
BROKER_PID=$!
CLEANUP_PIDS="$CLEANUP_PIDS $BROKER_PID"
wait_for 10 mosquitto_pub -h 127.0.0.1 -p "$MQ_LOCAL" -t probe -n || fail "broker"

{
	bench_conf 36903
	echo "mqtt broker 127.0.0.1 port $MQ_LOCAL"
} >"$OUT/v720d.conf"
bench_v720d
wait_for 10 child_pid "$V720D_PID" "v720d: mqtt" || fail "no mqtt child"
mq=$(child_pid "$V720D_PID" "v720d: mqtt")

bench_cameras "$cams" 36903 --mqtt "127.0.0.1:$MQ_CAM" --info-every "$every" \
    --log "$OUT/cam.log"
n=0
for _ in $(seq 60); do
	n=$(mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -t 'v720d/+/state' \
	    --retained-only -W 2 -C "$cams" 2>/dev/null | grep -c sd_total_mb.:60334)
	[ "$n" -ge "$cams" ] && break
	sleep 1
done
echo "cameras with their SD card in Home Assistant's state: $n of $cams"

sys() { mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -t "\$SYS/broker/messages/$1" -C 1 -W 3; }
cpu() { cpu_ticks "$mq"; }
mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -t 'v720d/+/state' -F '%U %t %p' \
    >"$OUT/states.txt" 2>/dev/null &
subpid=$!
CLEANUP_PIDS="$CLEANUP_PIDS $subpid"
sleep 1
r0=$(sys received) s0=$(sys sent) c0=$(cpu) t0=$(date +%s.%N)
lines0=$(wc -l <"$OUT/cam.log")
sleep "$secs"
r1=$(sys received) s1=$(sys sent) c1=$(cpu) t1=$(date +%s.%N)
sleep 2
kill "$subpid" 2>/dev/null
python3 - "$OUT/cam.log" "$OUT/states.txt" "$lines0" "$t0" "$t1" \
    "$r0" "$r1" "$s0" "$s1" "$c0" "$c1" "$hz" "$cams" <<'PY'
import json, sys
log, states, skip = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0, t1 = float(sys.argv[4]), float(sys.argv[5])
r0, r1, s0, s1 = (int(x) for x in sys.argv[6:10])
c0, c1, hz, cams = int(sys.argv[10]), int(sys.argv[11]), int(sys.argv[12]), int(sys.argv[13])
infos = {}
n_info = 0
with open(log) as f:
    for i, line in enumerate(f):
        if i < skip or '"mqtt-info"' not in line:
            continue
        e = json.loads(line)
        d = e["detail"].split()
        ts = float(d[3])
        if t0 <= ts <= t1:
            infos.setdefault((e["cam"], int(d[1])), []).append(ts)
            n_info += 1
seen = {}
with open(states) as f:
    for line in f:
        ts, topic, payload = line.split(" ", 2)
        try:
            s = json.loads(payload)
        except ValueError:
            continue
        cam = topic.split("/")[1]
        seen.setdefault((cam, s.get("battery")), []).append(float(ts))
lat = []
for k, tl in infos.items():
    for ti in tl:
        later = [x for x in seen.get(k, []) if x >= ti - 0.001]
        if later:
            lat.append(min(later) - ti)
lat.sort()
def pct(p):
    return lat[min(len(lat) - 1, int(len(lat) * p / 100))] * 1000 if lat else float("nan")
dt = t1 - t0
print("Info messages in %.0f s: %d (%.0f/s); with their state seen: %d" % (dt, n_info, n_info / dt, len(lat)))
print("broker: %.0f messages/s received, %.0f/s sent" % ((r1 - r0) / dt, (s1 - s0) / dt))
print("mqtt child CPU: %.3f CPU-s in %.0f s (%.1f %% of a core), %.2f ms per Info" %
      ((c1 - c0) / hz, dt, (c1 - c0) / hz / dt * 100, (c1 - c0) / hz / max(n_info, 1) * 1000))
print("Info -> Home Assistant state: p50 %.1f ms, p99 %.1f ms (max %.1f ms)" % (pct(50), pct(99), lat[-1] * 1000 if lat else float("nan")))
PY
rss=$(awk '/VmRSS/{print $2}' "/proc/$mq/status")
echo "mqtt child RSS: $rss KB with $cams cameras"
