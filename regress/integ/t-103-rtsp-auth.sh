#!/bin/sh
# RTSP authentication with a `web user`: no credentials -> 401 with
# `WWW-Authenticate: Basic realm=...`, the right ones -> 200 (ffprobe
# with user:password in the URL plays), wrong ones -> 401, and after a
# burst of wrong ones that address is throttled (429, even with the right
# password) while another address still gets in.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
. "$TOP/regress/integ/lib-rtsp.sh"
need_root
ensure_test_user

hash=$(openssl passwd -6 'rtsp pass') || fail "openssl passwd"
rtsp_start 22160 "web user \"viewer\" password \"$hash\""
rtsp_camera RAUT

status() { $RTSPCLIENT "$@" | head -1 | awk '{ print $2 }'; }

$RTSPCLIENT status DESCRIBE "$RTSP/$C" >"$OUT/r" || fail "DESCRIBE: $(cat "$OUT/r")"
head -1 "$OUT/r" | grep -q " 401 " || fail "no credentials: $(head -1 "$OUT/r")"
grep -qi '^www-authenticate: Basic realm="v720d"' "$OUT/r" ||
    fail "401 without a Basic challenge: $(cat "$OUT/r")"
for m in SETUP PLAY GET_PARAMETER; do
	s=$(status status $m "$RTSP/$C/trackID=0" "Transport: RTP/AVP/TCP;interleaved=0-1")
	[ "$s" = 401 ] || fail "$m without credentials: $s"
done
say "no credentials: 401 with a Basic challenge (DESCRIBE, SETUP, PLAY, GET_PARAMETER)"

s=$(status status DESCRIBE "$RTSP/$C" -u "viewer:rtsp pass")
[ "$s" = 200 ] || fail "right credentials: $s"
timeout 30 ffprobe -v error -rtsp_transport tcp -show_entries stream=codec_name \
    -of csv=p=0 "rtsp://viewer:rtsp%20pass@127.0.0.1:$RTSPPORT/$C" \
    >"$OUT/probe" 2>&1 || fail "ffprobe with credentials: $(cat "$OUT/probe")"
grep -qx mjpeg "$OUT/probe" || fail "ffprobe with credentials: $(cat "$OUT/probe")"
say "right credentials: 200, ffprobe plays"

for u in "viewer:wrong" "nobody:rtsp pass" "viewer:"; do
	s=$(status status DESCRIBE "$RTSP/$C" -u "$u")
	[ "$s" = 401 ] || fail "wrong credentials $u: $s"
done
# A guesser: after its burst it is answered 429 without a check, even
# when it finally sends the right password.
r=$($RTSPCLIENT guess "$RTSP/$C" viewer 20 "rtsp pass") || fail "guess: $r"
n=$(echo "$r" | tr ' ' '\n' | grep -n 429 | head -1 | cut -d: -f1)
[ -n "$n" ] || fail "20 wrong passwords and still no throttle: $r"
echo "$r" | tr ' ' '\n' | head -$((n - 1)) | grep -qv 401 &&
    fail "before the throttle, not all 401: $r"
[ "${r##* }" = 429R ] || fail "the right password got through the throttle: $r"
say "wrong credentials: 401; throttled (429, Retry-After) after $((n + 2)) failures, even for the right password: $r"

s=$(status -s 127.0.0.2 status DESCRIBE "$RTSP/$C" -u "viewer:rtsp pass")
[ "$s" = 200 ] || fail "another address with the right password: $s"
grep -q "authentication failed" "$OUT/v720d.log" || fail "failures not logged"
say "another address still gets in; ok"
