#!/bin/sh
# Push-to-talk from the viewer page in headless Chromium, whose fake
# microphone plays a tone: holding "Hold to talk" for a few seconds gets
# at least two seconds of loud audio to camsim's speaker (resampled to
# 8 kHz in the page, sent over the WebSocket, encoded and paced by the
# engine); while somebody else talks to the camera the page says so and
# nothing reaches the camera (regress/integ/browser/check-talk.py).
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM (Debian package chromium)"

web_start 38200
start_camsim --cameras 1 --uid BTLK --bootstrap "$BOOT" --fps 10 \
    --log "$OUT/camsim.log"
web_cameras 1
CAM=BTLK00000001

# The fake microphone: 48 kHz, 4 s (looped), speech-like: a tone that
# glides between 300 and 1500 Hz, its loudness changing four times a second.
python3 - "$OUT/mic.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
ph, out = 0.0, []
for i in range(4 * 48000):
    t = i / 48000
    ph += 2 * math.pi * (900 + 600 * math.sin(2 * math.pi * 0.7 * t)) / 48000
    amp = 12000 + 8000 * math.sin(2 * math.pi * 4 * t)
    out.append(struct.pack("<h", int(amp * math.sin(ph))))
w.writeframes(b"".join(out))
w.close()
PY
chmod 644 "$OUT/mic.wav"

python3 "$TOP/regress/integ/browser/check-talk.py" --chromium "$CHROMIUM" \
    --url "$WEB/" --cam $CAM --log "$OUT/camsim.log" --mic "$OUT/mic.wav" \
    --out "$OUT" || fail "push-to-talk"

# Somebody else talks (a POST of 8 s): the page must say it is busy.
python3 "$TOP/regress/integ/talkcheck.py" wav "$OUT/eight.wav" 8
curl -s -o "$OUT/post.json" --max-time 30 --data-binary @"$OUT/eight.wav" \
    "$WEB/api/cameras/$CAM/talk" &
POST=$!
sleep 1
python3 "$TOP/regress/integ/browser/check-talk.py" --chromium "$CHROMIUM" \
    --url "$WEB/" --cam $CAM --log "$OUT/camsim.log" --mic "$OUT/mic.wav" \
    --out "$OUT" --busy || fail "busy camera in the page"
wait $POST
# The camera got the other talker's audio, exactly, and nothing of ours.
python3 "$TOP/regress/integ/talkcheck.py" last "$OUT/camsim.log" $CAM \
    "$OUT/eight.wav" || fail "audio while busy"
kill -0 "$V720D_PID" 2>/dev/null || fail "v720d died"
say "push-to-talk reaches the camera; a busy camera is said so"
exit 0
