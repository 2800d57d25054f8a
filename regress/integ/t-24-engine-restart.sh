#!/bin/sh
# Camera engine killed with SIGKILL, as root with privilege separation:
# the parent starts a new one within 3 s, the cameras notice, bootstrap,
# reconnect and register by themselves, and streaming resumes.  Then the
# web process is killed: the engine keeps running and serves the new one.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user

U1=0800k0000001
U2=0800k0000002
engine_conf 21040 "camera \"$U1\" {
	stream always
}"
engine_start
start_camsim --cameras 2 --uid 0800k --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 600 --heartbeat 1 --log "$OUT/camsim.log"
wait_for 10 cam_is "$U1" streaming || fail "camera $U1 not streaming"
wait_for 10 cam_is "$U2" online || fail "camera $U2 not online"

has_frames() { [ "$(cam_field "$U1" frames)" -gt "$1" ]; }
wait_for 10 has_frames 10 || fail "no frames before the kill"

old=$ENGINE_PID
kill -KILL "$old"
new_engine() {
	_p=$(child_pid "$V720D_PID" engine) && [ "$_p" != "$old" ]
}
wait_for 3 new_engine || fail "no new engine within 3 s"
ENGINE_PID=$(child_pid "$V720D_PID" engine)
say "engine $old killed, new engine $ENGINE_PID"

wait_for 30 cam_is "$U2" online || fail "camera $U2 did not re-register"
wait_for 30 cam_is "$U1" streaming || fail "camera $U1 not streaming again"
wait_for 15 has_frames 10 || fail "no frames after the restart"
say "cameras re-registered, $(cam_field "$U1" frames) frames since"

# The web process killed instead: the engine keeps its cameras, hands
# their state to the new web process, and streams to its viewers.
command -v python3 >/dev/null 2>&1 || { say "ok (web part skipped: no python3)"; exit 0; }
web=$(child_pid "$V720D_PID" v720-web) || fail "no web process"
kill -KILL "$web"
new_web() { _w=$(child_pid "$V720D_PID" v720-web) && [ "$_w" != "$web" ]; }
wait_for 5 new_web || fail "no new web process"
api_has() {
	curl -s "http://127.0.0.1:$WEB_PORT/api/cameras/$U2" |
	    grep -q '"state":"online"'
}
if command -v curl >/dev/null 2>&1; then
	wait_for 10 api_has || fail "new web process does not know $U2"
fi
python3 "$CHECK" mjpeg "http://127.0.0.1:$WEB_PORT/api/cameras/$U2/mjpeg" 4 \
    "$OUT/mjpeg.$U2" || fail "MJPEG after the web restart"
python3 "$CHECK" frames "$OUT/camsim.log" "$U2" "$OUT/mjpeg.$U2" 5 0.5 ||
    fail "frames after the web restart"
[ "$(child_pid "$V720D_PID" engine)" = "$ENGINE_PID" ] ||
    fail "engine restarted with the web process"
say "web process killed: the engine kept its cameras and streams again"
say "ok"
