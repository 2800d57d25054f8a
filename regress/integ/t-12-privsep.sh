#!/bin/sh
# Privilege separation as root, proven from /proc: three processes, the
# children run as the configured user inside the chroot and cannot get
# root back; v720-web runs under SCHED_BATCH, the engine does not; dead
# children come back while the other keeps running;
# SIGHUP with a broken file keeps running; SIGTERM stops all within 2 s.
. "$TOP/regress/integ/lib.sh"
need_root
ensure_test_user
uid=$(id -u "$TEST_USER")
gid=$(id -g "$TEST_USER")
chroot_dir=/var/empty
conf=$OUT/v720d.conf
ctl=$OUT/ctl.sock

cat >"$conf" <<CONF
user "$TEST_USER"
camera listen on 127.0.0.1 port 20001
bootstrap listen on 127.0.0.1 port 20002
web listen on 127.0.0.1 port 20003
control socket "$ctl"
CONF

start_v720d "$conf"
wait_for 5 test -S "$ctl" || fail "control socket never appeared"
wait_for 5 child_pid "$V720D_PID" engine || fail "no camera engine"
wait_for 5 child_pid "$V720D_PID" v720-web || fail "no v720-web"
engine=$(child_pid "$V720D_PID" engine)
web=$(child_pid "$V720D_PID" v720-web)

# Exactly three processes: the parent and its two children.
[ "$(children_of "$V720D_PID" | wc -l)" -eq 2 ] || fail "parent has $(children_of "$V720D_PID" | wc -l) children"
tr '\0' ' ' <"/proc/$V720D_PID/cmdline" | grep -q "v720d: parent" || fail "parent title"
tr '\0' ' ' <"/proc/$engine/cmdline" | grep -q "v720d: camera engine" || fail "engine title"
tr '\0' ' ' <"/proc/$web/cmdline" | grep -q "v720-web" || fail "web title"
[ "$(readlink "/proc/$web/exe")" = "$(readlink -f "$V720WEB")" ] || fail "web is not the v720-web binary"

# The parent is root; the control socket is 0660 root:<user's group>.
awk '/^Uid:/ { exit !($2 == 0) }' "/proc/$V720D_PID/status" || fail "parent not root"
[ "$(stat -c '%a %u %g' "$ctl")" = "660 0 $gid" ] || fail "control socket is $(stat -c '%a %u %g' "$ctl")"

# dropped PID: the configured user, no capabilities, in the empty chroot.
dropped() {
	p=$1
	name=$(tr '\0' ' ' <"/proc/$p/cmdline")
	# Real, effective, saved and filesystem ids are the configured user.
	awk -v u="$uid" '/^Uid:/ { exit !($2 == u && $3 == u && $4 == u && $5 == u) }' \
	    "/proc/$p/status" || fail "$name: $(grep ^Uid: "/proc/$p/status")"
	awk -v g="$gid" '/^Gid:/ { exit !($2 == g && $3 == g && $4 == g && $5 == g) }' \
	    "/proc/$p/status" || fail "$name: $(grep ^Gid: "/proc/$p/status")"
	grep -q "^Groups:[[:space:]]*$gid[[:space:]]*$" "/proc/$p/status" ||
	    fail "$name: supplementary $(grep ^Groups: "/proc/$p/status")"
	# No capabilities, and no way to gain any through exec.
	grep -q '^CapEff:[[:space:]]*0000000000000000' "/proc/$p/status" || fail "$name has capabilities"
	grep -q '^CapPrm:[[:space:]]*0000000000000000' "/proc/$p/status" || fail "$name has permitted capabilities"
	grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$p/status" || fail "$name: NoNewPrivs not set"
	# Its root directory is the chroot.
	[ "$(readlink "/proc/$p/root")" = "$chroot_dir" ] || fail "$name: root is $(readlink "/proc/$p/root")"
	[ "$(readlink "/proc/$p/cwd")" = "$chroot_dir" ] || fail "$name: cwd is $(readlink "/proc/$p/cwd")"
	# Everything it can reach is in there: nothing but the empty directory.
	[ -z "$(ls -A "/proc/$p/root/")" ] || fail "$name: chroot is not empty"
	say "$name: uid $uid gid $gid, root $chroot_dir, no capabilities"
}
for p in $engine $web; do
	dropped "$p"
done
# v720-web, woken by the engine for every frame, never preempts it on
# waking (SCHED_BATCH, supervise.c); the engine itself is a normal task.
[ "$(sched_policy "$web")" = 3 ] || fail "v720-web: scheduling policy $(sched_policy "$web"), not SCHED_BATCH (3)"
[ "$(sched_policy "$engine")" = 0 ] || fail "engine: scheduling policy $(sched_policy "$engine"), not SCHED_OTHER (0)"
# The chroot is root's and read-only for the user, so nothing can be written
# anywhere the children can see.
[ "$(stat -c '%u %a' "$chroot_dir")" = "0 755" ] || fail "$chroot_dir is $(stat -c '%u %a' "$chroot_dir")"
if setpriv --reuid="$uid" --regid="$gid" --clear-groups touch "$chroot_dir/x" 2>/dev/null; then
	rm -f "$chroot_dir/x"
	fail "the user can write into $chroot_dir"
fi

# kill -9 of each child: a new one within 3 s, the other keeps its pid.
kill -9 "$engine"
wait_for 3 sh -c "p=\$(ps -o pid=,args= --ppid $V720D_PID | grep 'camera engine' | awk '{print \$1}'); [ -n \"\$p\" ] && [ \"\$p\" != $engine ]" ||
    fail "engine not restarted within 3 s"
nengine=$(child_pid "$V720D_PID" engine)
[ "$(child_pid "$V720D_PID" v720-web)" = "$web" ] || fail "web changed pid when the engine died"
grep -q "camera engine (pid $engine) killed by signal 9" "$OUT/v720d.log" || fail "engine death not logged"
say "engine $engine killed, new engine $nengine, web $web kept"

kill -9 "$web"
wait_for 3 sh -c "p=\$(ps -o pid=,args= --ppid $V720D_PID | grep 'v720-web' | awk '{print \$1}'); [ -n \"\$p\" ] && [ \"\$p\" != $web ]" ||
    fail "web not restarted within 3 s"
nweb=$(child_pid "$V720D_PID" v720-web)
[ "$(child_pid "$V720D_PID" engine)" = "$nengine" ] || fail "engine changed pid when web died"
say "web $web killed, new web $nweb, engine $nengine kept"
# The restarted children are dropped and chrooted too.
for p in $nengine $nweb; do
	[ "$(readlink "/proc/$p/root")" = "$chroot_dir" ] || fail "restarted child $p not chrooted"
	awk -v u="$uid" '/^Uid:/ { exit !($2 == u) }' "/proc/$p/status" || fail "restarted child $p uid"
done
[ "$(sched_policy "$nweb")" = 3 ] || fail "restarted v720-web: scheduling policy $(sched_policy "$nweb")"

# SIGHUP with a broken file: logged, old configuration kept, nobody restarted.
cp "$conf" "$conf.good"
printf 'camera listen on 127.0.0.1 port 99999\n' >>"$conf"
kill -HUP "$V720D_PID"
wait_for 3 grep -q "has errors, keeping the running configuration" "$OUT/v720d.log" ||
    fail "broken reload not logged"
grep -q "$conf:6: port 99999 out of range" "$OUT/v720d.log" || fail "reload error line missing"
sleep 0.5
kill -0 "$V720D_PID" || fail "parent died on a broken reload"
[ "$(child_pid "$V720D_PID" engine)" = "$nengine" ] || fail "engine restarted on a broken reload"
[ "$(child_pid "$V720D_PID" v720-web)" = "$nweb" ] || fail "web restarted on a broken reload"
curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:20003/api/cameras | grep -q 200 ||
    fail "web does not answer after a broken reload"

# A good reload with a new web listener: the children take it, same pids.
cp "$conf.good" "$conf"
printf 'web listen on 127.0.0.1 port 20004\n' >>"$conf"
kill -HUP "$V720D_PID"
wait_for 3 grep -q "configuration reloaded" "$OUT/v720d.log" || fail "good reload not logged"
wait_for 3 sh -c "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:20004/api/cameras | grep -q 200" ||
    fail "new web listener does not answer after reload"
[ "$(child_pid "$V720D_PID" engine)" = "$nengine" ] || fail "engine restarted on reload"

# A reload whose listener cannot be bound: refused as a whole, nothing of
# it stays bound, the running listeners keep answering.
python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 20006)); s.listen(); time.sleep(30)' &
blocker=$!
CLEANUP_PIDS="$CLEANUP_PIDS $blocker"
wait_for 3 sh -c "ss -ltn | grep -q '127.0.0.1:20006 '" || fail "blocker did not listen"
cp "$conf" "$conf.before"
printf 'web listen on 127.0.0.1 port 20005\nweb listen on 127.0.0.1 port 20006\n' >>"$conf"
kill -HUP "$V720D_PID"
wait_for 3 grep -q "cannot bind the new listeners" "$OUT/v720d.log" || fail "failed bind not reported"
sleep 0.3
ss -ltn | grep -q '127.0.0.1:20005 ' && fail "listener of the refused reload left bound"
curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:20004/api/cameras | grep -q 200 ||
    fail "running listener lost after a refused reload"
kill "$blocker"
cp "$conf.before" "$conf"

# `rtsp listen` by a reload: the rtsp child (v720-rtsp) appears, dropped
# and chrooted like the others; the parent holds TCP P and UDP P..P+3;
# killed, it alone is restarted; a reload without rtsp stops it and
# closes its sockets.
cp "$conf" "$conf.nortsp"
printf 'rtsp listen on 127.0.0.1 port 20010\n' >>"$conf"
kill -HUP "$V720D_PID"
wait_for 5 child_pid "$V720D_PID" "v720d: rtsp" || fail "no rtsp child after the reload"
rtsp=$(child_pid "$V720D_PID" "v720d: rtsp")
[ "$(readlink "/proc/$rtsp/exe")" = "$(readlink -f "$BUILD/v720d/rtsp/v720-rtsp")" ] ||
    fail "the rtsp child is not the v720-rtsp binary"
dropped "$rtsp"
[ "$(ss -Hltn 'sport = :20010' | wc -l)" -eq 1 ] || fail "rtsp tcp port not listening"
[ "$(ss -Hlun '( sport >= :20010 and sport <= :20013 )' | wc -l)" -eq 4 ] ||
    fail "rtsp udp ports: $(ss -Hlun | tr '\n' ' ')"
kill -9 "$rtsp"
new_rtsp() { _r=$(child_pid "$V720D_PID" "v720d: rtsp") && [ "$_r" != "$rtsp" ]; }
wait_for 5 new_rtsp || fail "rtsp child not restarted within 5 s"
grep -q "rtsp (pid $rtsp) killed by signal 9" "$OUT/v720d.log" || fail "rtsp death not logged"
[ "$(child_pid "$V720D_PID" engine)" = "$nengine" ] || fail "engine changed pid when rtsp died"
[ "$(child_pid "$V720D_PID" v720-web)" = "$nweb" ] || fail "web changed pid when rtsp died"
nrtsp=$(child_pid "$V720D_PID" "v720d: rtsp")
dropped "$nrtsp"
say "rtsp $rtsp killed, new rtsp $nrtsp, engine and web kept"
cp "$conf.nortsp" "$conf"
kill -HUP "$V720D_PID"
wait_for 5 sh -c "! kill -0 $nrtsp 2>/dev/null" || fail "rtsp child still running without rtsp listen"
wait_for 3 sh -c "[ \$(ss -Hlun '( sport >= :20010 and sport <= :20013 )' | wc -l) -eq 0 ]" ||
    fail "rtsp udp ports still bound"
[ "$(ss -Hltn 'sport = :20010' | wc -l)" -eq 0 ] || fail "rtsp tcp port still bound"

# SIGTERM: all three gone within 2 s, control socket removed.
kill -TERM "$V720D_PID"
gone() { ! alive "$V720D_PID" && ! alive "$nengine" && ! alive "$nweb"; }
wait_for 2 gone || fail "not all processes gone 2 s after SIGTERM"
[ ! -e "$ctl" ] || fail "control socket left behind"
say "privilege separation, supervision, reload and shutdown as expected"
