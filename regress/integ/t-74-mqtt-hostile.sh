#!/bin/sh
# Hostile broker input changes nothing: huge, truncated, wrongly typed,
# out-of-range and path-like payloads on the cameras' topics and on the
# command topics, from a camera's login and from the local listener.  The
# camera object (API) and the retained state stay as they were, nothing
# reaches the camera, and the mqtt child is the same process afterwards.
# The ACL keeps a camera's login out of v720d's and other cameras' topics.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-mqtt.sh"
need_root
ensure_test_user
CID=0800c0000074
mqtt_v720d 36740
start_camsim --bootstrap "127.0.0.1:$BOOTPORT" --mqtt "127.0.0.1:$MQ_CAM" \
    --uid "$CID" --battery 55 --log "$CAMLOG"
api() { curl -sf "http://127.0.0.1:$WEBPORT/api/cameras/$CID"; }
wait_for 15 sh -c "curl -sf http://127.0.0.1:$WEBPORT/api/cameras/$CID | grep -q '\"sd_total_mb\":60334'" ||
    fail "no SD: $(api)"
MQPID=$(child_pid "$V720D_PID" "v720d: mqtt") || fail "no mqtt child"
sleep 1
strip() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); [d.pop(k) for k in ("last_seen","fps","frames","bytes","dropped")]; print(json.dumps(d, sort_keys=True))' "$1"; }
before=$(strip "$(api)")
sbefore=$(strip "$(retained "v720d/$CID/state")")
nfwd=$(grep -c '"ev":"forward"' "$CAMLOG")

I=Naxclow/P2P/Users/Device/Info
S=Naxclow/P2P/Users/Device/Status
big=$(head -c 200000 /dev/zero | tr '\0' 'A')
# As the camera itself (its login on the cameras' listener) and locally.
cam() { mosquitto_pub -h 127.0.0.1 -p "$MQ_CAM" -i "hostile-$$" -u "$CID" -P '"x"' "$@"; }
for pubf in cam mpub; do
	$pubf -t $I -m "{\"devPower\":\"1\",\"devicesCode\":\"$CID\"}"
	$pubf -t $I -m "{\"devPower\": 1,\"devicesCode\":\"$CID\""
	$pubf -t $I -m "{\"devPower\": 1000,\"devicesCode\":\"$CID\"}"
	$pubf -t $I -m "{\"devPower\": 1.5,\"devicesCode\":\"$CID\"}"
	$pubf -t $I -m "{\"devPower\": 1,\"devicesCode\":[\"$CID\"]}"
	$pubf -t $I -m "{\"devPower\": 1,\"SD_freeDisk\": 9,\"SD_blockDisk\": 5,\"devicesCode\":\"$CID\"}"
	$pubf -t $I -m "{\"devPower\": 1,\"wifiName\":{\"a\":1},\"devicesCode\":\"$CID\"}"
	$pubf -t $I -m "{\"devPower\": 1,\"devicesCode\":\"$CID\",\"pad\":\"$big\"}"
	$pubf -t $I -m "[1,2,3]"
	$pubf -t $I -m ""
	$pubf -t $S -m "{\"device\":\"$CID\",\"status\":\"0\"}"
	$pubf -t $S -m "{\"device\":\"$CID\",\"status\": 7}"
	$pubf -t $S -m "{\"device\":\"../../$CID\",\"status\": 0}"
	$pubf -t $S -m "$big"
done 2>/dev/null
for p in purple "on " "" "$big" '{"IrLed":1}'; do
	mpub -t "v720d/$CID/set/ir_led" -m "$p"
	mpub -t "v720d/$CID/set/nonsense" -m on
	mpub -t "v720d/$CID/reboot" -m "$p"
	mpub -t "v720d/$CID/stream" -m "$p"
done 2>/dev/null
mpub -t "v720d/../$CID/set/ir_led" -m on
mpub -t "v720d/$CID/set/ir_led/x" -m on
# A camera's login may not publish as v720d, nor read others' commands.
cam -t "v720d/$CID/set/ir_led" -m on
cam -t "homeassistant/switch/v720d_$CID/status_led/config" -r -m '{}'
sleep 3

alive "$MQPID" || fail "the mqtt child died"
[ "$(child_pid "$V720D_PID" "v720d: mqtt")" = "$MQPID" ] || fail "mqtt child restarted"
after=$(strip "$(api)")
[ "$before" = "$after" ] || fail "camera object changed: $before -> $after"
safter=$(strip "$(retained "v720d/$CID/state")")
[ "$sbefore" = "$safter" ] || fail "state changed: $sbefore -> $safter"
[ "$(grep -c '"ev":"forward"' "$CAMLOG")" = "$nfwd" ] ||
    fail "something reached the camera: $(grep forward "$CAMLOG" | tail -2)"
python3 "$TOP/regress/integ/hadisc.py" "$MQ_LOCAL" homeassistant v720d "$CID" ||
    fail "a camera login overwrote a discovery config"
say "ok: hostile payloads changed nothing; ACL held"
