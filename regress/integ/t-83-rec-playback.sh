#!/bin/sh
# Playback: GET /api/cameras/{id}/playback?from=T returns the recorded
# frames from T on, byte for byte, in order, across files, at the
# recorded pace, and ends with the recording; nothing recorded is a 404.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
. "$TOP/regress/integ/lib-rec.sh"
need_root
ensure_test_user

R=$OUT/recordings
C=PLAY00000001
web_start 37030 "recordings \"$R\"
record segment 3
camera \"$C\" {
	record always
	motion off
}"
start_camsim --cameras 1 --uid PLAY --bootstrap "$BOOT" --fps 10 \
    --duration 9 --log "$OUT/camsim.log"
web_cameras 1
wait_for 20 sh -c "! kill -0 $CAMSIM_PID 2>/dev/null" || fail "camsim did not end"
sleep 11	# the recorder closes the last file

req GET "$WEB/api/cameras/$C/recordings"
expect 200 application/json "recordings"
from=$(python3 -c "import json; j = json.load(open('$OUT/body')); print('%.2f' % (j[0]['start'] + 1.0))")
nfiles=$(python3 -c "import json; print(len(json.load(open('$OUT/body'))))")
[ "$nfiles" -ge 3 ] || fail "$nfiles files"

# The recorded frames from 'from' on, as the files hold them.
: >"$OUT/want"
for s in $(segments "$R"); do
	seg_frames "$s" "$OUT/f" >/dev/null || fail "ffmpeg $s"
	seg_times "$s" >"$OUT/t"
	(cd "$OUT/f" && sha256sum f-*.jpg | cut -d' ' -f1) | paste -d' ' "$OUT/t" - >>"$OUT/want"
done
awk -v f="$from" '$1 >= f { print $2 }' "$OUT/want" >"$OUT/want.h"
want=$(wc -l <"$OUT/want.h")

t0=$(date +%s.%N)
r=$($WEBCLIENT mjpeg "$WEB/api/cameras/$C/playback?from=$from" 20 --hashes "$OUT/got") ||
    fail "playback: $r"
t1=$(date +%s.%N)
cmp "$OUT/want.h" "$OUT/got" || fail "played back frames differ from the recording ($(wc -l <"$OUT/got") of $want)"
secs=$(python3 -c "print('%.1f' % ($t1 - $t0))")
say "playback from $from: $want frames across files, byte for byte, in order, in $secs s"
python3 -c "import sys; sys.exit(0 if $secs >= ($want / 10.0) * 0.8 else 1)" ||
    fail "$want frames in $secs s: not at the recorded pace"

req GET "$WEB/api/cameras/$C/playback?from=$(( $(date +%s) + 3600 ))"
[ "$CODE" = 404 ] || fail "playback of the future: $CODE"
req GET "$WEB/api/cameras/$C/playback"
[ "$CODE" = 400 ] || fail "playback without from: $CODE"
