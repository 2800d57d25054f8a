#!/bin/sh
# Started by an ordinary user, v720d says so once and runs all three
# processes as that user, without chroot (make demo, development).
. "$TOP/regress/integ/lib.sh"
need_root	# to become another user for the test
ensure_test_user
uid=$(id -u "$TEST_USER")
work=$(mktemp -d /tmp/v720d-nonroot.XXXXXX)
chmod 755 "$work"
chown "$TEST_USER" "$work"
cat >"$work/v720d.conf" <<CONF
user "_nobody_needed"
camera listen on 127.0.0.1 port 20101
bootstrap listen on 127.0.0.1 port 20102
web listen on 127.0.0.1 port 20103
control socket "$work/ctl.sock"
CONF
setpriv --reuid="$uid" --regid="$(id -g "$TEST_USER")" --clear-groups \
    "$V720D" -d -f "$work/v720d.conf" >"$OUT/v720d.log" 2>&1 &
V720D_PID=$!
CLEANUP_PIDS="$V720D_PID"
wait_for 5 child_pid "$V720D_PID" v720-web || fail "no v720-web"
wait_for 5 child_pid "$V720D_PID" engine || fail "no engine"
[ "$(grep -c 'not started as root' "$OUT/v720d.log")" -eq 1 ] ||
    fail "expected exactly one warning line: $(cat "$OUT/v720d.log")"
for p in $V720D_PID $(child_pid "$V720D_PID" engine) $(child_pid "$V720D_PID" v720-web); do
	awk -v u="$uid" '/^Uid:/ { exit !($2 == u && $3 == u) }' "/proc/$p/status" ||
	    fail "pid $p: $(grep ^Uid: "/proc/$p/status")"
	[ "$(readlink "/proc/$p/root")" = "/" ] || fail "pid $p chrooted as non-root"
done
kill -TERM "$V720D_PID"
wait_for 2 sh -c "! [ -e /proc/$V720D_PID ] || grep -q '^State:.*Z' /proc/$V720D_PID/status" || fail "did not stop"
[ ! -e "$work/ctl.sock" ] || fail "control socket left behind"
rm -rf "$work"
say "non-root run as expected"
