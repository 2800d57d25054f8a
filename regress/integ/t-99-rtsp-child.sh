#!/bin/sh
# The rtsp child as a process fed by the engine (rplumb's plumbing; the
# RTSP protocol itself is t-100 and on): `v720d -n` names the encoder
# through v720-rtsp and only that process maps libavcodec; an RTSP PLAY
# starts the camera's stream with audio and video (forward 3) and counts
# as a viewer, the idle timeout runs after the client left (forward 0 not
# before it); frames go to the child only for cameras RTSP clients PLAY;
# a reload with the same listeners keeps a UDP session playing, one with
# a new port moves the server; a killed rtsp child is restarted alone and
# serves again.  v720ctl show camera prints the URLs.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
command -v ffmpeg >/dev/null || skip "no ffmpeg"

A=0815p0000001
B=0815p0000002
RTSP=36554
RTSP2=36564
engine_conf 36000 "rtsp listen on 127.0.0.1 port $RTSP" "camera \"$A\" {
	idle timeout 3
}" "camera \"$B\" {
	idle timeout 1
}"

# v720d -n asks v720-rtsp which encoder it would use.
out=$("$V720D" -n -f "$OUT/v720d.conf" 2>&1) || fail "v720d -n: $out"
printf '%s\n' "$out" | grep -qx "rtsp h264 encoder: libx264" ||
    fail "v720d -n does not name the encoder: $out"
sed 's/^rtsp listen.*/&\nrtsp h264 encoder "h264_nonexistent"/' "$OUT/v720d.conf" >"$OUT/enc.conf"
out=$("$V720D" -n -f "$OUT/enc.conf" 2>&1) || fail "v720d -n (enc): $out"
printf '%s\n' "$out" | grep -q "h264_nonexistent is not usable (.*), using libx264" ||
    fail "v720d -n does not say the fallback: $out"
say "v720d -n: $(printf '%s\n' "$out" | head -n 1)"

engine_start
wait_for 10 child_pid "$V720D_PID" "v720d: rtsp" || fail "no rtsp child"
rtsp=$(child_pid "$V720D_PID" "v720d: rtsp")
web=$(child_pid "$V720D_PID" v720-web)
[ "$(readlink "/proc/$rtsp/exe")" = "$(readlink -f "$BUILD/v720d/rtsp/v720-rtsp")" ] ||
    fail "the rtsp child is $(readlink "/proc/$rtsp/exe")"
wait_for 10 grep -q "rtsp: rtsp h264 encoder: libx264" "$OUT/v720d.log" ||
    fail "the child does not log its encoder"
# libavcodec is mapped by the rtsp child (and the recorder), nobody else.
grep -q libavcodec "/proc/$rtsp/maps" || fail "rtsp child without libavcodec"
for p in "$V720D_PID" "$ENGINE_PID" "$web"; do
	grep -q libavcodec "/proc/$p/maps" && fail "pid $p maps libavcodec"
done
say "encoder named by v720-rtsp; libavcodec only in the rtsp child"

start_camsim --cameras 2 --uid 0815p --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 300 --audio --heartbeat 1 --log "$OUT/camsim.log"
wait_for 20 cam_is "$A" online || fail "camera $A not online"
wait_for 20 cam_is "$B" online || fail "camera $B not online"
sleep 1
[ -z "$(forwards "$A")" ] || fail "forwards sent without a client"
# v720ctl show camera prints both URLs; the JSON has them too.
ctl show camera "$A" >"$OUT/show" || fail "show camera"
grep -qx "rtsp: rtsp://127.0.0.1:$RTSP/$A" "$OUT/show" || fail "no rtsp URL: $(cat "$OUT/show")"
grep -qx "rtsp-h264: rtsp://127.0.0.1:$RTSP/$A/h264" "$OUT/show" || fail "no rtsp-h264 URL"
ctl -j show camera "$A" | grep -qF "\"rtsp\":[\"rtsp://127.0.0.1:$RTSP/$A\",\"rtsp://127.0.0.1:$RTSP/$A/h264\"]" ||
    fail "no rtsp URLs in show camera -j: $(ctl -j show camera "$A")"
say "v720ctl show camera: $(grep '^rtsp' "$OUT/show" | tr '\n' ' ')"

has_fwd() { forwards "$1" | grep -qx "$2"; }
nstats() { grep -c "rtsp: stats:" "$OUT/v720d.log"; }
frames_in() {
	_n=$(nstats)
	kill -USR1 "$(child_pid "$V720D_PID" "v720d: rtsp")"
	wait_for 10 sh -c "[ \$(grep -c 'rtsp: stats:' '$OUT/v720d.log') -gt $_n ]" ||
	    fail "no stats line from the rtsp child"
	sed -n 's/.*rtsp: stats: cameras [0-9]*, frames in \([0-9]*\),.*/\1/p' \
	    "$OUT/v720d.log" | tail -n 1
}

# A client PLAYs A over TCP for a while: the stream starts with audio,
# the camera shows one viewer while it plays.
ffmpeg -v error -rtsp_transport tcp -i "rtsp://127.0.0.1:$RTSP/$A" \
    -map 0 -c copy -flush_packets 1 -f framemd5 "$OUT/tcp.md5" &
ff=$!
CLEANUP_PIDS="$CLEANUP_PIDS $ff"
wait_for 20 has_fwd "$A" 3 || fail "no forward 3 (audio and video) for an RTSP client: $(forwards "$A" | tr '\n' ' ')"
wait_for 10 sh -c "[ \"\$($V720CTL -s $CTL_SOCK show camera $A | sed -n 's/^viewers: //p')\" = 1 ]" ||
    fail "the RTSP client is not counted: $(cam_field "$A" viewers) viewers"
# v720-web's camera object counts it too (its own viewers plus the engine's
# RTSP sessions).
wait_for 10 sh -c "curl -s 'http://127.0.0.1:$WEB_PORT/api/cameras/$A' |
    grep -q '\"viewers\":1[,}]'" ||
    fail "the web API does not count the RTSP client: $(curl -s "http://127.0.0.1:$WEB_PORT/api/cameras/$A")"
wait_for 10 sh -c "grep -c '^0,' '$OUT/tcp.md5' | grep -qv '^[0-4]$'" ||
    fail "the client got fewer than 5 frames"
grep -q '^1,' "$OUT/tcp.md5" || wait_for 10 grep -q '^1,' "$OUT/tcp.md5" ||
    fail "the client got no audio"
# The idle timeout starts after the kill at the earliest.
left=$(date +%s%N)
kill "$ff"; wait "$ff" 2>/dev/null
wait_for 10 sh -c "[ \"\$($V720CTL -s $CTL_SOCK show camera $A | sed -n 's/^viewers: //p')\" = 0 ]" ||
    fail "viewer still counted after the client left"
# forward 0 comes after the idle timeout (3 s), not before.
wait_for 10 has_fwd "$A" 0 || fail "no forward 0 after the client left"
gone=$(( ($(date +%s%N) - left) / 1000000 ))
[ "$gone" -ge 3000 ] || fail "forward 0 ${gone} ms after the client left: before the idle timeout"
say "PLAY: forward 3, 1 viewer, frames and audio; forward 0 ${gone} ms after the client left"

# Frames reach the rtsp child only for cameras someone PLAYs: B streams
# for a v720ctl client, the child's count stays.
n0=$(frames_in)
ctl stream start "$B" || fail "stream start $B"
wait_for 10 cam_is "$B" streaming || fail "$B not streaming"
wait_for 10 sh -c "[ \"\$($V720CTL -s $CTL_SOCK show camera $B | sed -n 's/^frames: //p')\" -ge 10 ]" ||
    fail "$B sent no frames"
n1=$(frames_in)
[ "$n1" = "$n0" ] || fail "the rtsp child got $((n1 - n0)) frames of a camera nobody PLAYs"
ctl stream stop "$B"
say "no frames to the rtsp child without RTSP demand ($n0 before and after)"

# A reload with the same listeners: a UDP session plays on.
t0=$(date +%s%N)
ffmpeg -v error -rtsp_transport udp -i "rtsp://127.0.0.1:$RTSP/$A" \
    -map 0:v -c copy -t 12 -flush_packets 1 -f framemd5 "$OUT/udp.md5" &
ff=$!
CLEANUP_PIDS="$CLEANUP_PIDS $ff"
wait_for 20 sh -c "grep -q '^0,' '$OUT/udp.md5'" || fail "no UDP frame"
kill -HUP "$V720D_PID"
wait_for 10 grep -q "configuration reloaded" "$OUT/v720d.log" || fail "no reload"
hup_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait "$ff" || fail "the UDP client failed over the reload"
# pts in ms (time base 1/90000): a frame from after the reload.
last=$(awk -F', *' '/^0,/ { p = $3 } END { printf "%d", p / 90 }' "$OUT/udp.md5")
[ "$last" -gt "$hup_ms" ] || fail "no UDP frame after the reload (last at $last ms, reload at $hup_ms ms)"
[ "$(child_pid "$V720D_PID" "v720d: rtsp")" = "$rtsp" ] || fail "the reload restarted the rtsp child"
say "reload: the UDP session went on (frame at $last ms, reload at $hup_ms ms)"

# A reload to another port: the server moves.
sed -i "s/port $RTSP\$/port $RTSP2/" "$OUT/v720d.conf"
kill -HUP "$V720D_PID"
wait_for 10 sh -c "[ \$(grep -c 'configuration reloaded' '$OUT/v720d.log') -ge 2 ]" || fail "no second reload"
timeout 30 ffmpeg -v error -rtsp_transport tcp -i "rtsp://127.0.0.1:$RTSP2/$A" \
    -map 0:v -frames:v 3 -f null - || fail "nothing on the new port"
timeout 10 ffmpeg -v error -rtsp_transport tcp -i "rtsp://127.0.0.1:$RTSP/$A" \
    -frames:v 1 -f null - 2>/dev/null && fail "the old port still serves"
ctl show camera "$A" | grep -qx "rtsp: rtsp://127.0.0.1:$RTSP2/$A" ||
    fail "v720ctl does not show the new port"
say "reload: port $RTSP to $RTSP2"

# Killed: restarted alone, serves again.
eng=$ENGINE_PID
kill -KILL "$rtsp"
wait_for 5 grep -q "rtsp (pid $rtsp) killed by signal 9" "$OUT/v720d.log" ||
    fail "death not logged"
new_rtsp() { _r=$(child_pid "$V720D_PID" "v720d: rtsp") && [ "$_r" != "$rtsp" ]; }
wait_for 10 new_rtsp || fail "no new rtsp child"
[ "$(child_pid "$V720D_PID" engine)" = "$eng" ] || fail "the engine changed pid"
[ "$(child_pid "$V720D_PID" v720-web)" = "$web" ] || fail "v720-web changed pid"
wait_for 20 sh -c "timeout 20 ffmpeg -v error -rtsp_transport tcp -i rtsp://127.0.0.1:$RTSP2/$A -map 0:v -frames:v 3 -f null -" ||
    fail "the new rtsp child does not serve"
say "killed rtsp child restarted alone (engine $eng, web $web kept) and serving"
say "ok"
