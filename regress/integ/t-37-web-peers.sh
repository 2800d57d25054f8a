#!/bin/sh
# Limits per source address, from the attacker's side.
# Password guessing: 127.0.0.2 hammers wrong passwords for "u3"; it gets
# 429 after a few tries, answered at once (no crypt), and is refused even
# the right password while throttled (no guessing against the cache of
# good credentials); meanwhile users logging in for the first time from
# 127.0.0.1 get 200 ("admin" has a bcrypt hash, the others sha512-crypt).
# Connection slots: 127.0.0.3 opens more idle connections than the whole
# server takes; it keeps only its share, the rest get a 503 with a JSON
# error, and the user on 127.0.0.1 still gets the camera's MJPEG.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

bhash=$(python3 -W ignore -c "import crypt; print(crypt.crypt('admin pw', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))") ||
    skip "no bcrypt in python3's crypt"
case $bhash in '$2b$10$'*) ;; *) skip "no bcrypt hash: $bhash" ;; esac
users="web user \"admin\" password \"$bhash\""
for u in u1 u2 u3; do
	users="$users
web user \"$u\" password \"$(openssl passwd -6 "$u pw")\""
done
web_start 33610 "$users"
C=W37P00000001
start_camsim --cameras 1 --uid W37P --bootstrap "$BOOT" --fps 10 \
    --duration 600 --log "$OUT/camsim.log"
wait_for 15 sh -c "curl -s -u 'u1:u1 pw' '$WEB/api/cameras' | grep -q '\"state\":\"online\\|\"state\":\"streaming'" ||
    fail "camera never came online"
# Start clean: nothing cached yet for the users below.  Wait for the
# reload to reach v720-web, however long that takes here.
nconf=$(grep -c "v720-web has the configuration" "$OUT/v720d.log")
kill -HUP "$V720D_PID"
wait_for 30 sh -c "[ \$(grep -c 'v720-web has the configuration' '$OUT/v720d.log') -gt $nconf ]" ||
    fail "the reload never reached v720-web"

# --- password guessing ---
web=$(web_pid) || fail "no v720-web"
cpu0=$(awk '{ print $14 + $15 }' "/proc/$web/stat")
$WEBCLIENT guess 127.0.0.2 127.0.0.1 "$WEBPORT" u3 6 >"$OUT/guess" 2>&1 &
GUESS=$!
# Until the guesser is throttled (its start may take a while here).
throttled() {
	[ "$(curl -s -u 'u1:u1 pw' "$WEB/metrics" |
	    awk '$1 == "v720_web_auth_throttled_total" { print $2 }')" -ge 1 ]
} 2>/dev/null
wait_for 30 throttled ||
    fail "the guesser was never throttled: $(cat "$OUT/guess")"
# The guessing address first, while the guesser surely still runs (on a
# loaded machine the logins below can take longer than its 6 s).
req GET "$WEB/api/cameras" -u 'u3:u3 pw' --interface 127.0.0.2
expect 429 application/json "the right password from the guessing address"
jcheck "'error' in j" "429 body"
for u in u1 admin u2 u3; do
	req GET "$WEB/api/cameras" -u "$u:$u pw"
	expect 200 application/json "$u logging in from 127.0.0.1 during the guessing"
done
wait $GUESS || fail "guesser: $(cat "$OUT/guess")"
cpu1=$(awk '{ print $14 + $15 }' "/proc/$web/stat")
say "guesser on 127.0.0.2 for 6 s: $(cat "$OUT/guess")"
set -- $(cat "$OUT/guess")
n401=$2 n429=$4 rate=$6 retry=$8 other=${10}
[ "$n401" -ge 10 ] && [ "$n401" -le 16 ] || fail "$n401 guesses checked in 6 s"
[ "$n429" -ge 50 ] || fail "only $n429 answers 429"
[ "$other" -eq 0 ] || fail "$other answers neither 401 nor 429"
# Throttled answers run no crypt: v720-web's CPU time (not the wall
# clock: the machine may be busy) over the guessing is less than the
# checks it had to make (the 401s and the four logins, with four to
# spare) plus a quarter of a check per 429, a check costing what a
# sha512-crypt of these hashes costs here.
cost=$(python3 -W ignore -c 'import crypt, sys, time
h = sys.argv[1]
t = time.process_time()
for i in range(40):
    crypt.crypt("guess%d" % i, h)
print(int((time.process_time() - t) / 40 * 1e6))' "$(openssl passwd -6 'u3 pw')") ||
    fail "cannot time a crypt"
used=$(( (cpu1 - cpu0) * 1000000 / $(getconf CLK_TCK) ))
budget=$(( (n401 + 8) * cost + n429 * cost / 4 ))
say "v720-web used $used us of CPU for $n401 checks and $n429 throttled answers ($rate/s); a check costs $cost us; budget $budget us"
[ "$used" -lt "$budget" ] || fail "throttled answers cost CPU: crypt still runs ($used us for $n429 answers 429)"
[ "$retry" -ge 1 ] 2>/dev/null || fail "429 without a Retry-After: $retry"
[ "$(curl -s -u 'u1:u1 pw' "$WEB/metrics" | awk '$1 == "v720_web_auth_throttled_total" { print $2 }')" -ge "$n429" ] ||
    fail "429s not counted"
# The guesser's address may try again once it waited.
login2() { [ "$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 -u 'u3:u3 pw' "$WEB/api/cameras")" = 200 ]; }
wait_for 15 login2 || fail "127.0.0.2 never let in again after waiting"
say "users from 127.0.0.1: 200; guesser throttled at once, answered without crypt; let in again later"

# --- the table of addresses stays bounded ---
# 3000 addresses fail once each within a couple of seconds (credentials
# that do not even decode: no crypt): v720-web remembers at most 1024
# addresses without a connection.
python3 - "$WEBPORT" <<'PY' >"$OUT/many" 2>&1 || fail "many addresses: $(cat "$OUT/many")"
import socket, sys
port, n401 = int(sys.argv[1]), 0
for i in range(3000):
    src = "127.2.%d.%d" % (i // 240, 10 + i % 240)
    s = socket.create_connection(("127.0.0.1", port), timeout=10,
                                 source_address=(src, 0))
    s.sendall(b"GET /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"Authorization: Basic !!!\r\nConnection: close\r\n\r\n")
    out = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        out += d
    s.close()
    n401 += out.startswith(b"HTTP/1.1 401 ")
print(n401)
sys.exit(0 if n401 == 3000 else 1)
PY
naddr=$(curl -s -u 'u1:u1 pw' "$WEB/metrics" | awk '$1 == "v720_web_addresses" { print $2 }')
[ -n "$naddr" ] && [ "$naddr" -le 1030 ] || fail "addresses remembered after 3000 failed once: $naddr"
say "3000 addresses failed once each: $naddr remembered (at most 1024 idle)"

# --- connection slots ---
per=$(curl -s -u 'u1:u1 pw' "$WEB/metrics" | awk '$1 == "v720_web_connections_per_address_max" { print $2 }')
max=$(curl -s -u 'u1:u1 pw' "$WEB/metrics" | awk '$1 == "v720_web_connections_max" { print $2 }')
[ -n "$per" ] && [ -n "$max" ] && [ "$per" -lt "$max" ] || fail "per address $per, max $max"
n=$((max + 100))
$WEBCLIENT hold 127.0.0.3 127.0.0.1 "$WEBPORT" "$n" 8 >"$OUT/hold" 2>&1 &
HOLD=$!
wait_for 20 sh -c "[ \$(wc -l <'$OUT/hold') -ge 2 ]" || fail "hold: $(cat "$OUT/hold")"
say "127.0.0.3 opened $n idle connections: $(head -n 1 "$OUT/hold")"
[ "$(head -n 1 "$OUT/hold")" = "accepted $per refused $((n - per))" ] ||
    fail "per-address limit $per: $(cat "$OUT/hold")"
sed -n 2p "$OUT/hold" | grep -qx 'HTTP/1.1 503 Service Unavailable {"error":"too many connections from this address"}' ||
    fail "refusal: $(sed -n 2p "$OUT/hold")"
r=$($WEBCLIENT mjpeg "$WEB/api/cameras/$C/mjpeg" 10 --max 10 --user 'u1:u1 pw' --hashes "$OUT/h") ||
    fail "user's mjpeg while 127.0.0.3 holds its slots: $r"
[ "$(wc -l <"$OUT/h")" -eq 10 ] || fail "user's mjpeg: $r"
sent_hashes $C >"$OUT/sent"
grep -vxF -f "$OUT/sent" "$OUT/h" && fail "a part not sent by camsim"
req GET "$WEB/api/cameras" -u 'u2:u2 pw' --interface 127.0.0.4
expect 200 application/json "another address while 127.0.0.3 holds its slots"
[ "$(curl -s -u 'u1:u1 pw' "$WEB/metrics" | awk '$1 == "v720_web_connections_refused_address_total" { print $2 }')" -ge $((n - per)) ] ||
    fail "refusals not counted"
say "user on 127.0.0.1 meanwhile: MJPEG $r, byte-identical; 127.0.0.4: 200"
kill "$HOLD" 2>/dev/null
wait "$HOLD" 2>/dev/null
gone() { [ "$(curl -s -u 'u1:u1 pw' "$WEB/metrics" | awk '$1 == "v720_web_connections" { print $2 }')" -le 2 ]; }
wait_for 10 gone || fail "the attacker's connections were not released"
say "ok"
