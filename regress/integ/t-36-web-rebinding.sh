#!/bin/sh
# DNS rebinding, from the attacker's side: a page on evil.example whose
# name now points at v720-web sends its requests with "Host: evil.example"
# and a matching Origin.  Every method and route must answer 421 with a
# JSON error (the API, the video, /metrics, the page, the compatibility
# routes, a POST /reboot that must never reach the camera), while the
# user's own ways in keep working: an IP literal (v4 or [v6], with or
# without a port), localhost, and a configured `web server name` (also
# one added by a reload).  HTTP/1.1 without Host is a 400.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

web_start 33600 'web server name "NAS.local"'
C=W36R00000001
start_camsim --cameras 1 --uid W36R --bootstrap "$BOOT" --fps 10 \
    --duration 600 --log "$OUT/camsim.log"
web_cameras 1

EVIL='-H Host:evil.example -H Origin:http://evil.example'
n=0
for r in "GET /api/cameras" "GET /api/cameras/$C" "GET /metrics" "GET /" \
    "GET /index.html" "GET /api/cameras/$C/mjpeg" "GET /api/cameras/$C/snapshot" \
    "GET /api/cameras/$C/audio" "GET /api/cameras/$C/debug" \
    "POST /api/cameras/$C/reboot" "POST /api/cameras/$C/stream/start" \
    "POST /api/cameras/$C/settings" "GET /api/cameras/$C/streaming/start" \
    "GET /dev/list" "GET /dev/$C/live" "GET /dev/$C/video" "GET /dev/$C/snapshot" \
    "GET /dev/$C/cmd?code=299" "GET /stream/$C" "GET /nothing/here" \
    "DELETE /api/cameras" "OPTIONS /api/cameras" "PUT /metrics"; do
	m=${r%% *} p=${r#* }
	# shellcheck disable=SC2086
	if [ "$m" = POST ]; then
		req POST "$WEB$p" $EVIL -H 'Content-Type: application/json' \
		    -d '{"ir_led":"on"}'
	else
		req "$m" "$WEB$p" $EVIL
	fi
	expect 421 application/json "$r with Host evil.example"
	jcheck "isinstance(j.get('error'), str) and j['error']" "$r: 421 body"
	n=$((n + 1))
done
say "$n requests with Host evil.example: all 421 {\"error\": ...}"
curl -s -I -H 'Host: evil.example' "$WEB/api/cameras" | head -n 1 | grep -q '^HTTP/1.1 421 ' ||
    fail "HEAD with Host evil.example"

# Other spellings of a foreign name, and the absolute form of a target.
for h in 'evil.example:33602' 'EVIL.EXAMPLE' '127.0.0.1.evil.example' \
    'localhost.evil.example' 'nas.local.evil.example' 'evil.example.' \
    'nas-local' '127.1' '0x7f000001' '[::1' '127.0.0.1:' '127.0.0.1:99999' \
    'user@127.0.0.1'; do
	req GET "$WEB/api/cameras" -H "Host: $h"
	expect 421 application/json "Host $h"
done
r=$(printf 'GET http://evil.example/api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' |
    $WEBCLIENT raw 127.0.0.1 "$WEBPORT" 5 | head -n 1)
case $r in "HTTP/1.1 421 "*) ;; *) fail "absolute-form target of evil.example: $r" ;; esac
# The MJPEG stream, read the way a script on the page would.
r=$(printf 'GET /api/cameras/%s/mjpeg HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n\r\n' $C |
    $WEBCLIENT raw 127.0.0.1 "$WEBPORT" 3)
printf '%s' "$r" | head -n 1 | grep -q '^HTTP/1.1 421 ' || fail "mjpeg: $(printf '%s' "$r" | head -n 3)"
printf '%s' "$r" | grep -q 'image/jpeg' && fail "mjpeg with Host evil.example sent a picture"
# Not one of those requests reached the camera.
sleep 1
[ -z "$(forwards $C 299)" ] || fail "the rebinding page rebooted the camera"
[ -z "$(forwards $C 202)" ] || fail "the rebinding page changed a setting"
[ "$(metric v720_web_misdirected_total)" -ge "$n" ] || fail "421s not counted"
say "other spellings, absolute form, MJPEG: 421; the camera got nothing"

# The user's ways in.
for h in "127.0.0.1:$WEBPORT" 127.0.0.1 "[::1]:$WEBPORT" '[::1]' localhost \
    "localhost:$WEBPORT" LOCALHOST nas.local "NAS.LOCAL:$WEBPORT" nas.local. \
    192.168.1.5 "[fe80::1]:80"; do
	req GET "$WEB/api/cameras" -H "Host: $h" -H "Origin: http://$h"
	expect 200 application/json "Host $h"
	jcheck "len(j) == 1 and j[0]['id'] == '$C'" "Host $h: cameras"
done
req GET "$WEB/metrics" -H "Host: localhost:$WEBPORT"
expect 200 text/plain "metrics with Host localhost"
req GET "$WEB/" -H "Host: nas.local:$WEBPORT"
expect 200 text/html "the page with Host nas.local"
r=$($WEBCLIENT mjpeg "http://127.0.0.1:$WEBPORT/api/cameras/$C/mjpeg" 10 --max 5 --hashes "$OUT/h") ||
    fail "mjpeg with Host 127.0.0.1: $r"
[ "$(wc -l <"$OUT/h")" -eq 5 ] || fail "mjpeg with Host 127.0.0.1: $r"
sent_hashes $C >"$OUT/sent"
grep -vxF -f "$OUT/sent" "$OUT/h" && fail "a part not sent by camsim"
say "Host IP literal, [v6], localhost, nas.local: 200; MJPEG $r"

# HTTP/1.1 without Host: 400; HTTP/1.0 without Host (no browser): served.
r=$(printf 'GET /api/cameras HTTP/1.1\r\n\r\n' | $WEBCLIENT raw 127.0.0.1 "$WEBPORT" 5 | head -n 1)
case $r in "HTTP/1.1 400 "*) ;; *) fail "HTTP/1.1 without Host: $r" ;; esac
r=$(printf 'GET /api/cameras HTTP/1.0\r\n\r\n' | $WEBCLIENT raw 127.0.0.1 "$WEBPORT" 5 | head -n 1)
case $r in "HTTP/1.1 200 "*) ;; *) fail "HTTP/1.0 without Host: $r" ;; esac

# A legitimate reboot by a configured name reaches the camera.
req POST "$WEB/api/cameras/$C/reboot" -H 'Host: nas.local' -H 'Origin: http://nas.local'
expect 202 application/json "reboot with Host nas.local"
rebooted() { [ -n "$(forwards $C 299)" ]; }
wait_for 10 rebooted || fail "the user's reboot did not reach the camera"

# A name added by a reload is accepted at once; a removed one no longer.
sed -i 's/^web server name "NAS.local"$/web server name "cam.home.arpa"/' "$OUT/v720d.conf"
kill -HUP "$V720D_PID"
wait_for 10 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: cam.home.arpa' '$WEB/api/cameras')\" = 200 ]" ||
    fail "name added by reload not accepted"
req GET "$WEB/api/cameras" -H 'Host: nas.local'
expect 421 application/json "name removed by reload"
say "reload: cam.home.arpa accepted, nas.local refused"
say "ok"
