#!/bin/sh
# A stale first frame, from the viewer's side: a camera streams, vanishes
# in the middle of a frame (camsim --die-after) and comes back at once.
# Viewers and snapshots started from then on must only ever get pictures
# the camera sent after it came back: every part's sha256 must be in the
# log of the second camsim, none from the first (v720-web used to hand
# out the last frame it held from before the reconnect).  The same when
# a stream stops: the next viewer gets only frames of the new stream.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

C=W38S00000001
C2=W38S00000002
web_start 33620 "camera \"$C\" {
	stream always
}
camera \"$C2\" {
	stream on-demand
	idle timeout 1
}"
"$CAMSIM" --cameras 1 --uid $C2 --tcp "127.0.0.1:$CAMPORT" --fps 10 \
    --data "$TOP/regress/data/scene3.jpg" --duration 600 --log "$OUT/camsim3.log" \
    >>"$OUT/camsim.out" 2>>"$OUT/camsim.err" &
CLEANUP_PIDS="$CLEANUP_PIDS $!"
# The two runs send different pictures (frame n of a run is otherwise the
# same bytes), so a frame tells which connection it came from.
"$CAMSIM" --cameras 1 --uid $C --tcp "127.0.0.1:$CAMPORT" --fps 10 \
    --data "$TOP/regress/data/scene1.jpg" --die-after 40 --log "$OUT/camsim1.log" >>"$OUT/camsim.out" 2>>"$OUT/camsim.err" &
CAM1=$!
CLEANUP_PIDS="$CLEANUP_PIDS $CAM1"
wait_for 20 sh -c "! kill -0 $CAM1 2>/dev/null" || fail "camsim --die-after 40 did not die"
# v720-web knows it is gone (so a frame held now is known to be stale).
gone() { curl -s "$WEB/api/cameras/$C" | grep -q '"state":"offline"'; }
wait_for 10 gone || fail "camera not offline: $(curl -s "$WEB/api/cameras/$C")"
# Back at once, as the same camera.
start_camsim --cameras 1 --uid $C --tcp "127.0.0.1:$CAMPORT" --fps 10 \
    --data "$TOP/regress/data/scene2.jpg" --duration 60 --log "$OUT/camsim2.log"
# New viewers and snapshots, every 0.15 s, from the reconnect on.
i=0
while [ $i -lt 12 ]; do
	$WEBCLIENT mjpeg "$WEB/api/cameras/$C/mjpeg" 8 --max 3 --hashes "$OUT/v$i" >"$OUT/r$i" 2>&1 &
	eval "V$i=\$!"
	curl -s --max-time 12 -o "$OUT/s$i" -w '%{http_code}' "$WEB/api/cameras/$C/snapshot" >"$OUT/sc$i" &
	eval "S$i=\$!"
	sleep 0.15
	i=$((i + 1))
done
i=0
while [ $i -lt 12 ]; do
	eval "wait \$V$i; wait \$S$i"
	i=$((i + 1))
done
hashes() {
	python3 -c "import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get('ev') == 'frame':
        print(e['sha256'])" "$1"
}
hashes "$OUT/camsim1.log" >"$OUT/before"
hashes "$OUT/camsim2.log" >"$OUT/after"
[ "$(wc -l <"$OUT/before")" -ge 40 ] || fail "first camsim sent $(wc -l <"$OUT/before") frames"
parts=0 snaps=0 i=0
while [ $i -lt 12 ]; do
	[ -s "$OUT/v$i" ] || fail "viewer $i got nothing: $(cat "$OUT/r$i")"
	while read -r h; do
		grep -qxF "$h" "$OUT/before" && fail "viewer $i got a frame from before the reconnect as part $((parts + 1))"
		grep -qxF "$h" "$OUT/after" || fail "viewer $i got a frame camsim never sent: $h"
		parts=$((parts + 1))
	done <"$OUT/v$i"
	if [ "$(cat "$OUT/sc$i")" = 200 ]; then
		h=$(sha256sum "$OUT/s$i" | cut -d' ' -f1)
		grep -qxF "$h" "$OUT/before" && fail "snapshot $i is a frame from before the reconnect"
		grep -qxF "$h" "$OUT/after" || fail "snapshot $i: a frame camsim never sent"
		snaps=$((snaps + 1))
	fi
	i=$((i + 1))
done
[ $snaps -ge 1 ] || fail "no snapshot answered"
say "12 viewers and $snaps snapshots after the reconnect: $parts parts, all sent after it"

# The stream stops: the held frame goes with it.  An on-demand camera
# stops 1 s after its last viewer left; a viewer who comes right after
# (the last frame is not yet 2 s old) must get only frames of the new
# stream that it starts.
req GET "$WEB/api/cameras/$C2/mjpeg" -o /dev/null --max-time 2
idle() { curl -s "$WEB/api/cameras/$C2" | grep -q '"state":"online"'; }
wait_for 10 idle || fail "stream did not stop: $(curl -s "$WEB/api/cameras/$C2")"
old=$(hashes "$OUT/camsim3.log" | wc -l)
[ "$old" -ge 5 ] || fail "the first viewer of $C2 saw only $old frames sent"
r=$($WEBCLIENT mjpeg "$WEB/api/cameras/$C2/mjpeg" 8 --max 3 --hashes "$OUT/v2") ||
    fail "viewer after the stop: $r"
[ "$(wc -l <"$OUT/v2")" -eq 3 ] || fail "viewer after the stop: $r"
hashes "$OUT/camsim3.log" >"$OUT/all3"
head -n "$old" "$OUT/all3" >"$OUT/old3"
tail -n +$((old + 1)) "$OUT/all3" >"$OUT/new3"
grep -qxF -f "$OUT/old3" "$OUT/v2" && fail "viewer after the stream stopped got a frame of the stopped stream"
grep -vxF -f "$OUT/new3" "$OUT/v2" && fail "viewer after the stop: a frame camsim never sent"
say "after the stream stopped ($old frames), a new viewer: $r, all from the new stream"
say "ok"
