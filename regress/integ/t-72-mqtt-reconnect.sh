#!/bin/sh
# The broker goes away: the rest of v720d keeps serving (API, v720ctl,
# the camera stays registered); the broker back (empty: no persistence),
# v720d republishes status, discovery, availability and state within
# 15 s.  (Retained commands at (re)connection: t-70.)  Then a reload
# moves the cameras' channel to a second broker ("mqtt camera broker")
# and the topic prefix: a camera on that broker shows up in Home
# Assistant's broker under the new prefix.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-mqtt.sh"
need_root
ensure_test_user
CID=0800c0000072
mqtt_v720d 36720
start_camsim --bootstrap "127.0.0.1:$BOOTPORT" --mqtt "127.0.0.1:$MQ_CAM" \
    --uid "$CID" --battery 66 --log "$CAMLOG"
has_sd() {
	mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -t "v720d/$CID/state" -C 1 \
	    -W 2 --retained-only 2>/dev/null | grep -q '"sd_total_mb":60334'
}
wait_for 15 has_sd || fail "no state with SD: $(retained "v720d/$CID/state")"
python3 "$TOP/regress/integ/hadisc.py" "$MQ_LOCAL" homeassistant v720d "$CID" ||
    fail "discovery before"
MQPID=$(child_pid "$V720D_PID" "v720d: mqtt") || fail "no mqtt child"

stop_broker
sleep 3
# v720d without its broker: everything else as before.
api=$(curl -sf "http://127.0.0.1:$WEBPORT/api/cameras/$CID") || fail "api without broker"
[ "$(jfield "$api" state)" = online ] || fail "camera not online without broker: $api"
[ "$(jfield "$api" battery)" = 66 ] || fail "battery lost: $api"
"$V720CTL" -s "$SOCK" show cameras | grep -q "$CID" || fail "v720ctl without broker"
alive "$MQPID" || fail "mqtt child died without its broker"
say "ok: broker gone, v720d keeps serving, the mqtt child waits"

# The broker back, empty.
start_broker "$MQ_CAM" "$MQ_LOCAL"
t0=$(date +%s)
back() {
	[ "$(retained v720d/status)" = online ] &&
	    [ "$(retained "v720d/$CID/availability")" = online ] && has_sd &&
	    python3 "$TOP/regress/integ/hadisc.py" "$MQ_LOCAL" homeassistant \
	    v720d "$CID"
}
wait_for 15 back || fail "not everything republished within 15 s: status \
$(retained v720d/status), availability $(retained "v720d/$CID/availability"), \
state $(retained "v720d/$CID/state"), discovery: \
$(python3 "$TOP/regress/integ/hadisc.py" "$MQ_LOCAL" homeassistant v720d "$CID")"
t1=$(date +%s)
say "ok: status, discovery, availability and state republished in $((t1 - t0)) s"
grep -q "lost home assistant and cameras' broker" "$OUT/v720d.log" ||
    fail "the loss was not logged"
say "ok: the loss logged"

# Reload: the cameras' channel on a second broker, a new topic prefix.
B1_LOCAL=$MQ_LOCAL B1_PID=$BROKER_PID
start_broker 36726 36727
B2_CAM=$MQ_CAM B2_LOCAL=$MQ_LOCAL
MQ_LOCAL=$B1_LOCAL MQ_CAM=36721
cat >>"$CONF" <<CONF2
mqtt camera broker 127.0.0.1 port $B2_LOCAL
mqtt topic prefix "house/v720d"
CONF2
"$V720CTL" -s "$SOCK" reload || fail "reload"
CID2=5600c0000072
start_camsim --firmware --mqtt "127.0.0.1:$B2_CAM" --uid "$CID2" --battery 33 \
    --log "$OUT/cam2.log"
on_b1() {
	s=$(retained "house/v720d/$CID2/state") &&
	    [ "$(jfield "$s" battery)" = 33 ] && [ "$(jfield "$s" state)" = standby ]
}
wait_for 15 on_b1 || fail "camera of the second broker not in HA: $(retained "house/v720d/$CID2/state")"
[ "$(retained house/v720d/status)" = online ] || fail "new prefix status"
python3 "$TOP/regress/integ/hadisc.py" "$MQ_LOCAL" homeassistant house/v720d "$CID2" ||
    fail "discovery under the new prefix"
# A command under the new prefix reaches it through the second broker.
mpub -t "house/v720d/$CID2/set/ir_led" -m auto
wait_for 10 grep -q '"ev":"forward".*"code":202.*"IrLed":2' "$OUT/cam2.log" ||
    fail "setting did not reach the camera on the second broker"
say "ok: reload to a separate camera broker and a new prefix"
