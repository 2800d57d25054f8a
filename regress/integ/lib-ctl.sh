# Shell helpers for the v720ctl tests (t-50, t-51, t-52); sourced after lib.sh.
# CTL_SOCK, when set, is passed to v720ctl as -s.

# run NAME ARGS...: v720ctl's stdout, stderr and status in $OUT/NAME.*
run() {
	_n=$1; shift
	"$V720CTL" ${CTL_SOCK:+-s "$CTL_SOCK"} "$@" >"$OUT/$_n.out" \
	    2>"$OUT/$_n.err"
	echo $? >"$OUT/$_n.rc"
}
rc() { cat "$OUT/$1.rc"; }
# ok NAME: exit 0, nothing on stderr.
ok() {
	[ "$(rc "$1")" = 0 ] ||
	    fail "$1: exit $(rc "$1"): $(cat "$OUT/$1.err")"
	[ ! -s "$OUT/$1.err" ] || fail "$1: stderr: $(cat "$OUT/$1.err")"
}
# one_line_error NAME TEXT: exit 1, one line holding TEXT on stderr, no output.
one_line_error() {
	[ "$(rc "$1")" = 1 ] || fail "$1: exit $(rc "$1"), expected 1"
	[ "$(wc -l <"$OUT/$1.err")" -eq 1 ] ||
	    fail "$1: expected one line on stderr, got: $(cat "$OUT/$1.err")"
	[ ! -s "$OUT/$1.out" ] || fail "$1: printed on stdout"
	grep -q -- "$2" "$OUT/$1.err" ||
	    fail "$1: stderr lacks \"$2\": $(cat "$OUT/$1.err")"
}
# The user for the children: the test user as root, else ourselves.
ctl_user() {
	if [ "$(id -u)" -eq 0 ]; then
		ensure_test_user
		chmod 0755 "$OUT"
		echo "$TEST_USER"
	else
		id -un
	fi
}
