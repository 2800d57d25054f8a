#!/bin/sh
# The seccomp sandbox of each child, proven from /proc and by making each
# call something outside its allow-list: Seccomp 2 (filter) and
# NoNewPrivs 1 in the engine, v720-web and the rtsp child; with the test-only hook
# (V720D_TEST_HOOKS=1, SIGUSR2: open a file, then execve) each dies of
# SIGSYS, the parent logs the signal and starts a new one, sandboxed
# again, while the other child keeps its pid and goes on serving.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
command -v curl >/dev/null || skip "no curl"
command -v ffprobe >/dev/null || skip "no ffprobe"
[ "${V720D_SANDBOX:-on}" = on ] || skip "V720D_SANDBOX=$V720D_SANDBOX relaxes the filter"

export V720D_TEST_HOOKS=1
SIGSYS_EXPECTED=1
U=0815s0000001
engine_conf 34000 "rtsp listen on 127.0.0.1 port 34010"
engine_start
wait_for 5 child_pid "$V720D_PID" v720-web || fail "no v720-web"
web=$(child_pid "$V720D_PID" v720-web)
start_camsim --cameras 1 --uid 0815s --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 600 --heartbeat 1 --log "$OUT/camsim.log"
wait_for 10 cam_is "$U" online || fail "camera not online"

sandboxed() {
	grep -q '^Seccomp:[[:space:]]*2$' "/proc/$1/status" &&
	    grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$1/status"
}
# The filter goes on after setup: give a new child a moment to get there.
wait_for 5 sandboxed "$ENGINE_PID" || fail "engine: $(grep -E '^(Seccomp|NoNewPrivs):' "/proc/$ENGINE_PID/status" | tr '\n' ' ')"
wait_for 5 sandboxed "$web" || fail "web: $(grep -E '^(Seccomp|NoNewPrivs):' "/proc/$web/status" | tr '\n' ' ')"
grep -q '^Seccomp:[[:space:]]*0$' "/proc/$V720D_PID/status" || fail "the parent is filtered"
say "engine $ENGINE_PID and v720-web $web: Seccomp 2, NoNewPrivs 1"

# The engine calls open and execve: SIGSYS (31), logged; a new engine.
old=$ENGINE_PID
kill -USR2 "$old"
wait_for 5 grep -q "camera engine (pid $old) killed by signal 31" "$OUT/v720d.log" ||
    fail "engine death by SIGSYS not logged: $(grep "pid $old" "$OUT/v720d.log")"
new_engine() { _p=$(child_pid "$V720D_PID" engine) && [ "$_p" != "$old" ]; }
wait_for 5 new_engine || fail "no new engine within 5 s"
ENGINE_PID=$(child_pid "$V720D_PID" engine)
[ "$(child_pid "$V720D_PID" v720-web)" = "$web" ] || fail "web changed pid when the engine died"
grep -q "test hook: still alive" "$OUT/v720d.log" && fail "a forbidden call returned"
wait_for 5 sandboxed "$ENGINE_PID" || fail "new engine not sandboxed"
wait_for 30 cam_is "$U" online || fail "camera not back on the new engine"
say "engine $old died of SIGSYS, engine $ENGINE_PID sandboxed, web $web kept"

# The same for v720-web; the engine keeps its pid and its camera.
kill -USR2 "$web"
wait_for 5 grep -q "v720-web (pid $web) killed by signal 31" "$OUT/v720d.log" ||
    fail "web death by SIGSYS not logged: $(grep "pid $web" "$OUT/v720d.log")"
new_web() { _w=$(child_pid "$V720D_PID" v720-web) && [ "$_w" != "$web" ]; }
wait_for 5 new_web || fail "no new v720-web within 5 s"
nweb=$(child_pid "$V720D_PID" v720-web)
[ "$(child_pid "$V720D_PID" engine)" = "$ENGINE_PID" ] || fail "engine changed pid when web died"
wait_for 5 sandboxed "$nweb" || fail "new web not sandboxed"
wait_for 10 sh -c "curl -s http://127.0.0.1:$WEB_PORT/api/cameras/$U | grep -q '\"state\":\"online\"'" ||
    fail "new v720-web does not show the camera"
cam_is "$U" online || fail "camera lost with the web restart"
say "v720-web $web died of SIGSYS, v720-web $nweb sandboxed, engine $ENGINE_PID kept"

# The rtsp child: filtered, dies of SIGSYS alone, comes back filtered
# and serves (ffprobe sees the camera's MJPEG).
wait_for 5 child_pid "$V720D_PID" "v720d: rtsp" || fail "no rtsp child"
rtsp=$(child_pid "$V720D_PID" "v720d: rtsp")
wait_for 5 sandboxed "$rtsp" || fail "rtsp: $(grep -E '^(Seccomp|NoNewPrivs):' "/proc/$rtsp/status" | tr '\n' ' ')"
kill -USR2 "$rtsp"
wait_for 5 grep -q "rtsp (pid $rtsp) killed by signal 31" "$OUT/v720d.log" ||
    fail "rtsp death by SIGSYS not logged: $(grep "pid $rtsp" "$OUT/v720d.log")"
new_rtsp() { _r=$(child_pid "$V720D_PID" "v720d: rtsp") && [ "$_r" != "$rtsp" ]; }
wait_for 5 new_rtsp || fail "no new rtsp child within 5 s"
nrtsp=$(child_pid "$V720D_PID" "v720d: rtsp")
[ "$(child_pid "$V720D_PID" engine)" = "$ENGINE_PID" ] || fail "engine changed pid when rtsp died"
[ "$(child_pid "$V720D_PID" v720-web)" = "$nweb" ] || fail "web changed pid when rtsp died"
wait_for 5 sandboxed "$nrtsp" || fail "new rtsp child not sandboxed"
probe() {
	timeout 20 ffprobe -v error -rtsp_transport tcp -show_entries \
	    stream=codec_name -of csv=p=0 "rtsp://127.0.0.1:34010/$U" >"$OUT/probe" 2>&1 &&
	    grep -qx mjpeg "$OUT/probe"
}
wait_for 30 probe || fail "new rtsp child does not serve: $(cat "$OUT/probe")"
# Restarted after its SIGSYS, the rtsp child is a frame consumer under
# SCHED_BATCH again (supervise.c), every thread of it.
[ "$(sched_policy "$nrtsp")" = 3 ] || fail "new rtsp child: scheduling policy $(sched_policy "$nrtsp"), not SCHED_BATCH (3)"
say "rtsp $rtsp died of SIGSYS, rtsp $nrtsp sandboxed and serving, engine and web kept"
say "ok"
