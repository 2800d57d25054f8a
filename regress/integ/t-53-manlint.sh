#!/bin/sh
# Every man page is mandoc -Tlint clean, and documents what exists: each
# v720ctl command of the grammar, each config keyword of keywords.c.
. "$TOP/regress/integ/lib.sh"

command -v mandoc >/dev/null ||
    fail "mandoc is missing (installed by .ci/deps.sh: apt-get install mandoc)"
M=$TOP/man
BS=$(printf '\b')
for p in v720d.8 v720d.conf.5 v720ctl.8 v720-web.8 v720-rtsp.8; do
	[ -f "$M/$p" ] || fail "man/$p missing"
	mandoc -Tlint -Wwarning "$M/$p" >"$OUT/lint.$p" 2>&1 ||
	    fail "mandoc -Tlint $p: $(cat "$OUT/lint.$p")"
	[ ! -s "$OUT/lint.$p" ] || fail "mandoc -Tlint $p: $(cat "$OUT/lint.$p")"
	# Plain text: drop the overstrike of bold and underline.
	mandoc -Tascii "$M/$p" 2>&1 | LC_ALL=C sed "s/.$BS//g" >"$OUT/$p.txt" ||
	    fail "mandoc $p"
done

# Every keyword of the configuration grammar appears in v720d.conf(5).
kw=$(sed -n 's/^[	 ]*{ "\([a-z-]*\)",[	 ]*[A-Z]* },$/\1/p' "$TOP/v720d/keywords.c")
[ -n "$kw" ] || fail "no keywords found in v720d/keywords.c"
for k in $kw; do
	grep -q "Ic.*\\b$k\\b" "$M/v720d.conf.5" ||
	    fail "v720d.conf.5 does not document keyword \"$k\""
done

# Every command of v720ctl's grammar appears in v720ctl(8).
for c in "show cameras" "show camera" "show recordings" "show events" \
    "stream start" "stream stop" snapshot \
    "ir-led" flip "status-led" reboot reload "log verbose" "log brief" \
    "ap" "info" "wifi"; do
	grep -q -- "$c" "$OUT/v720ctl.8.txt" ||
	    fail "v720ctl.8 does not document \"$c\""
	"$V720CTL" help | grep -q -- "${c%% *}" ||
	    fail "v720ctl help does not list \"$c\""
done

# Every route of v720-web's table appears in v720-web(8).
routes=$(sed -n 's/^[	 ]*{ "\([^"]*\)",.*R_[A-Z]* },$/\1/p' "$TOP/v720-web/api.c")
[ -n "$routes" ] || fail "no routes found in v720-web/api.c"
for r in $routes; do
	[ -z "$r" ] && continue
	pat=$(printf '%s' "/$r" | sed 's|[*%]|[a-z]*|g')
	grep -q -- "$pat" "$OUT/v720-web.8.txt" ||
	    fail "v720-web.8 does not document /$r"
done
# The configurations the documentation shows are accepted as they stand.
sed -n '/^# \/etc\/v720d.conf$/,/^\.Ed$/p' "$M/v720d.conf.5" | sed '$d' \
    >"$OUT/example5.conf"
grep -q "^camera " "$OUT/example5.conf" || fail "no example in v720d.conf.5"
sed -n '/^\$ cat > test.conf <<EOF$/,/^EOF$/p' "$M/v720d.8" | sed '1d;$d' \
    >"$OUT/example8.conf"
grep -q "^control socket" "$OUT/example8.conf" || fail "no example in v720d.8"
for f in "$OUT/example5.conf" "$OUT/example8.conf" "$TOP/etc/v720d.conf"; do
	"$V720D" -n -f "$f" >"$OUT/n.out" 2>&1 ||
	    fail "v720d -n $f: $(cat "$OUT/n.out")"
	grep -qx "configuration OK" "$OUT/n.out" || fail "v720d -n $f"
done
say "ok"
