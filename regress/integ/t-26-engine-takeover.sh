#!/bin/sh
# Hostile LAN, video takeover (issue 9, finding 1), from the attacker's
# side: while a camera on slow Wi-Fi (camsim --latency 100: it answers
# code 11 a round trip late) sets up its data channel, an attacker on
# 127.0.0.2 spams code 20, {"code":51,"devTarget":UID} and its own JPEG
# frames at the camera port.  Every frame a viewer (MJPEG) and a snapshot
# get must still be byte-identical to one camsim sent (sha256 in its
# log), never the attacker's; the attacker gets nothing back (no 21, no
# probe, no 605), and the camera's debug counters count it as a stranger.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
need_python
command -v curl >/dev/null 2>&1 || skip "needs curl"

U=0800f0000026
engine_conf 31000 "camera \"$U\" {
	idle timeout 1
}"
engine_start
start_camsim --cameras 1 --uid "$U" --bootstrap "127.0.0.1:$BOOT_PORT" \
    --latency 100 --duration 600 --log "$OUT/camsim.log"
wait_for 10 cam_is "$U" online || fail "camera did not register"

python3 "$TOP/regress/integ/attacker.py" 127.0.0.2 127.0.0.1 "$CAM_PORT" \
    "$U" 40 "$TOP/regress/data/small/tiny.jpg" >"$OUT/attacker.json" \
    2>"$OUT/attacker.err" &
ATTACKER=$!
CLEANUP_PIDS="$CLEANUP_PIDS $ATTACKER"
sleep 0.5

round=1
while [ $round -le 3 ]; do
	wait_for 10 cam_is "$U" online || fail "round $round: not idle"
	# Cold start for a viewer.
	python3 "$CHECK" mjpeg "http://127.0.0.1:$WEB_PORT/api/cameras/$U/mjpeg" \
	    3 "$OUT/mjpeg.$round" || fail "MJPEG reader"
	cut -d' ' -f2 "$OUT/mjpeg.$round" >"$OUT/mjpeg.$round.sha"
	r=$(is_camsims "$OUT/camsim.log" "$U" "$OUT/mjpeg.$round.sha") ||
	    fail "round $round: viewer got a frame the camera did not send ($r)"
	say "round $round: viewer: $r"
	# Cold start for a snapshot (the web's held frame is stale by then).
	wait_for 10 cam_is "$U" online || fail "round $round: not idle again"
	sleep 2.2
	code=$(curl -s -m 15 -o "$OUT/snap.$round.jpg" -w '%{http_code}' \
	    "http://127.0.0.1:$WEB_PORT/api/cameras/$U/snapshot")
	[ "$code" = 200 ] || fail "round $round: snapshot: HTTP $code"
	sha256sum "$OUT/snap.$round.jpg" | cut -d' ' -f1 >"$OUT/snap.$round.sha"
	r=$(is_camsims "$OUT/camsim.log" "$U" "$OUT/snap.$round.sha") ||
	    fail "round $round: snapshot is not a frame the camera sent"
	say "round $round: snapshot: a frame camsim sent"
	round=$((round + 1))
done

strangers=$(curl -s -m 5 "http://127.0.0.1:$WEB_PORT/api/cameras/$U/debug" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["strangers"])') ||
    fail "no strangers counter in the debug route"
[ "$strangers" -gt 0 ] || fail "the attacker's 51s were not counted"
say "debug: $strangers strangers counted"

kill -TERM "$ATTACKER" 2>/dev/null
wait "$ATTACKER" 2>/dev/null
[ -s "$OUT/attacker.json" ] || fail "no summary from the attacker"
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print("attacker sent %s, got back %s" % (r["sent"], r["got"]))
sys.exit(1 if r["got"] or not r["sent"]["51"] else 0)' "$OUT/attacker.json" ||
    fail "the server answered the attacker: $(cut -c1-300 "$OUT/attacker.json")"
kill -0 "$ENGINE_PID" || fail "engine died"
say "ok"
