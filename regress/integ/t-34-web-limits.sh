#!/bin/sh
# v720-web's connection limit (503 beyond it, service back when there is
# room again) and the start-up warning for an open listener without web
# users.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-web.sh"
need_root
ensure_test_user

web_start 22050 "web listen on 0.0.0.0 port 22053"
wait_for 5 grep -q 'no web user configured' "$OUT/v720d.log" ||
    fail "no warning about an open listener without users"
say "warning: $(grep 'no web user configured' "$OUT/v720d.log")"

max=$(metric v720_web_connections_max)
[ -n "$max" ] && [ "$max" -ge 100 ] || fail "connections max: $max"
# From 40 addresses: one address alone may not hold them all (t-37).
$WEBCLIENT flood 127.0.0.1 "$WEBPORT" "$max" 40 >"$OUT/flood" || fail "flood client"
say "with $max connections held: $(head -n 1 "$OUT/flood")"
head -n 1 "$OUT/flood" | grep -q '^HTTP/1.1 503 Service Unavailable {"error":"too many connections"}$' ||
    fail "over the limit: $(cat "$OUT/flood")"
sed -n 2p "$OUT/flood" | grep -q '^HTTP/1.1 200 OK \[' || fail "after closing some: $(cat "$OUT/flood")"
[ "$(metric v720_web_connections_refused_total)" -ge 1 ] || fail "refusal not counted"
# All held connections are gone again: the server still answers normally.
req GET "$WEB/api/cameras"
expect 200 application/json "after the flood"
say "ok"
