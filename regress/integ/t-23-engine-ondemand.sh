#!/bin/sh
# Camera engine, on-demand streams and commands, as root with privilege
# separation: a viewer arriving makes the engine send forward 2 (video
# only: nobody listens to audio; see t-94 for the modes), the idle
# timeout after it leaves sends forward 0 (and not before); v720ctl
# stream start/stop, snapshot (byte-identical to a frame camsim sent) and
# settings reach the camera as forward commands, and the camera's echo
# updates what the engine reports.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
need_python

A=0800a0000001
B=0800a0000002
engine_conf 21030 "camera \"$A\" {
	idle timeout 3
}"
engine_start
start_camsim --cameras 2 --uid 0800a --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 600 --log "$OUT/camsim.log"
wait_for 10 cam_is "$A" online || fail "camera $A did not register"
wait_for 10 cam_is "$B" online || fail "camera $B did not register"
sleep 1
[ -z "$(forwards "$A")" ] || fail "forwards sent without a viewer"

has_fwd() { forwards "$1" | grep -qx "$2"; }
count_fwd() { forwards "$1" | grep -cx "$2"; }
field_is() { [ "$(cam_field "$1" "$2")" = "$3" ]; }

# A viewer for 3 s: forward 2, then forward 0 only after the idle timeout
# (3 s).  The reader notes when it closed and camsim when forward 0 came,
# so the gap is measured on one clock, whatever the test's own pace.
python3 "$CHECK" mjpeg "http://127.0.0.1:$WEB_PORT/api/cameras/$A/mjpeg" 3 \
    "$OUT/mjpeg.$A" "$OUT/closed.$A" || fail "MJPEG reader"
has_fwd "$A" 2 || fail "no forward 2 for a viewer"
[ -s "$OUT/mjpeg.$A" ] || fail "viewer got no frame"
wait_for 10 has_fwd "$A" 0 || fail "no forward 0 after the idle timeout"
fwd0=$(python3 "$CHECK" fwdtime "$OUT/camsim.log" "$A" 0) || fail "$fwd0"
gap=$(python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) - float(sys.argv[2])))' \
    "$fwd0" "$(cat "$OUT/closed.$A")")
# The engine's timer runs every 100 ms: allow that much early.
python3 -c 'import sys; sys.exit(float(sys.argv[1]) < 2.9)' "$gap" ||
    fail "forward 0 before the idle timeout: $gap s after the viewer left"
wait_for 3 cam_is "$A" online || fail "state not back to online"
say "viewer: forward 2, then forward 0 $gap s after the viewer left"

# v720ctl stream start/stop.
ctl stream start "$B" || fail "stream start"
wait_for 5 has_fwd "$B" 2 || fail "stream start: no forward 2"
wait_for 5 cam_is "$B" streaming || fail "stream start: not streaming"
ctl stream stop "$B" || fail "stream stop"
wait_for 2 has_fwd "$B" 0 || fail "stream stop: no forward 0"
wait_for 2 cam_is "$B" online || fail "stream stop: still streaming"
say "stream start/stop: forward 2 and 0"

# Snapshot of a camera that is not streaming: started, one frame back.
n3=$(count_fwd "$A" 2)
ctl snapshot "$A" -o "$OUT/snap.jpg" || fail "snapshot"
[ "$(count_fwd "$A" 2)" -gt "$n3" ] || fail "snapshot did not start a stream"
sha=$(sha256sum "$OUT/snap.jpg" | cut -d' ' -f1)
grep -q "\"sha256\":\"$sha\"" "$OUT/camsim.log" ||
    fail "snapshot is not a frame camsim sent"
say "snapshot: a frame camsim sent"

# Settings: forward commands, and the echo updates the state.
ctl set "$A" ir-led on || fail "set ir-led"
wait_for 3 has_fwd "$A" 202 || fail "no forward 202"
wait_for 3 field_is "$A" ir-led on || fail "ir-led not on"
ctl set "$A" flip upside-down || fail "set flip"
wait_for 3 has_fwd "$A" 216 || fail "no forward 216"
wait_for 3 field_is "$A" flip upside-down || fail "flip not set"
ctl set "$A" status-led off || fail "set status-led"
wait_for 3 has_fwd "$A" 210 || fail "no forward 210"
wait_for 3 field_is "$A" status-led off || fail "status-led not off"
ctl reboot "$B" || fail "reboot"
wait_for 3 has_fwd "$B" 299 || fail "no forward 299"
ctl show camera nosuchcamera >/dev/null 2>&1 && fail "unknown camera shown"

# Reload and log level go through the engine to the parent and back.
ctl reload || fail "reload"
ctl log verbose || fail "log verbose"
ctl log brief || fail "log brief"
# A client sending garbage is dropped; the next one is served.
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"\xff" * 16 + b"garbage" * 100)
s.settimeout(3)
try:
    s.recv(10)
except OSError:
    pass' "$CTL_SOCK" || fail "garbage client"
ctl show cameras >/dev/null || fail "control socket dead after garbage"
cam_in "$A" online streaming ||
    fail "camera lost on reload (it is $(cam_field "$A" state))"
kill -0 "$ENGINE_PID" || fail "engine died"
say "ok"
