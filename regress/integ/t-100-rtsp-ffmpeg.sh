#!/bin/sh
# RTSP with ffmpeg/ffprobe, interleaved TCP and UDP, both paths: the
# streams and codecs; every RTP/JPEG frame decodes to exactly the pixels
# of a JPEG camsim sent; the audio is camsim's A-law bytes; H.264 frames
# decode at 640x480 close to the source (PSNR); audio and video times
# agree within 100 ms.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
. "$TOP/regress/integ/lib-rtsp.sh"
need_root
ensure_test_user
CHECK="python3 $TOP/regress/integ/rtspcheck.py"

rtsp_start 22100
rtsp_camera RFFM
source_frames

for tr in tcp udp; do
	for path in "" /h264; do
		u=$RTSP/$C$path
		timeout 30 ffprobe -v error -rtsp_transport $tr -show_entries \
		    stream=codec_name,width,height,sample_rate,channels -of csv=p=0 \
		    "$u" >"$OUT/probe" 2>"$OUT/probe.err" ||
		    fail "ffprobe $tr $u: $(cat "$OUT/probe.err")"
		v=mjpeg; [ -n "$path" ] && v=h264
		grep -qx "$v,640,480" "$OUT/probe" ||
		    fail "$tr $u: no $v 640x480: $(cat "$OUT/probe")"
		grep -qx "pcm_alaw,8000,1" "$OUT/probe" ||
		    fail "$tr $u: no PCMA 8000 Hz mono: $(cat "$OUT/probe")"
		say "ffprobe $tr $u: $(tr '\n' ' ' <"$OUT/probe")"
	done
done

# RTP/JPEG: 30 frames decoded, each exactly a frame camsim sent.
for tr in tcp udp; do
	rm -f "$OUT/v.yuv"
	timeout 60 ffmpeg -v error -rtsp_transport $tr -i "$RTSP/$C" -map 0:v \
	    -frames:v 30 -fps_mode passthrough -f rawvideo -pix_fmt yuvj420p \
	    "$OUT/v.yuv" 2>"$OUT/ffmpeg.err" ||
	    fail "ffmpeg $tr: $(cat "$OUT/ffmpeg.err")"
	n=$($CHECK pixels 640 480 "$OUT/v.yuv" "$OUT"/src-*.yuv) ||
	    fail "$tr: $n"
	[ "$n" -eq 30 ] || fail "$tr: $n frames, want 30"
	say "$tr: 30 RTP/JPEG frames, each pixel for pixel a JPEG camsim sent"
done

# Audio: the camera's A-law bytes, untouched.
for tr in tcp udp; do
	timeout 60 ffmpeg -v error -rtsp_transport $tr -i "$RTSP/$C" -map 0:a \
	    -t 3 -c:a copy -f alaw -y "$OUT/a.alaw" 2>"$OUT/ffmpeg.err" ||
	    fail "ffmpeg audio $tr: $(cat "$OUT/ffmpeg.err")"
	n=$($CHECK alaw "$OUT/a.alaw") || fail "$tr audio: $n"
	[ "$n" -ge 20 ] || fail "$tr: only $n audio packets in 3 s"
	say "$tr: $n audio packets, camsim's A-law bytes"
done

# H.264: 640x480 frames close to the source pictures.
for tr in tcp udp; do
	rm -f "$OUT/h.yuv"
	timeout 60 ffmpeg -v error -rtsp_transport $tr -i "$RTSP/$C/h264" \
	    -map 0:v -frames:v 20 -fps_mode passthrough -f rawvideo \
	    -pix_fmt yuv420p "$OUT/h.yuv" 2>"$OUT/ffmpeg.err" ||
	    fail "ffmpeg h264 $tr: $(cat "$OUT/ffmpeg.err")"
	r=$($CHECK psnr 640 480 "$OUT/h.yuv" "$OUT"/src-*.yuv) || fail "$tr h264: $r"
	set -- $r
	[ "$1" -eq 20 ] || fail "$tr h264: $1 frames, want 20"
	say "$tr: 20 H.264 frames at 640x480, worst PSNR $2 dB"
done

# A/V: the sender reports put both tracks on one clock.  A frame and an
# audio packet arrive about as late after the wall time their RTP
# timestamps map to (the audio's is its last sample).
for path in "" /h264; do
	r=$($RTSPCLIENT avsync "$RTSP/$C$path" 6) || fail "A/V $path: $r"
	set -- $r
	d=$(($1 - $2)); d=${d#-}
	say "A/V $C$path: frames arrive $1 ms, audio $2 ms after their time ($3 frames): $d ms apart"
	[ "$d" -lt 100 ] || fail "$C$path: audio and video $d ms apart"
done
say "ok"
