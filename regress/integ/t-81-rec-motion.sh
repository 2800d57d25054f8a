#!/bin/sh
# Motion detection on camsim's scene mode: a static scene for 60 s gives
# no event; each object crossing the scene gives exactly one event whose
# start and end are within 1 s of the frames it was in; switching the
# whole picture IR-style (twice) gives none.  "record motion" records
# each event with its pre-roll and post-roll; the camera object's
# "motion" is true while it lasts; thumbnails are JPEGs; v720ctl lists
# the events.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
. "$TOP/regress/integ/lib-rec.sh"
need_root
ensure_test_user
command -v ffprobe >/dev/null || skip "needs ffmpeg"

R=$OUT/recordings
S=MSTA00000001
M=MMOV00000001
web_start 37010 "recordings \"$R\"
camera \"$S\" {
	record motion
	motion sensitivity 8
}
camera \"$M\" {
	record motion
}"
# Times are seconds from camsim's start; the object crosses at 12 and 30
# for 4 s, the picture switches to IR at 20 and back at 40.
start_camsim --cameras 1 --uid MSTA --bootstrap "$BOOT" --fps 10 --scene \
    --duration 62 --log "$OUT/static.log"
STATIC=$CAMSIM_PID
start_camsim --cameras 1 --uid MMOV --bootstrap "$BOOT" --fps 10 \
    --motion-at 12,30 --motion-for 4 --ir-at 20,40 --duration 48 \
    --log "$OUT/camsim.log"
MOVING=$CAMSIM_PID
web_cameras 2

# "motion" goes true in the camera object during the first crossing.
motion_on() {
	curl -s "$WEB/api/cameras/$M" | python3 -c '
import json, sys
sys.exit(0 if json.load(sys.stdin).get("motion") is True else 1)'
}
wait_for 30 motion_on || fail "camera object never showed motion"
say "camera object: motion true"
wait_for 15 sh -c "! curl -s '$WEB/api/cameras/$M' | grep -q '\"motion\":true'" ||
    fail "motion never went back to false"

wait_for 70 sh -c "! kill -0 $STATIC 2>/dev/null" || fail "camsim did not end"
sleep 4	# the last event's quiet seconds

# The truth: runs of frames with the object in them.
python3 - "$OUT/camsim.log" >"$OUT/truth" <<'PY'
import json, sys
runs, cur = [], None
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("ev") != "frame":
        continue
    if e.get("obj"):
        if cur is None:
            cur = [e["wall"], e["wall"]]
        cur[1] = e["wall"]
    elif cur is not None:
        runs.append(cur)
        cur = None
if cur:
    runs.append(cur)
for a, b in runs:
    print("%.3f %.3f" % (a, b))
PY
[ "$(wc -l <"$OUT/truth")" -eq 2 ] || fail "camsim's log shows $(wc -l <"$OUT/truth") crossings"

req GET "$WEB/api/cameras/$S/events"
expect 200 application/json "static events"
jcheck "j == []" "static scene (60 s) gave events"
say "static scene, 60 s: no event"
[ -z "$(find "$R" -path "*$S*" -name '*.mkv')" ] || fail "static camera recorded"

req GET "$WEB/api/cameras/$M/events"
expect 200 application/json "events"
cp "$OUT/body" "$OUT/events.json"
python3 - "$OUT/events.json" "$OUT/truth" <<'PY' || fail "events do not match the truth: $(cat "$OUT/events.json")"
import json, sys
ev = json.load(open(sys.argv[1]))
truth = [tuple(map(float, l.split())) for l in open(sys.argv[2])]
ev = sorted(ev, key=lambda e: e["start"])
if len(ev) != len(truth):
    sys.exit("%d events for %d crossings (IR switches must give none)" % (len(ev), len(truth)))
for e, (a, b) in zip(ev, truth):
    if e["end"] is None:
        sys.exit("event still open")
    ds, de = e["start"] - a, e["end"] - b
    print("event %.2f..%.2f, truth %.2f..%.2f: start %+.2f s, end %+.2f s, score %.1f"
          % (e["start"], e["end"], a, b, ds, de, e["score"]))
    if abs(ds) > 1 or abs(de) > 1:
        sys.exit("more than 1 s off")
    if not e["thumbnail"].startswith("/api/recordings/"):
        sys.exit("thumbnail %r" % e["thumbnail"])
PY
say "2 crossings, 2 IR switches: exactly 2 events, within 1 s"

# Thumbnails are JPEGs.
for t in $(python3 -c "import json; [print(e['thumbnail']) for e in json.load(open('$OUT/events.json'))]"); do
	curl -s -o "$OUT/thumb.jpg" -w '%{http_code} %{content_type}' "$WEB$t" >"$OUT/code"
	[ "$(cat "$OUT/code")" = "200 image/jpeg" ] || fail "thumbnail $t: $(cat "$OUT/code")"
	[ "$(head -c 2 "$OUT/thumb.jpg" | od -An -tx1 | tr -d ' ')" = ffd8 ] ||
	    fail "thumbnail is not a JPEG"
done

# record motion: one file per event, from before it to after it.
req GET "$WEB/api/cameras/$M/recordings"
expect 200 application/json "recordings"
python3 - "$OUT/body" "$OUT/events.json" <<'PY' || fail "event recordings: $(cat "$OUT/body")"
import json, sys
recs = json.load(open(sys.argv[1]))
ev = json.load(open(sys.argv[2]))
if len(recs) != len(ev):
    sys.exit("%d files for %d events" % (len(recs), len(ev)))
for e in ev:
    r = [r for r in recs if r["start"] <= e["start"] and r["end"] >= e["end"]]
    if not r:
        sys.exit("event %.2f not recorded" % e["start"])
    r = r[0]
    pre, post = e["start"] - r["start"], r["end"] - e["end"]
    print("file %s: %.1f s before, %.1f s after the event" % (r["file"], pre, post))
    if pre < 2 or post < 2:
        sys.exit("pre-roll %.1f s, post-roll %.1f s" % (pre, post))
PY
for s in $(segments "$R"); do
	ffprobe -v error "$s" || fail "ffprobe $s"
done

$V720CTL -s "$OUT/ctl.sock" show events $M >"$OUT/ctl.ev" || fail "v720ctl show events"
[ "$(wc -l <"$OUT/ctl.ev")" -eq 2 ] || fail "v720ctl show events: $(cat "$OUT/ctl.ev")"
say "v720ctl: $(head -1 "$OUT/ctl.ev")"
