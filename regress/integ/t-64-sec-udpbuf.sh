#!/bin/sh
# Issue 9, findings 5 and 11 (bootstrap log): the camera UDP socket keeps
# the 8 MB the parent forced as root (the engine used to shrink it to what
# net.core.rmem_max allows, ~416 KB on stock Debian) and the engine says
# what it has once; and a bootstrap request whose version header carries
# terminal escapes and a carriage return reaches the log escaped.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
need_python
command -v ss >/dev/null || skip "needs ss (iproute2)"

engine_conf 32400
engine_start
wait_for 5 grep -q "udp: receive buffer" "$OUT/v720d.log" ||
    fail "no log line with the UDP receive buffer"
rb=$(ss -ulmnH "sport = :$CAM_PORT" | sed -n 's/.*skmem:(r[0-9]*,rb\([0-9]*\),.*/\1/p' | head -n 1)
say "camera UDP socket: rb $rb; $(grep -a -o 'udp: receive buffer.*' "$OUT/v720d.log" | head -n 1)"
[ -n "$rb" ] || fail "cannot read the UDP socket's buffer size"
# SO_RCVBUFFORCE 8 MB: the kernel keeps twice that for its bookkeeping.
[ "$rb" -ge 16777216 ] || fail "UDP receive buffer $rb bytes, not the 8 MB forced"
grep -q "udp: receive buffer 16384 KB" "$OUT/v720d.log" ||
    fail "log does not say 16384 KB"
[ "$(grep -c 'udp: receive buffer' "$OUT/v720d.log")" -eq 1 ] ||
    fail "the buffer size logged more than once"

# A "camera" that writes escapes into the log through its version header.
python3 - "$BOOT_PORT" <<'EOF2' || fail "bootstrap request"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(b"POST /app/api/ApiServer/getA9ConfCheck?devicesCode=0800cESC0001"
    b"&random=x&token=y HTTP/1.1\r\nHost: v720.naxclow.com\r\n"
    b"version: 1\x1b[2J\x1b]0;owned\x07\rFAKE\r\n\r\n")
s.settimeout(5)
while s.recv(4096):
    pass
EOF2
wait_for 5 grep -q "bootstrap: camera 0800cESC0001" "$OUT/v720d.log" ||
    fail "bootstrap request not logged"
line=$(grep -a "bootstrap: camera 0800cESC0001" "$OUT/v720d.log")
say "logged: $line"
if printf '%s' "$line" | LC_ALL=C grep -q "$(printf '[\001-\037\177]')"; then
	fail "a control character reached the log"
fi
printf '%s' "$line" | grep -qF 'firmware 1\x1b[2J\x1b]0;owned\x07\x0dFA' ||
    fail "version not escaped as expected"
say "ok"
