#!/bin/sh
# PIR settings of the 56... family (PROTOCOL.md sections 10-11): over
# MQTT 212 is pirSysMode and 215 pirGrade (over TCP 212 is the PTZ
# motor).  A camsim --firmware camera whose Info carries pirDevice shows
# pir_mode and pir_sensitivity; setting one goes on its sub/<uid> topic
# (code 212 with pirSysMode) and comes back in its Info.  A TCP camera
# without pirDevice gets 409 and nothing is forwarded to it.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-mqtt.sh"
need_root
ensure_test_user
CID=5600c0000098 TID=PIRT00000001
mqtt_v720d 39800
wait_for 10 mqtt_online || fail "mqtt child not connected"
start_camsim --firmware --bootstrap "127.0.0.1:$BOOTPORT" \
    --mqtt "127.0.0.1:$MQ_CAM" --uid "$CID" --log "$CAMLOG"
start_camsim --cameras 1 --uid PIRT --bootstrap "127.0.0.1:$BOOTPORT" \
    --fps 2 --log "$OUT/tcp.log"

W=http://127.0.0.1:$WEBPORT
shown() {
	curl -s "$W/api/cameras/$1" | python3 -c "import json,sys
j = json.load(sys.stdin)
sys.exit(0 if ($2) else 1)"
}
wait_for 15 shown $CID "j.get('pir_mode') == '0' and
    j.get('pir_sensitivity') == '2'" ||
    fail "no PIR settings: $(curl -s "$W/api/cameras/$CID")"
say "ok: pir_mode and pir_sensitivity from the Info's pirDevice"

mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -v -W 15 -C 1 \
    -t "Naxclow/P2P/Users/Device/sub/$CID" >"$OUT/sub.out" 2>&1 &
SUBPID=$!
sleep 1
code=$(curl -s -o "$OUT/set.out" -w '%{http_code}' -X POST \
    -d '{"pir_mode":"1"}' "$W/api/cameras/$CID/settings")
[ "$code" = 202 ] || fail "pir_mode 1: $code $(cat "$OUT/set.out")"
wait "$SUBPID"
grep -q "^Naxclow/P2P/Users/Device/sub/$CID {\"code\":212,\"pirSysMode\":1}" \
    "$OUT/sub.out" || fail "sub/<uid> saw: $(cat "$OUT/sub.out")"
wait_for 10 shown $CID "j.get('pir_mode') == '1'" ||
    fail "pir_mode not 1: $(curl -s "$W/api/cameras/$CID")"
"$V720CTL" -s "$SOCK" set "$CID" pir-sensitivity 4 || fail "v720ctl set"
wait_for 10 grep -q '"ev":"forward".*"code":215.*"pirGrade":4' "$CAMLOG" ||
    fail "215 did not reach the camera"
wait_for 10 shown $CID "j.get('pir_sensitivity') == '4'" ||
    fail "pir_sensitivity not 4: $(curl -s "$W/api/cameras/$CID")"
say "ok: set on sub/<uid>, echoed in the Info"

wait_for 15 shown $TID "j.get('state') != 'offline'" || fail "no TCP camera"
shown $TID "'pir_mode' not in j and 'pir_sensitivity' not in j" ||
    fail "TCP camera shows PIR: $(curl -s "$W/api/cameras/$TID")"
code=$(curl -s -o "$OUT/set2.out" -w '%{http_code}' -X POST \
    -d '{"pir_mode":"1"}' "$W/api/cameras/$TID/settings")
[ "$code" = 409 ] || fail "TCP camera pir_mode: $code $(cat "$OUT/set2.out")"
sleep 1
grep -q '"code":212' "$OUT/tcp.log" && fail "212 sent over TCP"
say "ok: a camera without pirDevice: 409, nothing sent"
