#!/bin/sh
# v720-web over TLS (a self-signed certificate made here) and HTTP Basic
# auth against crypt(3) hashes; the key pair is replaced on reload.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user
command -v openssl >/dev/null || skip "no openssl"

mkcert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
	    -keyout "$OUT/key.pem" -out "$OUT/crt.pem" 2>/dev/null ||
	    fail "openssl req"
}
mkcert v720-test-one
hash=$(openssl passwd -6 's3cret pass') || fail "openssl passwd"
hash5=$(openssl passwd -5 'other') || fail "openssl passwd -5"
TLSPORT=22034
web_start 22030 "web listen on 127.0.0.1 port $TLSPORT tls
tls certificate \"$OUT/crt.pem\"
tls key \"$OUT/key.pem\"
web user \"admin\" password \"$hash\"
web user \"viewer\" password \"$hash5\""
TLS=https://127.0.0.1:$TLSPORT
start_camsim --cameras 1 --uid WTLS --bootstrap "$BOOT" --fps 10 \
    --duration 600 --log "$OUT/camsim.log"
C=WTLS00000001

# Without credentials: 401 with a Basic challenge, JSON error, on both.
for u in "$WEB" "$TLS"; do
	req GET "$u/api/cameras" -k
	expect 401 application/json "$u without credentials"
	jcheck "'error' in j" "401 body"
	curl -sk -D - -o /dev/null "$u/api/cameras" | grep -qi '^WWW-Authenticate: Basic realm=' ||
	    fail "$u: no WWW-Authenticate"
	req GET "$u/api/cameras" -k -u 'admin:wrong'
	expect 401 application/json "$u wrong password"
	req GET "$u/api/cameras" -k -u 'nobody:s3cret pass'
	expect 401 application/json "$u unknown user"
	req GET "$u/api/cameras" -k -H 'Authorization: Basic !!!'
	expect 401 application/json "$u malformed credentials"
	req GET "$u/metrics" -k
	expect 401 application/json "$u metrics without credentials"
	req GET "$u/api/cameras" -k -u 'admin:s3cret pass'
	expect 200 application/json "$u good credentials"
	req GET "$u/api/cameras" -k -u 'viewer:other'
	expect 200 application/json "$u second user (sha256-crypt)"
done
say "Basic auth: 401 without, with wrong or unknown credentials; 200 with both users"

# Password guessing (from 127.0.0.3) is throttled (429) without locking
# out the others.
python3 - "$WEBPORT" <<'PY' >"$OUT/guess" || fail "guessing: $(cat "$OUT/guess")"
import base64, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10,
                             source_address=("127.0.0.3", 0))
codes = []
for i in range(40):
    a = base64.b64encode(b"admin:guess%d" % i).decode()
    s.sendall(("GET /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\n\r\n" % a).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(4096)
    head, _, body = buf.partition(b"\r\n\r\n")
    n = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
    while len(body) < n:
        body += s.recv(4096)
    codes.append(int(head.split()[1]))
print(" ".join(map(str, codes)))
sys.exit(0 if 429 in codes and set(codes) <= {401, 429} else 1)
PY
req GET "$WEB/api/cameras" -u 'admin:s3cret pass'
expect 200 application/json "known credentials from another address during guessing"
# t-37 has the details.
say "40 guesses in a row: $(tr ' ' '\n' <"$OUT/guess" | sort | uniq -c | tr '\n' ' ')"
sleep 1.1

web_cameras_auth() {
	wait_for 15 sh -c "curl -sk -u 'admin:s3cret pass' '$TLS/api/cameras' | grep -q '\"state\":\"online\\|\"state\":\"streaming'" ||
	    fail "camera never came online"
}
web_cameras_auth

# The certificate is the one made here, TLS 1.2 or newer.
echo | openssl s_client -connect 127.0.0.1:$TLSPORT 2>/dev/null >"$OUT/s_client" || true
grep -q 'subject=.*CN *= *v720-test-one' "$OUT/s_client" || fail "s_client: $(head -20 "$OUT/s_client")"
grep -q 'New, TLSv1\.[23], Cipher is' "$OUT/s_client" || fail "s_client protocol: $(grep '^New' "$OUT/s_client")"
# Plain HTTP to the TLS port gets nowhere; TLS to the plain port neither.
r=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$TLSPORT/api/cameras")
[ "$r" = 000 ] || fail "plain HTTP on the TLS port answered $r"
r=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "https://127.0.0.1:$WEBPORT/api/cameras")
[ "$r" = 000 ] || fail "TLS on the plain port answered $r"

# MJPEG and snapshot over TLS, parts byte-identical to the frames sent.
r=$($WEBCLIENT mjpeg "$TLS/api/cameras/$C/mjpeg" 10 --max 20 --user 'admin:s3cret pass' --hashes "$OUT/h") ||
    fail "mjpeg over TLS: $r"
[ "$(wc -l <"$OUT/h")" -eq 20 ] || fail "mjpeg over TLS: $r"
sent_hashes $C >"$OUT/sent"
grep -vxF -f "$OUT/sent" "$OUT/h" && fail "TLS part not sent by camsim"
say "mjpeg over TLS: $r, byte-identical"
req GET "$TLS/api/cameras/$C/snapshot" -k -u 'admin:s3cret pass'
expect 200 image/jpeg "snapshot over TLS"
grep -qx "$(sha256sum "$OUT/body" | cut -d' ' -f1)" "$OUT/sent" ||
    { sent_hashes $C >"$OUT/sent"; grep -qx "$(sha256sum "$OUT/body" | cut -d' ' -f1)" "$OUT/sent"; } ||
    fail "TLS snapshot not sent by camsim"
# Keep-alive over TLS: many requests, one handshake.
curl -sk -v -u 'admin:s3cret pass' "$TLS/api/cameras" "$TLS/dev/list" "$TLS/metrics" -o /dev/null -o /dev/null -o /dev/null 2>&1 |
    grep -c 'Re-using existing connection' | grep -q '^2$' || fail "no keep-alive over TLS"
# A 1 MB burst of pipelined requests over TLS all answered.
python3 - "$TLSPORT" <<'PY' || fail "pipelined TLS requests"
import base64, socket, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10))
a = base64.b64encode(b"admin:s3cret pass").decode()
r = "GET /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\n\r\n" % a
s.sendall((r * 200).encode() + b"GET /dev/list HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + a.encode() + b"\r\nConnection: close\r\n\r\n")
out = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    out += d
n = out.count(b"HTTP/1.1 200 OK")
sys.exit(0 if n == 201 else "answers: %d" % n)
PY
say "TLS: certificate, keep-alive, 201 pipelined requests"

# Reload with a new key pair: new connections get it; a stream keeps going.
$WEBCLIENT viewers 1 "$TLS/api/cameras/$C/mjpeg" 8 --user 'admin:s3cret pass' \
    --log "$OUT/across.json" >"$OUT/across" &
ACROSS=$!
sleep 1
mkcert v720-test-two
kill -HUP "$V720D_PID"
wait_for 10 sh -c "echo | openssl s_client -connect 127.0.0.1:$TLSPORT 2>/dev/null | grep -q 'CN *= *v720-test-two'" ||
    fail "new certificate not served after reload"
wait $ACROSS
# 5 in 8 of the frames camsim sent while it was open (viewershare.py).
python3 "$TOP/regress/integ/viewershare.py" "$OUT/camsim.log" "$C" \
    "$OUT/across.json" 62 >"$OUT/across.check" 2>&1 ||
    fail "stream across the reload: $(cat "$OUT/across.check")"
say "reload: new certificate served; a stream across it: $(cat "$OUT/across.check")"
req GET "$TLS/api/cameras" -k -u 'admin:s3cret pass'
expect 200 application/json "after reload"
say "ok"
