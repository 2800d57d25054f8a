# Helpers for the v720-web tests (t-3*-web*.sh); source after lib.sh.
WEBCLIENT="python3 $TOP/regress/integ/webclient.py"

# web_start BASEPORT [extra config lines]: v720d as root with privilege
# separation (camera BASE, bootstrap BASE+1, web BASE+2) and wait for
# the web listener; sets WEB (http://127.0.0.1:BASE+2) and BOOT.
web_start() {
	_base=$1; shift
	CAMPORT=$_base
	BOOT=127.0.0.1:$((_base + 1))
	WEBPORT=$((_base + 2))
	WEB=http://127.0.0.1:$WEBPORT
	cat >"$OUT/v720d.conf" <<CONF
user "$TEST_USER"
camera listen on 127.0.0.1 port $CAMPORT
bootstrap listen on 127.0.0.1 port $((_base + 1))
web listen on 127.0.0.1 port $WEBPORT
control socket "$OUT/ctl.sock"
$*
CONF
	start_v720d "$OUT/v720d.conf"
	wait_for 10 curl -s -o /dev/null "$WEB/metrics" ||
	    fail "v720-web never answered on $WEB"
}

# web_cameras N: wait until /api/cameras lists N cameras not offline.
web_cameras() {
	wait_for 60 sh -c "curl -s '$WEB/api/cameras' | python3 -c '
import json, sys
cams = json.load(sys.stdin)
sys.exit(0 if sum(c[\"state\"] != \"offline\" for c in cams) >= $1 else 1)'" ||
	    fail "$1 cameras never came online: $(curl -s "$WEB/api/cameras")"
}

# req METHOD URL [curl args]: sets CODE, CTYPE, BODY (file $OUT/body).
req() {
	_m=$1 _u=$2; shift 2
	_r=$(curl -s -X "$_m" -o "$OUT/body" -w '%{http_code} %{content_type}' \
	    --max-time 15 "$@" "$_u")
	CODE=${_r%% *}
	CTYPE=${_r#* }
	BODY=$(cat "$OUT/body")
}

# expect CODE CONTENT-TYPE-PREFIX WHAT
expect() {
	[ "$CODE" = "$1" ] || fail "$3: status $CODE, want $1: $BODY"
	case $CTYPE in "$2"*) ;; *) fail "$3: content type '$CTYPE', want $2" ;; esac
}

# jcheck PYTHON-EXPR WHAT: evaluate with j = the JSON body.
jcheck() {
	python3 -c "import json, sys
j = json.load(open('$OUT/body'))
sys.exit(0 if ($1) else 1)" || fail "$2: $BODY"
}

# sent_hashes CAM: sha256 of every frame camsim sent for CAM.
sent_hashes() {
	python3 -c "import json, sys
for l in open('$OUT/camsim.log'):
    e = json.loads(l)
    if e.get('ev') == 'frame' and e.get('cam') == sys.argv[1]:
        print(e['sha256'])" "$1"
}

# forwards CAM CODE: forwards with that code camsim got, one JSON a line.
forwards() {
	python3 -c "import json, sys
for l in open('$OUT/camsim.log'):
    e = json.loads(l)
    if e.get('ev') == 'forward' and e.get('cam') == sys.argv[1] and \
        e.get('code') == int(sys.argv[2]):
        print(json.dumps(e.get('content', {}), sort_keys=True))" "$1" "$2"
}

web_pid() { child_pid "$V720D_PID" v720-web; }

metric() {
	curl -s "$WEB/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}
