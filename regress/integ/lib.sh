# Shell helpers for whole-process tests; sourced by regress/integ/t-*.sh.
# Needs BUILD, TOP, SHARED, OUT from run.sh (defaults allow running by hand).
set -u
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=$TOP}"
: "${SHARED:=$(cd "$TOP/../shared" && pwd)}"
: "${OUT:=$TOP/regress/out/manual}"
mkdir -p "$OUT"
V720D=$BUILD/v720d/v720d
V720WEB=$BUILD/v720-web/v720-web
V720CTL=$BUILD/v720ctl/v720ctl
CAMSIM=$BUILD/regress/camsim/camsim
TEST_USER=${TEST_USER:-_v720test}
CLEANUP_PIDS=

say() { printf '%s: %s\n' "$(basename "$0" .sh)" "$*"; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "skipped: $*"; exit 77; }
need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root"; }

# An unprivileged user for the children, made once on this machine.
ensure_test_user() {
	id "$TEST_USER" >/dev/null 2>&1 && return 0
	useradd -r -M -d /var/empty -s /usr/sbin/nologin "$TEST_USER" ||
	    fail "cannot create user $TEST_USER"
}

# wait_for SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
	_t=$1; shift
	_n=$((_t * 10))
	while [ $_n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# A process that exists and is not a zombie waiting to be reaped.
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# Children of a pid (direct), one per line.
children_of() { ps -o pid= --ppid "$1" | tr -d ' '; }
# sched_policy PID: the scheduling policies of all the process's threads,
# sorted, one of each (/proc/PID/task/*/stat field 41: 0 SCHED_OTHER,
# 3 SCHED_BATCH).
sched_policy() {
	for _t in /proc/"$1"/task/*/stat; do
		sed 's/.*) //' "$_t" | awk '{ print $39 }'
	done | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# pid of the v720d child whose cmdline contains a word (engine | v720-web).
child_pid() {
	for _c in $(children_of "$1"); do
		tr '\0' ' ' <"/proc/$_c/cmdline" 2>/dev/null | grep -q -- "$2" &&
		    { echo "$_c"; return 0; }
	done
	return 1
}

# start_v720d CONFIG [extra flags]: run v720d -d in the background, its
# stderr in $OUT/v720d.log; sets V720D_PID.
start_v720d() {
	_conf=$1; shift
	"$V720D" -d -v -f "$_conf" "$@" >>"$OUT/v720d.log" 2>&1 &
	V720D_PID=$!
	CLEANUP_PIDS="$CLEANUP_PIDS $V720D_PID"
}

# start_camsim ARGS...: camsim in the background, sets CAMSIM_PID.
start_camsim() {
	"$CAMSIM" "$@" >>"$OUT/camsim.out" 2>>"$OUT/camsim.err" &
	CAMSIM_PID=$!
	CLEANUP_PIDS="$CLEANUP_PIDS $CAMSIM_PID"
}

cleanup() {
	for _p in $CLEANUP_PIDS; do kill -TERM "$_p" 2>/dev/null; done
	sleep 0.3
	for _p in $CLEANUP_PIDS; do kill -KILL "$_p" 2>/dev/null; done
	wait 2>/dev/null
	# A child killed by its seccomp filter made a call its allow-list
	# lacks: fail the test even if nothing else noticed (t-15 kills
	# children that way on purpose and sets SIGSYS_EXPECTED).
	if [ -z "${SIGSYS_EXPECTED:-}" ] && [ -f "$OUT/v720d.log" ] &&
	    grep -q "killed by signal 31" "$OUT/v720d.log"; then
		say "FAIL: a child died of SIGSYS (a call missing from its seccomp allow-list):"
		grep "killed by signal 31" "$OUT/v720d.log" | head -3
		exit 1
	fi
	return 0
}
trap cleanup EXIT INT TERM
