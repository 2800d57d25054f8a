#!/bin/sh
# Wi-Fi scan (forward 211): POST /api/cameras/{id}/wifi/scan is 202 and
# the camera's answer, scanWifiBase64 (base64 of its networks: a JSON
# array, or SSIDs one a line), shows as "wifi_scan" in the camera object
# and in v720ctl show camera.  A hostile scanWifiBase64 (not base64,
# over the bound) changes nothing: wifi_scan stays null, the daemon
# goes on.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

HUGE=$(python3 -c "print('QUFB' * 700)")
web_start 39700
start_camsim --cameras 1 --uid WSCA --bootstrap "$BOOT" --fps 2 \
    --log "$OUT/a.log"
start_camsim --cameras 1 --uid WSCB --bootstrap "$BOOT" --fps 2 \
    --wifi-scan 'aG9tZQ0KZ3Vlc3QgbmV0Cg==' --log "$OUT/b.log"
start_camsim --cameras 1 --uid WSCC --bootstrap "$BOOT" --fps 2 \
    --wifi-scan 'bm90!YmFzZTY0' --log "$OUT/c.log"
start_camsim --cameras 1 --uid WSCD --bootstrap "$BOOT" --fps 2 \
    --wifi-scan "$HUGE" --log "$OUT/d.log"
web_cameras 4
A=WSCA00000001 B=WSCB00000001 C=WSCC00000001 D=WSCD00000001

shown() {
	curl -s "$WEB/api/cameras/$1" | python3 -c "import json,sys
j = json.load(sys.stdin)
sys.exit(0 if ($2) else 1)"
}
# The base info (forward 4, with wifiName) comes with a stream session.
for id in $A $B $C $D; do
	req GET "$WEB/api/cameras/$id"
	jcheck "j['wifi_scan'] is None" "$id: wifi_scan before a scan"
	req POST "$WEB/api/cameras/$id/stream/start"
done
for id in $A $B $C $D; do
	wait_for 15 shown $id "'wifi_scan' in j['actions']" ||
	    fail "$id: no wifi_scan action: $(curl -s "$WEB/api/cameras/$id")"
done
req GET "$WEB/api/cameras/$A/wifi/scan"
[ "$CODE" = 405 ] || fail "GET wifi/scan: $CODE"
for id in $A $B $C $D; do
	req POST "$WEB/api/cameras/$id/wifi/scan"
	[ "$CODE" = 202 ] || fail "wifi/scan $id: $CODE $BODY"
done
for l in a b c d; do
	wait_for 10 grep -q '"code":211,"content":{"code":211}' "$OUT/$l.log" ||
	    fail "211 never reached camsim $l"
done
wait_for 10 shown $A "j['wifi_scan'] == ['camsim-net', 'Neighbour 5G',
    'cafe,guest']" || fail "A's scan: $(curl -s "$WEB/api/cameras/$A")"
wait_for 10 shown $B "j['wifi_scan'] == ['home', 'guest net']" ||
    fail "B's scan: $(curl -s "$WEB/api/cameras/$B")"
"$V720CTL" -s "$OUT/ctl.sock" show camera $A >"$OUT/show.txt" ||
    fail "v720ctl show camera"
grep -qx 'wifi-scan: "camsim-net" "Neighbour 5G" "cafe,guest"' \
    "$OUT/show.txt" || fail "v720ctl: $(cat "$OUT/show.txt")"
# The v720ctl action sends 211 as well.
"$V720CTL" -s "$OUT/ctl.sock" set $B wifi-scan confirm ||
    fail "v720ctl set wifi-scan"
wait_for 10 sh -c "[ \$(grep -c '\"code\":211,\"content\"' $OUT/b.log) -ge 2 ]" ||
    fail "v720ctl's 211 never reached camsim"
# Hostile answers: as if none had come.
sleep 2
for id in $C $D; do
	req GET "$WEB/api/cameras/$id"
	[ "$CODE" = 200 ] || fail "$id: $CODE"
	jcheck "j['wifi_scan'] is None and j['state'] != 'offline'" \
	    "$id: a hostile scan changed the state"
done
alive "$V720D_PID" || fail "daemon died"
say "wifi_scan: 3 networks (JSON), 2 (lines); hostile ones changed nothing"
exit 0
