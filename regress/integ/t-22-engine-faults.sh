#!/bin/sh
# Camera engine under network faults, as root with privilege separation:
# 4 cameras with 5% loss, 2% duplicates and 5% reordering on their UDP
# media never get a corrupted frame passed on and >= 80% of their frames
# arrive, while other cameras send garbage on TCP or vanish mid-frame
# (--die-after), and strangers send random and forged datagrams to the
# UDP port: the engine keeps running and the good cameras keep streaming.
# A camera that goes silent mid-frame gets its stream restarted by the
# watchdog and is offline 30 s after its last byte.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
need_python

blocks=
for u in $(uids 0800d 2) $(uids 0800b 2) $(uids 0800s 1); do
	blocks="$blocks
camera \"$u\" {
	stream always
}"
done
engine_conf 21020 "$blocks"
engine_start

start_camsim --cameras 4 --uid 0800f --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 90 --loss 0.05 --dup 0.02 --reorder 0.05 \
    --log "$OUT/camsim.log"
start_camsim --cameras 2 --uid 0800b --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 90 --garbage 0.5 --garbage-hard --log "$OUT/garbage.log"
start_camsim --cameras 2 --uid 0800d --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 90 --die-after 25 --die-how rst --log "$OUT/die.log"
# This one stops sending anything mid-frame but keeps its TCP connection.
start_camsim --cameras 1 --uid 0800s --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 90 --die-after 25 --die-how silent --log "$OUT/silent.log"

for u in $(uids 0800f 4); do
	wait_for 10 cam_is "$u" online || fail "camera $u did not register"
done

pids=
for u in $(uids 0800f 4); do
	python3 "$CHECK" mjpeg \
	    "http://127.0.0.1:$WEB_PORT/api/cameras/$u/mjpeg" 20 \
	    "$OUT/mjpeg.$u" &
	pids="$pids $!"
done
# Meanwhile strangers on the UDP port: random bytes, fake media, and a
# code 51 naming a streaming camera from another port (no hijack).
sleep 3
python3 - "$CAM_PORT" "$(uids 0800f 1)" <<'EOF2' || fail "UDP stranger"
import json, os, socket, struct, sys, time
port, uid = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def hdr(cmd, n, flag=0, pkg=0):
    return struct.pack("<IHBB8sI", n, cmd, flag, 0, b"\0" * 8, pkg)
for i in range(2000):
    s.sendto(os.urandom(i % 1500), ("127.0.0.1", port))
    body = os.urandom(1004)
    s.sendto(hdr(1, len(body), 250 + i % 3, i) + body, ("127.0.0.1", port))
    if i % 200 == 0:
        j = json.dumps({"code": 51, "devTarget": uid, "status": 200}).encode()
        s.sendto(hdr(0, len(j)) + j, ("127.0.0.1", port))
        time.sleep(0.05)
EOF2
for p in $pids; do wait "$p" || fail "MJPEG reader failed"; done

rc=0
for u in $(uids 0800f 4); do
	python3 "$CHECK" frames "$OUT/camsim.log" "$u" "$OUT/mjpeg.$u" 1 0.8 ||
	    rc=1
done
[ $rc = 0 ] || fail "frames corrupted or too many lost under faults"

grep -a -q "udp: .* from unknown peer" "$OUT/v720d.log" ||
    fail "no log line for unknown UDP peers"

# The dying cameras did stream, then vanished; the engine is the same.
grep -q '"ev":"frame"' "$OUT/die.log" || fail "dying cameras never streamed"
kill -0 "$ENGINE_PID" || fail "engine died"
[ "$(child_pid "$V720D_PID" engine)" = "$ENGINE_PID" ] ||
    fail "engine was restarted"
# The silent camera's stream was restarted by the watchdog.
s=$(uids 0800s 1)
[ "$(cam_field "$s" stream-restarts)" -ge 1 ] ||
    fail "watchdog did not restart the silent camera's stream"
grep -a -q "camera $s: no frame for 5 s, restarting" "$OUT/v720d.log" ||
    fail "no log line for the watchdog"
# ... and 30 s after its last byte it is offline.
wait_for 40 cam_is "$s" offline || fail "silent camera still $(cam_field "$s" state)"
grep -a -q "camera $s: silent for 30 s, offline" "$OUT/v720d.log" ||
    fail "no log line for the silent camera"
u=$(uids 0800f 1)
say "$u: $(cam_field "$u" packets-duplicate) duplicate packets," \
    "$(cam_field "$u" dropped) frames dropped," \
    "$(cam_field "$u" stream-restarts) stream restarts"
say "ok"
