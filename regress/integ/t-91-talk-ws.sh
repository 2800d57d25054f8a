#!/bin/sh
# Talk-back over a WebSocket (RFC 6455) at GET /api/cameras/ID/talk, as
# root with privilege separation.  A client that talks like the viewer
# page (binary 16-bit PCM in real time, some messages fragmented, pings
# between) reaches camsim as exactly the G.711 encoding of its samples,
# in real time.  Meanwhile hostile clients on other cameras -- unmasked
# frames, a 2^62-byte frame, oversized frames and messages, reserved
# bits, bad opcodes, text, bad continuation, bad control and close
# frames, slowloris, silence -- each get the close code RFC 6455 asks
# for and lose their TCP connection, while an MJPEG viewer keeps every
# frame and v720-web never restarts.  Handshake errors: 426, 400, 403
# for another site's page; a second talker is closed with 4409 (busy).
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

TC="python3 $TOP/regress/integ/talkcheck.py"
WS="python3 $TOP/regress/integ/wsclient.py"
web_start 38100
start_camsim --cameras 4 --uid WSTK --bootstrap "$BOOT" --fps 10 \
    --log "$OUT/camsim.log"
web_cameras 4
C1=WSTK00000001 C2=WSTK00000002 C3=WSTK00000003 C4=WSTK00000004
HP=127.0.0.1:$WEBPORT
WEBPID=$(web_pid)

# Handshakes that must be refused.
[ "$($WS handshake $HP /api/cameras/$C1/talk 'Upgrade: websocket|Connection: Upgrade|Sec-WebSocket-Version: 13')" = 400 ] ||
    fail "no key: not 400"
[ "$($WS handshake $HP /api/cameras/$C1/talk 'Upgrade: websocket|Connection: Upgrade|Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==|Sec-WebSocket-Version: 8')" = 426 ] ||
    fail "version 8: not 426"
req GET "$WEB/api/cameras/$C1/talk"
expect 426 application/json "plain GET of the talk route"
[ "$($WS handshake $HP /api/cameras/$C1/talk 'Upgrade: websocket|Connection: Upgrade|Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==|Sec-WebSocket-Version: 13|Origin: http://evil.example')" = 403 ] ||
    fail "cross-site WebSocket: not 403"
[ "$($WS handshake $HP /api/cameras/NOSUCH/talk 'Upgrade: websocket|Connection: Upgrade|Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==|Sec-WebSocket-Version: 13')" = 404 ] ||
    fail "unknown camera: not 404"

# A viewer of C2 counts its frames all along.
curl -s -N --max-time 25 "$WEB/api/cameras/$C2/mjpeg" >"$OUT/c2.mjpeg" &
VIEWER=$!
sleep 2

# The slow ones in the background, on cameras of their own.
$WS hostile $HP /api/cameras/$C3/talk slowloris >"$OUT/slowloris.out" 2>&1 &
SLOW=$!
$WS hostile $HP /api/cameras/$C4/talk silent >"$OUT/silent.out" 2>&1 &
SILENT=$!

# The friendly talker on C2, while the quick hostile ones take C1 in turn.
$TC wav "$OUT/five.wav" 5
$WS talk $HP /api/cameras/$C2/talk "$OUT/five.wav" >"$OUT/talk.out" 2>&1 &
TALKER=$!
sleep 1
[ "$($WS closecode $HP /api/cameras/$C2/talk)" = 4409 ] ||
    fail "second WebSocket talker: not closed with 4409"
req POST "$WEB/api/cameras/$C2/talk" --data-binary @"$OUT/five.wav"
expect 409 application/json "POST talker during a WebSocket talk"
for k in unmasked huge big bigmsg rsv opcode text cont interleave fragping \
    longping badclose closeutf8; do
	$WS hostile $HP /api/cameras/$C1/talk $k >"$OUT/hostile-$k.out" 2>&1 ||
	    fail "hostile $k: $(cat "$OUT/hostile-$k.out")"
	say "hostile $k: $(cat "$OUT/hostile-$k.out")"
done
wait $TALKER || fail "friendly talker: $(cat "$OUT/talk.out")"
# The rest of the queue plays after the close: wait for the last bytes.
sleep 1
$TC check "$OUT/camsim.log" $C2 0.3 "$OUT/five.wav" ||
    fail "WebSocket talk-back audio"

wait $SLOW || fail "slowloris: $(cat "$OUT/slowloris.out")"
say "slowloris: $(cat "$OUT/slowloris.out")"
wait $SILENT || fail "silent: $(cat "$OUT/silent.out")"
wait $VIEWER
# Every frame camsim sent to C2 while the viewer watched reached it.
python3 - "$OUT/c2.mjpeg" <<'PY' || fail "viewer lost frames"
import sys
d = open(sys.argv[1], "rb").read()
n = d.count(b"Content-Type: image/jpeg")
print("viewer got", n, "frames")
sys.exit(0 if n >= 200 else 1)
PY
[ "$(metric v720_camera_dropped_frames_total'{camera="'$C2'"}')" = 0 ] ||
    say "note: dropped frames for $C2: $(metric v720_camera_dropped_frames_total'{camera="'$C2'"}')"
[ "$(web_pid)" = "$WEBPID" ] || fail "v720-web restarted"
kill -0 "$V720D_PID" 2>/dev/null || fail "v720d died"
# C1 is free again after all that.
$TC wav "$OUT/half.wav" 0.5
req POST "$WEB/api/cameras/$C1/talk" --data-binary @"$OUT/half.wav"
expect 200 application/json "talk after the hostile clients"
say "WebSocket talk exact and real-time; hostile clients closed with the right codes"
exit 0
