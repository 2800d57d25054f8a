#!/bin/sh
# make check: every stage runs even when an earlier one failed, so one
# run shows everything that is wrong; the exit status says whether all
# passed.
#
# Two lanes run side by side once the normal build is done:
#   lane 1: unit tests, integration tests, unit tests under valgrind,
#           a fuzz smoke run;
#   lane 2: the ASan+UBSan build, its unit and integration tests, the
#           32-bit build (README: 32-bit size_t, long, time_t) and its
#           unit tests.
# As root each lane runs in a network namespace of its own, so both can
# bind the fixed loopback ports of the integration tests at once (and
# nothing they do is visible outside).  Without root, or with
# CHECK_SERIAL=1, the lanes run one after the other.  A stage's output
# is printed when it ends, so the two lanes do not interleave lines.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
make=${MAKE:-make}
logs=$top/regress/out/check
rm -rf "$logs"
mkdir -p "$logs"

# stage LANE NAME COMMAND...: run, keep the output, print it with a verdict.
stage() {
	lane=$1 name=$2; shift 2
	log=$logs/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-').log
	start=$(date +%s)
	if "$@" >"$log" 2>&1; then
		verdict=ok
	else
		verdict=FAILED
		echo "$name" >>"$logs/failed"
	fi
	secs=$(( $(date +%s) - start ))
	{ echo "==== $name"; cat "$log"; echo "==== $name: $verdict ($secs s)"; } |
	    flock "$logs/print.lock" cat
}

netns=
if [ "$(id -u)" -eq 0 ] && [ -z "${CHECK_SERIAL:-}" ] &&
    command -v ip >/dev/null 2>&1; then
	netns="v720check1-$$ v720check2-$$"
	for n in $netns; do
		# The tests' fixed ports (20000-39999) never collide with
		# a client's ephemeral port: the namespace hands out only
		# ports above them.
		ip netns add "$n" && ip netns exec "$n" ip link set lo up &&
		    ip netns exec "$n" sysctl -qw \
		    net.ipv4.ip_local_port_range="40000 60999" ||
		    { echo "cannot make network namespace $n; running serially"
		      netns=; break; }
	done
fi
cleanup() {
	for n in $netns; do ip netns delete "$n" 2>/dev/null; done
}
trap cleanup EXIT INT TERM

# in_lane N COMMAND...: in lane N's namespace, if any.
in_lane() {
	_l=$1; shift
	if [ -n "$netns" ]; then
		ip netns exec "v720check$_l-$$" "$@"
	else
		"$@"
	fi
}

lane1() {
	stage 1 "unit tests" in_lane 1 sh regress/run-units.sh .
	stage 1 "integration tests" in_lane 1 sh regress/integ/run.sh .
	stage 1 "unit tests under valgrind" in_lane 1 env VALGRIND=1 \
	    sh regress/run-units.sh .
	stage 1 "fuzz smoke (10 s a target)" sh regress/fuzz/run.sh 10
}
lane2() {
	stage 2 "ASan+UBSan build" $make -s B=build-asan/ SAN=1 progs units
	stage 2 "unit tests (ASan+UBSan)" in_lane 2 sh regress/run-units.sh build-asan
	stage 2 "integration tests (ASan+UBSan)" in_lane 2 \
	    sh regress/integ/run.sh build-asan
	# Last in the shorter lane: it overlaps lane 1's valgrind run.
	stage 2 "32-bit build (-m32)" $make -s B=build-m32/ M32=1 progs units
	# Natively or under qemu-user: its last line says which.
	stage 2 "unit tests (32-bit)" in_lane 2 sh regress/run-units.sh build-m32
}

begin=$(date +%s)
# The normal build first: it generates sources (parse.c, the page) that
# the sanitizer build shares.
stage 0 "build" $make -s progs units
if [ -n "$netns" ]; then
	lane1 &
	p1=$!
	lane2 &
	p2=$!
	wait $p1 $p2
else
	lane1
	lane2
fi
echo "make check: $(( $(date +%s) - begin )) s"
# Never a silent skip: the summary repeats what a stage left out.
grep -h -A 2 '^SKIPPED' "$logs"/*.log 2>/dev/null | sed 's/^/make check: /'
if [ -s "$logs/failed" ]; then
	echo "make check FAILED:"
	sed 's/^/  - /' "$logs/failed"
	exit 1
fi
echo "make check: all stages passed"
