#!/bin/sh
# camsim as a whole process against its own --sink: many cameras register,
# stream and get confirmed; every frame sent is unique and a real JPEG; a
# server that never confirms gets a stalling camera; --die-after rst ends
# cameras for good.
. "$TOP/regress/integ/lib.sh"

PORT=24400
[ -x "$CAMSIM" ] || fail "no $CAMSIM"
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$2" | tail -n 1; }

"$CAMSIM" --sink 127.0.0.1:$PORT --duration 60 >"$OUT/sink.out" 2>&1 &
SINK=$!
CLEANUP_PIDS="$CLEANUP_PIDS $SINK"
sleep 0.3

# 40 cameras, 20 frames each, prompt confirmations.
"$CAMSIM" --tcp 127.0.0.1:$PORT --cameras 40 --uid 0800c4 --frames 20 \
    --duration 50 --log "$OUT/cams.log" >"$OUT/cams.out" 2>"$OUT/cams.err" ||
    fail "camsim exit $?"
S=$OUT/cams.out
[ "$(field frames "$S")" = 800 ] || fail "frames $(field frames "$S"), want 800"
[ "$(field registers "$S")" = 40 ] || fail "registers $(field registers "$S")"
[ "$(field stalls "$S")" = 0 ] || fail "stalls with a confirming sink"
[ "$(field unconfirmed "$S")" = 0 ] || fail "unconfirmed frames"
[ "$(field packets "$S")" = "$(field confirmed_ids "$S")" ] ||
    fail "packets $(field packets "$S") != confirmed $(field confirmed_ids "$S")"
[ "$(grep -c '"ev":"frame"' "$OUT/cams.log")" = 800 ] || fail "frame lines"
n=$(sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p' "$OUT/cams.log" | sort -u | wc -l)
[ "$n" = 800 ] || fail "only $n distinct frames of 800"
grep -q '"cam":"0800c4000040","n":20,' "$OUT/cams.log" || fail "uid of camera 40"
bad=$(sed -n 's/.*"ev":"frame".*"size":\([0-9]*\),.*/\1/p' "$OUT/cams.log" |
    awk '$1 < 15000 || $1 > 40000' | wc -l)
[ "$bad" = 0 ] || fail "$bad frames outside 15-40 KB"

# A server that never confirms: one frame per 2 s.
"$CAMSIM" --sink 127.0.0.1:$((PORT + 1)) --sink-no-confirm --duration 30 \
    >"$OUT/sink2.out" 2>&1 &
CLEANUP_PIDS="$CLEANUP_PIDS $!"
sleep 0.3
"$CAMSIM" --tcp 127.0.0.1:$((PORT + 1)) --uid 0800c4 --duration 5 \
    >"$OUT/slow.out" 2>"$OUT/slow.err" || fail "camsim exit $?"
f=$(field frames "$OUT/slow.out")
[ "$f" -ge 2 ] && [ "$f" -le 4 ] || fail "$f frames in 5 s without 605"
[ "$(field retrans "$OUT/slow.out")" = 0 ] || fail "resent to a silent server"

# --die-after with rst: each camera vanishes after 3 frames, camsim ends.
"$CAMSIM" --tcp 127.0.0.1:$PORT --cameras 3 --uid 0800c5 --die-after 3 \
    --die-how rst --duration 20 --log "$OUT/die.log" >"$OUT/die.out" 2>&1 ||
    fail "camsim --die-after exit $?"
[ "$(grep -c '"ev":"die"' "$OUT/die.log")" = 3 ] || fail "die lines"
[ "$(field frames "$OUT/die.out")" = 9 ] || fail "frames before dying"
kill -0 $SINK 2>/dev/null || fail "the sink died"
say "ok"
