#!/bin/sh
# Hostile RTSP clients: huge request lines and headers, too many headers,
# garbage, bad Transport headers, interleaved junk, unknown cameras and
# paths, another connection's session, too many connections from one
# address.  Each gets its error (and the connection closed where the
# stream cannot be resynchronised); nothing else changes: a client
# playing all along keeps the camera's frame rate and the rtsp child is
# the same process.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
. "$TOP/regress/integ/lib-rtsp.sh"
need_root
ensure_test_user

rtsp_start 22180 "rtsp connections per address 4"
rtsp_camera RHOS
pid0=$(child_pid "$V720D_PID" rtsp) || fail "no rtsp child"
R=127.0.0.1:$RTSPPORT
U=$RTSP/$C

$RTSPCLIENT -s 127.0.0.3 play "$U" 600 >"$OUT/bystander" 2>&1 &
BY=$!
CLEANUP_PIDS="$CLEANUP_PIDS $BY"

# raw WHAT EXPECTED BYTES...: send, compare the status lines and the end.
raw() {
	_what=$1 _want=$2; shift 2
	# wait for the close only when one is expected (the answer comes first)
	_w=1; case $_want in *closed) _w=10 ;; esac
	printf "$@" | $RTSPCLIENT raw "$R" - $_w >"$OUT/raw" 2>&1
	_got=$(awk '{ print $2 ? $2 : $1 }' "$OUT/raw" | tr '\n' ' ')
	[ "$_got" = "$_want " ] || fail "$_what: got '$_got', want '$_want'"
	say "$_what: $_want"
}
long() { python3 -c "import sys; sys.stdout.write('$1' * $2)"; }

raw "a request line of 4 KB" "414 closed" \
    "DESCRIBE rtsp://h/%s RTSP/1.0\r\nCSeq: 1\r\n\r\n" "$(long a 4000)"
raw "a header of 4 KB" "431 closed" \
    "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: %s\r\n\r\n" "$(long b 4000)"
raw "40 headers" "431 closed" \
    "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n%s\r\n" "$(long 'X: y\r\n' 40)"
raw "a head of 12 KB" "431 closed" \
    "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n%s\r\n" "$(long "$(long c 900): y\r\n" 14)"
raw "a body of 1 MB announced" "413 closed" \
    "SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 1000000\r\n\r\n"
raw "garbage" "400 closed" "\001\002\003 garbage\r\n\r\n"
raw "HTTP instead of RTSP" "400 closed" "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
raw "no CSeq" "400 closed" "OPTIONS * RTSP/1.0\r\n\r\n"
raw "RTSP/2.0" "505 closed" "OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n"
raw "an unknown method" "501 open" "RECORD $U RTSP/1.0\r\nCSeq: 1\r\n\r\n"
raw "a Require header" "551 open" "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nRequire: funky\r\n\r\n"
raw "an unknown camera" "404 open" "DESCRIBE $RTSP/NOSUCHCAM RTSP/1.0\r\nCSeq: 1\r\n\r\n"
raw "a path outside" "404 open" "DESCRIBE $RTSP/../../etc/passwd RTSP/1.0\r\nCSeq: 1\r\n\r\n"
raw "a track 2" "404 open" "SETUP $U/trackID=2 RTSP/1.0\r\nCSeq: 1\r\nTransport: RTP/AVP/TCP\r\n\r\n"
for t in "RTP/AVP;multicast" "RTP/AVP;unicast" "RTP/AVP;unicast;client_port=0-1" \
    "RTP/AVP;unicast;destination=192.0.2.1;client_port=5000-5001" \
    "RTP/AVP/TCP;interleaved=300-301" "RAW/RAW/UDP;unicast" \
    "RTP/AVP/TCP;mode=record"; do
	raw "Transport $t" "461 open" \
	    "SETUP $U/trackID=0 RTSP/1.0\r\nCSeq: 1\r\nTransport: $t\r\n\r\n"
done
raw "interleaved junk, then a request" "200 open" \
    "\$\001\000\010junkjunk\$\003\377\377%s\$\000\000\000OPTIONS * RTSP/1.0\r\nCSeq: 7\r\n\r\n" \
    "$(long z 65535)"
raw "PLAY of a session that is not" "454 open" \
    "PLAY $U RTSP/1.0\r\nCSeq: 1\r\nSession: 0123456789ABCDEF\r\n\r\n"

# Another connection's interleaved session is not a capability.
python3 - "$TOP/regress/integ" "$U" <<'PY' || fail "session of another connection"
import sys
sys.path.insert(0, sys.argv[1])
import rtspclient
a = rtspclient.Rtsp(sys.argv[2])
a.setup_play()
b = rtspclient.Rtsp(sys.argv[2])
b.session = a.session
for m in ("PLAY", "PAUSE", "TEARDOWN"):
    st = b.request(m, sys.argv[2])[0]
    if st != 454:
        sys.exit("%s of another connection's session: %d" % (m, st))
PY
say "another connection's session: 454"

# Connections per address: 4, the fifth is closed at once; others come in.
python3 - "$RTSPPORT" <<'PY' || fail "connections per address"
import socket, sys, time
port = int(sys.argv[1])
socks = []
def conn(src):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s
for i in range(4):
    s = conn("127.0.0.4")
    s.sendall(b"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n")
    if b" 200 " not in s.recv(4096):
        sys.exit("connection %d not served" % i)
    socks.append(s)
s = conn("127.0.0.4")
try:
    s.sendall(b"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n")
    d = s.recv(4096)
except ConnectionResetError:
    d = b""
if d:
    sys.exit("a fifth connection from one address was served: %r" % d[:40])
o = conn("127.0.0.5")
o.sendall(b"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n")
if b" 200 " not in o.recv(4096):
    sys.exit("another address was refused")
PY
say "connections per address: the fifth is refused, another address served"

# A request that never ends is cut off (10 s).
python3 - "$RTSPPORT" <<'PY' || fail "slow request"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
s.sendall(b"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n")
t = time.time()
try:
    d = s.recv(4096)
except ConnectionResetError:
    d = b""
if d or time.time() - t < 9:
    sys.exit("an unfinished request was kept %.1f s (%r)" % (time.time() - t, d[:40]))
PY
say "an unfinished request is dropped after 10 s"

kill -TERM $BY
wait $BY || fail "bystander: $(cat "$OUT/bystander")"
r=$(python3 - "$OUT/bystander" "$OUT/camsim.log" "$C" <<'PY'
import json, re, sys
m = re.search(r"frames=(\d+) .*start=([\d.]+) end=([\d.]+)", open(sys.argv[1]).read())
if not m:
    sys.exit("no result: " + open(sys.argv[1]).read())
got, t0, t1 = int(m.group(1)), float(m.group(2)), float(m.group(3))
# frames sent while it played, but for the edges a frame may straddle
sent = sum(1 for l in open(sys.argv[2]) for e in [json.loads(l)]
           if e.get("ev") == "frame" and e.get("cam") == sys.argv[3] and
           t0 + 1 <= e["wall"] <= t1 - 1)
print(got, sent, "%.0f" % (t1 - t0))
sys.exit(0 if got >= sent else 1)
PY
) || fail "the client playing all along lost frames (got, sent, seconds): $r"
say "the client playing all along (got, sent, seconds): $r"
pid1=$(child_pid "$V720D_PID" rtsp) || fail "no rtsp child"
[ "$pid0" = "$pid1" ] || fail "the rtsp child was restarted ($pid0 -> $pid1)"
say "ok"
