#!/bin/sh
# v720-web alone under a fake parent and a fake camera engine
# (fakeparent.py): config push and reloads (listener kept, then moved),
# engine hand-over and loss, viewer counts, frames and audio end to end,
# settings as engine messages, exit when the parent goes away.  Runs
# under valgrind when it is there (and the binary has no ASan).
. "$TOP/regress/integ/lib.sh"
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
work=$(mktemp -d /tmp/v720web-fp.XXXXXX)
chmod 755 "$work"
run=
if [ "$(id -u)" -eq 0 ]; then
	ensure_test_user
	chown "$TEST_USER" "$work"
	# An ordinary user, as in development: no chroot, valgrind works.
	run="setpriv --reuid=$(id -u "$TEST_USER") --regid=$(id -g "$TEST_USER") --clear-groups"
fi
vg=
if command -v valgrind >/dev/null && ! ldd "$V720WEB" | grep -q libasan; then
	vg="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=9
	    --log-file=$work/vg.%p"
	# valgrind makes system calls of its own inside v720-web: no seccomp
	# filter under it (v720d(8), V720D_SANDBOX).
	export V720D_SANDBOX=off
fi
say "running ${vg:+under valgrind }as $(id -un ${run:+"$TEST_USER"})"
$run $py "$TOP/regress/integ/fakeparent.py" "$work" 22070 -- \
    $vg "$V720WEB" -d -v -u "$TEST_USER" -C /var/empty >"$OUT/driver" 2>&1
rc=$?
cp "$work"/* "$OUT"/ 2>/dev/null
rm -rf "$work"
sed 's/^/  /' "$OUT/driver"
[ $rc -eq 0 ] || fail "driver exit $rc; v720-web log: $(tail -5 "$OUT/web.log")"
for f in "$OUT"/vg.*; do
	[ -s "$f" ] && fail "valgrind: $(head -30 "$f")"
done
say "ok"
