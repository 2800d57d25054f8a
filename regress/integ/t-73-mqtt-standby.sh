#!/bin/sh
# A camera of the 56... family (camsim --firmware): getDevInfo answered,
# then MQTT only.  It is listed as "standby" with what its Info told
# (battery, SD) in the API, v720ctl and Home Assistant; the viewer page,
# the MJPEG route and v720ctl say plainly that live view is not possible
# yet; a setting reaches it on its sub/<uid> topic and comes back in its
# Info; an unknown message code is logged once; its will -> offline.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-mqtt.sh"
need_root
ensure_test_user
CID=5600c0000073
mqtt_v720d 36730
wait_for 10 mqtt_online || fail "mqtt child not connected"
start_camsim --firmware --bootstrap "127.0.0.1:$BOOTPORT" \
    --mqtt "127.0.0.1:$MQ_CAM" --uid "$CID" --battery 64 --log "$CAMLOG"

api() { curl -sf "http://127.0.0.1:$WEBPORT/api/cameras/$CID"; }
standby_sd() { a=$(api) && [ "$(jfield "$a" state)" = standby ] &&
    [ "$(jfield "$a" sd_total_mb)" = 60334 ]; }
wait_for 15 standby_sd || fail "not standby with SD: $(api)"
grep -q '"ev":"devinfo"' "$CAMLOG" || fail "getDevInfo not answered"
grep -q '"ev":"register' "$CAMLOG" && fail "the camera registered on TCP?"
a=$(api)
[ "$(jfield "$a" battery)" = 64 ] && [ "$(jfield "$a" sd_free_mb)" = 35359 ] &&
    [ "$(jfield "$a" firmware)" = 202411051530 ] || fail "api: $a"
curl -sf "http://127.0.0.1:$WEBPORT/api/cameras" | grep -q "\"$CID\"" ||
    fail "not in the camera list"
say "ok: listed as standby with battery, SD and firmware from Info"

"$V720CTL" -s "$SOCK" show cameras >"$OUT/list.out" || fail "show cameras"
grep "$CID" "$OUT/list.out" | grep -q 'standby.*64%' || fail "v720ctl list: $(cat "$OUT/list.out")"
"$V720CTL" -s "$SOCK" show camera "$CID" >"$OUT/show.out" || fail "show camera"
grep -q '^live-view: not possible for this camera yet' "$OUT/show.out" ||
    fail "v720ctl does not say live view is impossible: $(cat "$OUT/show.out")"
"$V720CTL" -s "$SOCK" snapshot "$CID" -o "$OUT/x.jpg" 2>"$OUT/snap.err" &&
    fail "snapshot of a standby camera succeeded"
grep -q 'live view is not possible for this camera yet' "$OUT/snap.err" ||
    fail "snapshot error: $(cat "$OUT/snap.err")"
code=$(curl -s -o "$OUT/mjpeg.out" -w '%{http_code}' --max-time 5 \
    "http://127.0.0.1:$WEBPORT/api/cameras/$CID/mjpeg")
[ "$code" = 409 ] && grep -q 'live view is not possible' "$OUT/mjpeg.out" ||
    fail "mjpeg of a standby camera: $code $(cat "$OUT/mjpeg.out")"
curl -sf "http://127.0.0.1:$WEBPORT/" | grep -q 'Live view is not possible for this' ||
    fail "viewer page has no standby message"
say "ok: v720ctl, the MJPEG route and the viewer say live view is not possible yet"

s=$(retained "v720d/$CID/state")
[ "$(jfield "$s" state)" = standby ] && [ "$(jfield "$s" battery)" = 64 ] ||
    fail "HA state: $s"
[ "$(retained "v720d/$CID/availability")" = online ] || fail "HA availability"
python3 "$TOP/regress/integ/hadisc.py" "$MQ_LOCAL" homeassistant v720d "$CID" ||
    fail "discovery"
say "ok: Home Assistant sees it, with its battery"

# Settings without TCP: on sub/<uid>, echoed in a new Info.
mpub -t "v720d/$CID/set/ir_led" -m on
wait_for 10 grep -q '"ev":"mqtt-forward"' "$CAMLOG" || fail "no setting over mqtt"
grep -q '"ev":"forward".*"code":202.*"IrLed":1' "$CAMLOG" || fail "forward content"
wait_for 10 sh -c "curl -sf http://127.0.0.1:$WEBPORT/api/cameras/$CID | grep -q '\"ir_led\":\"on\"'" ||
    fail "ir_led not on: $(api)"
"$V720CTL" -s "$SOCK" set "$CID" status-led off || fail "v720ctl set over mqtt"
wait_for 10 grep -q '"ev":"forward".*"code":210.*"instLed":0' "$CAMLOG" ||
    fail "v720ctl set did not reach the camera"
say "ok: settings go on sub/<uid>, the new state comes back"

# Unknown messages: logged once per code.
for i in 1 2 3; do
	mosquitto_pub -h 127.0.0.1 -p "$MQ_CAM" -u "$CID" -P x \
	    -t Naxclow/P2P/Users/Device/Status -m '{"code": 249,"x":1}' 2>/dev/null
	mpub -t Naxclow/P2P/Users/Device/Event -m "{\"code\": 240, \"n\": $i}"
done
wait_for 5 grep -q 'unknown camera message on Naxclow/P2P/Users/Device/Event, code 240' "$OUT/v720d.log" ||
    fail "unknown code not logged"
sleep 1
n=$(grep -c 'unknown camera message.*code 240' "$OUT/v720d.log")
[ "$n" = 1 ] || fail "code 240 logged $n times"
say "ok: unknown code logged once"

# Power gone: the broker sends its will, the camera is offline.
kill -KILL "$CAMSIM_PID"
wait_for 30 sh -c "curl -sf http://127.0.0.1:$WEBPORT/api/cameras/$CID | grep -q '\"state\":\"offline\"'" ||
    fail "not offline after the will: $(api)"
wait_for 5 sh -c "[ \"\$(mosquitto_sub -h 127.0.0.1 -p $MQ_LOCAL -t v720d/$CID/availability -C 1 -W 2)\" = offline ]" ||
    fail "availability not offline"
say "ok: its will -> offline"
