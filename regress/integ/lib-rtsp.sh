# Helpers for the RTSP tests (t-10x-rtsp*.sh); source after lib.sh and
# lib-web.sh.
RTSPCLIENT="python3 $TOP/regress/integ/rtspclient.py"

# rtsp_start BASEPORT [extra config lines]: v720d with web (BASE+2) and
# RTSP on BASE+10 (UDP BASE+10..BASE+13); sets RTSPPORT and RTSP.
rtsp_start() {
	_b=$1; shift
	RTSPPORT=$((_b + 10))
	RTSP=rtsp://127.0.0.1:$RTSPPORT
	web_start "$_b" "rtsp listen on 127.0.0.1 port $RTSPPORT
$*"
	wait_for 10 sh -c "$RTSPCLIENT status OPTIONS '$RTSP/x' | grep -q ' 200 '" ||
	    fail "v720-rtsp never answered on $RTSP"
}

# rtsp_camera ARGS: one camsim camera with audio at 10 fps; sets C.
rtsp_camera() {
	start_camsim --cameras 1 --uid "$1" --bootstrap "$BOOT" --fps 10 \
	    --audio --duration 3600 --log "$OUT/camsim.log"
	C=${1}00000001
	# through the control socket: the web API may want credentials
	wait_for 15 sh -c "'$V720CTL' -s '$OUT/ctl.sock' show camera $C |
	    grep -q '^state: \(online\|streaming\)'" ||
	    fail "camera $C never came online"
}

# The decoded pixels (yuvj420p) of every JPEG camsim sends, one file each.
source_frames() {
	for _f in "$TOP"/regress/data/*.jpg; do
		ffmpeg -v error -y -i "$_f" -f rawvideo -pix_fmt yuvj420p \
		    "$OUT/src-$(basename "$_f" .jpg).yuv" ||
		    fail "cannot decode $_f"
	done
}
