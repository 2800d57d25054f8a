#!/bin/sh
# MQTT input by the unknown (issue 17, finding 7), from the attacker's
# side, with a real mosquitto on the shipped config (ACL and plugin).
#  - A stranger logged in on the cameras' listener as one uid (user name
#    and client id, as cameras do) publishes Status, Info and a will for
#    the configured camera: the broker drops them; the camera's battery
#    and state do not change.
#  - Status and Info for made-up uids that reach v720d anyway (a broker
#    without the plugin; here the local listener):
#    - under "unknown cameras reject": nothing is listed in /api/cameras
#      but the configured camera, nothing about them is published under
#      v720d/ or homeassistant/, and the mqtt child keeps no state for
#      them (its SIGUSR1 stats line counts one camera);
#    - under "unknown cameras accept", a flood of 1000 uids: the web API
#      and the mqtt child keep at most 64 of them (offline,
#      unconfigured), as for cameras on TCP;
#    - the engine restarts: the mqtt child forgets what it forgot.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-mqtt.sh"
need_root
ensure_test_user

command -v python3 >/dev/null 2>&1 || skip "needs python3"
chmod 0755 "$OUT"

CAMPORT=36763 BOOTPORT=36764 WEBPORT=36765
SOCK=$OUT/ctl.sock CONF=$OUT/v720d.conf CAMLOG=$OUT/cam.log
C=0800c0000075
start_broker 36761 36762

# conf POLICY: v720d.conf with unknown cameras POLICY.
conf() {
	cat >"$CONF" <<CONF
user "$TEST_USER"
camera listen on 127.0.0.1 port $CAMPORT
bootstrap listen on 127.0.0.1 port $BOOTPORT
web listen on 127.0.0.1 port $WEBPORT
control socket "$SOCK"
mqtt broker 127.0.0.1 port $MQ_LOCAL
unknown cameras $1
camera "$C" {
	name "Porch"
}
CONF
}
conf reject
start_v720d "$CONF"
wait_for 10 test -S "$SOCK" || fail "v720d did not start"
start_camsim --bootstrap "127.0.0.1:$BOOTPORT" --mqtt "127.0.0.1:$MQ_CAM" \
    --uid "$C" --battery 55 --log "$CAMLOG"
api() { curl -sf "http://127.0.0.1:$WEBPORT/api/cameras${1:-}"; }
wait_for 15 sh -c "curl -sf http://127.0.0.1:$WEBPORT/api/cameras/$C | grep -q '\"battery\":55'" ||
    fail "the configured camera is not seen on MQTT: $(api "/$C")"
MQPID=$(child_pid "$V720D_PID" "v720d: mqtt") || fail "no mqtt child"

# Everything v720d publishes from now on, retained or not.
mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -t 'v720d/#' -t 'homeassistant/#' \
    -v >"$OUT/published.txt" 2>/dev/null &
CLEANUP_PIDS="$CLEANUP_PIDS $!"

S=Naxclow/P2P/Users/Device/Status
I=Naxclow/P2P/Users/Device/Info
# flood PREFIX N: Status and Info for N uids PREFIX%06d, from one login
# on the local listener, then an Info of the configured camera as a
# marker: once the API shows its battery, the broker has delivered the
# flood before it.
mark=60
flood() {
	python3 -c 'import json, sys
for i in range(int(sys.argv[2])):
    print(json.dumps({"device": "%s%06d" % (sys.argv[1], i),
                      "token": "NAXCLOW", "status": 1}))' "$1" "$2" |
	    mpub -t "$S" -l || fail "flood: Status"
	python3 -c 'import json, sys
for i in range(int(sys.argv[2])):
    print(json.dumps({"devicesCode": "%s%06d" % (sys.argv[1], i),
                      "devPower": 99, "wifiName": "x", "IrLed": 1}))' \
	    "$1" "$2" |
	    mpub -t "$I" -l || fail "flood: Info"
	mark=$((mark + 1))
	mpub -t "$I" -m "{\"devicesCode\":\"$C\",\"devPower\":$mark}"
	wait_for 30 sh -c "curl -sf http://127.0.0.1:$WEBPORT/api/cameras/$C | grep -q '\"battery\":$mark'" ||
	    fail "the marker after the flood never arrived"
}
# mqtt_cameras: the mqtt child's table size, from its SIGUSR1 stats.
mqtt_cameras() {
	_n=$(grep -c "mqtt: stats: cameras" "$OUT/v720d.log")
	kill -USR1 "$MQPID"
	wait_for 10 sh -c "[ \$(grep -c 'mqtt: stats: cameras' '$OUT/v720d.log') -gt $_n ]" ||
	    fail "no stats from the mqtt child"
	grep "mqtt: stats: cameras" "$OUT/v720d.log" | tail -n 1 |
	    sed 's/.*stats: cameras \([0-9]*\),.*/\1/'
}
# listed: the uids /api/cameras lists, one a line.
listed() {
	api | python3 -c 'import json, sys
d = json.load(sys.stdin)
for c in d if isinstance(d, list) else d["cameras"]:
    print(c["id"])'
}

# The stranger, as uid X on the cameras' listener, speaks for the camera.
X=0800e0999999
stranger() {
	mosquitto_pub -h 127.0.0.1 -p "$MQ_CAM" -i "$X" -u "$X" -P x "$@"
}
mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -t 'Naxclow/#' -v \
    >"$OUT/naxclow.txt" 2>/dev/null &
SUBPID=$!
CLEANUP_PIDS="$CLEANUP_PIDS $SUBPID"
sleep 0.5
stranger -t "$I" -m "{\"devicesCode\":\"$C\",\"devPower\":7}"
stranger -t "$S" -m "{\"device\":\"$C\",\"token\":\"NAXCLOW\",\"status\":0}"
stranger -t "$I" -m "{\"device\":\"$C\",\"devPower\":8}"
# Its will, for the camera, left by a connection that dies.
mosquitto_sub -h 127.0.0.1 -p "$MQ_CAM" -i "$X" -u "$X" -P x -t x \
    --will-topic "$S" --will-payload \
    "{\"device\":\"$C\",\"token\":\"NAXCLOW\",\"status\":0}" &
W=$!
sleep 1
kill -KILL "$W"
wait "$W" 2>/dev/null
# Its own Status is fine (then ignored: unknown).
stranger -t "$S" -m "{\"device\":\"$X\",\"token\":\"NAXCLOW\",\"status\":1}"
wait_for 10 grep -q "\"device\":\"$X\"" "$OUT/naxclow.txt" ||
    fail "the stranger's Status for itself did not pass the broker"
sleep 1
kill "$SUBPID"
# (The camera's own Status 1 and Info pass, of course.)
if grep -e '"devPower":[78]}' -e "\"$C\",\"token\":\"NAXCLOW\",\"status\":0" \
    "$OUT/naxclow.txt" >"$OUT/leaked.txt"; then
	fail "the broker let a login as $X speak for $C: $(head -2 "$OUT/leaked.txt")"
fi
b=$(api "/$C" | python3 -c 'import json, sys; print(json.load(sys.stdin)["battery"])')
[ "$b" = 55 ] || fail "the camera's battery is $b, not 55"
say "ACL: the broker dropped a login's Status, Info and will for another uid"

flood 0800e0 100
sleep 1
[ "$(listed)" = "$C" ] || fail "reject: listed: $(listed | head -5 | tr '\n' ' ')"
n=$(mqtt_cameras)
say "reject: 100 strangers' uids: listed $(listed | wc -l), mqtt child table $n"
[ "$n" = 1 ] || fail "reject: the mqtt child keeps $n cameras (1 configured)"
grep -q 0800e0 "$OUT/published.txt" &&
    fail "reject: published: $(grep 0800e0 "$OUT/published.txt" | head -2)"

conf accept
"$V720CTL" -s "$SOCK" reload || fail "reload"
flood 0800f1 1000
sleep 1
nl=$(listed | wc -l)
n=$(mqtt_cameras)
say "accept: 1000 strangers' uids: listed $nl, mqtt child table $n"
[ "$nl" -le 65 ] || fail "accept: $nl cameras listed (64 offline + 1)"
[ "$n" -le 65 ] || fail "accept: the mqtt child keeps $n cameras"

# The engine restarts (killed): the new one knows only the configured
# camera, and within MQTT_ENGINE_SETTLE_S (10 s) of its channel the mqtt
# child has forgotten the others too.
ENGINE_PID=$(child_pid "$V720D_PID" "camera engine") || fail "no engine"
kill -KILL "$ENGINE_PID"
new_engine() {
	_p=$(child_pid "$V720D_PID" "camera engine") && [ "$_p" != "$ENGINE_PID" ]
}
wait_for 30 new_engine || fail "the engine was not restarted"
t0=$(date +%s)
mqtt_table_is() {
	kill -USR1 "$MQPID"
	sleep 0.5
	grep 'mqtt: stats: cameras' "$OUT/v720d.log" | tail -n 1 |
	    grep -q "cameras $1,"
}
wait_for 40 mqtt_table_is 1 ||
    fail "after the engine's restart the mqtt child keeps $(mqtt_cameras) cameras"
say "engine restarted: the mqtt child table is back to 1 in $(( $(date +%s) - t0 )) s"
alive "$MQPID" || fail "the mqtt child died"
[ "$(child_pid "$V720D_PID" "v720d: mqtt")" = "$MQPID" ] ||
    fail "the mqtt child was restarted"
say "ok"
