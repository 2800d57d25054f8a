#!/bin/sh
# Retention on a small tmpfs: "record max size" keeps the total under
# the limit by deleting the oldest files; "record keep" deletes a file
# older than it (found on disk without an index); a full disk pauses
# recording with one log line while a viewer keeps getting every frame,
# and recording resumes when space is back.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
. "$TOP/regress/integ/lib-rec.sh"
need_root
ensure_test_user
command -v ffmpeg >/dev/null || skip "needs ffmpeg"

T=$OUT/tmpfs
R=$T/recordings
C=RETA00000001
mkdir -p "$T"
mount -t tmpfs -o size=24m tmpfs "$T" || skip "cannot mount a tmpfs"
umount_t() { cleanup; umount "$T" 2>/dev/null; }
trap umount_t EXIT INT TERM

# An old file from an earlier run: made from a real segment with its
# creation time moved 3 days back, in its day's directory, no index.
ffmpeg -nostdin -v error -f lavfi -i testsrc=size=320x240:rate=5 -t 2 \
    -c:v mjpeg -metadata creation_time=2026-01-01T00:00:00.000000Z \
    -f matroska "$OUT/old.mkv" || fail "cannot make an old segment"
old=$(date -d @$(( $(date +%s) - 3 * 86400 )) +%Y-%m-%d)
mkdir -p "$R/$C/$old"
chown -R "$TEST_USER" "$R"
cp "$OUT/old.mkv" "$R/$C/$old/00-00-00.mkv"

web_start 37020 "recordings \"$R\"
record segment 2
record max size 3M
record keep 48 hours
camera \"$C\" {
	record always
	motion off
}"
start_camsim --cameras 1 --uid RETA --bootstrap "$BOOT" --fps 10 \
    --duration 600 --log "$OUT/camsim.log"
web_cameras 1

# Age: the 3-day-old file goes at the first retention run, day and all.
wait_for 15 sh -c "[ ! -e '$R/$C/$old' ]" ||
    fail "a file 3 days old is still there with record keep 48 hours"
say "a 3-day-old file was deleted (record keep 48 hours)"

# Size: after 20 s (about 5 MB recorded) the total stays under 3 MB
# (plus the file being written) and the first files are gone.
sleep 20
first=$(segments "$R" | head -n 1)
total=$(find "$R" -name '*.mkv' -printf '%s\n' | awk '{ s += $1 } END { print s }')
last=$(segments "$R" | tail -n 1)
say "$(segments "$R" | wc -l) files, $total bytes; oldest $(basename "$first")"
[ "$total" -le $((3 * 1024 * 1024 + $(stat -c %s "$last") + 600000)) ] ||
    fail "$total bytes kept with record max size 3M"
grep -q "recordings:" "$OUT/v720d.log" || fail "no store line"
# The first files recorded are the ones gone.
for f in $(grep -o "recording $C/[^ ]*\.mkv" "$OUT/v720d.log" | head -n 3 | cut -d' ' -f2); do
	[ ! -e "$R/$f" ] || fail "$f, among the first, is still there"
done
# The list and the disk agree within the file being opened or deleted
# meanwhile; a retention run between the two reads can move more than
# one, so look again (a few times) before calling it a disagreement.
_n=0
while :; do
	req GET "$WEB/api/cameras/$C/recordings"
	python3 -c "import json, sys
j = json.load(open('$OUT/body'))
sys.exit(0 if abs(len(j) - $(segments "$R" | wc -l)) <= 1 else 1)" && break
	_n=$((_n + 1))
	[ $_n -lt 5 ] || fail "API list and disk disagree: $BODY"
	sleep 0.5
done

# Full disk: fill the tmpfs; recording pauses with one line, the viewer
# keeps its frames.
# Leave 400 KB: under the 5 % floor (1.2 MB of 24 MB), so the floor
# check pauses recording before the disk is actually full.
avail=$(df -k --output=avail "$T" | tail -n 1)
dd if=/dev/zero of="$T/filler" bs=1K count=$((avail - 400)) 2>/dev/null
wait_for 10 grep -q "recording paused" "$OUT/v720d.log" ||
    fail "recording did not pause on a full disk ($(df -h "$T" | tail -1))"
n0=$(segments "$R" | wc -l)
# 3 in 4 of the frames camsim sent while the viewer was open (viewershare.py).
$WEBCLIENT viewers 1 "$WEB/api/cameras/$C/mjpeg" 6 --log "$OUT/full.json" \
    >"$OUT/full" || fail "viewer: $(cat "$OUT/full")"
python3 "$TOP/regress/integ/viewershare.py" "$OUT/camsim.log" "$C" \
    "$OUT/full.json" 75 >"$OUT/full.check" 2>&1 ||
    fail "while the disk was full: $(cat "$OUT/full.check")"
say "viewer while the disk was full: $(cat "$OUT/full.check")"
[ "$(grep -c "recording paused" "$OUT/v720d.log")" -eq 1 ] ||
    fail "more than one pause line: $(grep "recording paused" "$OUT/v720d.log")"
n1=$(segments "$R" | wc -l)
[ "$n1" -le "$n0" ] || fail "files were added on a full disk ($n0 -> $n1)"
say "full disk: one line, no new files, the viewer kept its frames"

rm -f "$T/filler"
wait_for 15 grep -q "recording resumed" "$OUT/v720d.log" ||
    fail "recording did not resume"
wait_for 10 sh -c "[ \$(find '$R' -name '*.mkv' -newer '$OUT/v720d.conf' -mmin -0.2 | wc -l) -ge 1 ]" ||
    fail "no new file after resuming"
for s in $(segments "$R"); do
	# Retention may delete one between the listing and here.
	ffprobe -v error "$s" || [ ! -e "$s" ] || fail "ffprobe $s"
done
say "resumed; every file left reads"
