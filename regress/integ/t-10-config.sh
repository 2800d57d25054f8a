#!/bin/sh
# v720d -n: good files parse (and -nn prints them back in config syntax),
# every error is reported as file:line: message and exits 1.
. "$TOP/regress/integ/lib.sh"

d=$OUT/conf
mkdir -p "$d"

# expect_error NAME LINE MESSAGE-SUBSTRING: the file $d/NAME must fail at LINE.
expect_error() {
	out=$("$V720D" -n -f "$d/$1" 2>&1) && fail "$1: accepted, expected an error"
	printf '%s\n' "$out" | grep -qF "$d/$1:$2: " ||
	    fail "$1: no error at line $2: $out"
	printf '%s\n' "$out" | grep -qF "$3" ||
	    fail "$1: error does not say '$3': $out"
}

# A full configuration from INTERFACE.md, with macros and a camera block.
cat >"$d/full.conf" <<'CONF'
# comment line
lan = "192.168.1.5"
user "_v720d"
camera listen on 0.0.0.0 port 6123
camera connections per address 4
bootstrap listen on 0.0.0.0 port 80
server address $lan
web listen on 0.0.0.0 port 443 tls
web listen on 127.0.0.1 port 8080
tls certificate "/etc/ssl/v720d.crt"
tls key "/etc/ssl/private/v720d.key"
web user "admin" password "$2b$10$abcdefghijklmnopqrstuu"
web server name "NAS.local."
web server name "cam.home.arpa"
web connections per address 16
web compatibility commands on
control socket "/run/v720d.sock"
unknown cameras reject
recordings "/var/lib/v720d/recordings"
record keep 7 days
record max size 20G
record segment 300
camera "0800c00128F8" {
	name "Porch"
	stream on-demand
	idle timeout 45
	record motion
	motion sensitivity 7
}
camera "0800c0000002" {
	stream always
	record always
	motion off
}
mqtt broker 127.0.0.1 port 1883 user "ha" password "s3cret"
mqtt camera broker cameras.lan
mqtt discovery prefix "homeassistant"
mqtt topic prefix "v720d"
CONF
cat >"$d/full.expect" <<'CONF'
user "_v720d"
chroot "/var/empty"
camera listen on 0.0.0.0 port 6123
camera connections per address 4
bootstrap listen on 0.0.0.0 port 80
server address 192.168.1.5
web listen on 0.0.0.0 port 443 tls
web listen on 127.0.0.1 port 8080
tls certificate "/etc/ssl/v720d.crt"
tls key "/etc/ssl/private/v720d.key"
web user "admin" password "$2b$10$abcdefghijklmnopqrstuu"
web server name "nas.local"
web server name "cam.home.arpa"
web connections per address 16
web compatibility commands on
control socket "/run/v720d.sock"
unknown cameras reject
stream on-demand
idle timeout 30
mqtt broker 127.0.0.1 port 1883 user "ha" password "s3cret"
mqtt camera broker cameras.lan port 1883
mqtt discovery prefix "homeassistant"
mqtt topic prefix "v720d"
recordings "/var/lib/v720d/recordings"
record keep 7 days
record max size 20G
record segment 300
camera "0800c00128F8" {
	name "Porch"
	stream on-demand
	idle timeout 45
	record motion
	motion sensitivity 7
}
camera "0800c0000002" {
	stream always
	idle timeout 30
	record always
	motion off
}
configuration OK
CONF
"$V720D" -nn -f "$d/full.conf" >"$d/full.out" 2>&1 || { cat "$d/full.out"; fail "full.conf rejected"; }
diff -u "$d/full.expect" "$d/full.out" || fail "-nn output differs"

# The dump is itself a valid configuration that dumps the same.
head -n -1 "$d/full.out" >"$d/again.conf"
"$V720D" -nn -f "$d/again.conf" >"$d/again.out" 2>&1 || fail "dump not re-parseable"
diff -u "$d/full.out" "$d/again.out" || fail "dump is not stable"

# -n alone prints exactly "configuration OK".
[ "$("$V720D" -n -f "$d/full.conf" 2>&1)" = "configuration OK" ] || fail "-n output"

# -D overrides a macro of the file.
"$V720D" -nn -D lan=10.0.0.9 -f "$d/full.conf" | grep -qx "server address 10.0.0.9" ||
    fail "-D did not override the macro"

# include, relative to the working directory, errors named after the included file.
printf 'web listen on 127.0.0.1 port 9090\n' >"$d/inc.conf"
printf 'include "%s"\nidle timeout 5\n' "$d/inc.conf" >"$d/main.conf"
"$V720D" -nn -f "$d/main.conf" | grep -qx "web listen on 127.0.0.1 port 9090" ||
    fail "include not read"
printf '\nweb listen on 1.2.3 port 1\n' >"$d/incbad.conf"
printf 'include "%s"\n' "$d/incbad.conf" >"$d/main2.conf"
out=$("$V720D" -n -f "$d/main2.conf" 2>&1) && fail "bad include accepted"
printf '%s\n' "$out" | grep -qF "$d/incbad.conf:2: invalid address" ||
    fail "error in included file not reported at its line: $out"

# Defaults: an empty file gives the built-in values of INTERFACE.md.
: >"$d/empty.conf"
"$V720D" -nn -f "$d/empty.conf" >"$d/empty.out" || fail "empty file rejected"
for l in 'user "_v720d"' 'camera listen on 0.0.0.0 port 6123' \
    'bootstrap listen on 0.0.0.0 port 80' 'web listen on 127.0.0.1 port 8080' \
    'control socket "/run/v720d.sock"' 'unknown cameras accept' \
    'stream on-demand' 'idle timeout 30' 'web connections per address 64' \
    'web compatibility commands off' \
    'camera connections per address 16' \
    'recordings "/var/lib/v720d/recordings"' 'record keep 7 days' \
    'record segment 300'; do
	grep -qxF "$l" "$d/empty.out" || fail "default missing: $l"
done

# A missing file named with -f is an error, with the reason.
out=$("$V720D" -n -f "$d/nonexistent.conf" 2>&1) && fail "missing -f file accepted"
printf '%s\n' "$out" | grep -q "No such file" || fail "missing file: $out"

# Every error path, each at its line.
w() { f=$1; shift; printf '%s\n' "$@" >"$d/$f"; }
w e-syntax.conf 'user "x"' 'frobnicate yes'
expect_error e-syntax.conf 2 "syntax error"
w e-port.conf '' 'camera listen on 0.0.0.0 port 70000'
expect_error e-port.conf 2 "port 70000 out of range"
w e-port0.conf 'bootstrap listen on 0.0.0.0 port 0'
expect_error e-port0.conf 1 "out of range"
w e-addr.conf '# x' '' 'web listen on 1.2.3 port 80'
expect_error e-addr.conf 3 'invalid address "1.2.3"'
w e-host.conf 'web listen on example.com port 80'
expect_error e-host.conf 1 'invalid address'
w e-camid.conf 'camera "bad id!" {' '}'
expect_error e-camid.conf 1 'invalid camera id'
w e-camdup.conf 'camera "A1" {' '}' 'camera "A1" {' '}'
expect_error e-camdup.conf 3 'camera A1 defined twice'
w e-macro.conf 'user $nope'
expect_error e-macro.conf 1 "macro 'nope' not defined"
w e-quote.conf 'user "x"' 'user "unterminated'
expect_error e-quote.conf 2 "end of file while parsing a quoted string"
w e-idle.conf 'idle timeout 100000'
expect_error e-idle.conf 1 "idle timeout out of range"
w e-camidle.conf 'camera "A1" {' '	idle timeout -1' '}'
expect_error e-camidle.conf 2 "idle timeout out of range"
w e-perad.conf 'camera connections per address 0'
expect_error e-perad.conf 1 "camera connections per address out of range"
w e-perad2.conf '' 'camera connections per address 4097'
expect_error e-perad2.conf 2 "camera connections per address out of range"
w e-hash.conf 'web user "admin" password "secret"'
expect_error e-hash.conf 1 "crypt(3) hash"
w e-webdup.conf 'web listen on 127.0.0.1 port 8080' 'web listen on 127.0.0.1 port 8080'
expect_error e-webdup.conf 2 "given twice"
w e-userdup.conf 'web user "a" password "$6$x$y"' 'web user "a" password "$6$x$y"'
expect_error e-userdup.conf 2 "web user a given twice"
w e-long.conf "user \"$(printf '%040d' 0)\""
expect_error e-long.conf 1 "user too long"
w e-ctl.conf 'control socket "relative.sock"'
expect_error e-ctl.conf 1 "absolute path"
w e-chroot.conf 'chroot "var/empty"'
expect_error e-chroot.conf 1 "absolute path"
w e-macroname.conf 'bad-name = "x"'
expect_error e-macroname.conf 1 "macro name"
w e-char.conf 'user "x" ;'
expect_error e-char.conf 1 "unexpected character"
w e-recseg.conf "record segment 1"
expect_error e-recseg.conf 1 "record segment out of range"
w e-recsize.conf "record max size 20X"
expect_error e-recsize.conf 1 "invalid size"
w e-recpath.conf "recordings \"rel/dir\""
expect_error e-recpath.conf 1 "absolute path"
w e-sens.conf "camera \"A\" {" "motion sensitivity 11" "}"
expect_error e-sens.conf 2 "motion sensitivity out of range"
w e-reckeep.conf "record keep 5 weeks"
expect_error e-reckeep.conf 1 "syntax error"
w e-include.conf 'include "/nonexistent/v720d.conf"'
expect_error e-include.conf 1 "failed to include"
w e-camopt.conf 'camera "A1" {' '	name "x"' '	colour red' '}'
expect_error e-camopt.conf 3 "syntax error"
w e-num.conf 'idle timeout 99999999999999999999'
expect_error e-num.conf 1 "invalid number"
w e-wname.conf 'web server name "nas.local"' 'web server name "bad name"'
expect_error e-wname.conf 2 "may only hold letters"
w e-wnameip.conf 'web server name "192.168.1.5"'
expect_error e-wnameip.conf 1 "always accepted"
w e-wnamedup.conf 'web server name "nas.local"' '' 'web server name "NAS.LOCAL"'
expect_error e-wnamedup.conf 3 "web server name nas.local given twice"
w e-wnamelabel.conf 'web server name "a..b"'
expect_error e-wnamelabel.conf 1 "empty label"
w e-peraddr.conf 'web connections per address 0'
expect_error e-peraddr.conf 1 "web connections per address out of range"
w e-compat.conf 'web compatibility commands yes'
expect_error e-compat.conf 1 "syntax error"
w e-mqhost.conf 'mqtt broker "bad host"'
expect_error e-mqhost.conf 1 'invalid mqtt broker'
w e-mqport.conf 'mqtt broker 127.0.0.1 port 0'
expect_error e-mqport.conf 1 'out of range'
w e-mqtopic.conf 'mqtt broker 127.0.0.1' 'mqtt topic prefix "v720d/#"'
expect_error e-mqtopic.conf 2 'invalid mqtt topic prefix'
w e-mqdisc.conf 'mqtt discovery prefix "/ha"'
expect_error e-mqdisc.conf 1 'invalid mqtt discovery prefix'

# Several errors in one file are all reported.
w e-many.conf 'frob' 'camera listen on 0.0.0.0 port 0' 'user $nope'
n=$("$V720D" -n -f "$d/e-many.conf" 2>&1 | grep -c "e-many.conf:[0-9]*: ")
[ "$n" -ge 3 ] || fail "only $n of 3 errors reported"

# Whole-file checks (no line): tls without key material, port clash.
w e-tls.conf 'web listen on 127.0.0.1 port 8443 tls'
out=$("$V720D" -n -f "$d/e-tls.conf" 2>&1) && fail "tls without cert accepted"
printf '%s\n' "$out" | grep -qF "needs both" || fail "tls error: $out"
w e-mqtls.conf 'mqtt broker 127.0.0.1 tls'
out=$("$V720D" -n -f "$d/e-mqtls.conf" 2>&1) && fail "mqtt tls accepted"
printf '%s\n' "$out" | grep -qF "not supported yet" || fail "mqtt tls: $out"
w e-mqcam.conf 'mqtt camera broker 127.0.0.1'
out=$("$V720D" -n -f "$d/e-mqcam.conf" 2>&1) && fail "camera broker alone accepted"
printf '%s\n' "$out" | grep -qF 'needs "mqtt broker"' || fail "mqtt cam: $out"
# Without mqtt broker, -nn prints no mqtt lines (the child is not started).
grep -q '^mqtt' "$d/empty.out" && fail "mqtt lines without mqtt broker"
w e-clash.conf 'camera listen on 0.0.0.0 port 80'
out=$("$V720D" -n -f "$d/e-clash.conf" 2>&1) && fail "port clash accepted"
printf '%s\n' "$out" | grep -qF "must differ" || fail "clash error: $out"

# RTSP: repeatable listeners, the encoder and the limit; printed only with
# a listener (no rtsp child without one).  -n also runs v720-rtsp -n for
# the encoder line (stdout) or a warning (stderr): not part of the dump.
grep -q '^rtsp' "$d/empty.out" && fail "rtsp lines without rtsp listen"
w rtsp.conf 'rtsp listen on * port 8554' 'rtsp listen on ::1 port 8554' \
    'rtsp h264 encoder "h264_v4l2m2m"' 'rtsp connections per address 4'
"$V720D" -nn -f "$d/rtsp.conf" 2>/dev/null | grep -v '^rtsp h264 encoder:' |
    grep '^rtsp' >"$d/rtsp.out" || fail "rtsp.conf rejected"
printf '%s\n' 'rtsp listen on 0.0.0.0 port 8554' 'rtsp listen on ::1 port 8554' \
    'rtsp h264 encoder "h264_v4l2m2m"' 'rtsp connections per address 4' >"$d/rtsp.expect"
diff -u "$d/rtsp.expect" "$d/rtsp.out" || fail "rtsp -nn output differs"
w rtsp1.conf 'rtsp listen on 127.0.0.1 port 8554'
"$V720D" -nn -f "$d/rtsp1.conf" 2>/dev/null >"$d/rtsp1.out" || fail "rtsp1.conf rejected"
for l in 'rtsp h264 encoder "libx264"' 'rtsp connections per address 16'; do
	grep -qxF "$l" "$d/rtsp1.out" || fail "rtsp default missing: $l"
done
w e-rtspport.conf '' 'rtsp listen on 127.0.0.1 port 65533'
expect_error e-rtspport.conf 2 "rtsp port 65533 out of range"
w e-rtspdup.conf 'rtsp listen on * port 8554' 'rtsp listen on 0.0.0.0 port 8554'
expect_error e-rtspdup.conf 2 "given twice"
w e-rtspenc.conf 'rtsp h264 encoder "x264; rm -rf /"'
expect_error e-rtspenc.conf 1 "invalid rtsp h264 encoder"
w e-rtspper.conf 'rtsp connections per address 0'
expect_error e-rtspper.conf 1 "rtsp connections per address out of range"
w e-rtspaddr.conf 'rtsp listen on nas.local port 8554'
expect_error e-rtspaddr.conf 1 "invalid address"
# The four UDP ports P..P+3 count: against the camera's UDP port, and
# between two listeners on one address; TCP P against the other listeners.
w e-rtspudp.conf 'camera listen on 0.0.0.0 port 6123' 'rtsp listen on 127.0.0.1 port 6121'
out=$("$V720D" -n -f "$d/e-rtspudp.conf" 2>&1) && fail "rtsp udp clash accepted"
printf '%s\n' "$out" | grep -qF "needs udp port 6123, the camera port" || fail "rtsp udp clash: $out"
w e-rtspover.conf 'rtsp listen on 0.0.0.0 port 8554' 'rtsp listen on 127.0.0.1 port 8557'
out=$("$V720D" -n -f "$d/e-rtspover.conf" 2>&1) && fail "rtsp overlap accepted"
printf '%s\n' "$out" | grep -qF "overlap" || fail "rtsp overlap: $out"
w e-rtspweb.conf 'web listen on 127.0.0.1 port 8554' 'rtsp listen on * port 8554'
out=$("$V720D" -n -f "$d/e-rtspweb.conf" 2>&1) && fail "rtsp/web clash accepted"
printf '%s\n' "$out" | grep -qF "collides with another listener" || fail "rtsp/web clash: $out"
# IPv6 and IPv4 sockets never collide (IPV6_V6ONLY).
w rtsp6.conf 'web listen on 0.0.0.0 port 8554' 'rtsp listen on :: port 8554'
"$V720D" -n -f "$d/rtsp6.conf" >/dev/null 2>&1 || fail "rtsp on :: refused beside a v4 web"
say "all config checks passed"
