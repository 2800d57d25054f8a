#!/bin/sh
# PTZ: POST /api/cameras/ID/ptz {"move":...} and v720ctl ptz send forward
# 212 {"motorState":N} over the camera's TCP connection, resent every
# 80 ms while the move is held.  camsim --ptz logs each 212 with its
# arrival time: a hold of "left" re-posted as the viewer page does gives
# 2s 80 ms apart (+/- 20 ms), "stop" ends them, "calibrate" is one 0, a
# client that stops refreshing stops the motor within the 2 s hold, a
# v720ctl move holds for 1 s; bad moves get 400, an offline camera 409.
# How many 212s a hold the test makes may bring follows from when the
# test measured its requests to be (its sleeps and requests take what
# they take on a busy machine: a refresh may even come after the 2 s
# hold ran out), not from the sleeps it asked for.
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
# gaps STATE LO HI: LO..HI 212s with that motorState, 80 ms apart.  The
# period is the mean over each run of sends (a run ends where the hold
# ran out, a gap of a second or more): the engine sends on a grid, so a
# send its timer woke late for does not move the ones after it, and the
# mean stays 80 ms however late single sends are on a busy machine; the
# median gap too.  Half the gaps within 80+/-20 ms tells a grid from
# sends in bursts.
gaps() {
	python3 - "$OUT/camsim.log" "$1" "$2" "$3" <<'PY'
import json, sys
st, lo, hi = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t = [e["t"] for e in map(json.loads, open(sys.argv[1]))
     if e.get("ev") == "ptz" and e.get("motorState") == st]
g = [(b - a) * 1000 for a, b in zip(t, t[1:])]
if len(g) < 2:
    print("only %d 212s" % len(t)); sys.exit(1)
runs, start = [], 0
for i, x in enumerate(g + [1e9]):
    if x >= 1000:
        if i > start:
            runs.append((t[i] - t[start]) * 1000 / (i - start))
        start = i + 1
gs = sorted(g)
med = gs[len(gs) // 2]
ok = sum(60 <= x <= 100 for x in g)
print("%d 212s motorState %d over %.2f s (bounds %d..%d), gaps %.0f..%.0f ms, "
      "median %.1f, %d of %d within 80+/-20, mean period %s ms" % (len(t), st,
      t[-1] - t[0], lo, hi, gs[0], gs[-1], med, ok, len(g),
      "/".join("%.1f" % r for r in runs)))
sys.exit(0 if lo <= len(t) <= hi and 60 <= med <= 100 and ok >= len(g) / 2
         and runs and all(72 <= r <= 100 for r in runs) else 1)
PY
}
ptz() { req POST "$WEB/api/cameras/$1/ptz" -H 'Content-Type: application/json' \
    --data "$2"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# timed WHAT ptz ARGS: a request, with the times before and after it in
# $OUT/times ("move A B" or "stop A B").
timed() {
	_w=$1; shift
	_a=$(now_ms); "$@"; _rc=$?
	echo "$_w $_a $(now_ms)" >>"$OUT/times"
	return $_rc
}
# bounds HOLD_MS: the fewest and the most 212s the requests in
# $OUT/times may have brought.  The engine took each move at some time
# between its request's before and after and held it HOLD_MS from then,
# resending every 80 ms (on a grid from the first send, again from a
# move that came after the hold ran out) until the stop.  Most: every
# move taken first, every hold as long, the stop taken last, and one
# more per move that may have started a grid of its own.  Fewest: the
# other way round, and 7 in 10 of it (a timer woken more than a period
# late skips a send).  Clears $OUT/times.
bounds() {
	python3 - "$OUT/times" "$1" <<'PY'
import sys
ev = [l.split() for l in open(sys.argv[1])]
hold = int(sys.argv[2])
moves = [(int(a), int(b)) for k, a, b in ev if k == "move"]
stop = [(int(a), int(b)) for k, a, b in ev if k == "stop"][-1]
def held(spans, end):
    segs = []
    for s, u in sorted(spans):
        u = min(u, end)
        if u <= s:
            continue
        if segs and s <= segs[-1][1]:
            segs[-1][1] = max(segs[-1][1], u)
        else:
            segs.append([s, u])
    return [u - s for s, u in segs]
# A millisecond either side: the engine's clock and date(1) round apart.
most = sum(d // 80 + 1 for d in held([(a - 1, b + 1 + hold) for a, b in moves],
                                     stop[1] + 1))
least = sum(d // 80 for d in held([(b, a + hold) for a, b in moves], stop[0])) + 1
print(least * 7 // 10, most + len(moves) - 1)
PY
	rm -f "$OUT/times"
}
came() { [ "$(n_ptz "$1")" -ge 1 ]; }
# settled STATE: once the 212s with that motorState stop coming (none
# for 0.5 s, six periods), print how many came; fail after 10 s.
settled() {
	_n=-1 _k=0
	while [ $_k -lt 100 ]; do
		_m=$(n_ptz "$1")
		[ "$_m" = "$_n" ] && { echo "$_m"; return 0; }
		_n=$_m
		sleep 0.5
		_k=$((_k + 5))
	done
	return 1
}

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
timed move ptz $A '{"move":"left"}'; expect 202 application/json "left"
jcheck "j['id'] == '$A'" "camera object"
for i in 1 2 3; do
	sleep 0.5
	timed move ptz $A '{"move":"left"}'; expect 202 application/json "left again"
done
sleep 0.5
timed stop ptz $A '{"move":"stop"}'; expect 202 application/json "stop"
n1=$(settled 2) || fail "212s go on after stop: $(n_ptz 2) and counting"
say "hold left, requests (ms): $(tr '\n' ';' <"$OUT/times")"
b=$(bounds 2000) || fail "bounds"
say "hold left: $n1 212s (bounds $b)"
gaps 2 $b || fail "hold left: period"
[ "$(n_ptz 1)$(n_ptz 3)$(n_ptz 4)$(n_ptz 0)" = 0000 ] || fail "other motor states"

# Calibrate: exactly one motorState 0.
ptz $A '{"move":"calibrate"}'; expect 202 application/json "calibrate"
wait_for 10 came 0 || fail "calibrate: no motorState 0"
c=$(settled 0) || fail "calibrate: motorState 0 goes on"
[ "$c" = 1 ] || fail "calibrate: $c 212s with motorState 0"

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
settled 3 >/dev/null || fail "v720ctl ptz up: the 1 s hold never ended"
gaps 3 10 16 || fail "v720ctl ptz up (1 s at 80 ms)"
timed move $CTL ptz $A down >"$OUT/ctl.out" 2>&1 || fail "v720ctl ptz down"
sleep 0.3
timed stop $CTL ptz $A stop >"$OUT/ctl.out" 2>&1 || fail "v720ctl ptz stop"
d=$(settled 4) || fail "v720ctl stop did not stop: $(n_ptz 4) and counting"
b=$(bounds 1000) || fail "bounds"
say "v720ctl down..stop: $d 212s (bounds $b)"
[ "$d" -le "${b#* }" ] || fail "v720ctl stop did not stop: $d 212s, at most ${b#* }"
[ "$d" -ge 2 ] || fail "v720ctl down: only $d 212s"
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
