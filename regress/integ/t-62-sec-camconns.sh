#!/bin/sh
# One address holding camera connections (issue 9, finding 3b).
# A: with the engine started under a soft descriptor limit of 1024 (what
#    systemd gives), an attacker on 127.0.0.2 opens 1100 connections, each
#    registering a made-up uid, and keeps them: at most 16 register
#    ("camera connections per address", default), the engine raised its
#    limit to the hard one, and a real camera from 127.0.0.1 still
#    registers and streams, and v720ctl still answers.
# C: eight addresses hold every registration slot (256 connections that
#    never register): a camera from another address still gets in at once.
# B: with the per-address cap lifted (4096) and a hard limit of 400
#    descriptors, the attacker fills every descriptor the engine has for
#    cameras: v720ctl still answers (a reserve is kept for it) and a
#    camera from another address still gets in and streams.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
need_python

# attack PORT N PREFIX NAME: background attacker on 127.0.0.2; writes
# $OUT/NAME.json once its connections are up, holds them until
# $OUT/NAME.stop exists (60 s at most).
attack() {
	python3 - "$1" "$2" "$3" "$OUT/$4" <<'EOF2' &
import json, os, resource, socket, struct, sys, time
port, n, prefix, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
def msg(o):
    b = json.dumps(o).encode()
    return struct.pack("<IHBB8sI", len(b), 0, 0, 0, b"\0" * 8, 0) + b
held, refused, failed = [], 0, 0
for i in range(n):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.settimeout(3)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(msg({"code": 100, "uid": "%s%06d" % (prefix, i),
            "token": "", "domain": "v720.naxclow.com"}))
        got = b""
        while b"}" not in got:
            d = s.recv(4096)
            if not d:
                break
            got += d
    except OSError:
        failed += 1
        s.close()
        continue
    if b'"status":200' in got.replace(b" ", b""):
        held.append(s)
    else:
        refused += 1
        s.close()
json.dump({"held": len(held), "refused": refused, "failed": failed},
    open(out + ".json.tmp", "w"))
os.rename(out + ".json.tmp", out + ".json")
end = time.time() + 60
while time.time() < end and not os.path.exists(out + ".stop"):
    time.sleep(0.2)
EOF2
	CLEANUP_PIDS="$CLEANUP_PIDS $!"
}
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$OUT/$1.json" "$2"; }
limits() { sed -n 's/^Max open files *\([0-9]*\) *\([0-9]*\).*/\1 \2/p' "/proc/$1/limits"; }
streams() {
	_u=$(uids "$1" 1)
	start_camsim --cameras 1 --uid "$1" --tcp "127.0.0.1:$CAM_PORT" \
	    --duration 60 --log "$OUT/camsim.$1.log"
	wait_for 15 cam_is "$_u" online || fail "$2: camera $_u from 127.0.0.1 did not register"
	ctl stream start "$_u" || fail "$2: stream start"
	_f() { [ "$(cam_field "$_u" frames)" -gt 10 ]; }
	wait_for 15 _f || fail "$2: camera $_u does not stream"
}

# --- A: defaults, soft limit 1024.
engine_conf 32200
hard=$(ulimit -H -n)
ulimit -S -n 1024
engine_start
ulimit -S -n "$hard"
lim=$(limits "$ENGINE_PID")
say "A: engine descriptor limits (soft hard): $lim"
[ "${lim% *}" = "${lim#* }" ] || fail "A: engine soft limit not raised to the hard one: $lim"
attack "$CAM_PORT" 1100 0800cA a
wait_for 60 test -e "$OUT/a.json" || fail "A: attacker did not finish"
say "A: attacker holds $(field a held), refused $(field a refused), failed $(field a failed)"
[ "$(field a held)" -le 16 ] || fail "A: one address registered $(field a held) cameras"
[ "$(field a held)" -eq 16 ] || fail "A: the first 16 should register"
n=$(ctl show cameras) || fail "A: v720ctl show cameras during the attack"
streams 0800cR "A"
ctl show cameras >/dev/null || fail "A: v720ctl after the camera"

# --- C: 8 addresses x 32 connections that never register.
python3 - "$CAM_PORT" "$OUT/c" <<'EOF2' &
import os, socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
held = []
for a in range(10, 18):
    for i in range(32):
        s = socket.socket()
        s.bind(("127.0.0.%d" % a, 0))
        try:
            s.connect(("127.0.0.1", port))
            held.append(s)
        except OSError:
            s.close()
time.sleep(1)
open(out + ".up", "w").write("%d\n" % len(held))
end = time.time() + 60
while time.time() < end and not os.path.exists(out + ".stop"):
    time.sleep(0.2)
EOF2
CLEANUP_PIDS="$CLEANUP_PIDS $!"
wait_for 20 test -e "$OUT/c.up" || fail "C: attacker did not finish"
say "C: $(cat "$OUT/c.up") unregistered connections from 8 addresses"
start_camsim --cameras 1 --uid 0800cP --tcp "127.0.0.1:$CAM_PORT" \
    --duration 60 --log "$OUT/camsim.c.log"
# The registration slots time out after 30 s: the camera must not wait.
wait_for 10 cam_is "$(uids 0800cP 1)" online ||
    fail "C: camera from 127.0.0.1 not let in while 8 addresses hold every slot"
grep -q "unregistered connections: closing" "$OUT/v720d.log" ||
    fail "C: no log line for the slot given to the new address"
touch "$OUT/a.stop" "$OUT/c.stop"
kill -TERM "$V720D_PID" "$CAMSIM_PID"; wait "$V720D_PID" 2>/dev/null

# --- B: no per-address cap, hard limit 400.
engine_conf 32210 "camera connections per address 4096"
sh -c 'ulimit -n 400; exec "$0" -d -v -f "$1"' "$V720D" "$OUT/v720d.conf" >>"$OUT/v720d.log" 2>&1 &
V720D_PID=$!
CLEANUP_PIDS="$CLEANUP_PIDS $V720D_PID"
wait_for 10 test -S "$CTL_SOCK" || fail "B: no control socket"
wait_for 5 child_pid "$V720D_PID" engine || fail "B: no engine process"
ENGINE_PID=$(child_pid "$V720D_PID" engine)
say "B: engine descriptor limits (soft hard): $(limits "$ENGINE_PID")"
attack "$CAM_PORT" 500 0800cB b
wait_for 60 test -e "$OUT/b.json" || fail "B: attacker did not finish"
say "B: attacker holds $(field b held), refused $(field b refused), failed $(field b failed); engine has $(ls /proc/$ENGINE_PID/fd | wc -l) descriptors"
[ "$(field b held)" -ge 200 ] || fail "B: the attacker did not reach the limit"
for i in 1 2 3; do
	ctl show cameras >/dev/null || fail "B: v720ctl show cameras at the descriptor limit"
done
streams 0800cS "B"
grep -q "no descriptors left: closing" "$OUT/v720d.log" ||
    fail "B: no log line for the connection closed to make room"
kill -0 "$ENGINE_PID" || fail "B: engine died"
touch "$OUT/b.stop"
say "ok"
