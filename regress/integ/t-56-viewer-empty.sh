#!/bin/sh
# The viewer's empty state in headless Chromium: with no camera, the page
# shows the set-up steps (the exact v720ctl ap command, the dnsmasq and
# hosts-file lines with the server's address, the ports from v720d's
# listeners) and "nothing has contacted v720d yet"; a source that stops at
# the bootstrap then shows up with its stage and hint; and when a camera
# registers its tile appears and the steps go away.  A configured camera
# that never connected (an offline tile from the start) keeps the help.  In a network
# namespace of its own, where this host has the address 10.77.0.1.
# Screenshots: $OUT/empty.png, source.png, camera.png.
. "$TOP/regress/integ/lib.sh"
need_root
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -z "${T56_INNER:-}" ]; then
	[ -x "$CHROMIUM" ] || skip "no $CHROMIUM (Debian package chromium)"
	command -v unshare >/dev/null 2>&1 || skip "needs unshare (util-linux)"
	command -v python3 >/dev/null 2>&1 || skip "needs python3"
	command -v curl >/dev/null 2>&1 || skip "needs curl"
	T56_INNER=1 exec unshare -n sh "$0" "$@"
fi
ip link set lo up || fail "lo up"
ip addr add 10.77.0.1/32 dev lo || fail "cannot add 10.77.0.1 to lo"
ensure_test_user

WEB=35600
CAM=35601
BOOT=35602
UID56=D56000000001
cat >"$OUT/v720d.conf" <<EOF2
user "$TEST_USER"
web listen on 10.77.0.1 port $WEB
camera listen on 0.0.0.0 port $CAM
bootstrap listen on 0.0.0.0 port $BOOT
control socket "$OUT/ctl.sock"
camera "D56000000099" {
	name "never here"
}
EOF2
start_v720d "$OUT/v720d.conf"
URL="http://10.77.0.1:$WEB/"
wait_for 10 curl -sf -o /dev/null "${URL}api/diagnostics" ||
    fail "v720d did not start: $(tail -n 3 "$OUT/v720d.log" | tr '\n' ' ')"

python3 "$TOP/regress/integ/browser/check-empty.py" --chromium "$CHROMIUM" \
    --url "$URL" --out "$OUT" --addr 10.77.0.1 \
    --ports "TCP $CAM and UDP $CAM" \
    --boot "python3 $TOP/regress/integ/diagsrc.py boot 127.0.0.7 127.0.0.1:$BOOT D56000000007" \
    --boot-addr 127.0.0.7 --hint "never connected to TCP $CAM" \
    --camera "$CAMSIM --cameras 1 --uid $UID56 --bootstrap 10.77.0.1:$BOOT" \
    --cam "$UID56" --configured D56000000099 || fail "empty viewer check failed (see $OUT/*.png)"
kill -0 "$V720D_PID" 2>/dev/null || fail "v720d died"
say "screenshots in $OUT"
exit 0
