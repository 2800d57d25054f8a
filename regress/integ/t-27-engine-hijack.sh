#!/bin/sh
# Hostile LAN, registration takeover (issue 17, finding 3), from the
# attacker's side.  A configured camera (camsim, a heartbeat every 2 s)
# is registered from 127.0.0.1.  From 127.0.0.2 an attacker fetches the
# bootstrap answer for its uid again and again and registers over TCP with
# the pwd it was handed.  While the camera's connection is alive:
#  - every frame a viewer gets is byte-identical to one camsim sent;
#  - the camera stays at 127.0.0.1; the attacker never gets a 101 with
#    status 200, nor code 11 (which would make it the media peer);
#  - the camera rebooting (same address, new connection) is back at
#    once, the attacker's pwds notwithstanding: it cannot lock it out
#    (the attacker may get the uid in the moment the camera is away, and
#    loses it as soon as the camera is back).
# Then the camera moves: its process freezes (its old connection dies
# without a FIN, as when Wi-Fi drops) and it comes back from 127.0.0.3.
# It must be online from there within the engine's heartbeat deadline for
# the old connection plus the time the camera itself took to register the
# first time (measured here), and stream frames the viewer gets intact.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
need_python
command -v curl >/dev/null 2>&1 || skip "needs curl"

U=0800f0000027
engine_conf 31030 "camera \"$U\" {
	idle timeout 1
}"
engine_start

now() { date +%s.%N; }
# secs A B: B - A in seconds, 3 decimals.
secs() { python3 -c 'import sys; print("%.3f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }
# cam_at ADDR: the camera is registered from ADDR (online, or still
# streaming for the idle timeout after a viewer: how long that lasts past
# a view depends on the machine's pace), state and address read at once:
# read apart, a camera going from streaming to online between the reads
# was in neither (a fresh clone's ASan run beside a CPU hog saw it).
cam_at() {
	ctl show camera "$U" 2>/dev/null >"$OUT/cam_at"
	grep -qx 'state: \(online\|streaming\|connecting\)' "$OUT/cam_at" &&
	    grep -q "^address: $1:" "$OUT/cam_at"
}
# where: the camera's state and address, for a failure.
where() {
	echo "$(cam_field "$U" state) at $(cam_field "$U" address)"
}

# view TAG LOG: 3 s of MJPEG; every frame must be one LOG's camsim sent.
view() {
	python3 "$CHECK" mjpeg "http://127.0.0.1:$WEB_PORT/api/cameras/$U/mjpeg" \
	    3 "$OUT/mjpeg.$1" || fail "$1: MJPEG reader"
	cut -d' ' -f2 "$OUT/mjpeg.$1" >"$OUT/mjpeg.$1.sha"
	r=$(is_camsims "$2" "$U" "$OUT/mjpeg.$1.sha") ||
	    fail "$1: viewer got a frame the camera did not send ($r)"
	say "$1: viewer: $r"
}

CAMSIM_ARGS="--cameras 1 --uid $U --bootstrap 127.0.0.1:$BOOT_PORT --heartbeat 2"
t0=$(now)
start_camsim $CAMSIM_ARGS --log "$OUT/camsim1.log"
CAM1=$CAMSIM_PID
wait_for 20 cam_at 127.0.0.1 || fail "camera did not register"
T_REG=$(secs "$t0" "$(now)")
say "the camera registered $T_REG s after it started"

# attack TAG: the attacker, in the background, for at most 60 s.
attack() {
	python3 "$TOP/regress/integ/attacker.py" register 127.0.0.2 127.0.0.1 \
	    "$BOOT_PORT" "$CAM_PORT" "$U" 60 >"$OUT/attacker.$1.json" \
	    2>"$OUT/attacker.$1.err" &
	ATTACKER=$!
	CLEANUP_PIDS="$CLEANUP_PIDS $ATTACKER"
}
# attack_end TAG MAX200: stop it; fail if it got more than MAX200
# registrations accepted or any other message (code 11 would make it the
# media peer).
attack_end() {
	kill -TERM "$ATTACKER" 2>/dev/null
	wait "$ATTACKER" 2>/dev/null
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print("%s: attacker: %d registrations, 101 status %s, other codes %s" %
      (sys.argv[3], r["registers"], r["status"], r["got"]))
sys.exit(1 if r["registers"] == 0 or r["got"] or
         r["status"].get("200", 0) > int(sys.argv[2]) else 0)' \
	    "$OUT/attacker.$1.json" "$2" "$1" ||
	    fail "$1: the engine took the attacker for the camera: $(cut -c1-300 "$OUT/attacker.$1.json")"
}

attack live
wait_for 10 grep -q "camera connection from 127.0.0.2" "$OUT/v720d.log" ||
    fail "the attacker never reached the camera port"
sleep 1
round=1
while [ $round -le 3 ]; do
	cam_at 127.0.0.1 ||
	    fail "round $round: the camera is $(where)"
	view "round$round" "$OUT/camsim1.log"
	round=$((round + 1))
done
attack_end live 0
cam_at 127.0.0.1 || fail "the camera is $(where)"

# Reboot: same address, new connection, while the attacker keeps at it.
# In the moment the camera is away the attacker may get its uid (the
# protocol has no authentication); the camera must get it back at once.
attack reboot
sleep 1
kill -TERM "$CAM1"
wait "$CAM1" 2>/dev/null
start_camsim $CAMSIM_ARGS --log "$OUT/camsim1b.log"
CAM1=$CAMSIM_PID
wait_for 20 grep -q '"ev":"registered"' "$OUT/camsim1b.log" ||
    fail "the rebooted camera was locked out"
wait_for 10 cam_at 127.0.0.1 ||
    fail "after the reboot the camera is $(where)"
view reboot "$OUT/camsim1b.log"
cam_at 127.0.0.1 || fail "the camera is $(where)"
# Move only once the engine has the new connection's heartbeat rhythm
# (two heartbeats), as the attacker's held registrations show: before,
# its deadline is the 15 s default, longer than camsim waits for a 101
# (10 s), and the moved camera needs a second connection (CI reached the
# move after one heartbeat).
learned() {
	ctl show camera "$U" 2>/dev/null >"$OUT/cam_learned"
	port=$(sed -n 's/^address: 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$OUT/cam_learned")
	[ -n "$port" ] || return 1
	dl=$(grep "held, its connection from 127.0.0.1:$port is alive" \
	    "$OUT/v720d.log" | tail -n 1 | sed -n 's/.*, deadline \([0-9]*\) ms).*/\1/p')
	[ -n "$dl" ] && [ "$dl" -lt 10000 ]
}
wait_for 30 learned ||
    fail "the engine never learned the rebooted camera's heartbeat: $(grep "held, its connection" "$OUT/v720d.log" | tail -n 1)"
say "the engine's deadline for the rebooted camera: $dl ms"
attack_end reboot 1000

# The camera moves: its old connection dies silently (frozen process, no
# FIN), it comes back from a new address.
kill -STOP "$CAM1"
t_stop=$(now)
start_camsim $CAMSIM_ARGS --source 127.0.0.3 --log "$OUT/camsim3.log"
wait_for 60 cam_at 127.0.0.3 || fail "the moved camera did not come back"
T_MOVE=$(secs "$t_stop" "$(now)")
kill -KILL "$CAM1"
# What the engine measured when it let the new address in: how long the
# old connection had been silent, against its deadline.
line=$(grep "camera $U: its connection from .* silent for [0-9]* ms (deadline [0-9]* ms), 127.0.0.3" \
    "$OUT/v720d.log" | tail -n 1)
[ -n "$line" ] || fail "the engine never let 127.0.0.3 in: $(grep "$U" "$OUT/v720d.log" | tail -n 3)"
silent=$(echo "$line" | sed 's/.* silent for \([0-9]*\) ms.*/\1/')
deadline=$(echo "$line" | sed 's/.*(deadline \([0-9]*\) ms).*/\1/')
python3 -c 'import sys
move, silent, dl = float(sys.argv[1]), int(sys.argv[2]) / 1000, int(sys.argv[3]) / 1000
print("moved camera back in %.3f s: the engine let it in after %.3f s of "
      "silence (deadline %.3f s)" % (move, silent, dl))
# Never before the deadline (that would be the takeover); and at the
# engine'"'"'s first look past it: it looks once a second, and a busy
# machine runs its timer late (a fresh clone beside a CPU hog at load 19
# saw 1.8 s), so the bound is a second deadline, not a wall-clock guess.
sys.exit(0 if dl < silent <= 2 * dl else 1)' "$T_MOVE" "$silent" "$deadline" ||
    fail "the moved camera came back too early or too late"
# Held, then let in: the moved camera never lost a connection on the way.
drops=$(grep -c '"ev":"drop"' "$OUT/camsim3.log")
[ "$drops" = 0 ] || fail "the moved camera was dropped $drops times (held, it should need one connection)"
view moved "$OUT/camsim3.log"
kill -0 "$ENGINE_PID" || fail "engine died"
say "ok"
