#!/bin/sh
# v720ctl ap info / ap wifi against camsim --ap on loopback: what the user
# sees, what the camera received (camsim's log), and the refusals and
# timeouts that must come before or instead of talking to a camera.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-ctl.sh"

PORT=23100
SILENT=23101	# accepts, never answers
CLOSER=23102	# accepts and closes at once
DEAD=23103	# nothing listens
UIDPFX=0800cAP
LOG=$OUT/ap.log

[ -x "$V720CTL" ] || fail "no $V720CTL"
[ -x "$CAMSIM" ] || fail "no $CAMSIM"
command -v python3 >/dev/null || fail "python3 missing"

start_camsim --ap 127.0.0.1:$PORT --uid $UIDPFX --battery 57 --log "$LOG"
port_open() { python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)"; }
wait_for 5 port_open $PORT || fail "camsim --ap does not listen"

# info: text.
run info ap -h 127.0.0.1:$PORT info
[ "$(rc info)" = 0 ] || fail "ap info: exit $(rc info): $(cat "$OUT/info.err")"
id=$(sed -n 's/^id: //p' "$OUT/info.out")
case $id in $UIDPFX*) ;; *) fail "ap info: id \"$id\"" ;; esac
grep -qx 'firmware: 202212011602' "$OUT/info.out" || fail "ap info: firmware"
grep -qx 'battery: 57%' "$OUT/info.out" || fail "ap info: battery"
grep -q '^sd-card: no card' "$OUT/info.out" || fail "ap info: sd card"
grep -qx 'wifi: camsim-net' "$OUT/info.out" || fail "ap info: wifi"

# info: JSON.
run infoj -j ap -h 127.0.0.1:$PORT info
[ "$(rc infoj)" = 0 ] || fail "ap info -j: exit $(rc infoj)"
python3 - "$OUT/infoj.out" "$id" <<'EOF' || fail "ap info -j: wrong JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["id"] == sys.argv[2], d
assert d["firmware"] == "202212011602", d
assert d["battery"] == 57, d
assert d["sd_status"] == 0 and d["sd_card"] == "no card", d
assert d["ir_led"] == "off" and d["flip"] == "normal", d
EOF

# wifi: a name and password that need JSON escaping arrive intact.
SSID='Cafe "Wi\Fi" 2'
PASS='p@ss"wo\rd 1'
run wifi ap -h 127.0.0.1:$PORT wifi "$SSID" "$PASS"
[ "$(rc wifi)" = 0 ] || fail "ap wifi: exit $(rc wifi): $(cat "$OUT/wifi.err")"
grep -q "accepted the Wi-Fi settings" "$OUT/wifi.out" ||
    fail "ap wifi: output: $(cat "$OUT/wifi.out")"

# Refusals: checked before connecting, so camsim sees no new client.
clients() {
	_c=$(grep -c '"ev":"ap-client"' "$LOG" 2>/dev/null)
	echo "${_c:-0}"
}
wait_for 5 test "$(clients)" -ge 3 || fail "camsim logged $(clients) clients"
before=$(clients)
run short ap -h 127.0.0.1:$PORT wifi Home 1234567
one_line_error short "8 to 36"
run long ap -h 127.0.0.1:$PORT wifi Home 1234567890123456789012345678901234567
one_line_error long "8 to 36"
run ssid ap -h 127.0.0.1:$PORT wifi 123456789012345678901234567890123 12345678
one_line_error ssid "1 to 32 bytes"
run badhost ap -h 127.0.0.1:99999 info
one_line_error badhost "invalid camera address"
run usage ap -h 127.0.0.1:$PORT wifi Home
one_line_error usage "missing argument"
sleep 0.3
[ "$(clients)" = "$before" ] || fail "a refused command reached the camera"

# The camera got exactly what was typed.
kill -TERM "$CAMSIM_PID"; wait "$CAMSIM_PID" 2>/dev/null
python3 - "$LOG" "$SSID" "$PASS" "$id" <<'EOF' || fail "camsim did not get the Wi-Fi command intact"
import json, sys
log, ssid, pw, uid = sys.argv[1:]
fw = [json.loads(l) for l in open(log) if l.startswith("{")]
fw = [e for e in fw if e.get("ev") == "forward" and e.get("code") == 204]
assert len(fw) == 1, fw
c = fw[0]["content"]
assert c["s"] == ssid and c["p"] == pw, c
assert c["devTarget"] == uid, c
EOF

# Nothing listening, a camera that never answers, one that hangs up.
run dead ap -h 127.0.0.1:$DEAD info
one_line_error dead "cannot connect to the camera at 127.0.0.1:$DEAD"

python3 - $SILENT $CLOSER >"$OUT/servers.log" 2>&1 <<'EOF' &
import socket, sys, threading, time
def serve(port, close):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(4)
    keep = []
    while True:
        c, _ = s.accept()
        if close:
            c.close()
        else:
            keep.append(c)
for p, cl in ((int(sys.argv[1]), False), (int(sys.argv[2]), True)):
    threading.Thread(target=serve, args=(p, cl), daemon=True).start()
time.sleep(60)
EOF
CLEANUP_PIDS="$CLEANUP_PIDS $!"
wait_for 5 port_open $SILENT || fail "silent server"
wait_for 5 port_open $CLOSER || fail "closing server"

t0=$(date +%s)
run silent ap -h 127.0.0.1:$SILENT info
t1=$(date +%s)
one_line_error silent "no answer from the camera at 127.0.0.1:$SILENT"
[ $((t1 - t0)) -le 8 ] || fail "the timeout took $((t1 - t0)) s"

run closer ap -h 127.0.0.1:$CLOSER info
one_line_error closer "closed the connection"
say "ok"
