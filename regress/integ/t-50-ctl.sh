#!/bin/sh
# v720ctl against a running v720d and a simulated camera: every command,
# what it prints, what reached the camera (camsim's log), exit codes and
# the one-line errors (not running, refused, permission, unknown camera,
# bad usage).
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-ctl.sh"

CAMPORT=23011
BOOTPORT=23012
WEBPORT=23013
SOCK=$OUT/ctl.sock
CTL_SOCK=$SOCK
CONF=$OUT/v720d.conf
CAMLOG=$OUT/cam.log
CID=0800cCTL0001

for b in "$V720D" "$V720WEB" "$V720CTL" "$CAMSIM"; do
	[ -x "$b" ] || fail "no $b"
done
command -v python3 >/dev/null || fail "python3 missing"
user=$(ctl_user)

cat >"$CONF" <<EOF
user "$user"
camera listen on 127.0.0.1 port $CAMPORT
bootstrap listen on 127.0.0.1 port $BOOTPORT
web listen on 127.0.0.1 port $WEBPORT
control socket "$SOCK"
idle timeout 5
camera "$CID" {
	name "Yard"
}
EOF

field() { "$V720CTL" -s "$SOCK" show camera "$CID" | sed -n "s/^$1: //p"; }
is() { [ "$(field "$1")" = "$2" ]; }
camlog_has() { grep -q -- "$1" "$CAMLOG"; }

# Not running: no socket, then a socket nobody accepts on.
run nosock show cameras
one_line_error nosock "v720d is not running"
python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); time.sleep(30)
" "$SOCK" &
stale=$!
CLEANUP_PIDS="$CLEANUP_PIDS $stale"
wait_for 5 test -S "$SOCK" || fail "no stale socket"
run refused show cameras
one_line_error refused "v720d is not running"
kill "$stale"; wait "$stale" 2>/dev/null; rm -f "$SOCK"

# Bad usage never needs the daemon.
run usage0
one_line_error usage0 "usage: v720ctl"
run usage1 frobnicate
one_line_error usage1 'unknown argument "frobnicate"'
run usage2 set "$CID" flip sideways
one_line_error usage2 'unknown argument "sideways"'
run usage3 show camera 'bad/id'
one_line_error usage3 "invalid camera id"
run usage4 reload now
one_line_error usage4 'unexpected argument "now"'
run usage5 s
one_line_error usage5 'ambiguous argument "s"'
"$V720CTL" -x show cameras >"$OUT/usage6.out" 2>"$OUT/usage6.err"
echo $? >"$OUT/usage6.rc"
one_line_error usage6 "unknown option -x"
"$V720CTL" help >"$OUT/help.out" 2>"$OUT/help.err"
echo $? >"$OUT/help.rc"
ok help
grep -q "ap \[-h host\[:port\]\] wifi SSID PASSWORD" "$OUT/help.out" ||
    fail "v720ctl help: $(cat "$OUT/help.out")"

start_v720d "$CONF"
wait_for 10 test -S "$SOCK" || fail "v720d made no control socket"
start_camsim --bootstrap 127.0.0.1:$BOOTPORT --uid 0800cCTL --battery 64 \
    --log "$CAMLOG"
wait_for 10 is state online || fail "camera not online: $(field state)"

# show cameras: a header and aligned columns.
run list show cameras
ok list
python3 - "$OUT/list.out" "$CID" <<'EOF' || fail "show cameras: $(cat "$OUT/list.out")"
import sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
h, r = lines
assert h.split() == ["ID", "NAME", "STATE", "ADDRESS", "FPS", "BATTERY"], h
assert r.split()[:3] == [sys.argv[2], "Yard", "online"], r
assert r.split()[3].startswith("127.0.0.1:"), r
# Left-aligned columns start where their heading starts.
for word, val in (("NAME", "Yard"), ("STATE", "online"), ("ADDRESS", "127.")):
    assert h.index(word) == r.index(val), (word, h, r)
EOF
run sc sh cam
ok sc
cmp -s "$OUT/list.out" "$OUT/sc.out" || fail "\"sh cam\" differs from \"show cameras\""
run listj -j show cameras
ok listj
python3 - "$OUT/listj.out" "$CID" <<'EOF' || fail "show cameras -j: $(cat "$OUT/listj.out")"
import json, sys
a = json.load(open(sys.argv[1]))
assert [c["id"] for c in a] == [sys.argv[2]], a
c = a[0]
for k in ("id", "name", "state", "address", "firmware", "battery", "fps",
          "frames", "dropped", "viewers", "last_seen"):
    assert k in c, k
assert c["name"] == "Yard" and c["state"] == "online", c
EOF

# stream start: the camera streams; show camera says so with fps.
run start stream start "$CID"
ok start
wait_for 10 is state streaming || fail "not streaming: $(field state)"
wait_for 10 camlog_has '"ev":"frame"' || fail "camsim sent no frame"
wait_for 10 is battery 64% || fail "battery: $(field battery)"
run one show camera "$CID"
ok one
for k in id name state address firmware wifi battery stream ir-led flip \
    status-led motion-alert viewers fps last-seen frames bytes dropped \
    packets confirmations audio-chunks stream-restarts; do
	grep -q "^$k: " "$OUT/one.out" || fail "show camera lacks \"$k: \""
done
grep -qx "firmware: 202212011602" "$OUT/one.out" || fail "firmware"
run onej -j show camera "$CID"
ok onej
python3 - "$OUT/onej.out" <<'EOF' || fail "show camera -j: $(cat "$OUT/onej.out")"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["state"] == "streaming" and c["battery"] == 64, c
assert c["frames"] > 0 and "drop_incomplete" in c, c
EOF

# snapshot: a JPEG that camsim sent, to a file and to a pipe.
check_jpeg() {
	[ "$(od -An -tx1 -N2 "$1" | tr -d ' ')" = ffd8 ] ||
	    fail "$1 is not a JPEG"
	_h=$(sha256sum "$1" | cut -c1-64)
	grep -q "\"sha256\":\"$_h\"" "$CAMLOG" ||
	    fail "$1 ($_h) is no frame camsim sent"
}
run snap snapshot "$CID" -o "$OUT/snap.jpg"
ok snap
check_jpeg "$OUT/snap.jpg"
run snappipe snapshot "$CID"
ok snappipe
check_jpeg "$OUT/snappipe.out"
if command -v script >/dev/null; then
	# Not onto a terminal.
	script -qec "'$V720CTL' -s '$SOCK' snapshot $CID; echo rc=\$?" \
	    /dev/null >"$OUT/tty.out" 2>&1 </dev/null
	grep -q "not writing a JPEG image to a terminal" "$OUT/tty.out" ||
	    fail "snapshot onto a tty: $(cat "$OUT/tty.out")"
	grep -q "rc=1" "$OUT/tty.out" || fail "snapshot onto a tty: exit status"
fi

# set: the camera receives the forward command; the state follows.
run ir set "$CID" ir-led on
ok ir
wait_for 5 camlog_has '"code":202,"content":{"code":202,"IrLed":1}' ||
    fail "camsim got no forward 202 IrLed 1"
wait_for 5 is ir-led on || fail "ir-led: $(field ir-led)"
run flip set "$CID" flip upside-down
ok flip
wait_for 5 camlog_has '"code":216,"content":{"code":216,"mirrorFlip":4}' ||
    fail "camsim got no forward 216 mirrorFlip 4"
wait_for 5 is flip upside-down || fail "flip: $(field flip)"
run led set "$CID" status-led off
ok led
wait_for 5 camlog_has '"code":210,"content":{"code":210,"instLed":0}' ||
    fail "camsim got no forward 210 instLed 0"

# stream stop.
run stop stream stop "$CID"
ok stop
wait_for 10 is state online || fail "still $(field state) after stop"

# reload: applied, and refused with the old configuration kept.
run reload reload
ok reload
cp "$CONF" "$CONF.good"
echo "this is not a keyword" >>"$CONF"
run badreload reload
one_line_error badreload "errors"
cp "$CONF.good" "$CONF"
run reload2 reload
ok reload2
is name Yard || fail "name after reload: $(field name)"

# log verbose / brief.
run verbose log verbose
ok verbose
run brief log brief
ok brief

# reboot.
run reboot reboot "$CID"
ok reboot
wait_for 5 camlog_has '"code":299' || fail "camsim got no reboot (299)"

# Unknown camera: one line naming it.
run unknown show camera nosuchcamera
one_line_error unknown "nosuchcamera"
run unknown2 set nosuchcamera ir-led off
one_line_error unknown2 "nosuchcamera"
run unknown3 snapshot nosuchcamera -o "$OUT/none.jpg"
one_line_error unknown3 "nosuchcamera"
[ ! -e "$OUT/none.jpg" ] || fail "snapshot of an unknown camera made a file"

# Permission: the socket is root:group 0660.  A stranger is refused, a
# member of the group gets in.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$V720CTL" -s "$SOCK" show cameras >"$OUT/perm.out" \
	    2>"$OUT/perm.err"
	echo $? >"$OUT/perm.rc"
	one_line_error perm "permission denied"
	setpriv --reuid=nobody --regid=nogroup \
	    --groups="$(id -g "$TEST_USER")" \
	    "$V720CTL" -s "$SOCK" show cameras >"$OUT/member.out" \
	    2>"$OUT/member.err"
	echo $? >"$OUT/member.rc"
	ok member
	grep -q "$CID" "$OUT/member.out" || fail "group member: no camera"
else
	say "not root: permission checks left out"
fi
say "ok"
