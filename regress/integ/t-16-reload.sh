#!/bin/sh
# Reloads as a user makes them, as root with privilege separation:
# a reload refused because a new listener cannot be bound leaves the
# running sockets whole (a later good reload works, and after kill -9 of
# the engine the new engine gets its camera listeners and cameras connect
# again); a new control socket path works for v720ctl and the old one is
# gone; tls switched on by reload on an existing web listener serves https.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-engine.sh"
need_root
ensure_test_user
command -v openssl >/dev/null || skip "no openssl"
command -v curl >/dev/null || skip "no curl"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=v720-reload" \
    -keyout "$OUT/key.pem" -out "$OUT/crt.pem" 2>/dev/null || fail "openssl req"
U=0816r0000001
TLSP=34103
engine_conf 34100 "web listen on 127.0.0.1 port $TLSP" \
    "tls certificate \"$OUT/crt.pem\"" "tls key \"$OUT/key.pem\""
cp "$OUT/v720d.conf" "$OUT/base.conf"
engine_start
start_camsim --cameras 1 --uid 0816r --bootstrap "127.0.0.1:$BOOT_PORT" \
    --duration 600 --heartbeat 1 --log "$OUT/camsim.log"
wait_for 10 cam_is "$U" online || fail "camera not online"
reloads() { grep -c "configuration reloaded" "$OUT/v720d.log"; }
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }

# 1. A reload that cannot bind its new listener is refused ...
python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 34104)); s.listen(); time.sleep(60)' &
blocker=$!
CLEANUP_PIDS="$CLEANUP_PIDS $blocker"
wait_for 3 sh -c "ss -ltn | grep -q '127.0.0.1:34104 '" || fail "blocker did not listen"
{ cat "$OUT/base.conf"; echo "web listen on 127.0.0.1 port 34104"; } >"$OUT/v720d.conf"
r=$(ctl reload 2>&1) && fail "reload with a taken port succeeded: $r"
echo "$r" | grep -q "cannot bind the new listeners" || fail "refused reload says: $r"
kill "$blocker"
wait_for 3 sh -c "! ss -ltn | grep -q '127.0.0.1:34104 '" || fail "blocker still there"

# ... and the next good one works, with the port now free.
n=$(reloads)
ctl reload >"$OUT/reload2" 2>&1 || fail "good reload after a refused one: $(cat "$OUT/reload2")"
[ "$(reloads)" -gt "$n" ] || fail "good reload not logged"
wait_for 3 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:34104/api/cameras)\" = 200 ]" ||
    fail "listener of the good reload does not answer"
say "a refused reload left the running set whole; the next reload took"

# The engine killed: the new one has its camera listeners, the camera is back.
old=$ENGINE_PID
kill -KILL "$old"
new_engine() { _p=$(child_pid "$V720D_PID" engine) && [ "$_p" != "$old" ]; }
wait_for 5 new_engine || fail "no new engine within 5 s"
ENGINE_PID=$(child_pid "$V720D_PID" engine)
wait_for 30 cam_is "$U" online || fail "camera did not reconnect to the new engine"
ss -ltn | grep -q "127.0.0.1:$CAM_PORT " || fail "camera port not listening"
ss -lun | grep -q "127.0.0.1:$CAM_PORT " || fail "camera udp port not bound"
alive "$V720D_PID" || fail "parent died"
say "after kill -9 of the engine the camera connected again"

# 2. A new control socket path: v720ctl works there, the old one is gone.
old_sock=$CTL_SOCK
CTL_SOCK=$OUT/ctl2.sock
sed "s|\"$old_sock\"|\"$CTL_SOCK\"|" "$OUT/v720d.conf" >"$OUT/v720d.conf.new"
mv "$OUT/v720d.conf.new" "$OUT/v720d.conf"
grep -q ctl2.sock "$OUT/v720d.conf" || fail "sed"
n=$(reloads)
kill -HUP "$V720D_PID"
wait_for 5 sh -c "[ \$(grep -c 'configuration reloaded' '$OUT/v720d.log') -gt $n ]" ||
    fail "control socket reload not done"
wait_for 5 sh -c "'$V720CTL' -s '$CTL_SOCK' show cameras | grep -q '$U'" ||
    fail "v720ctl on the new control socket: $("$V720CTL" -s "$CTL_SOCK" show cameras 2>&1)"
[ ! -e "$old_sock" ] || fail "old control socket left behind"
"$V720CTL" -s "$old_sock" show cameras >/dev/null 2>&1 && fail "old control socket still answers"
say "control socket moved by reload: v720ctl works on $CTL_SOCK"

# 3. tls switched on for the existing listener on port $TLSP.
[ "$(http_code "http://127.0.0.1:$TLSP/api/cameras")" = 200 ] || fail "plain listener $TLSP"
sed "s|port $TLSP\$|port $TLSP tls|" "$OUT/v720d.conf" >"$OUT/v720d.conf.new"
mv "$OUT/v720d.conf.new" "$OUT/v720d.conf"
grep -q "port $TLSP tls" "$OUT/v720d.conf" || fail "sed tls"
ctl reload >"$OUT/reload3" 2>&1 || fail "reload turning tls on: $(cat "$OUT/reload3")"
wait_for 5 sh -c "[ \"\$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 https://127.0.0.1:$TLSP/api/cameras)\" = 200 ]" ||
    fail "https on $TLSP after the reload"
[ "$(http_code "http://127.0.0.1:$TLSP/api/cameras")" = 000 ] || fail "plain http still answered on $TLSP"
curl -sk --max-time 5 "https://127.0.0.1:$TLSP/api/cameras" | grep -q "$U" || fail "https body"
# And off again.
sed "s|port $TLSP tls\$|port $TLSP|" "$OUT/v720d.conf" >"$OUT/v720d.conf.new"
mv "$OUT/v720d.conf.new" "$OUT/v720d.conf"
ctl reload >"$OUT/reload4" 2>&1 || fail "reload turning tls off: $(cat "$OUT/reload4")"
wait_for 5 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:$TLSP/api/cameras)\" = 200 ]" ||
    fail "plain http on $TLSP after tls off"
say "tls toggled by reload on port $TLSP"

# 4. A certificate over the 512 KiB a message carries: refused, saying so.
head -c 600000 /dev/zero | tr '\0' 'A' >"$OUT/big.pem"
sed "s|\"$OUT/crt.pem\"|\"$OUT/big.pem\"|" "$OUT/v720d.conf" >"$OUT/v720d.conf.new"
sed -i "s|port $TLSP\$|port $TLSP tls|" "$OUT/v720d.conf.new"
mv "$OUT/v720d.conf.new" "$OUT/v720d.conf"
r=$(ctl reload 2>&1) && fail "reload with a 600 kB certificate succeeded"
echo "$r" | grep -q "big.pem: 600000 bytes, must be 1 to 524288" || fail "big certificate refusal says: $r"
[ "$(http_code "http://127.0.0.1:$TLSP/api/cameras")" = 200 ] || fail "running config lost after the refused reload"
alive "$V720D_PID" || fail "parent died"
say "a certificate too big to pass is refused with: $r"
say "ok"
