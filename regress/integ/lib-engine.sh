# Shell helpers for the camera engine's whole-process tests
# (t-2*-engine-*.sh); source after lib.sh.
CHECK="$TOP/regress/integ/engine-check.py"
CTL_SOCK="$OUT/ctl.sock"

need_python() {
	command -v python3 >/dev/null 2>&1 || skip "needs python3"
}

# engine_conf BASEPORT [config lines...]: writes $OUT/v720d.conf with the
# camera port BASEPORT, bootstrap BASEPORT+1, web BASEPORT+2, the control
# socket under $OUT and the test user for the children.
engine_conf() {
	CAM_PORT=$1
	BOOT_PORT=$(($1 + 1))
	WEB_PORT=$(($1 + 2))
	shift
	{
		echo "user \"$TEST_USER\""
		echo "camera listen on 127.0.0.1 port $CAM_PORT"
		echo "bootstrap listen on 127.0.0.1 port $BOOT_PORT"
		echo "web listen on 127.0.0.1 port $WEB_PORT"
		echo "control socket \"$CTL_SOCK\""
		for _l in "$@"; do echo "$_l"; done
	} >"$OUT/v720d.conf"
}

# engine_start [config lines...]: v720d on the config, waits for the
# control socket and the engine; sets ENGINE_PID.
engine_start() {
	start_v720d "$OUT/v720d.conf"
	wait_for 10 test -S "$CTL_SOCK" || fail "no control socket"
	wait_for 5 child_pid "$V720D_PID" engine || fail "no engine process"
	ENGINE_PID=$(child_pid "$V720D_PID" engine)
}

ctl() { "$V720CTL" -s "$CTL_SOCK" "$@"; }

# cam_field UID FIELD: one field of "v720ctl show camera".
cam_field() { ctl show camera "$1" 2>/dev/null | sed -n "s/^$2: //p"; }

cam_is() { [ "$(cam_field "$1" state)" = "$2" ]; }

# cam_in UID STATE...: the camera is in one of the states, read once:
# "cam_is U a || cam_is U b" reads twice, and a camera going from b to a
# between the reads is in neither.
cam_in() {
	_st=$(cam_field "$1" state)
	shift
	for _s in "$@"; do
		[ "$_st" = "$_s" ] && return 0
	done
	return 1
}

# uids PREFIX N: the uids camsim gives N cameras with --uid PREFIX.
uids() {
	_i=1
	while [ "$_i" -le "$2" ]; do
		printf '%s%0*d\n' "$1" $((12 - ${#1})) "$_i"
		_i=$((_i + 1))
	done
}

# forwards UID: the forward codes camsim's log shows for UID, one a line.
forwards() { python3 "$CHECK" forwards "$OUT/camsim.log" "$1"; }

# is_camsims LOG UID FILE: every sha256 in FILE (one per line) is a frame
# LOG (a camsim log) shows for UID; prints how many, fails on the first
# that is not (a frame from anyone else: an attacker, a mix-up).
is_camsims() {
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
log, uid, path = sys.argv[1:4]
sent = set()
for line in open(log):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("ev") == "frame" and e.get("cam") == uid:
        sent.add(e["sha256"])
got = [l.split()[0] for l in open(path) if l.strip()]
bad = [s for s in got if s not in sent]
print("%d frames, %d not from the camera" % (len(got), len(bad)))
sys.exit(1 if bad or not got else 0)
PY
}
