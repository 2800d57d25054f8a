#!/bin/sh
# Fake-camera flood (issue 9, finding 3a).  An attacker on 127.0.0.2
# registers 5000 made-up uids one after another, each leaving at once
# (unknown cameras are accepted by default).  Then a real camera (camsim,
# not configured) must still register and stream, a configured camera
# that never came online must still be listed, and /api/cameras and
# "v720ctl show cameras" must stay small: at most 64 offline unconfigured
# cameras are kept (each for 10 minutes at most).
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
need_python
command -v curl >/dev/null 2>&1 || skip "needs curl"

CONF=0800cKEPT01
REAL=$(uids 0800cREAL 1)
engine_conf 32100 "camera \"$CONF\" {
	name \"Porch\"
}"
engine_start

t0=$(date +%s)
python3 - "$CAM_PORT" 5000 <<'EOF2' || fail "flood script"
import json, socket, struct, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
def msg(o):
    b = json.dumps(o).encode()
    return struct.pack("<IHBB8sI", len(b), 0, 0, 0, b"\0" * 8, 0) + b
ok = 0
for i in range(n):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    s.sendall(msg({"code": 100, "uid": "0800cF%06d" % i, "token": "",
        "domain": "v720.naxclow.com"}))
    got = b""
    while b'"code"' not in got and len(got) < 4096:
        d = s.recv(4096)
        if not d:
            break
        got += d
    if b'"status":200' in got.replace(b" ", b""):
        ok += 1
    s.close()
print("registered %d of %d fake cameras" % (ok, n))
EOF2
say "flood took $(( $(date +%s) - t0 )) s"

start_camsim --cameras 1 --uid 0800cREAL --tcp "127.0.0.1:$CAM_PORT" \
    --duration 60 --log "$OUT/camsim.log"
wait_for 10 cam_is "$REAL" online || fail "real camera did not register after the flood"
ctl stream start "$REAL" || fail "stream start"
has_frames() { [ "$(cam_field "$REAL" frames)" -gt 10 ]; }
wait_for 15 has_frames || fail "real camera does not stream after the flood"

curl -s -o "$OUT/cameras.json" "http://127.0.0.1:$WEB_PORT/api/cameras" ||
    fail "GET /api/cameras"
python3 - "$OUT/cameras.json" "$CONF" "$REAL" <<'EOF2' || fail "/api/cameras after the flood"
import json, os, sys
path, conf, real = sys.argv[1:]
size = os.path.getsize(path)
cams = {c["id"]: c for c in json.load(open(path))}
print("/api/cameras: %d cameras, %d bytes" % (len(cams), size))
assert conf in cams and cams[conf]["name"] == "Porch", "configured camera dropped"
assert real in cams and cams[real]["state"] == "streaming", cams.get(real)
assert len(cams) <= 64 + 2, len(cams)
assert size < 64 * 1024, size
EOF2
n=$(ctl show cameras | grep -c 0800c)
[ "$n" -le 66 ] || fail "v720ctl show cameras lists $n cameras"
kill -0 "$ENGINE_PID" || fail "engine died"
say "ok"
