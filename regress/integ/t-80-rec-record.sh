#!/bin/sh
# Recording: the recorder runs as "v720d: recorder", unprivileged, in its
# chroot (the recordings directory, the user's, mode 0750); its Matroska
# segments hold camsim's JPEGs byte for byte (ffmpeg -c copy), with their
# receive times (within 50 ms of when camsim sent them) and the camera's
# A-law audio; a recorder killed with -9 leaves a segment ffprobe reads
# and the restarted one takes it into its index; the API lists and serves
# the files (Range), v720ctl lists them.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
. "$TOP/regress/integ/lib-rec.sh"
need_root
ensure_test_user
command -v ffprobe >/dev/null || skip "needs ffmpeg"

R=$OUT/recordings
C=RECA00000001
web_start 37000 "recordings \"$R\"
record segment 4
camera \"$C\" {
	record always
	motion off
}"
start_camsim --cameras 1 --uid RECA --bootstrap "$BOOT" --fps 10 --audio \
    --duration 60 --log "$OUT/camsim.log"
web_cameras 1

# The process and its directory.
wait_for 10 rec_pid || fail "no recorder child"
RP=$(rec_pid)
title=$(tr '\0' ' ' <"/proc/$RP/cmdline")
case $title in *"v720d: recorder"*) ;; *) fail "recorder title: $title" ;; esac
[ "$(stat -c %U "/proc/$RP")" = "$TEST_USER" ] || fail "recorder not running as $TEST_USER"
[ "$(readlink "/proc/$RP/root")" = "$R" ] || fail "recorder root $(readlink "/proc/$RP/root"), want $R"
[ "$(stat -c '%U %a' "$R")" = "$TEST_USER 750" ] || fail "recordings dir: $(stat -c '%U %a' "$R")"
grep -q '^Seccomp:[[:space:]]*2' "/proc/$RP/status" || fail "recorder has no seccomp filter"
grep -q libavformat "/proc/$RP/maps" || fail "recorder does not map libavformat"
[ "$(sched_policy "$RP")" = 3 ] || fail "recorder: scheduling policy $(sched_policy "$RP"), not SCHED_BATCH (3)"
if grep -q libavformat "/proc/$V720D_PID/maps" ||
    grep -q libavformat "/proc/$(child_pid "$V720D_PID" "camera engine")/maps"; then
	fail "the parent or the engine maps libavformat"
fi
say "recorder pid $RP: $TEST_USER, chroot $R (750), seccomp, only it maps libavformat"

# A few segments, then kill -9 the recorder in the middle of one.
wait_for 20 sh -c "[ \$(find '$R' -name '*.mkv' | wc -l) -ge 3 ]" ||
    fail "no segments: $(find "$R")"
sleep 2.5
kill -9 "$RP"
killed=$(segments "$R" | tail -n 1)
say "killed the recorder while it wrote $(basename "$killed")"
restarted() { _p=$(rec_pid) && [ "$_p" != "$RP" ]; }
wait_for 15 restarted || fail "recorder not restarted"
# The new process logs the recovery after it started: under ASan on a
# busy machine that is after the test saw its pid.
wait_for 15 grep -q "$(basename "$killed"): recovered" "$OUT/v720d.log" ||
    fail "restarted recorder did not recover $(basename "$killed")"
sleep 6

# The API and v720ctl list the segments, oldest first.
req GET "$WEB/api/cameras/$C/recordings"
expect 200 application/json "recordings"
jcheck "len(j) >= 4 and all(set(e) >= {'file','start','end','frames','bytes','url'} for e in j) and [e['start'] for e in j] == sorted(e['start'] for e in j)" \
    "recordings list"
nlisted=$(python3 -c "import json; print(len(json.load(open('$OUT/body'))))")
$V720CTL -s "$OUT/ctl.sock" show recordings $C >"$OUT/ctl.rec" || fail "v720ctl show recordings"
[ "$(wc -l <"$OUT/ctl.rec")" -ge 4 ] || fail "v720ctl lists: $(cat "$OUT/ctl.rec")"

# Download: the whole file, and a range, byte for byte.
url=$(python3 -c "import json; j = json.load(open('$OUT/body')); print(j[0]['url'])")
file=$(python3 -c "import json; j = json.load(open('$OUT/body')); print(j[0]['file'])")
curl -s -o "$OUT/dl.mkv" -w '%{http_code}' "$WEB$url" >"$OUT/code"
[ "$(cat "$OUT/code")" = 200 ] || fail "download: $(cat "$OUT/code")"
cmp "$OUT/dl.mkv" "$R/$C/$file" || fail "downloaded file differs"
curl -s -o "$OUT/part" -D "$OUT/hdr" -H 'Range: bytes=100-1123' "$WEB$url" >/dev/null
grep -q '^HTTP/1.1 206' "$OUT/hdr" || fail "range: $(head -1 "$OUT/hdr")"
grep -qi "^Content-Range: bytes 100-1123/$(stat -c %s "$R/$C/$file")" "$OUT/hdr" ||
    fail "content-range: $(cat "$OUT/hdr")"
dd if="$R/$C/$file" bs=1 skip=100 count=1024 2>/dev/null | cmp - "$OUT/part" ||
    fail "range bytes differ"
req GET "$WEB/api/recordings/$C/2000-01-01/00-00-00.mkv"
expect 404 application/json "unknown recording"
req GET "$WEB/api/recordings/$C/..%2F..%2F/etc%2Fpasswd"
[ "$CODE" = 404 ] || fail "path outside the recordings: $CODE"
say "API: $nlisted segments listed, download and Range ok"

# Stop: open segments are closed properly.
kill -TERM "$V720D_PID"
wait_for 10 sh -c "! kill -0 $V720D_PID 2>/dev/null" || fail "v720d did not stop"

# Every segment reads; its frames are camsim's, byte for byte, in order,
# at the times camsim sent them (within 50 ms).
python3 - "$OUT/camsim.log" >"$OUT/sent" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("ev") == "frame":
        print(e["sha256"], e["wall"])
PY
total=0
for s in $(segments "$R"); do
	ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$s" >"$OUT/probe" ||
	    fail "ffprobe cannot read $s"
	grep -qx mjpeg "$OUT/probe" || fail "$s: no mjpeg stream: $(cat "$OUT/probe")"
	n=$(seg_frames "$s" "$OUT/frames") || fail "ffmpeg cannot extract $s"
	seg_times "$s" >"$OUT/times" || fail "no times in $s"
	(cd "$OUT/frames" && sha256sum f-*.jpg | cut -d' ' -f1) >"$OUT/got"
	python3 - "$OUT/got" "$OUT/times" "$OUT/sent" "$s" <<'PY' || fail "$s: frames or times wrong"
import sys
got = open(sys.argv[1]).read().split()
times = [float(x) for x in open(sys.argv[2]).read().split()]
sent = [l.split() for l in open(sys.argv[3])]
idx = {h: (i, float(t)) for i, (h, t) in enumerate(sent)}
if len(got) != len(times) or not got:
    sys.exit("%d frames, %d times" % (len(got), len(times)))
prev = -1
worst = 0
for h, t in zip(got, times):
    if h not in idx:
        sys.exit("a frame camsim never sent")
    i, st = idx[h]
    if i <= prev:
        sys.exit("out of order")
    prev = i
    worst = max(worst, abs(t - st))
if worst > 0.050:
    sys.exit("timestamp off by %.3f s" % worst)
print("%s: %d frames, worst time error %.1f ms" % (sys.argv[4].split("/")[-1], len(got), worst * 1000))
PY
	total=$((total + n))
done >"$OUT/segs.txt"
cat "$OUT/segs.txt"
sent=$(wc -l <"$OUT/sent")
say "$total of $sent frames sent are in $(segments "$R" | wc -l) segments"
# What camsim sent while the recorder was down (~1-2 s) is missing only.
[ "$total" -ge $((sent - 40)) ] || fail "only $total of $sent frames recorded"

# Audio: the segments after the first have the A-law track.
s=$(segments "$R" | sed -n 3p)
ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$s" | grep -qx pcm_alaw ||
    fail "no audio track in $s"
say "audio track (pcm_alaw) in $(basename "$s")"
