#!/bin/sh
# Talk-back, as root with privilege separation: POST /api/cameras/ID/talk
# with a WAV starts the camera's stream (none runs before) and plays the
# WAV in real time; the A-law bytes camsim receives are exactly the G.711
# encoding of the WAV's samples (audioop's, an independent encoder), in
# order, in cmd 4 datagrams (msg_flag 0, deal_flag 1, one forward id,
# pkg_ids counting up), and 10 s of audio take 10 s +/- 0.3 s to arrive.
# A second talker gets 409, a wrong format 415 with a message, an
# unknown camera 404.  v720ctl talk plays a file and stdin the same way.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

TC="python3 $TOP/regress/integ/talkcheck.py"
web_start 38000
start_camsim --cameras 2 --uid TALK --bootstrap "$BOOT" --fps 10 \
    --log "$OUT/camsim.log"
web_cameras 2
C1=TALK00000001
C2=TALK00000002

# Nothing streams before the talk: the talk starts the stream.
[ -z "$(forwards $C1 2)$(forwards $C1 3)" ] || fail "a stream ran before the talk"

$TC wav "$OUT/ten.wav" 10
t0=$(date +%s.%N)
req POST "$WEB/api/cameras/$C1/talk" -H 'Content-Type: audio/wav' \
    --data-binary @"$OUT/ten.wav" --max-time 40
t1=$(date +%s.%N)
expect 200 application/json "talk"
jcheck "j == {'seconds': 10.0}" "talk answer"
say "POST of 10 s took $(echo "$t1 - $t0" | bc) s"
[ -n "$(forwards $C1 2)" ] || fail "the talk did not start the stream"
$TC check "$OUT/camsim.log" $C1 0.3 "$OUT/ten.wav" || fail "talk-back audio"

# One talker per camera: a second one, during a talk, gets 409; the
# other camera is free.
$TC wav "$OUT/four.wav" 4
curl -s -o "$OUT/first.json" -w '%{http_code}' --max-time 30 \
    --data-binary @"$OUT/four.wav" "$WEB/api/cameras/$C1/talk" \
    >"$OUT/first.code" &
FIRST=$!
sleep 1.5
req POST "$WEB/api/cameras/$C1/talk" --data-binary @"$OUT/four.wav"
expect 409 application/json "second talker"
jcheck "'already talking' in j['error']" "409 message"
$TC wav "$OUT/one.wav" 1
req POST "$WEB/api/cameras/$C2/talk" --data-binary @"$OUT/one.wav"
expect 200 application/json "talk to the other camera meanwhile"
wait $FIRST
[ "$(cat "$OUT/first.code")" = 200 ] || fail "first talker: $(cat "$OUT/first.code") $(cat "$OUT/first.json")"
$TC check "$OUT/camsim.log" $C2 - "$OUT/one.wav" || fail "second camera's audio"
$TC check "$OUT/camsim.log" $C1 - "$OUT/ten.wav" "$OUT/four.wav" ||
    fail "first camera's audio after the 409"

# Formats: 415 with a message that says what is needed.
$TC wav "$OUT/cd.wav" 0.5 44100 2 16
req POST "$WEB/api/cameras/$C1/talk" --data-binary @"$OUT/cd.wav"
expect 415 application/json "44.1 kHz stereo"
jcheck "'44100 Hz' in j['error'] and '8000 Hz' in j['error'] and 'mono' in j['error']" "415 message"
$TC wav "$OUT/u8.wav" 0.5 8000 1 8
req POST "$WEB/api/cameras/$C1/talk" --data-binary @"$OUT/u8.wav"
expect 415 application/json "8-bit"
head -c 3000 /dev/urandom >"$OUT/noise"
req POST "$WEB/api/cameras/$C1/talk" --data-binary @"$OUT/noise"
expect 415 application/json "not a WAV"
jcheck "'not a WAV' in j['error']" "415 message for noise"
req POST "$WEB/api/cameras/$C1/talk"
expect 415 application/json "empty body"
req POST "$WEB/api/cameras/NOSUCHCAMERA/talk" --data-binary @"$OUT/one.wav"
expect 404 application/json "unknown camera"
req POST "$WEB/api/cameras/$C1/talk" -H 'Origin: http://evil.example' \
    --data-binary @"$OUT/one.wav"
expect 403 application/json "cross-site talk"

# v720ctl: a file, then stdin.
"$V720CTL" -s "$OUT/ctl.sock" talk $C2 "$OUT/four.wav" >"$OUT/ctl.out" 2>&1 ||
    fail "v720ctl talk: $(cat "$OUT/ctl.out")"
grep -q '4.00 seconds' "$OUT/ctl.out" || fail "v720ctl output: $(cat "$OUT/ctl.out")"
"$V720CTL" -s "$OUT/ctl.sock" talk $C1 - <"$OUT/one.wav" >"$OUT/ctl2.out" 2>&1 ||
    fail "v720ctl talk from stdin: $(cat "$OUT/ctl2.out")"
$TC check "$OUT/camsim.log" $C2 - "$OUT/one.wav" "$OUT/four.wav" ||
    fail "v720ctl talk audio"
$TC check "$OUT/camsim.log" $C1 - "$OUT/ten.wav" "$OUT/four.wav" "$OUT/one.wav" ||
    fail "v720ctl talk audio from stdin"
"$V720CTL" -s "$OUT/ctl.sock" talk $C1 "$OUT/cd.wav" >"$OUT/ctl3.out" 2>&1 &&
    fail "v720ctl took a 44.1 kHz WAV"
grep -q '8000 Hz' "$OUT/ctl3.out" || fail "v720ctl format message: $(cat "$OUT/ctl3.out")"
# v720ctl and the web share the one talker per camera.
"$V720CTL" -s "$OUT/ctl.sock" talk $C1 "$OUT/four.wav" >"$OUT/ctl4.out" 2>&1 &
CTLP=$!
sleep 1.5
req POST "$WEB/api/cameras/$C1/talk" --data-binary @"$OUT/one.wav"
expect 409 application/json "web talker while v720ctl talks"
wait $CTLP || fail "v720ctl talk during the 409: $(cat "$OUT/ctl4.out")"

kill -0 "$V720D_PID" 2>/dev/null || fail "v720d died"
say "talk-back: exact A-law, real-time pace, 409, 415, 404, 403, v720ctl"
exit 0
