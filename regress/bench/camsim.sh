#!/bin/sh
# camsim alone as a load generator: N cameras at 10 fps against camsim's
# own --sink (a minimal server that confirms every frame), on loopback.
# Prints steady-state packets/s and CPU of both sides (per-second figures
# after a warm-up).  Never fails on speed.
#   CAMERAS=500 SECONDS_=15 sh regress/bench/camsim.sh
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=$TOP}"
: "${OUT:=$TOP/regress/out/bench/camsim}"
mkdir -p "$OUT"
CAMSIM=$BUILD/regress/camsim/camsim
cams=${CAMERAS:-500}
secs=${SECONDS_:-15}
warm=4
port=25100
[ -x "$CAMSIM" ] || { echo "no $CAMSIM (run make)" >&2; exit 1; }

"$CAMSIM" --sink 127.0.0.1:$port --duration $((secs + 2)) --stats \
    >"$OUT/sink.out" 2>"$OUT/sink.err" &
sink=$!
sleep 0.5
"$CAMSIM" --tcp 127.0.0.1:$port --cameras "$cams" --duration "$secs" \
    --fps 10 --stats --seed 1 >"$OUT/camsim.out" 2>"$OUT/camsim.err"
wait $sink

# Median of a field over the per-second lines after the warm-up.
median() {
	grep "\"ev\":\"$1\"" "$2" | tail -n +$((warm + 1)) | head -n $((secs - warm - 1)) |
	    sed -n "s/.*\"$3\":\([0-9.]*\).*/\1/p" | sort -n |
	    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "?" }'
}
pps=$(median stats "$OUT/camsim.err" pkts_per_s)
fps=$(median stats "$OUT/camsim.err" frames_per_s)
cpu=$(median stats "$OUT/camsim.err" cpu_pct)
best=$(grep '"ev":"stats"' "$OUT/camsim.err" |
    sed -n 's/.*"pkts_per_s":\([0-9]*\).*"cpu_pct":\([0-9.]*\).*/\1 \2/p' |
    sort -n | tail -1)
spps=$(median sink-stats "$OUT/sink.err" pkts_per_s)
scpu=$(median sink-stats "$OUT/sink.err" cpu_pct)
echo "camsim: $cams cameras at 10 fps, loopback, $(nproc) CPUs"
echo "  camsim sends   $pps packets/s ($fps frames/s), CPU $cpu% of one core"
echo "  best second    ${best% *} packets/s at ${best#* }% CPU"
echo "  sink receives  $spps packets/s, CPU $scpu% of one core"
echo "  totals: $(cat "$OUT/camsim.out")"
