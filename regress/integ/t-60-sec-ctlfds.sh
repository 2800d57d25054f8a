#!/bin/sh
# Hostile control-socket clients (issue 9, finding 6): 32 clients each try
# to park 64 descriptors in the camera engine, on messages that claim none
# and on messages that claim one.  Every one of them is dropped, the
# engine's descriptor count is what it was, and v720ctl still works.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
need_python

engine_conf 32000
engine_start
ctl show cameras >/dev/null || fail "v720ctl show cameras before the attack"
nfd() { ls "/proc/$ENGINE_PID/fd" | wc -l; }
before=$(nfd)

python3 - "$CTL_SOCK" "$OUT/attack.json" <<'EOF2' &
import json, os, socket, struct, sys, time
path, out = sys.argv[1:]
HASFD = 1
def hdr(typ, flags=0):
    # struct chan_hdr: type, len, peerid, flags, pad
    return struct.pack("=IIIHH", typ, 0, 0, flags, 0)
r, w = os.pipe()
socks = []
for i in range(32):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(5)
    socks.append(s)
sent = 0
for i, s in enumerate(socks):
    try:
        for j in range(4):
            # IMSG_CTL_SHOW_CAMERAS (200) without CHAN_F_HASFD, 16 fds on it;
            # every other client claims one (CHAN_F_HASFD) and brings 16.
            flags = HASFD if i % 2 else 0
            socket.send_fds(s, [hdr(200, flags)], [w] * 16)
            sent += 16
    except OSError:
        pass		# dropped already: that is the point
time.sleep(1)
# Each client must have been dropped: EOF (or a reset), not a live peer.
dropped = 0
for s in socks:
    s.settimeout(0.2)
    try:
        while True:
            d = s.recv(65536)
            if not d:
                dropped += 1
                break
    except (ConnectionResetError, BrokenPipeError):
        dropped += 1
    except socket.timeout:
        pass
os.close(w)
# With every copy in the engine closed, the pipe's reader sees EOF.
os.set_blocking(r, False)
try:
    eof = os.read(r, 1) == b""
except BlockingIOError:
    eof = False
json.dump({"sent": sent, "dropped": dropped, "eof": eof,
    "clients": len(socks)}, open(out, "w"))
# Keep the sockets open until the shell has counted the engine's fds.
open(out + ".done", "w").close()
time.sleep(5)
EOF2
attacker=$!
wait_for 30 test -e "$OUT/attack.json.done" || fail "attacker script"
# Counted while the attackers still hold their connections open.
after=$(nfd)
wait "$attacker" || fail "attacker script failed"
say "engine descriptors: $before before, $after after 32 hostile clients"
python3 - "$OUT/attack.json" <<'EOF2' || fail "hostile control clients were not all dropped"
import json, sys
d = json.load(open(sys.argv[1]))
print(d)
assert d["dropped"] == d["clients"], d
assert d["eof"], "the engine still holds a passed descriptor"
EOF2
[ "$after" -le "$before" ] ||
    fail "engine holds $after descriptors, $before before the attack"
grep -q "control client .*sent a descriptor" "$OUT/v720d.log" ||
    fail "no log line for a client that sent a descriptor"
ctl show cameras >/dev/null || fail "v720ctl show cameras after the attack"
kill -0 "$ENGINE_PID" || fail "engine died"
say "ok"
