#!/bin/sh
# PTZ: POST /api/cameras/ID/ptz {"move":...} and v720ctl ptz send forward
# 212 {"motorState":N} over the camera's TCP connection, resent every
# 80 ms while the move is held.  camsim --ptz logs each 212 with its
# arrival time: a hold of "left" re-posted as the viewer page does gives
# 2s 80 ms apart (+/- 20 ms), "stop" ends them, "calibrate" is one 0, a
# client that stops refreshing stops the motor within the 2 s hold, a
# v720ctl move holds for 1 s; bad moves get 400, an offline camera 409.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

web_start 39000
start_camsim --cameras 1 --uid PTZA --bootstrap "$BOOT" --fps 2 --ptz \
    --log "$OUT/camsim.log"
web_cameras 1
A=PTZA00000001
CTL="$V720CTL -s $OUT/ctl.sock"

# n_ptz STATE: 212s camsim got with that motorState.
n_ptz() { grep -c '"ev":"ptz","cam":"'$A'","motorState":'$1',' "$OUT/camsim.log"; }
# gaps STATE: check the 80 ms period of that motorState's 212s.
gaps() {
	python3 - "$OUT/camsim.log" "$1" "$2" "$3" <<'PY'
import json, sys
st, lo, hi = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t = [e["t"] for e in map(json.loads, open(sys.argv[1]))
     if e.get("ev") == "ptz" and e.get("motorState") == st]
g = sorted((b - a) * 1000 for a, b in zip(t, t[1:]))
if len(g) < 2:
    print("only %d 212s" % len(t)); sys.exit(1)
med = g[len(g) // 2]
ok = sum(60 <= x <= 100 for x in g)
print("%d 212s motorState %d over %.2f s, gaps %.0f..%.0f ms, median %.1f, "
      "%d of %d within 80+/-20" % (len(t), st, t[-1] - t[0], g[0], g[-1], med,
      ok, len(g)))
sys.exit(0 if lo <= len(t) <= hi and 60 <= med <= 100 and
         ok >= 0.9 * len(g) else 1)
PY
}
ptz() { req POST "$WEB/api/cameras/$1/ptz" -H 'Content-Type: application/json' \
    --data "$2"; }

# Refusals.
ptz $A 'not json'; expect 400 application/json "bad JSON"
ptz $A '{"move":"sideways"}'; expect 400 application/json "bad move"
ptz $A '{"move":2}'; expect 400 application/json "move not a string"
ptz $A '{"move":"left","x":1}'; expect 400 application/json "extra key"
ptz NOSUCHCAM '{"move":"left"}'; expect 404 application/json "unknown camera"
req GET "$WEB/api/cameras/$A/ptz"; [ "$CODE" = 405 ] || fail "GET ptz: $CODE"
sleep 0.3
[ "$(n_ptz '[0-9]')" = 0 ] || fail "a refused request moved the motor"

# Hold left ~2 s, re-posting every 0.5 s as the viewer page does.
ptz $A '{"move":"left"}'; expect 202 application/json "left"
jcheck "j['id'] == '$A'" "camera object"
for i in 1 2 3; do
	sleep 0.5
	ptz $A '{"move":"left"}'; expect 202 application/json "left again"
done
sleep 0.5
ptz $A '{"move":"stop"}'; expect 202 application/json "stop"
n0=$(n_ptz 2)
sleep 1
n1=$(n_ptz 2)
[ $((n1 - n0)) -le 1 ] || fail "212s after stop: $n0 then $n1"
gaps 2 18 32 || fail "hold left: period"
[ "$(n_ptz 1)$(n_ptz 3)$(n_ptz 4)$(n_ptz 0)" = 0000 ] || fail "other motor states"

# Calibrate: exactly one motorState 0.
ptz $A '{"move":"calibrate"}'; expect 202 application/json "calibrate"
sleep 1
[ "$(n_ptz 0)" = 1 ] || fail "calibrate: $(n_ptz 0) 212s with motorState 0"

# A client that vanishes mid-press: one "right", no refresh, no stop.
ptz $A '{"move":"right"}'; expect 202 application/json "right"
sleep 3
r0=$(n_ptz 1)
sleep 1
[ "$(n_ptz 1)" = "$r0" ] || fail "still moving 3 s after the last refresh"
gaps 1 20 30 || fail "hold deadline (2 s at 80 ms)"

# v720ctl: a move holds for 1 s; stop; a bad move is a usage error.
$CTL ptz $A up >"$OUT/ctl.out" 2>&1 || fail "v720ctl ptz up: $(cat "$OUT/ctl.out")"
sleep 2
gaps 3 10 16 || fail "v720ctl ptz up (1 s at 80 ms)"
$CTL ptz $A down >"$OUT/ctl.out" 2>&1 || fail "v720ctl ptz down"
sleep 0.3
$CTL ptz $A stop >"$OUT/ctl.out" 2>&1 || fail "v720ctl ptz stop"
d0=$(n_ptz 4)
sleep 1.2
[ $(($(n_ptz 4) - d0)) -le 1 ] || fail "v720ctl stop did not stop"
[ "$d0" -ge 2 ] || fail "v720ctl down: only $d0 212s"
$CTL ptz $A sideways >"$OUT/ctl.out" 2>&1 && fail "v720ctl ptz sideways accepted"
$CTL ptz NOSUCHCAM left >"$OUT/ctl.out" 2>&1 && fail "v720ctl ptz unknown camera"
grep -q "unknown camera" "$OUT/ctl.out" || fail "v720ctl: $(cat "$OUT/ctl.out")"

# Offline: 409, and v720ctl says so.
kill -TERM "$CAMSIM_PID"
wait_for 15 sh -c "curl -s '$WEB/api/cameras/$A' | grep -q '\"state\":\"offline\"'" ||
    fail "camera never went offline"
ptz $A '{"move":"left"}'; expect 409 application/json "offline camera"
$CTL ptz $A left >"$OUT/ctl.out" 2>&1 && fail "v720ctl ptz offline accepted"
grep -q offline "$OUT/ctl.out" || fail "v720ctl offline: $(cat "$OUT/ctl.out")"
kill -0 "$V720D_PID" || fail "v720d died"
exit 0
