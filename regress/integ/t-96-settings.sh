#!/bin/sh
# Settings beyond the first four (video_quality 201, motion_sensitivity
# 206, white_light 220, sd_recording 209) and the actions sd_format 207
# and ap_mode 208, which need "confirm".  A camera that reports the
# fields in its base info shows them; each set through the web API
# reaches the camera (camsim's log) and its echo comes back in the state.
# A camera that does not report them shows none of them, and setting one
# is 409.  v720ctl set reaches the camera as well.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

web_start 39500
start_camsim --cameras 1 --uid SETA --bootstrap "$BOOT" --fps 2 \
    --log "$OUT/a.log"
start_camsim --cameras 1 --uid SETB --bootstrap "$BOOT" --fps 2 \
    --features none --log "$OUT/b.log"
web_cameras 2
A=SETA00000001 B=SETB00000001
# The base info (forward 4) comes with a stream session.
req POST "$WEB/api/cameras/$A/stream/start"
req POST "$WEB/api/cameras/$B/stream/start"

shown() {
	curl -s "$WEB/api/cameras/$1" | python3 -c "import json,sys
j = json.load(sys.stdin)
sys.exit(0 if ($2) else 1)"
}
wait_for 15 shown $A "j.get('video_quality') == '1' and
    j.get('motion_sensitivity') == '2' and j.get('white_light') == 'off' and
    j.get('sd_recording') == 'on' and
    sorted(j.get('actions', [])) == ['ap_mode', 'sd_format', 'wifi_scan']" ||
    fail "camera $A does not show its settings: $(curl -s "$WEB/api/cameras/$A")"

# "settings" lists what a client needs to draw each of them: every
# setting member and every action, in the table's order, with its kind
# and the choices POST .../settings takes.
req GET "$WEB/api/cameras/$A"
jcheck "[s['key'] for s in j['settings']] == ['ir_led', 'flip', 'status_led',
    'motion_alert', 'video_quality', 'motion_sensitivity', 'white_light',
    'sd_recording', 'sd_format', 'ap_mode', 'wifi_scan'] and
    all((s['kind'] == 'action') == (s['key'] in j['actions']) and
    (s['kind'] == 'action' or s['key'] in j) for s in j['settings']) and
    [s['kind'] for s in j['settings']][:5] == ['choice', 'choice', 'switch',
    'switch', 'level'] and j['settings'][1]['choices'] == ['normal',
    'horizontal', 'vertical', 'upside-down'] and
    j['settings'][4]['choices'] == ['0', '1', '2', '3', '4', '5'] and
    j['settings'][8]['choices'] == ['confirm'] and 'ask' in j['settings'][8] and
    'ask' not in j['settings'][10] and
    all(isinstance(s['label'], str) and s['label'] for s in j['settings'])" \
    "camera $A's settings list"

# Each new setting: the forward camsim got, and the echo in the state.
setone() {	# key value field camvalue code
	req POST "$WEB/api/cameras/$A/settings" -d "{\"$1\":\"$2\"}"
	[ "$CODE" = 202 ] || fail "$1 $2: $CODE $BODY"
	wait_for 10 grep -q "\"code\":$5,\"content\":{\"code\":$5,\"$3\":$4}" \
	    "$OUT/a.log" || fail "$1 $2 never reached camsim: $(grep forward "$OUT/a.log" | tail -3)"
	wait_for 10 shown $A "j.get('$1') == '$2'" ||
	    fail "$1 $2 not in the state: $(curl -s "$WEB/api/cameras/$A")"
}
setone video_quality 4 speedGrade 4 201
setone motion_sensitivity 5 moveGrade 5 206
setone white_light auto ledEI 2 220
setone sd_recording off sdCardReco 0 209

# Actions: "confirm" or 400; nothing sent without it.
req POST "$WEB/api/cameras/$A/settings" -d '{"sd_format":"yes"}'
[ "$CODE" = 400 ] || fail "sd_format without confirm: $CODE $BODY"
req POST "$WEB/api/cameras/$A/settings" -d '{"sd_format":true}'
[ "$CODE" = 400 ] || fail "sd_format true: $CODE $BODY"
sleep 1
grep -q '"code":207' "$OUT/a.log" && fail "207 sent without confirm"
req POST "$WEB/api/cameras/$A/settings" -d '{"sd_format":"confirm"}'
[ "$CODE" = 202 ] || fail "sd_format confirm: $CODE $BODY"
wait_for 10 grep -q '"code":207,"content":{"code":207}' "$OUT/a.log" ||
    fail "207 never reached camsim"
grep -q '"code":208' "$OUT/a.log" && fail "208 sent unasked"

# v720ctl set, with '-' names.
"$V720CTL" -s "$OUT/ctl.sock" set $A motion-sensitivity 1 ||
    fail "v720ctl set motion-sensitivity"
wait_for 10 grep -q '"code":206,"content":{"code":206,"moveGrade":1}' \
    "$OUT/a.log" || fail "v720ctl set never reached camsim"
wait_for 10 shown $A "j.get('motion_sensitivity') == '1'" ||
    fail "v720ctl set not in the state"
"$V720CTL" -s "$OUT/ctl.sock" show camera $A >"$OUT/show.txt" ||
    fail "v720ctl show camera"
grep -q '^motion-sensitivity: 1$' "$OUT/show.txt" ||
    fail "v720ctl show: $(cat "$OUT/show.txt")"
"$V720CTL" -s "$OUT/ctl.sock" set $A sd-format now 2>/dev/null &&
    fail "v720ctl set sd-format without confirm succeeded"

# The camera without the fields: none shown, each one 409.
wait_for 15 shown $B "j.get('ir_led') == 'off'" ||
    fail "no base info from $B: $(curl -s "$WEB/api/cameras/$B")"
req GET "$WEB/api/cameras/$B"
jcheck "not any(k in j for k in ('video_quality', 'motion_sensitivity',
    'white_light', 'sd_recording')) and j['actions'] == ['ap_mode', 'wifi_scan'] and
    [s['key'] for s in j['settings']] == ['ir_led', 'flip', 'status_led',
    'motion_alert', 'ap_mode', 'wifi_scan']" "camera $B shows settings it has not reported"
for kv in '"video_quality":"1"' '"motion_sensitivity":"1"' \
    '"white_light":"on"' '"sd_recording":"on"' '"sd_format":"confirm"'; do
	req POST "$WEB/api/cameras/$B/settings" -d "{$kv}"
	[ "$CODE" = 409 ] || fail "$kv on $B: $CODE $BODY"
	jcheck "'has not shown' in j['error']" "409 message for $kv"
done
"$V720CTL" -s "$OUT/ctl.sock" set $B white-light on 2>"$OUT/ctl.err" &&
    fail "v720ctl set white-light on $B succeeded"
grep -q "has not shown" "$OUT/ctl.err" || fail "v720ctl: $(cat "$OUT/ctl.err")"
# The first four still work there.
req POST "$WEB/api/cameras/$B/settings" -d '{"ir_led":"on"}'
[ "$CODE" = 202 ] || fail "ir_led on $B: $CODE $BODY"
wait_for 10 grep -q '"code":202,"content":{"code":202,"IrLed":1}' \
    "$OUT/b.log" || fail "ir_led never reached $B"
sleep 1
for c in 201 206 207 209 220; do
	grep -q "\"code\":$c," "$OUT/b.log" && fail "$c reached $B"
done
say "4 settings and sd_format reached $A and came back; $B: 409"
exit 0
