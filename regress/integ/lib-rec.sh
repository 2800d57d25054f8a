# Helpers for the recording tests (t-8*-rec*.sh); source after lib.sh and
# lib-web.sh.

# rec_pid: the recorder child of v720d.
rec_pid() { child_pid "$V720D_PID" "v720d: recorder"; }

# segments DIR: every segment under DIR, oldest first.
segments() { find "$1" -name '*.mkv' | sort; }

# seg_frames SEG OUTDIR: the JPEGs of SEG, stream-copied by ffmpeg, one
# file each (OUTDIR/f-00001.jpg ...); prints how many.
seg_frames() {
	rm -rf "$2"; mkdir -p "$2"
	ffmpeg -nostdin -v error -i "$1" -map 0:v -c copy -f image2 \
	    "$2/f-%05d.jpg" || return 1
	ls "$2" | wc -l
}

# seg_times SEG: "creation_time" of SEG, then each video packet's pts, one
# a line, in seconds since the epoch (the segment's start + pts).
seg_times() {
	ffprobe -v error -select_streams v -show_entries packet=pts_time \
	    -show_entries format_tags=creation_time -of json "$1" |
	    python3 -c '
import json, sys, datetime
j = json.load(sys.stdin)
t = j["format"]["tags"]["creation_time"]
t0 = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
    tzinfo=datetime.timezone.utc).timestamp()
for p in j["packets"]:
    print("%.6f" % (t0 + float(p["pts_time"])))'
}
