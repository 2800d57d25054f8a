#!/bin/sh
# What a Home Assistant user sees with "mqtt broker": v720d with a real
# mosquitto (the shipped config) and camsim talking TCP and MQTT.  Every
# discovery config retained and valid; battery, Wi-Fi and SD from the
# camera's Info in the API, in v720ctl and in the sensor state; a command
# on a command topic reaching the camera (camsim's log) and the new state
# coming back; the process "v720d: mqtt" unprivileged; the daemon killed
# -> "offline" through the will.  The optional settings (caminfo.c's
# table) as entities only for a camera that showed it has them.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-mqtt.sh"
need_root
ensure_test_user
CID=0800c0000071
mqtt_v720d 36710 "camera \"$CID\" {" '	name "Porch"' '}'
wait_for 10 child_pid "$V720D_PID" "v720d: mqtt" || fail "no mqtt child"
MQPID=$(child_pid "$V720D_PID" "v720d: mqtt")
grep -q 'v720d: mqtt' "/proc/$MQPID/cmdline" || fail "title: $(tr '\0' ' ' <"/proc/$MQPID/cmdline")"
[ "$(stat -c %U "/proc/$MQPID")" = "$TEST_USER" ] || fail "mqtt child not $TEST_USER"
[ "$(readlink "/proc/$MQPID/root")" = /var/empty ] || fail "mqtt child not chrooted"
grep -q '^Seccomp:[[:space:]]*2' "/proc/$MQPID/status" || fail "mqtt child has no seccomp filter"
# Only the mqtt child maps libmosquitto.
grep -q libmosquitto "/proc/$MQPID/maps" || fail "mqtt child without libmosquitto?"
for p in "$V720D_PID" $(children_of "$V720D_PID"); do
	[ "$p" = "$MQPID" ] && continue
	grep -q libmosquitto "/proc/$p/maps" && fail "pid $p maps libmosquitto"
done
wait_for 10 sh -c "[ \"\$(mosquitto_sub -h 127.0.0.1 -p $MQ_LOCAL -t v720d/status -C 1 -W 2)\" = online ]" ||
    fail "no v720d/status online"
say "ok: v720d: mqtt runs as $TEST_USER, chrooted, seccomp; status online"

start_camsim --bootstrap "127.0.0.1:$BOOTPORT" --mqtt "127.0.0.1:$MQ_CAM" \
    --uid "$CID" --battery 77 --log "$CAMLOG"

# The second Info (SD card read) ends up in the sensor state.
state() { retained "v720d/$CID/state"; }
wait_for 15 sh -c "mosquitto_sub -h 127.0.0.1 -p $MQ_LOCAL -t v720d/$CID/state -C 1 -W 2 --retained-only | grep -q '\"sd_total_mb\":60334'" ||
    fail "no SD in the state: $(state)"
s=$(state)
[ "$(jfield "$s" battery)" = 77 ] || fail "state battery: $s"
[ "$(jfield "$s" sd_free_mb)" = 35359 ] || fail "state sd_free_mb: $s"
[ "$(jfield "$s" wifi)" = camsim-net ] || fail "state wifi: $s"
[ "$(jfield "$s" name)" = Porch ] || fail "state name: $s"
[ "$(jfield "$s" state)" = online ] || fail "state: $s"
python3 "$TOP/regress/integ/hadisc.py" "$MQ_LOCAL" homeassistant v720d "$CID" ||
    fail "discovery"
[ "$(retained "v720d/$CID/availability")" = online ] || fail "availability"
[ "$(retained "v720d/$CID/motion")" = OFF ] || fail "motion"
say "ok: discovery, state with battery/SD/Wi-Fi from Info, availability"

# The same values in the API and in v720ctl.
api=$(curl -sf "http://127.0.0.1:$WEBPORT/api/cameras/$CID") || fail "api"
[ "$(jfield "$api" battery)" = 77 ] && [ "$(jfield "$api" sd_total_mb)" = 60334 ] &&
    [ "$(jfield "$api" sd_free_mb)" = 35359 ] || fail "api: $api"
"$V720CTL" -s "$SOCK" show camera "$CID" >"$OUT/show.out" || fail "v720ctl"
grep -qx 'battery: 77%' "$OUT/show.out" || fail "v720ctl battery: $(cat "$OUT/show.out")"
grep -qx 'sd-card: 35359 MB free of 60334 MB' "$OUT/show.out" || fail "v720ctl sd"
say "ok: API and v720ctl agree"

# A command from Home Assistant reaches the camera and comes back.
mpub -t "v720d/$CID/set/ir_led" -m auto
wait_for 10 grep -q '"ev":"forward".*"code":202.*"IrLed":2' "$CAMLOG" ||
    fail "forward 202 not at the camera: $(grep forward "$CAMLOG" | tail -3)"
wait_for 10 sh -c "mosquitto_sub -h 127.0.0.1 -p $MQ_LOCAL -t v720d/$CID/state -C 1 -W 2 --retained-only | grep -q '\"ir_led\":\"auto\"'" ||
    fail "ir_led not auto in the state: $(state)"
mpub -t "v720d/$CID/set/status_led" -m off
wait_for 10 grep -q '"ev":"forward".*"code":210.*"instLed":0' "$CAMLOG" ||
    fail "forward 210 not at the camera"
wait_for 10 sh -c "mosquitto_sub -h 127.0.0.1 -p $MQ_LOCAL -t v720d/$CID/state -C 1 -W 2 --retained-only | grep -q '\"status_led\":\"off\"'" ||
    fail "status_led not off: $(state)"
say "ok: commands reach the camera, the new state comes back"

# Streaming from Home Assistant: the camera entity gets a JPEG.
mpub -t "v720d/$CID/stream" -m start
mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -t "v720d/$CID/image" -C 1 -W 20 \
    >"$OUT/image.jpg" 2>/dev/null || fail "no image"
[ "$(head -c 2 "$OUT/image.jpg" | od -An -tx1 | tr -d ' ')" = ffd8 ] ||
    fail "image is not a JPEG"
mpub -t "v720d/$CID/stream" -m stop
say "ok: the camera entity gets a JPEG while streaming"

# The settings the camera showed in its base info (the stream session):
# their entities, a command on one reaching the camera and coming back.
ALL=select/video_quality,select/motion_sensitivity,select/white_light
ALL=$ALL,switch/sd_recording,button/sd_format,button/ap_mode,button/wifi_scan
wait_for 20 python3 "$TOP/regress/integ/hadisc.py" "$MQ_LOCAL" homeassistant \
    v720d "$CID" "$ALL" ||
    fail "optional entities: $(python3 "$TOP/regress/integ/hadisc.py" "$MQ_LOCAL" homeassistant v720d "$CID" "$ALL")"
c=$(retained "homeassistant/select/v720d_$CID/white_light/config")
python3 -c "import json,sys; c = json.loads(sys.argv[1])
sys.exit(0 if c['options'] == ['off', 'on', 'auto'] and
    c['value_template'] == '{{ value_json.white_light }}' and
    c['command_topic'] == 'v720d/$CID/set/white_light' and
    c['name'] == 'White light' else 1)" "$c" || fail "white_light config: $c"
mpub -t "v720d/$CID/set/white_light" -m auto
wait_for 10 grep -q '"ev":"forward".*"code":220.*"ledEI":2' "$CAMLOG" ||
    fail "forward 220 not at the camera: $(grep forward "$CAMLOG" | tail -3)"
wait_for 10 sh -c "mosquitto_sub -h 127.0.0.1 -p $MQ_LOCAL -t v720d/$CID/state -C 1 -W 2 --retained-only | grep -q '\"white_light\":\"auto\"'" ||
    fail "white_light not auto in the state: $(state)"
# The SD format button's press.
mpub -t "v720d/$CID/set/sd_format" -m confirm
wait_for 10 grep -q '"ev":"forward".*"code":207' "$CAMLOG" ||
    fail "forward 207 not at the camera"
say "ok: optional settings' entities; white_light and sd_format reach the camera"

# A camera without those fields (TCP only, so no MQTT Info either): none
# of them but ap_mode and wifi_scan (it reports wifiName), and a command refused.
CAMLOG2=$OUT/cam2.log CID2=HANO00000001
start_camsim --cameras 1 --uid HANO --bootstrap "127.0.0.1:$BOOTPORT" \
    --features none --log "$CAMLOG2"
wait_for 15 sh -c "[ -n \"\$(mosquitto_sub -h 127.0.0.1 -p $MQ_LOCAL -t v720d/$CID2/state -C 1 -W 2 --retained-only)\" ]" ||
    fail "no state for $CID2"
mpub -t "v720d/$CID2/stream" -m start
wait_for 20 sh -c "[ -n \"\$(mosquitto_sub -h 127.0.0.1 -p $MQ_LOCAL -t homeassistant/button/v720d_$CID2/ap_mode/config -C 1 -W 2 --retained-only)\" ]" ||
    fail "no ap_mode for $CID2"
python3 "$TOP/regress/integ/hadisc.py" "$MQ_LOCAL" homeassistant v720d "$CID2" \
    button/ap_mode,button/wifi_scan || fail "configs of $CID2"
mpub -t "v720d/$CID2/set/white_light" -m on
mpub -t "v720d/$CID2/set/ir_led" -m on
wait_for 10 grep -q '"ev":"forward".*"code":202' "$CAMLOG2" ||
    fail "ir_led not at $CID2"
grep -q '"ev":"forward".*"code":220' "$CAMLOG2" && fail "white_light reached $CID2"
mpub -t "v720d/$CID2/stream" -m stop
say "ok: a camera without the fields has none of their entities"

# The whole daemon killed: Home Assistant learns it through the will.
kill -KILL "$V720D_PID" $(children_of "$V720D_PID")
wait_for 10 sh -c "[ \"\$(mosquitto_sub -h 127.0.0.1 -p $MQ_LOCAL -t v720d/status -C 1 -W 2)\" = offline ]" ||
    fail "no offline through the will"
say "ok: daemon killed -> v720d/status offline"
