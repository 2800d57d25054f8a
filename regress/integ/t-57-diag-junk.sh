#!/bin/sh
# 10 000 junk sources (a PPPP datagram each, from 10 000 addresses
# 127.77.x.y) keep the per-source list at 64 -- the newest 64 -- and the
# camera engine's memory flat (VmRSS from /proc, against 500 sources of
# warm-up), with the stage-change log rate-limited; the engine keeps
# answering.
. "$TOP/regress/integ/lib.sh"
need_root
if [ -z "${T57_INNER:-}" ]; then
	command -v unshare >/dev/null 2>&1 || skip "needs unshare (util-linux)"
	command -v python3 >/dev/null 2>&1 || skip "needs python3"
	command -v curl >/dev/null 2>&1 || skip "needs curl"
	T57_INNER=1 exec unshare -n sh "$0" "$@"
fi
ip link set lo up || fail "lo up"
ensure_test_user

WEB=35700
CAM=35701
API="http://127.0.0.1:$WEB/api/diagnostics"
cat >"$OUT/v720d.conf" <<EOF2
user "$TEST_USER"
web listen on 127.0.0.1 port $WEB
camera listen on 0.0.0.0 port $CAM
bootstrap listen on 127.0.0.1 port 35702
control socket "$OUT/ctl.sock"
EOF2
start_v720d "$OUT/v720d.conf"
wait_for 10 curl -sf -o /dev/null "$API" ||
    fail "v720d did not start: $(tail -n 3 "$OUT/v720d.log" | tr '\n' ' ')"
ENGINE=$(child_pid "$V720D_PID" engine) || fail "no engine process"
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$ENGINE/status"; }

count() {
	curl -sf "$API" >"$OUT/d.json" || return 1
	python3 - "$OUT/d.json" "$1" "$2" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["recent"]
n, newest = int(sys.argv[2]), sys.argv[3]
assert len(r) == n, len(r)
assert r[0]["address"] == newest, r[0]
assert all(s["stage"] == "refused" and "PPPP" in s["hint"] for s in r), r
EOF2
}

python3 "$TOP/regress/integ/diagsrc.py" junk 500 127.0.0.1:$CAM || fail "junk 500"
wait_for 10 count 64 127.77.1.250 || fail "after 500: $(head -c 300 "$OUT/d.json")"
before=$(rss)
python3 "$TOP/regress/integ/diagsrc.py" junk 10000 127.0.0.1:$CAM || fail "junk 10000"
wait_for 20 count 64 127.77.39.250 || fail "after 10000: $(head -c 300 "$OUT/d.json")"
after=$(rss)
say "engine VmRSS ${before} KB after 500 sources, ${after} KB after 10 500"
[ $((after - before)) -le 256 ] || fail "engine grew by $((after - before)) KB"
python3 - "$OUT/d.json" <<'EOF2' || fail "the list is not the newest 64"
import json, sys
r = json.load(open(sys.argv[1]))["recent"]
want = ["127.77.%d.%d" % (i // 250, 1 + i % 250) for i in range(9999, 9999 - 64, -1)]
got = [s["address"] for s in r]
assert got == want, (got[:5], want[:5])
EOF2
n=$(grep -c 'source 127\.77\.' "$OUT/v720d.log")
say "$n stage-change log lines for 10 500 sources"
[ "$n" -le 200 ] || fail "$n log lines: not rate-limited"
"$V720CTL" -s "$OUT/ctl.sock" show cameras >/dev/null || fail "engine stopped answering"
"$V720CTL" -s "$OUT/ctl.sock" doctor >"$OUT/doctor.out" 2>&1
[ "$(grep -c '^FAIL camera 127\.77\.' "$OUT/doctor.out")" -eq 64 ] ||
    fail "doctor shows $(grep -c '^FAIL camera' "$OUT/doctor.out") sources, want 64"
kill -0 "$V720D_PID" 2>/dev/null || fail "v720d died"
exit 0
