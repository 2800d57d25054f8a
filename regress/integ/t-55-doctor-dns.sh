#!/bin/sh
# v720ctl doctor against a resolver the test controls: in a network and
# mount namespace of its own (unshare -n -m), this host gets the address
# 10.77.0.1 (on lo), /etc/hosts is bind-mounted with the test's names
# and /etc/resolv.conf points at a loopback port where nobody answers.
#   v720.naxclow.com     -> 10.77.0.1   ok (this host)
#   p2p.v720.naxclow.com -> 192.0.2.9   FAIL (not this host)
#   v720.p2p.naxclow.com -> 127.0.0.1   FAIL (loopback: cameras cannot reach it)
#   dl2, home            -> nothing     FAIL (does not resolve)
# Port 80 with v720d's bootstrap on another port: nothing there (FAIL),
# another web server that forwards /app/api/ to v720d (ok, recognised),
# one that does not (FAIL).  With every name here, port 80 forwarded (by
# nginx with the shipped etc/nginx-v720d.conf when nginx is installed)
# and a camera registered through it, the doctor exits 0.
. "$TOP/regress/integ/lib.sh"
need_root
if [ -z "${T55_INNER:-}" ]; then
	command -v unshare >/dev/null 2>&1 || skip "needs unshare (util-linux)"
	command -v python3 >/dev/null 2>&1 || skip "needs python3"
	command -v curl >/dev/null 2>&1 || skip "needs curl"
	T55_INNER=1 exec unshare -n -m sh "$0" "$@"
fi
ip link set lo up || fail "lo up"
ip addr add 10.77.0.1/32 dev lo || fail "cannot add 10.77.0.1 to lo"
ensure_test_user

hosts() {
	printf '127.0.0.1 localhost\n' >"$OUT/hosts"
	printf '%s\n' "$@" >>"$OUT/hosts"
}
hosts "10.77.0.1 v720.naxclow.com" "192.0.2.9 p2p.v720.naxclow.com" \
    "127.0.0.1 v720.p2p.naxclow.com"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$OUT/resolv.conf"
mount --bind "$OUT/hosts" /etc/hosts || fail "bind mount /etc/hosts"
mount --bind "$OUT/resolv.conf" /etc/resolv.conf || fail "bind mount /etc/resolv.conf"
getent hosts v720.naxclow.com | grep -q '^10\.77\.0\.1 ' ||
    skip "the system resolver does not read /etc/hosts (nsswitch.conf)"

WEB=35500
CAM=35501
BOOT=35502
cat >"$OUT/v720d.conf" <<EOF
user "$TEST_USER"
web listen on 127.0.0.1 port $WEB
camera listen on 0.0.0.0 port $CAM
bootstrap listen on 127.0.0.1 port $BOOT
control socket "$OUT/ctl.sock"
EOF
start_v720d "$OUT/v720d.conf"
wait_for 10 curl -sf -o /dev/null "http://127.0.0.1:$WEB/api/diagnostics" ||
    fail "v720d did not start: $(tail -n 3 "$OUT/v720d.log" | tr '\n' ' ')"

doctor() {
	"$V720CTL" -s "$OUT/ctl.sock" doctor >"$OUT/doctor.out" 2>"$OUT/doctor.err"
	rc=$?
	cp "$OUT/doctor.out" "$OUT/doctor-$1.out"
}
expect() {
	grep -q -- "$1" "$OUT/doctor.out" ||
	    fail "doctor ($2): no line like '$1' in: $(cat "$OUT/doctor.out")"
}

doctor dns
[ $rc -eq 1 ] || fail "doctor exit $rc, want 1"
expect '^ok   dns v720.naxclow.com: 10.77.0.1 (this host)$' dns
expect '^FAIL dns p2p.v720.naxclow.com: 192.0.2.9: 192.0.2.9 is not an address of this host: the DNS override is missing or points elsewhere (dnsmasq: address=/naxclow.com/10.77.0.1)$' dns
expect '^FAIL dns v720.p2p.naxclow.com: 127.0.0.1: 127.0.0.1 is a loopback address, which a camera cannot reach: point the name at 10.77.0.1$' dns
expect '^FAIL dns dl2.naxclow.com: does not resolve .*hosts file: 10.77.0.1 dl2.naxclow.com)$' dns
expect "^ok   listener camera-udp 0.0.0.0 port $CAM: bound\$" dns
expect "^ok   server address: not set, cameras are sent to the address their request reached\$" dns
expect "^FAIL port 80 on 10.77.0.1: nothing answers (Connection refused)" dns
expect '^FAIL cameras: no camera has contacted v720d yet' dns
say "DNS: here ok, elsewhere, loopback and unresolved FAIL; port 80 empty FAIL"

# Port 80 taken by another web server that forwards the camera paths.
python3 "$TOP/regress/integ/diagsrc.py" web80 forward $BOOT 2>"$OUT/web80.err" &
W80=$!
CLEANUP_PIDS="$CLEANUP_PIDS $W80"
wait_for 10 curl -sf -o /dev/null http://10.77.0.1/ || fail "web80 did not start"
doctor forward
expect "^ok   port 80 on 10.77.0.1: another web server forwards the camera paths (/app/api/) to v720d's bootstrap listener\$" forward
# And a camera bootstraps through it.
curl -sf -X POST -o "$OUT/through.json" \
    "http://10.77.0.1/app/api/ApiServer/getA9ConfCheck?devicesCode=D55000000001&random=A&token=b" ||
    fail "bootstrap through port 80"
grep -q "\"tcpPort\":$CAM" "$OUT/through.json" || fail "answer through port 80: $(cat "$OUT/through.json")"
kill $W80; wait $W80 2>/dev/null

python3 "$TOP/regress/integ/diagsrc.py" web80 plain $BOOT 2>"$OUT/web80.err" &
W80=$!
CLEANUP_PIDS="$CLEANUP_PIDS $W80"
wait_for 10 curl -sf -o /dev/null http://10.77.0.1/ || fail "web80 did not start"
doctor plain
expect "^FAIL port 80 on 10.77.0.1: another web server answers (HTTP/1.0 200 OK) and does not forward /app/api/ to v720d: forward it to the bootstrap listener (port $BOOT) with etc/nginx-v720d.conf" plain
kill $W80; wait $W80 2>/dev/null
say "port 80: forwarding server recognised, another one FAIL"

# Everything right: every name here, port 80 forwarded, a camera registered.
# The forwarding is the shipped etc/nginx-v720d.conf when nginx is here.
hosts "10.77.0.1 v720.naxclow.com v720.p2p.naxclow.com p2p.v720.naxclow.com dl2.naxclow.com home.naxclow.com"
NGINX=${NGINX:-/usr/sbin/nginx}
if [ -x "$NGINX" ]; then
	mkdir -p "$OUT/nginx"
	sed "s|127.0.0.1:8081|127.0.0.1:$BOOT|" "$TOP/etc/nginx-v720d.conf" \
	    >"$OUT/nginx/v720d.conf"
	cat >"$OUT/nginx/nginx.conf" <<EOF
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log;
daemon off;
events { }
http {
	access_log off;
	client_body_temp_path $OUT/nginx/body;
	proxy_temp_path $OUT/nginx/proxy;
	include $OUT/nginx/v720d.conf;
}
EOF
	"$NGINX" -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" 2>>"$OUT/nginx/error.log" &
	W80=$!
	say "port 80: nginx with etc/nginx-v720d.conf"
else
	python3 "$TOP/regress/integ/diagsrc.py" web80 forward $BOOT 2>"$OUT/web80.err" &
	W80=$!
	say "port 80: no nginx here, the test's forwarding server instead"
fi
CLEANUP_PIDS="$CLEANUP_PIDS $W80"
# A camera's request reaches v720d through port 80, which hands it the
# address it reached (X-Server-Addr).
boot80() {
	curl -sf -X POST -H 'Host: v720.naxclow.com' -o "$OUT/through.json" \
	    "http://10.77.0.1/app/api/ApiServer/getA9ConfCheck?devicesCode=D55000000003&random=A&token=b" &&
	    grep -q '"host":"10.77.0.1"' "$OUT/through.json"
}
wait_for 10 boot80 || fail "no bootstrap through port 80: $(cat "$OUT/through.json" "$OUT/nginx/error.log" 2>/dev/null)"
start_camsim --cameras 1 --uid D55000000002 --bootstrap 10.77.0.1:80
registered() {
	curl -sf "http://127.0.0.1:$WEB/api/cameras/D55000000002" | grep -q '"online"'
}
wait_for 20 registered || fail "camsim did not register through port 80"
doctor good
[ $rc -eq 0 ] || fail "doctor exit $rc with everything right: $(cat "$OUT/doctor.out")"
expect '^ok   camera 10.77.0.1 D55000000002: registered' good
[ -s "$OUT/doctor.err" ] && fail "doctor wrote to stderr: $(cat "$OUT/doctor.err")"
grep -q '^FAIL' "$OUT/doctor.out" && fail "a FAIL line: $(grep '^FAIL' "$OUT/doctor.out")"
say "everything right: $(grep -c '^ok' "$OUT/doctor.out") checks ok, exit 0"
exit 0
