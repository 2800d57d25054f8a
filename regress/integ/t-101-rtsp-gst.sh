#!/bin/sh
# RTSP with GStreamer's rtspsrc, a second independent RTSP/RTP stack:
# interleaved TCP and UDP, both paths.  RTP/JPEG depayloaded by
# rtpjpegdepay decodes to exactly the pixels camsim sent, PCMA to
# camsim's A-law bytes, H.264 through avdec_h264 to 640x480 pictures
# close to the source.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
. "$TOP/regress/integ/lib-rtsp.sh"
need_root
ensure_test_user
command -v gst-launch-1.0 >/dev/null || fail "gst-launch-1.0 missing (.ci/deps.sh test)"
CHECK="python3 $TOP/regress/integ/rtspcheck.py"

rtsp_start 22120
rtsp_camera RGST
source_frames

# gst URL PIPELINE-TAIL...: rtspsrc for 8 s, ended by EOS (-e on SIGINT).
gst() {
	_u=$1; shift
	timeout -s INT 8 gst-launch-1.0 -q -e rtspsrc location="$_u" \
	    protocols="$PROTO" latency=100 name=s "$@" >"$OUT/gst.out" 2>&1
	_rc=$?
	# 124: stopped by the timeout's SIGINT, the way we end it
	[ $_rc -eq 0 ] || [ $_rc -eq 124 ] || fail "gst-launch $_u: rc $_rc: $(tail -5 "$OUT/gst.out")"
}

for PROTO in tcp udp; do
	rm -rf "$OUT/g" && mkdir -p "$OUT/g"
	rm -f "$OUT/a.alaw"
	gst "$RTSP/$C" \
	    s. ! application/x-rtp,media=video ! rtpjpegdepay ! \
	    multifilesink location="$OUT/g/%05d.jpg" \
	    s. ! application/x-rtp,media=audio ! rtppcmadepay ! \
	    filesink buffer-mode=unbuffered location="$OUT/a.alaw"
	n=$(ls "$OUT"/g | wc -l)
	ffmpeg -v error -y -start_number 0 -i "$OUT/g/%05d.jpg" -f rawvideo \
	    -pix_fmt yuvj420p "$OUT/all.yuv" ||
	    fail "$PROTO: GStreamer's JPEGs do not decode"
	[ $n -ge 10 ] || fail "$PROTO: only $n RTP/JPEG frames in 8 s"
	m=$($CHECK pixels 640 480 "$OUT/all.yuv" "$OUT"/src-*.yuv) ||
	    fail "$PROTO: $m"
	a=$($CHECK alaw "$OUT/a.alaw") || fail "$PROTO audio: $a"
	[ "$a" -ge 20 ] || fail "$PROTO: only $a audio packets"
	say "$PROTO /$C: $m frames pixel for pixel camsim's, $a audio packets camsim's A-law"

	rm -f "$OUT/h.yuv" "$OUT/a.alaw"
	gst "$RTSP/$C/h264" \
	    s. ! application/x-rtp,media=video ! rtph264depay ! h264parse ! \
	    avdec_h264 ! videoconvert ! video/x-raw,format=I420 ! \
	    filesink location="$OUT/h.yuv" \
	    s. ! application/x-rtp,media=audio ! rtppcmadepay ! \
	    filesink buffer-mode=unbuffered location="$OUT/a.alaw"
	r=$($CHECK psnr 640 480 "$OUT/h.yuv" "$OUT"/src-*.yuv) || fail "$PROTO h264: $r"
	set -- $r
	[ "$1" -ge 10 ] || fail "$PROTO h264: only $1 frames in 8 s"
	a=$($CHECK alaw "$OUT/a.alaw") || fail "$PROTO h264 audio: $a"
	say "$PROTO /$C/h264: $1 frames at 640x480, worst PSNR $2 dB; $a audio packets"
done
say "ok"
