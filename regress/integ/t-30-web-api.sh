#!/bin/sh
# v720-web API as a user sees it, as root with privilege separation: every
# route of INTERFACE.md (status, content type, JSON fields), settings and
# compatibility commands reaching the camera, and the HTTP limits.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

# The GET compatibility commands are tested here, so they are on.
web_start 22010 'web compatibility commands on
camera "NEVER0000001" {
	name "Back door"
}'
start_camsim --cameras 2 --uid WAPI --bootstrap "$BOOT" --fps 10 \
    --duration 600 --audio --log "$OUT/camsim.log"
web_cameras 2
C1=WAPI00000001
C2=WAPI00000002

# --- JSON API --------------------------------------------------------------
req GET "$WEB/api/cameras"
expect 200 application/json "camera list"
jcheck "isinstance(j, list) and sorted(c['id'] for c in j) == ['NEVER0000001', '$C1', '$C2']" "camera ids"
jcheck "[c for c in j if c['id'] == 'NEVER0000001'][0]['name'] == 'Back door' and [c for c in j if c['id'] == 'NEVER0000001'][0]['state'] == 'offline'" "configured camera"
jcheck "all(set(['id','name','state','address','firmware','battery','fps','frames','dropped','viewers','last_seen']) <= set(c) for c in j)" "camera fields"
jcheck "all(c['state'] in ('offline','online','connecting','streaming') for c in j)" "states"
jcheck "all(c['address'].startswith('127.0.0.1:') for c in j if c['id'] != 'NEVER0000001')" "addresses"
jcheck "all(isinstance(c['fps'], (int, float)) and isinstance(c['frames'], int) and isinstance(c['viewers'], int) and isinstance(c['last_seen'], int) and (c['battery'] is None or isinstance(c['battery'], int)) for c in j)" "field types"

req GET "$WEB/api/cameras/$C1"
expect 200 application/json "one camera"
jcheck "j['id'] == '$C1' and isinstance(j['name'], str)" "camera object"
req GET "$WEB/api/cameras/NOSUCHCAMERA"
expect 404 application/json "unknown camera"
jcheck "j == {'error': 'unknown camera'}" "404 body"
req GET "$WEB/api/nothing/here"
expect 404 application/json "unknown path"
jcheck "'error' in j" "404 body"

# Snapshot: a JPEG that camsim sent.
req GET "$WEB/api/cameras/$C1/snapshot"
expect 200 image/jpeg "snapshot"
h=$(sha256sum "$OUT/body" | cut -d' ' -f1)
sent_hashes $C1 | grep -qx "$h" || fail "snapshot is not a frame camsim sent"
say "snapshot $(wc -c <"$OUT/body") bytes, sha256 matches a sent frame"

# A camera that never sends a frame: 504 after 10 s, counted as a viewer meanwhile.
start=$(date +%s)
curl -s -o "$OUT/snap504" -w '%{http_code} %{content_type}' \
    "$WEB/api/cameras/NEVER0000001/snapshot" >"$OUT/snapcode" &
SNAP=$!
sleep 2
[ "$(metric 'v720_camera_viewers{camera="NEVER0000001"}')" = 1 ] ||
    fail "waiting snapshot not counted as a viewer"
wait $SNAP
secs=$(( $(date +%s) - start ))
[ "$(cat "$OUT/snapcode")" = "504 application/json" ] || fail "silent camera snapshot: $(cat "$OUT/snapcode")"
grep -q '"error"' "$OUT/snap504" || fail "504 body: $(cat "$OUT/snap504")"
[ $secs -ge 9 ] && [ $secs -le 12 ] || fail "snapshot gave up after $secs s"
[ "$(metric 'v720_camera_viewers{camera="NEVER0000001"}')" = 0 ] ||
    fail "viewer count not back to 0"
say "snapshot of a silent camera: 504 $(cat "$OUT/snap504") after $secs s"

# MJPEG: parts are JPEGs camsim sent.
r=$($WEBCLIENT mjpeg "$WEB/api/cameras/$C1/mjpeg" 4 --max 10 --hashes "$OUT/h1") ||
    fail "mjpeg: $r"
[ "$(wc -l <"$OUT/h1")" -ge 5 ] || fail "mjpeg: only $r"
sent_hashes $C1 >"$OUT/sent1"
grep -vxF -f "$OUT/sent1" "$OUT/h1" && fail "mjpeg part not sent by camsim"
say "mjpeg: $r, all parts byte-identical to sent frames"

# Audio: a WAV stream, PCM 16-bit 8000 Hz mono, data flowing.
$WEBCLIENT wav "$WEB/api/cameras/$C1/audio" 3 >"$OUT/wav" || fail "wav client"
grep -q "^HTTP/1.1 200" "$OUT/wav" || fail "audio: $(cat "$OUT/wav")"
grep -q "^content-type: audio/wav" "$OUT/wav" || fail "audio type: $(cat "$OUT/wav")"
grep -q "riff RIFF wave WAVEfmt  format 1 channels 1 rate 8000 bits 16" "$OUT/wav" ||
    fail "wav header: $(cat "$OUT/wav")"
n=$(awk '/^data/ { print $2 }' "$OUT/wav")
[ "$n" -ge 8000 ] || fail "audio: only $n data bytes in 3 s"
say "audio: $n PCM bytes in 3 s"

# Stream start/stop, settings, reboot.
req POST "$WEB/api/cameras/$C1/stream/start"
expect 202 application/json "stream start"
jcheck "j['id'] == '$C1'" "stream start body"
req POST "$WEB/api/cameras/$C1/stream/stop"
expect 202 application/json "stream stop"
req GET "$WEB/api/cameras/$C1/stream/start"
expect 405 application/json "GET stream/start"
curl -s -D - -o /dev/null "$WEB/api/cameras/$C1/reboot" | grep -qi '^Allow: POST' ||
    fail "405 without Allow: POST"
curl -s -D - -o /dev/null "$WEB/api/cameras" | grep -q '^Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] 20[0-9][0-9] [0-9:]* GMT' ||
    fail "no Date header"

req POST "$WEB/api/cameras/$C1/settings" -H 'Content-Type: application/json' \
    -d '{"ir_led":"on","flip":"upside-down","status_led":"off","motion_alert":"on"}'
expect 202 application/json "settings"
jcheck "j['id'] == '$C1'" "settings body"
wait_for 5 sh -c "grep -q '\"cam\":\"$C1\",\"code\":216' '$OUT/camsim.log'" ||
    fail "flip never reached the camera"
wait_for 5 sh -c "grep -q '\"cam\":\"$C1\",\"code\":202' '$OUT/camsim.log'" ||
    fail "IR LED never reached the camera"
forwards $C1 216 | grep -q '"mirrorFlip": 4' || fail "flip: $(forwards $C1 216)"
forwards $C1 202 | grep -q '"IrLed": 1' || fail "IR LED: $(forwards $C1 202)"
say "settings reached the camera: $(forwards $C1 202 | tail -1) $(forwards $C1 216 | tail -1)"
for bad in '{"ir_led":"blue"}' '{"flip":1}' '{"colour":"red"}' '{}' 'not json' \
    '[1,2]' '{"ir_led":"on","ir_led":"off"}'; do
	req POST "$WEB/api/cameras/$C1/settings" -d "$bad"
	expect 400 application/json "settings $bad"
	jcheck "'error' in j" "settings error body"
done
# A body after "Expect: 100-continue" (curl, bodies over 1 kB) goes through
# at once: the server answers "100 Continue" (curl would otherwise wait a
# second for it, then send the body anyway).
big=$(python3 -c "print('{\"ir_led\":\"auto\"' + ' ' * 2000 + '}')")
req POST "$WEB/api/cameras/$C1/settings" -H 'Expect: 100-continue' -d "$big" \
    -v --stderr "$OUT/continue.v"
expect 202 application/json "settings with Expect: 100-continue"
grep -q '^< HTTP/1.1 100 Continue' "$OUT/continue.v" ||
    fail "100-continue: no 100 Continue: $(grep '^[<>] ' "$OUT/continue.v" | head -5)"

# Another site's page in a browser may not change anything.
req POST "$WEB/api/cameras/$C1/reboot" -H 'Origin: http://evil.example'
expect 403 application/json "cross-site reboot"
req GET "$WEB/dev/$C1/cmd?code=299&reboot=1" -H 'Sec-Fetch-Site: cross-site'
expect 403 application/json "cross-site cmd"
req POST "$WEB/api/cameras/$C1/stream/start" -H "Origin: http://127.0.0.1:$WEBPORT"
expect 202 application/json "same-origin stream start"
forwards $C1 299 | grep -q . && fail "a cross-site reboot reached the camera"
req POST "$WEB/api/cameras/NOSUCH/settings" -d '{"ir_led":"on"}'
expect 404 application/json "settings of an unknown camera"

# Metrics.
req GET "$WEB/metrics"
expect 200 text/plain "metrics"
for m in "v720_camera_frames_total{camera=\"$C1\"}" \
    "v720_camera_dropped_frames_total{camera=\"$C1\"}" \
    "v720_camera_fps{camera=\"$C1\"}" "v720_camera_bytes_total{camera=\"$C1\"}" \
    "v720_camera_viewers{camera=\"$C1\"}" \
    'v720_process_uptime_seconds{process="web"}' \
    'v720_process_uptime_seconds{process="engine"}' \
    'v720_process_restarts_total{process="web"}'; do
	grep -qF "$m " "$OUT/body" || fail "metrics: no $m"
done
grep -F "v720_camera_frames_total{camera=\"$C1\"} " "$OUT/body" | awk '{ exit !($2 > 0) }' ||
    fail "metrics: no frames counted"

# The viewer page.
req GET "$WEB/"
expect 200 text/html "viewer page"
grep -qi '<html' "$OUT/body" || fail "page is not HTML"
printf 'HEAD /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' |
    $WEBCLIENT raw 127.0.0.1 "$WEBPORT" 5 >"$OUT/head"
head -n 1 "$OUT/head" | grep -q '^HTTP/1.1 200' || fail "HEAD: $(cat "$OUT/head")"
tail -c 4 "$OUT/head" | od -c | grep -q '\\r  \\n  \\r  \\n' || fail "HEAD answered with a body"

# --- Compatibility routes ---------------------------------------------------
req GET "$WEB/dev/list"
expect 200 application/json "/dev/list"
jcheck "sorted(d['uid'] for d in j) == ['$C1', '$C2'] and all(d['host'] == '127.0.0.1' and isinstance(d['port'], int) and d['port'] > 0 for d in j)" "/dev/list"
for p in "dev/$C1/live" "dev/$C1/video" "stream/$C1"; do
	r=$($WEBCLIENT mjpeg "$WEB/$p" 4 --max 3 --hashes "$OUT/hc") || fail "/$p: $r"
	[ "$(wc -l <"$OUT/hc")" -ge 2 ] || fail "/$p: $r"
	grep -vxF -f "$OUT/sent1" "$OUT/hc" >/dev/null && {
		sent_hashes $C1 >"$OUT/sent1"
		grep -vxF -f "$OUT/sent1" "$OUT/hc" && fail "/$p: part not sent"; }
	say "/$p: $r"
done
req GET "$WEB/dev/$C1/snapshot"
expect 200 image/jpeg "/dev/snapshot"
$WEBCLIENT wav "$WEB/dev/$C1/audio" 2 >"$OUT/wav2"
grep -q "rate 8000 bits 16" "$OUT/wav2" || fail "/dev/audio: $(cat "$OUT/wav2")"
req GET "$WEB/dev/$C1/cmd?code=202&IrLed=2"
expect 200 application/json "/dev/cmd"
wait_for 5 sh -c "grep '\"cam\":\"$C1\",\"code\":202' '$OUT/camsim.log' | grep -q '\"IrLed\":2'" ||
    fail "cmd never reached the camera: $(forwards $C1 202)"
for q in "IrLed=1" "code=abc" "code=202&IrLed=1.5" "code=202&a%22b=1" \
    "code=1&code=2" "code=99999999999"; do
	req GET "$WEB/dev/$C1/cmd?$q"
	expect 400 application/json "/dev/cmd?$q"
done
req GET "$WEB/api/cameras/$C1/streaming/start"
expect 200 application/json "streaming/start"
req GET "$WEB/api/cameras/$C1/streaming/stop"
expect 200 application/json "streaming/stop"
req GET "$WEB/api/cameras/$C1/debug"
expect 200 application/json "debug"
jcheck "all(k in j for k in ('packets','packets_dup','packets_late','confirms','drop_incomplete','stream_restarts','strangers')) and j['packets'] > 0" "debug counters"
jcheck "j['id'] == '$C1' and all(k in j for k in ('name','state','address','firmware','battery','fps','frames','dropped','viewers','last_seen'))" "debug camera object"
req POST "$WEB/dev/list"
expect 405 application/json "POST /dev/list"

# Reboot last (camsim may drop the connection).
req POST "$WEB/api/cameras/$C2/reboot"
expect 202 application/json "reboot"
wait_for 5 sh -c "grep -q '\"cam\":\"$C2\",\"code\":299' '$OUT/camsim.log'" ||
    fail "reboot never reached the camera"

# --- HTTP limits and malformed requests --------------------------------------
raw() { $WEBCLIENT raw 127.0.0.1 "$WEBPORT" "${1:-5}" | head -n 1 | tr -d '\r'; }
long=$(python3 -c "print('a' * 9000)")
r=$(printf 'GET /%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' "$long" | raw); [ "$r" = "HTTP/1.1 414 URI Too Long" ] || fail "long line: $r"
r=$(printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: %s\r\n\r\n' "$long" | raw); [ "$r" = "HTTP/1.1 431 Request Header Fields Too Large" ] || fail "long header: $r"
r=$(python3 -c "import sys; sys.stdout.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n' + ''.join('X%d: y\r\n' % i for i in range(100)) + '\r\n')" | raw)
[ "$r" = "HTTP/1.1 431 Request Header Fields Too Large" ] || fail "100 headers: $r"
r=$(printf 'POST /api/cameras/%s/settings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n' $C1 | raw); [ "$r" = "HTTP/1.1 413 Content Too Large" ] || fail "big body: $r"
r=$(printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n' | raw); [ "$r" = "HTTP/1.1 501 Not Implemented" ] || fail "chunked: $r"
r=$(printf 'HELLO\r\n\r\n' | raw); [ "$r" = "HTTP/1.1 400 Bad Request" ] || fail "garbage: $r"
r=$(printf 'GET / HTTP/1.1\r\n\r\n' | raw); [ "$r" = "HTTP/1.1 400 Bad Request" ] || fail "no Host: $r"
r=$(printf 'GET / HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\n' | raw); [ "$r" = "HTTP/1.1 505 HTTP Version Not Supported" ] || fail "HTTP/3: $r"
r=$(printf 'DELETE /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' | raw); [ "$r" = "HTTP/1.1 405 Method Not Allowed" ] || fail "DELETE: $r"
printf 'GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' | $WEBCLIENT raw 127.0.0.1 "$WEBPORT" 3 | grep -q '{"error":"not found"}' ||
    fail "404 body"
# Pipelining: three requests in one write, three answers in order.
r=$(printf 'GET /api/cameras/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /dev/list HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' $C1 |
    $WEBCLIENT raw 127.0.0.1 "$WEBPORT" 5 | grep -ao 'HTTP/1\.1 [0-9][0-9][0-9]' | tr '\n' ,)
[ "$r" = "HTTP/1.1 200,HTTP/1.1 404,HTTP/1.1 200," ] || fail "pipelining: $r"
# A client that half-closes after its requests still gets every answer.
r=$(printf 'GET /api/cameras/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /dev/list HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' $C1 |
    $WEBCLIENT raw 127.0.0.1 "$WEBPORT" 5 --shut | grep -ao 'HTTP/1\.1 [0-9][0-9][0-9]' | tr '\n' ,)
[ "$r" = "HTTP/1.1 200,HTTP/1.1 200," ] || fail "half-closed client: $r"
r=$(printf 'GET /api/cameras/%s/snapshot HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' $C1 |
    $WEBCLIENT raw 127.0.0.1 "$WEBPORT" 12 --shut | grep -ao 'HTTP/1\.1 [0-9][0-9][0-9]\|image/jpeg' | tr '\n' ,)
[ "$r" = "HTTP/1.1 200,image/jpeg," ] || fail "half-closed snapshot client: $r"
# Keep-alive across requests (curl reuses the connection).
curl -s -v "$WEB/api/cameras" "$WEB/dev/list" -o /dev/null -o /dev/null 2>&1 |
    grep -q 'Re-using existing connection' || fail "no keep-alive"
# A body that never completes is cut off at 10 s too (checked below).
printf 'POST /api/cameras/%s/settings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"ir' $C1 |
    $WEBCLIENT raw 127.0.0.1 "$WEBPORT" 20 >"$OUT/slowbody" &
SLOWBODY=$!
# Slowloris: a head trickling in a byte a second is cut off at 10 s.
r=$($WEBCLIENT slowloris 127.0.0.1 "$WEBPORT" 20)
case $r in "HTTP/1.1 408 Request Timeout after "*) ;; *) fail "slow head: $r" ;; esac
secs=${r##* after }
[ "${secs% s}" -le 12 ] || fail "slow head cut off late: $r"
say "slowloris: $r"
wait $SLOWBODY
head -n 1 "$OUT/slowbody" | grep -q '^HTTP/1.1 408 ' || fail "slow body: $(cat "$OUT/slowbody")"
say "limits: 414 431 413 501 400 505 405 408, pipelining and keep-alive ok"
# Still serving.
req GET "$WEB/api/cameras"
expect 200 application/json "after the abuse"
say "ok"
