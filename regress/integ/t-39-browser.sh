#!/bin/sh
# A real browser on the viewer page: headless Chromium loads / from v720d
# (as root: privilege separation, chroot) with one simulated camera, and
# regress/integ/browser/check-viewer.py checks over the DevTools protocol
# that the live image shows (640x480, changing), the tile reaches
# "streaming", the hostile camera name is shown as text, "Snapshot"
# downloads a 640x480 JPEG, live audio plays, nothing is loaded from
# elsewhere, and a click on "IR LED On" reaches the camera (camsim logs a
# forward with code 202), the tile shows both RTSP URLs of a wildcard
# `rtsp listen` with the page's host and copies one.  Screenshots:
# $OUT/screenshot.png and $OUT/screenshot-phone.png.
. "$TOP/regress/integ/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM (Debian package chromium)"
command -v python3 >/dev/null || skip "no python3"
for p in "$V720D" "$V720WEB" "$CAMSIM"; do
	[ -x "$p" ] || fail "$p not built"
done

# Ports: web, camera, bootstrap (T39_PORT moves all three).
WEB=${T39_PORT:-22900}
CAMPORT=$((WEB + 1))
BOOTPORT=$((WEB + 2))
URL="http://127.0.0.1:$WEB"
UID_PFX=B39
CAM=${UID_PFX}000000001
# Camera-provided and user-provided strings must reach the page as text.
NAME='<img src=x onerror=window.pwned=1>&amp; "tile"'

USERLINE=
if [ "$(id -u)" -eq 0 ]; then
	ensure_test_user
	USERLINE="user \"$TEST_USER\""
fi
cat >"$OUT/v720d.conf" <<EOF
$USERLINE
web listen on 127.0.0.1 port $WEB
camera listen on 127.0.0.1 port $CAMPORT
bootstrap listen on 127.0.0.1 port $BOOTPORT
server address 127.0.0.1
rtsp listen on * port $((WEB + 3))
control socket "$OUT/ctl.sock"
camera "$CAM" {
	name "<img src=x onerror=window.pwned=1>&amp; \"tile\""
}
EOF

"$V720D" -n -f "$OUT/v720d.conf" || fail "config rejected"
start_v720d "$OUT/v720d.conf"
wait_for 10 curl -sf -o /dev/null "$URL/api/cameras" ||
    fail "v720-web does not answer on port $WEB: $(tail -n 2 "$OUT/v720d.log" | tr '\n' ' ')"

start_camsim --cameras 1 --uid "$UID_PFX" --audio --bootstrap "127.0.0.1:$BOOTPORT" \
    --log "$OUT/camsim.jsonl"

cam_known() {
	curl -sf "$URL/api/cameras/$CAM" >"$OUT/camera.json" &&
	    ! grep -q '"offline"' "$OUT/camera.json"
}
wait_for 20 cam_known || fail "camera $CAM did not come online: $(cat "$OUT/camera.json" 2>/dev/null)"
say "camera: $(cat "$OUT/camera.json")"

# The page must be the embedded viewer, served as HTML.
curl -sf -D "$OUT/index.headers" -o "$OUT/index.html" "$URL/" ||
    fail "GET / failed"
grep -qi '^content-type: text/html' "$OUT/index.headers" ||
    fail "GET / is not text/html: $(grep -i '^content-type' "$OUT/index.headers")"
cmp -s "$OUT/index.html" "$TOP/v720-web/assets/index.html" ||
    fail "GET / differs from v720-web/assets/index.html"

python3 "$TOP/regress/integ/browser/check-viewer.py" --chromium "$CHROMIUM" \
    --url "$URL/" --cam "$CAM" --name "$NAME" --out "$OUT" --audio \
    --rtsp "rtsp://127.0.0.1:$((WEB + 3))/$CAM" \
    --log "$OUT/camsim.jsonl" --expect "{\"ev\":\"forward\",\"cam\":\"$CAM\",\"code\":202}" ||
    fail "viewer check failed (see $OUT/screenshot*.png)"
kill -0 "$V720D_PID" 2>/dev/null || fail "v720d died"
say "screenshots in $OUT"
exit 0
