#!/bin/sh
# A hostile access point (issue 9, finding 11): a device posing as a camera
# in AP mode answers the hello and the connect, then trickles a JSON
# message that is never the answer (and heartbeats) every second, forever.
# "v720ctl ap info" must give up within its 5 s deadline with one line on
# stderr, not hang as long as the device keeps talking.
. "$TOP/regress/integ/lib.sh"
command -v python3 >/dev/null || skip "needs python3"
[ -x "$V720CTL" ] || fail "no $V720CTL"

PORT=32300
python3 - "$PORT" "$OUT/ap.log" <<'EOF2' &
import json, socket, struct, sys, time
port, log = int(sys.argv[1]), sys.argv[2]
def msg(cmd, body=b""):
    return struct.pack("<IHBB8sI", len(body), cmd, 0, 0, b"\0" * 8, 0) + body
def js(o):
    return msg(0, json.dumps(o).encode())
def read_msg(c):
    h = b""
    while len(h) < 20:
        d = c.recv(20 - len(h))
        if not d:
            raise EOFError
        h += d
    n = struct.unpack("<I", h[:4])[0]
    b = b""
    while len(b) < n:
        b += c.recv(n - len(b))
    return b
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", port))
l.listen(4)
end = time.time() + 60
while time.time() < end:
    c, _ = l.accept()
    try:
        read_msg(c)				# hello, cmd 115
        c.sendall(js({"code": 116, "devId": "0800cTRICKLE1"}))
        read_msg(c)				# code 501
        c.sendall(js({"code": 501, "status": 200}))
        read_msg(c)				# code 502, content code 4
        open(log, "a").write("asked\n")
        while time.time() < end:
            # Never the base-info answer: another code, then a heartbeat.
            c.sendall(js({"code": 502, "content": {"code": 77}}))
            time.sleep(0.5)
            c.sendall(msg(100))
            time.sleep(0.5)
    except (EOFError, OSError):
        pass
    c.close()
EOF2
CLEANUP_PIDS="$CLEANUP_PIDS $!"
port_open() { python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)"; }
wait_for 5 port_open $PORT || fail "fake AP does not listen"
rm -f "$OUT/ap.log"

t0=$(date +%s)
timeout 40 "$V720CTL" ap -h 127.0.0.1:$PORT info >"$OUT/info.out" 2>"$OUT/info.err"
rc=$?
secs=$(( $(date +%s) - t0 ))
say "v720ctl ap info: exit $rc after ${secs} s: $(cat "$OUT/info.err")"
grep -q asked "$OUT/ap.log" 2>/dev/null || fail "v720ctl never asked for the base info"
[ $rc -ne 124 ] || fail "v720ctl ap info still waiting after 40 s"
[ $rc -eq 1 ] || fail "exit $rc, not 1"
# The deadline is 5 s for the answer; the margin is for a loaded machine.
[ "$secs" -le 20 ] || fail "took ${secs} s"
[ "$(wc -l <"$OUT/info.err")" -eq 1 ] || fail "not one line on stderr"
grep -q "no answer from the camera at 127.0.0.1:$PORT to the base-info request within 5 s" \
    "$OUT/info.err" || fail "stderr: $(cat "$OUT/info.err")"
[ ! -s "$OUT/info.out" ] || fail "printed something: $(cat "$OUT/info.out")"
say "ok"
