#!/bin/sh
# Camera engine: the HTTP bootstrap and registration policy, as root with
# privilege separation, with "unknown cameras reject".  getA9ConfCheck
# answers like PROTOCOL.md section 1 (host = the address the request hit,
# tcpPort, an 8-hex pwd that stays the same per uid); unknown cameras get
# 403 and never register; a registration must present the pwd as token;
# a second connection with the same uid replaces the first; other paths
# are 404, broken requests 4xx, and nothing stops the engine.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
need_python
command -v curl >/dev/null 2>&1 || skip "needs curl"

K=0800r0000001
engine_conf 21050 "unknown cameras reject" "camera \"$K\" {
	name \"Porch\"
}" "camera \"0800t0000001\" {
}"
engine_start
base="http://127.0.0.1:$BOOT_PORT/app/api"

# The answer to a configured camera.
curl -s -D "$OUT/h1" -o "$OUT/b1" -X POST -H 'version: 202212011602' \
    "$base/ApiServer/getA9ConfCheck?devicesCode=$K&random=OPQRST&token=x" ||
    fail "bootstrap request"
head -n 1 "$OUT/h1" | grep -q '^HTTP/1.1 200' || fail "status: $(head -n 1 "$OUT/h1")"
grep -qi '^Content-Type: application/json' "$OUT/h1" || fail "content type"
grep -qi "^Content-Length: $(wc -c <"$OUT/b1")" "$OUT/h1" || fail "length"
python3 - "$OUT/b1" "$K" "$CAM_PORT" <<'EOF' || fail "answer fields"
import json, sys, time
a = json.load(open(sys.argv[1]))
d = a["data"]
assert a["code"] == 200, a
assert d["uid"] == sys.argv[2], d
assert d["tcpPort"] == int(sys.argv[3]), d
assert d["host"] == "127.0.0.1", d
assert len(d["pwd"]) == 8 and all(c in "0123456789abcdef" for c in d["pwd"]), d
assert isinstance(d["currTime"], str) and abs(int(d["currTime"]) - time.time()) < 60, d
open(sys.argv[1] + ".pwd", "w").write(d["pwd"])
EOF
pwd1=$(cat "$OUT/b1.pwd")
curl -s -o "$OUT/b2" -X POST \
    "$base/ApiServer/getA9ConfCheck?devicesCode=$K&random=ABC&token=y"
grep -q "\"pwd\":\"$pwd1\"" "$OUT/b2" || fail "pwd changed between requests"
say "getA9ConfCheck: fields as the capture, pwd stable"

code() { curl -s -o /dev/null -w '%{http_code}' -X POST "$@"; }
[ "$(code "$base/ApiServer/getA9ConfCheck?devicesCode=0800x0000001")" = 403 ] ||
    fail "unknown camera not refused"
[ "$(code "$base/ApiSysDevices/getDevInfo?devicesCode=$K")" = 200 ] ||
    fail "getDevInfo"
[ "$(code "$base/ApiSysDevicesBatch/confirm?devicesCode=$K")" = 200 ] ||
    fail "confirm"
[ "$(code "$base/ApiSysDevices/a9bindingAppDevice?devicesCode=$K")" = 200 ] ||
    fail "a9bindingAppDevice"
curl -s -X POST "$base/ApiSysDevicesBatch/registerDevices?batch=1" |
    grep -q '"data":"0800c0' || fail "registerDevices"
[ "$(code "http://127.0.0.1:$BOOT_PORT/etc/passwd")" = 404 ] || fail "not 404"
head -c 20000 /dev/zero | tr '\0' a >"$OUT/big"
[ "$(code --data-binary @"$OUT/big" "$base/x")" = 413 ] || fail "not 413"
raw() {
	python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
print(s.recv(4096).decode("latin-1"))' "$BOOT_PORT" "$1"
}
raw "GARBAGE\r\n\r\n" >"$OUT/garbage"
head -n 1 "$OUT/garbage" | grep -q '^HTTP/1.1 400' ||
    fail "garbage request: $(head -n 1 "$OUT/garbage")"
raw "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" >"$OUT/chunked"
head -n 1 "$OUT/chunked" | grep -q '^HTTP/1.1 501' ||
    fail "chunked request: $(head -n 1 "$OUT/chunked")"
say "other endpoints, 403, 404, 413, 400, 501"

# Registration: two cameras, only the listed one gets in.
start_camsim --cameras 2 --uid 0800r --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 60 --log "$OUT/camsim.log"
wait_for 10 cam_is "$K" online || fail "listed camera did not register"
sleep 2
ctl show camera 0800r0000002 >/dev/null 2>&1 &&
    fail "unlisted camera registered"
[ "$(cam_field "$K" name)" = Porch ] || fail "name not from the config"
# The firmware of the bootstrap's "version:" header, before any stream.
[ "$(cam_field "$K" firmware)" = 202212011602 ] ||
    fail "firmware before streaming: '$(cam_field "$K" firmware)'"

# A second connection with the same uid replaces the first; the camera
# whose connection was closed comes back by itself.
addr1=$(cam_field "$K" address)
pwdk=$(curl -s -X POST "$base/ApiServer/getA9ConfCheck?devicesCode=$K" |
    sed 's/.*"pwd":"\([0-9a-f]*\)".*/\1/')
python3 - "$CAM_PORT" "$K" "$pwdk" "$V720CTL" "$CTL_SOCK" <<'EOF2' ||
import json, socket, struct, subprocess, sys, time
port, uid, pwd, ctl, sock = sys.argv[1:6]
j = json.dumps({"code": 100, "uid": uid, "token": pwd,
                "domain": "v720.naxclow.com"}).encode()
s = socket.create_connection(("127.0.0.1", int(port)), 5)
s.sendall(struct.pack("<IHBB8sI", len(j), 0, 0, 0, b"\0" * 8, 0) + j)
r = s.recv(200)
assert b'"status": 200' in r, r
me = "127.0.0.1:%d" % s.getsockname()[1]
out = subprocess.run([ctl, "-s", sock, "show", "camera", uid],
                     capture_output=True, text=True).stdout
assert "address: " + me in out, out
s.close()
EOF2
    fail "second connection did not replace the first"
grep -q "camera $K: new connection from" "$OUT/v720d.log" ||
    fail "no log line for the replacement"
back() { cam_is "$K" online && [ "$(cam_field "$K" address)" != "$addr1" ]; }
wait_for 20 back || fail "replaced camera did not come back"

# The token must be the pwd of the bootstrap: a wrong one is refused...
U=0800t0000001
curl -s -o /dev/null -X POST "$base/ApiServer/getA9ConfCheck?devicesCode=$U"
"$CAMSIM" --cameras 1 --uid 0800t --tcp "127.0.0.1:$CAM_PORT" \
    --token deadbeef --duration 3 >/dev/null 2>&1
cam_is "$U" online && fail "registration with a wrong token accepted"
grep -q "camera $U from .*wrong token" "$OUT/v720d.log" ||
    fail "no log line for the wrong token"
# ... the right one is accepted.
pwd2=$(curl -s -X POST "$base/ApiServer/getA9ConfCheck?devicesCode=$U" |
    sed 's/.*"pwd":"\([0-9a-f]*\)".*/\1/')
start_camsim --cameras 1 --uid 0800t --tcp "127.0.0.1:$CAM_PORT" \
    --token "$pwd2" --duration 30
wait_for 10 cam_is "$U" online || fail "right token refused"
say "token checked against the bootstrap's pwd"

# "server address" is what cameras are sent to (after a reload).
echo 'server address "192.0.2.7"' >>"$OUT/v720d.conf"
ctl reload || fail "reload"
host_is() {
	curl -s -X POST "$base/ApiServer/getA9ConfCheck?devicesCode=$K" |
	    grep -q '"host":"192.0.2.7"'
}
wait_for 5 host_is || fail "server address not used as host"
cam_is "$U" online || fail "camera dropped by the reload"
kill -0 "$ENGINE_PID" || fail "engine died"
say "ok"
