#!/bin/sh
# Per-source progress: camera sources from distinct loopback addresses,
# each stopping at one stage, show that stage and its hint in
# GET /api/diagnostics and in "v720ctl doctor":
#   127.0.0.7  bootstrap only           -> bootstrap, "never connected to TCP"
#   127.0.0.8  TCP, no registration     -> tcp, "has not registered"
#   127.0.0.9  registered, never UDP    -> registered, "no UDP arrived within 3 s"
#   127.0.0.10 a PPPP datagram          -> refused, "another camera family"
#   127.0.0.11 an unknown camera        -> refused, "unknown camera rejected"
#   127.0.0.12 a second camera from one address, over "camera connections
#              per address 1"         -> refused, "per-address limit"
#   127.0.0.1  camsim, streaming        -> streaming
# One log line per stage change of a source, not per packet.  The doctor
# sees the listeners bound and v720d's bootstrap on port 80, and exits 1
# (here the vendor names do not resolve).  The test runs in a network
# namespace of its own (unshare -n), so port 80 is free and nothing else
# on the machine is touched.
. "$TOP/regress/integ/lib.sh"
need_root
if [ -z "${T54_INNER:-}" ]; then
	command -v unshare >/dev/null 2>&1 || skip "needs unshare (util-linux)"
	command -v python3 >/dev/null 2>&1 || skip "needs python3"
	command -v curl >/dev/null 2>&1 || skip "needs curl"
	T54_INNER=1 exec unshare -n sh "$0" "$@"
fi
ip link set lo up || fail "lo up"
ensure_test_user

WEB=35400
CAM=35401
SRC="python3 $TOP/regress/integ/diagsrc.py"
API="http://127.0.0.1:$WEB/api/diagnostics"
cat >"$OUT/v720d.conf" <<EOF
user "$TEST_USER"
web listen on 127.0.0.1 port $WEB
camera listen on 127.0.0.1 port $CAM
bootstrap listen on 127.0.0.1 port 80
server address 127.0.0.1
control socket "$OUT/ctl.sock"
unknown cameras reject
camera "D54000000001" {
	name "streamer"
}
camera "D54000000007" {
}
camera "D54000000009" {
}
camera "D54000000012" {
}
camera "D54000000013" {
}
camera connections per address 1
EOF
"$V720D" -n -f "$OUT/v720d.conf" >/dev/null || fail "config rejected"
start_v720d "$OUT/v720d.conf"
wait_for 10 curl -sf -o /dev/null "$API" ||
    fail "no /api/diagnostics: $(tail -n 3 "$OUT/v720d.log" | tr '\n' ' ')"

# Nothing yet: listeners only (the engine's reach v720-web once it runs).
wait_for 20 sh -c "curl -sf '$API' | grep -q '\"camera-tcp\"'" ||
    fail "the engine's listeners never showed: $(curl -s "$API")"
curl -sf "$API" >"$OUT/d0.json" || fail "GET $API"
python3 - "$OUT/d0.json" "$WEB" "$CAM" <<'EOF' || fail "empty diagnostics: $(cat "$OUT/d0.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"listeners", "recent"}, d
assert d["recent"] == [], d
ls = {(l["kind"], l["port"]) for l in d["listeners"]}
web, cam = int(sys.argv[2]), int(sys.argv[3])
for want in [("web", web), ("camera-tcp", cam), ("camera-udp", cam), ("bootstrap", 80)]:
    assert want in ls, (want, ls)
for l in d["listeners"]:
    assert l["state"] == "listening", l
    assert set(l) == {"kind", "address", "port", "tls", "state"}, l
EOF
say "empty: listeners web, camera tcp/udp, bootstrap 80, no sources"

$SRC boot 127.0.0.7 127.0.0.1:80 D54000000007 >"$OUT/boot7.json" ||
    fail "bootstrap from 127.0.0.7"
grep -q '"tcpPort": '"$CAM" "$OUT/boot7.json" || fail "bootstrap answer: $(cat "$OUT/boot7.json")"
$SRC tcp 127.0.0.8 127.0.0.1:$CAM || fail "tcp from 127.0.0.8"
$SRC register 127.0.0.9 127.0.0.1:80 127.0.0.1:$CAM D54000000009 500 \
    >>"$OUT/reg9.out" 2>&1 &
CLEANUP_PIDS="$CLEANUP_PIDS $!"
for i in 1 2 3 4 5; do
	$SRC pppp 127.0.0.10 127.0.0.1:$CAM || fail "pppp from 127.0.0.10"
done
$SRC boot 127.0.0.11 127.0.0.1:80 D54000000099 >"$OUT/boot11.json" 2>&1 || true
$SRC register 127.0.0.12 127.0.0.1:80 127.0.0.1:$CAM D54000000012 500 \
    >>"$OUT/reg12.out" 2>&1 &
CLEANUP_PIDS="$CLEANUP_PIDS $!"
start_camsim --cameras 1 --uid D54000000001 --bootstrap 127.0.0.1:80 \
    --log "$OUT/camsim.jsonl"

registered() {
	curl -sf "http://127.0.0.1:$WEB/api/cameras/$1" | grep -q '"online"\|"streaming"\|"connecting"'
}
wait_for 20 registered D54000000009 || fail "D54000000009 never registered: $(cat "$OUT/reg9.out")"
wait_for 20 registered D54000000012 || fail "D54000000012 never registered: $(cat "$OUT/reg12.out")"
$SRC register 127.0.0.12 127.0.0.1:80 127.0.0.1:$CAM D54000000013 2 \
    >>"$OUT/reg13.out" 2>&1
wait_for 20 registered D54000000001 || fail "camsim never registered"
# Ask both for video: camsim streams, the other never sends UDP.
curl -sf -X POST -o /dev/null "http://127.0.0.1:$WEB/api/cameras/D54000000009/stream/start" ||
    fail "stream start"
curl -sf -o "$OUT/snap.jpg" "http://127.0.0.1:$WEB/api/cameras/D54000000001/snapshot" ||
    fail "no snapshot from camsim"

check_api() {
	curl -sf "$API" >"$OUT/d1.json" || return 1
	python3 - "$OUT/d1.json" "$CAM" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
cam = sys.argv[2]
want = {
    "127.0.0.7": ("bootstrap", "D54000000007", "never connected to TCP " + cam),
    "127.0.0.8": ("tcp", None, "connected to TCP " + cam + " but has not registered"),
    "127.0.0.9": ("registered", "D54000000009", "no UDP arrived within 3 s of the request: open UDP " + cam),
    "127.0.0.10": ("refused", None, "another camera family (PPPP on UDP 32100): not supported"),
    "127.0.0.11": ("refused", "D54000000099", "unknown camera rejected"),
    "127.0.0.12": ("refused", "D54000000013", "too many connections from this address (per-address limit)"),
    "127.0.0.1": ("streaming", "D54000000001", "streaming"),
}
got = {s["address"]: s for s in d["recent"]}
bad = []
for a, (stage, uid, hint) in want.items():
    s = got.get(a)
    if s is None or s["stage"] != stage or s["uid"] != uid or hint not in s["hint"]:
        bad.append((a, s))
    elif not isinstance(s["seen"], int) or s["seen"] <= 0:
        bad.append((a, s))
if bad:
    print(bad)
    sys.exit(1)
EOF
}
wait_for 20 check_api || fail "diagnostics: $(check_api; cat "$OUT/d1.json")"
say "API: every source at its stage with its hint"

# One log line per stage change: five PPPP datagrams, one line.
n=$(grep -c 'source 127\.0\.0\.10: refused' "$OUT/v720d.log")
[ "$n" -eq 1 ] || fail "127.0.0.10 logged $n times"
grep -q 'source 127\.0\.0\.7 camera D54000000007: bootstrap' "$OUT/v720d.log" ||
    fail "no log line for the bootstrap of 127.0.0.7"

"$V720CTL" -s "$OUT/ctl.sock" doctor >"$OUT/doctor.out" 2>"$OUT/doctor.err"
rc=$?
cat "$OUT/doctor.out"
[ $rc -eq 1 ] || fail "doctor exit $rc (want 1: the vendor names do not resolve here)"
grep -q '^v720ctl: doctor: [0-9]* of [0-9]* checks failed$' "$OUT/doctor.err" ||
    fail "doctor stderr: $(cat "$OUT/doctor.err")"
expect() {
	grep -q -- "$1" "$OUT/doctor.out" || fail "doctor: no line like '$1'"
}
expect "^ok   v720d: running, control socket $OUT/ctl.sock\$"
expect "^FAIL dns v720.naxclow.com: does not resolve"
expect "^FAIL server address 127.0.0.1: a loopback address, which a camera cannot reach"
expect "^ok   listener bootstrap 127.0.0.1 port 80: bound\$"
expect "^ok   listener camera-tcp 127.0.0.1 port $CAM: bound\$"
expect "^ok   listener camera-udp 127.0.0.1 port $CAM: bound\$"
expect "^ok   listener web 127.0.0.1 port $WEB: bound\$"
expect "^ok   port 80 on 127.0.0.1: v720d's bootstrap listener\$"
expect "^FAIL camera 127.0.0.7 D54000000007: bootstrap, [0-9]* s ago: asked for its configuration but never connected to TCP $CAM"
expect "^FAIL camera 127.0.0.8: tcp, [0-9]* s ago: connected to TCP $CAM but has not registered"
expect "^FAIL camera 127.0.0.9 D54000000009: registered, [0-9]* s ago: registered, but no UDP arrived within 3 s of the request: open UDP $CAM"
expect "^FAIL camera 127.0.0.10: refused, [0-9]* s ago: sent a request of another camera family (PPPP on UDP 32100): not supported"
expect "^FAIL camera 127.0.0.11 D54000000099: refused, [0-9]* s ago: unknown camera rejected"
expect "^FAIL camera 127.0.0.12 D54000000013: refused, [0-9]* s ago: refused: too many connections from this address (per-address limit)"
expect "^ok   camera 127.0.0.1 D54000000001: streaming, [0-9]* s ago: streaming"
say "doctor: one line per check, every source with its hint, exit 1"

# As an ordinary user of the control socket's group, outside any chroot:
# the same answer.
if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups \
	    "$V720CTL" -s "$OUT/ctl.sock" doctor >"$OUT/doctor-user.out" 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "doctor as $TEST_USER: exit $rc: $(cat "$OUT/doctor-user.out")"
	grep -q "^ok   listener camera-udp 127.0.0.1 port $CAM: bound\$" "$OUT/doctor-user.out" ||
	    fail "doctor as $TEST_USER: $(cat "$OUT/doctor-user.out")"
	grep -q "^FAIL camera 127.0.0.10: refused" "$OUT/doctor-user.out" ||
	    fail "doctor as $TEST_USER: no sources: $(cat "$OUT/doctor-user.out")"
	say "doctor as $TEST_USER: the same checks"
fi
kill -0 "$V720D_PID" 2>/dev/null || fail "v720d died"
exit 0
