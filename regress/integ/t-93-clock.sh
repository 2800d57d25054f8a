#!/bin/sh
# The camera's clock: during a stream v720d sends code 54 every 2 s (the
# vendor app's period), reads the 55s, and shows the camera clock's
# offset as clock_offset_ms in the camera object and in v720ctl show
# camera.  Two simulated cameras whose clocks are 123.456 s ahead and 5 s
# behind must be shown as such (within 100 ms); no 54 goes out while no
# stream runs, and none after the stream stops.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

web_start 38300
start_camsim --cameras 1 --uid CLKA --bootstrap "$BOOT" --fps 5 \
    --clock-offset 123456 --log "$OUT/a.log"
start_camsim --cameras 1 --uid CLKB --bootstrap "$BOOT" --fps 5 \
    --clock-offset -5000 --log "$OUT/b.log"
web_cameras 2
A=CLKA00000001 B=CLKB00000001

req GET "$WEB/api/cameras/$A"
jcheck "'clock_offset_ms' in j and j['clock_offset_ms'] is None" "no offset before a stream"
sleep 3
grep -q '"ev":"clock"' "$OUT/a.log" && fail "code 54 without a stream"

req POST "$WEB/api/cameras/$A/stream/start"
req POST "$WEB/api/cameras/$B/stream/start"
offset() {
	curl -s "$WEB/api/cameras/$1" | python3 -c "import json,sys
o = json.load(sys.stdin)['clock_offset_ms']
sys.exit(0 if o is not None and abs(o - $2) <= 100 else 1)"
}
wait_for 15 offset $A 123456 || fail "offset of $A: $(curl -s "$WEB/api/cameras/$A")"
wait_for 15 offset $B -5000 || fail "offset of $B: $(curl -s "$WEB/api/cameras/$B")"
"$V720CTL" -s "$OUT/ctl.sock" show camera $A >"$OUT/show.txt" || fail "v720ctl show camera"
grep -Eq '^clock-offset: \+123[45][0-9]{2} ms$' "$OUT/show.txt" ||
    fail "v720ctl: $(grep clock "$OUT/show.txt")"
sleep 8
req POST "$WEB/api/cameras/$A/stream/stop"
sleep 0.5
n0=$(grep -c '"ev":"clock"' "$OUT/a.log")
sleep 3
[ "$(grep -c '"ev":"clock"' "$OUT/a.log")" = "$n0" ] || fail "code 54 after the stream stopped"
# Every 2 s: the gaps between the 54s camsim got.
python3 - "$OUT/a.log" <<'PY' || fail "code 54 period"
import json, sys
t = [e["t"] for e in map(json.loads, open(sys.argv[1])) if e.get("ev") == "clock"]
gaps = [b - a for a, b in zip(t, t[1:])]
gaps.sort()
print("%d code 54s, gaps %.3f..%.3f s, median %.3f" % (len(t), gaps[0], gaps[-1],
      gaps[len(gaps) // 2]))
sys.exit(0 if len(t) >= 5 and 1.9 <= gaps[len(gaps) // 2] <= 2.1 and
         gaps[0] >= 1.5 and gaps[-1] <= 2.6 else 1)
PY
grep -q '"ev":"clock","cam":"'$A'","detail":"1[0-9]\{12\}"' "$OUT/a.log" ||
    fail "54 does not carry our time in ms: $(grep -m1 '"clock"' "$OUT/a.log")"
say "offsets $(curl -s "$WEB/api/cameras/$A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clock_offset_ms"])') and $(curl -s "$WEB/api/cameras/$B" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clock_offset_ms"])') ms"
exit 0
