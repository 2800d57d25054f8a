#!/bin/sh
# make install / make uninstall into a staging DESTDIR: the tree of
# INTERFACE.md with the right modes, a systemd unit that verifies, an
# installed daemon that finds its v720-web and runs under the unit's
# capability bounding set with no_new_privs, and an uninstall that leaves
# nothing but the administrator's own configuration.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-ctl.sh"

ROOT=$OUT/root
ROOT2=$OUT/root-usr
CAMPORT=23301
BOOTPORT=23302
WEBPORT=23303
SOCK=$OUT/inst.sock

command -v make >/dev/null || fail "make missing"
# Not the variables of a make check that runs us (B=build-asan/ ...).
MAKE_CLEAN="env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES make"
mkdir -p "$ROOT/etc"
echo "# the administrator's own" >"$ROOT/etc/v720d.conf"
cp "$ROOT/etc/v720d.conf" "$OUT/mine.conf"

$MAKE_CLEAN -s -C "$TOP" install DESTDIR="$ROOT" PREFIX=/usr/local \
    >"$OUT/install.log" 2>&1 || fail "make install: $(tail -5 "$OUT/install.log")"

# mode path, relative to ROOT
expect() {
	[ -f "$ROOT$2" ] || fail "not installed: $2"
	_m=$(stat -c %a "$ROOT$2")
	[ "$_m" = "$1" ] || fail "$2: mode $_m, expected $1"
}
expect 755 /usr/local/sbin/v720d
expect 755 /usr/local/sbin/v720ctl
expect 755 /usr/local/libexec/v720-web
expect 755 /usr/local/libexec/v720-mqtt
expect 755 /usr/local/libexec/v720-recorder
expect 755 /usr/local/libexec/v720-rtsp
expect 644 /usr/local/lib/v720d/mosquitto-v720d.so
expect 644 /usr/local/share/man/man8/v720d.8
expect 644 /usr/local/share/man/man8/v720ctl.8
expect 644 /usr/local/share/man/man8/v720-web.8
expect 644 /usr/local/share/man/man8/v720-rtsp.8
expect 644 /usr/local/share/man/man5/v720d.conf.5
expect 644 /etc/systemd/system/v720d.service
expect 644 /etc/sysusers.d/v720d.conf
expect 644 /etc/tmpfiles.d/v720d.conf
expect 644 /etc/v720d.conf.example
expect 644 /usr/local/share/examples/v720d/dnsmasq-v720d.conf
expect 644 /usr/local/share/examples/v720d/nginx-v720d.conf
expect 644 /usr/local/share/examples/v720d/mosquitto-v720d.conf
expect 644 /usr/local/share/examples/v720d/mosquitto-v720d.acl
expect 755 /usr/local/share/examples/v720d/rc.d/v720d
cmp -s "$ROOT/etc/v720d.conf" "$OUT/mine.conf" ||
    fail "make install changed an existing /etc/v720d.conf"
n=$(find "$ROOT" -type f | wc -l)
[ "$n" -eq 22 ] || fail "$n files in the tree, expected 22: $(find "$ROOT" -type f)"

UNIT=$ROOT/etc/systemd/system/v720d.service
! grep -n '@[A-Z]*@' "$UNIT" "$ROOT/usr/local/share/examples/v720d/rc.d/v720d" ||
    fail "placeholders left in installed files"
grep -qx 'ExecStart=/usr/local/sbin/v720d -d' "$UNIT" || fail "ExecStart"
grep -qx 'plugin /usr/local/lib/v720d/mosquitto-v720d.so' \
    "$ROOT/usr/local/share/examples/v720d/mosquitto-v720d.conf" ||
    fail "mosquitto-v720d.conf: plugin path"
grep -qx 'daemon="/usr/local/sbin/v720d"' \
    "$ROOT/usr/local/share/examples/v720d/rc.d/v720d" || fail "rc.d daemon="
grep -qx 'u _v720d - "v720d unprivileged user" /var/empty' \
    "$ROOT/etc/sysusers.d/v720d.conf" || fail "sysusers line"

# The unit verifies (with its commands looked up in the staging tree) and
# keeps its hardening.
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$OUT/unit"
	sed "s|/usr/local/sbin/|$ROOT/usr/local/sbin/|g" "$UNIT" \
	    >"$OUT/unit/v720d.service"
	systemd-analyze verify --man=no "$OUT/unit/v720d.service" \
	    >"$OUT/verify.log" 2>&1 ||
	    fail "systemd-analyze verify: $(cat "$OUT/verify.log")"
	[ ! -s "$OUT/verify.log" ] ||
	    fail "systemd-analyze verify: $(cat "$OUT/verify.log")"
	systemd-analyze security --offline=true "$OUT/unit/v720d.service" \
	    >"$OUT/security.log" 2>&1
	score=$(sed -n 's/.*Overall exposure level for v720d.service: \([0-9.]*\).*/\1/p' \
	    "$OUT/security.log")
	[ -n "$score" ] || fail "no systemd-analyze security score"
	say "systemd-analyze security: $score"
	awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }' ||
	    fail "exposure $score, the unit used to score 2.6"
else
	say "systemd-analyze missing: unit not verified"
fi

# The installed tree works from where it is: configuration check, then
# the daemon, which must find ../libexec/v720-web next to its sbin.
"$ROOT/usr/local/sbin/v720d" -n -f "$ROOT/etc/v720d.conf.example" \
    >"$OUT/n.out" 2>&1 || fail "v720d -n on the example: $(cat "$OUT/n.out")"
grep -qx "configuration OK" "$OUT/n.out" || fail "v720d -n: $(cat "$OUT/n.out")"

user=$(ctl_user)
cat >"$OUT/inst.conf" <<EOF
user "$user"
camera listen on 127.0.0.1 port $CAMPORT
bootstrap listen on 127.0.0.1 port $BOOTPORT
web listen on 127.0.0.1 port $WEBPORT
rtsp listen on 127.0.0.1 port $((WEBPORT + 10))
control socket "$SOCK"
EOF
# v720d -n finds ../libexec/v720-rtsp for the encoder line.
"$ROOT/usr/local/sbin/v720d" -n -f "$OUT/inst.conf" >"$OUT/n2.out" 2>&1 ||
    fail "v720d -n with rtsp: $(cat "$OUT/n2.out")"
grep -q "^rtsp h264 encoder: " "$OUT/n2.out" ||
    fail "installed v720d -n does not name the encoder: $(cat "$OUT/n2.out")"
# As root: only the capabilities the unit leaves, and no new privileges.
wrap=
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" |
	    tr 'A-Z ' 'a-z\n' | sed -n 's/^cap_\(.*\)/+\1/p' | paste -sd, -)
	[ -n "$caps" ] || fail "no CapabilityBoundingSet in the unit"
	wrap="setpriv --no-new-privs --inh-caps=-all --bounding-set=-all,$caps"
	say "running as: $wrap"
fi
$wrap "$ROOT/usr/local/sbin/v720d" -d -v -f "$OUT/inst.conf" \
    >"$OUT/v720d.log" 2>&1 &
V720D_PID=$!
CLEANUP_PIDS="$CLEANUP_PIDS $V720D_PID"
wait_for 10 test -S "$SOCK" || fail "installed v720d: $(tail -5 "$OUT/v720d.log")"
wait_for 10 "$ROOT/usr/local/sbin/v720ctl" -s "$SOCK" show cameras ||
    fail "installed v720ctl cannot talk to the installed v720d"
pid=$V720D_PID	# setpriv execs v720d in place
wait_for 5 child_pid "$pid" v720-web || fail "no v720-web child"
web=$(child_pid "$pid" v720-web)
exe=$(readlink "/proc/$web/exe")
[ "$exe" = "$ROOT/usr/local/libexec/v720-web" ] ||
    fail "v720-web runs from $exe"
wait_for 5 child_pid "$pid" "v720d: rtsp" || fail "no rtsp child"
exe=$(readlink "/proc/$(child_pid "$pid" "v720d: rtsp")/exe")
[ "$exe" = "$ROOT/usr/local/libexec/v720-rtsp" ] ||
    fail "the rtsp child runs from $exe"
if [ "$(id -u)" -eq 0 ]; then
	wuid=$(awk '/^Uid:/ { print $2 }' "/proc/$web/status")
	[ "$wuid" = "$(id -u "$TEST_USER")" ] ||
	    fail "v720-web runs as uid $wuid, not $TEST_USER"
	[ "$(stat -c %U:%G "$SOCK")" = "root:$(id -gn "$TEST_USER")" ] ||
	    fail "control socket owned by $(stat -c %U:%G "$SOCK")"
	[ "$(stat -c %a "$SOCK")" = 660 ] || fail "control socket mode"
fi
# It stops on SIGTERM, children included, within the parent's grace time.
stopped() {
	[ ! -d "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat"
}
kill -TERM "$V720D_PID"
wait_for 5 stopped "$V720D_PID" || fail "installed v720d ignores SIGTERM"
wait "$V720D_PID" 2>/dev/null
wait_for 3 stopped "$web" || fail "v720-web outlived the parent"

# Uninstall: nothing left but the administrator's file.
$MAKE_CLEAN -s -C "$TOP" uninstall DESTDIR="$ROOT" PREFIX=/usr/local \
    >"$OUT/uninstall.log" 2>&1 || fail "make uninstall"
left=$(find "$ROOT" -type f)
[ "$left" = "$ROOT/etc/v720d.conf" ] || fail "left after uninstall: $left"
cmp -s "$ROOT/etc/v720d.conf" "$OUT/mine.conf" ||
    fail "make uninstall changed /etc/v720d.conf"

# PREFIX=/usr: the vendor directories of systemd.
$MAKE_CLEAN -s -C "$TOP" install DESTDIR="$ROOT2" PREFIX=/usr \
    >"$OUT/install2.log" 2>&1 || fail "make install PREFIX=/usr"
for f in /usr/sbin/v720d /usr/libexec/v720-web \
    /usr/lib/systemd/system/v720d.service /usr/lib/sysusers.d/v720d.conf \
    /usr/lib/tmpfiles.d/v720d.conf /usr/share/man/man8/v720ctl.8 \
    /etc/v720d.conf.example; do
	[ -f "$ROOT2$f" ] || fail "PREFIX=/usr: not installed: $f"
done
grep -qx 'ExecStart=/usr/sbin/v720d -d' \
    "$ROOT2/usr/lib/systemd/system/v720d.service" || fail "PREFIX=/usr ExecStart"
$MAKE_CLEAN -s -C "$TOP" uninstall DESTDIR="$ROOT2" PREFIX=/usr \
    >"$OUT/uninstall2.log" 2>&1 || fail "make uninstall PREFIX=/usr"
[ -z "$(find "$ROOT2" -type f 2>/dev/null)" ] ||
    fail "left after uninstall: $(find "$ROOT2" -type f)"
say "ok"
