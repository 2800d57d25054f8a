# Shell helpers for the MQTT tests (t-70..t-74, t-98) and the MQTT bench;
# sourced after lib.sh.
# A real mosquitto runs the shipped etc/mosquitto-v720d.conf with only its
# two ports and the ACL and plugin paths changed.

command -v mosquitto >/dev/null || fail "mosquitto missing (apt-get install mosquitto)"
command -v mosquitto_sub >/dev/null || fail "mosquitto_sub missing (mosquitto-clients)"
V720MQTT=$BUILD/v720d/mqtt/v720-mqtt
[ -x "$V720MQTT" ] || fail "no $V720MQTT"

# start_broker CAMPORT LOCALPORT: the shipped config on these ports.
start_broker() {
	MQ_CAM=$1 MQ_LOCAL=$2
	sed -e "s/^listener 1883\$/listener $MQ_CAM 127.0.0.1/" \
	    -e "s/^listener 1884 /listener $MQ_LOCAL /" \
	    -e "s|/etc/mosquitto/v720d.acl|$TOP/etc/mosquitto-v720d.acl|" \
	    -e "s|@PREFIX@/lib/v720d/mosquitto-v720d.so|$BUILD/v720d/mosquitto/mosquitto-v720d.so|" \
	    "$TOP/etc/mosquitto-v720d.conf" >"$OUT/mosquitto.conf"
	grep -q "^listener $MQ_CAM " "$OUT/mosquitto.conf" &&
	    grep -q "^listener $MQ_LOCAL " "$OUT/mosquitto.conf" ||
	    fail "shipped mosquitto config has no listeners 1883 and 1884"
	mosquitto -c "$OUT/mosquitto.conf" >>"$OUT/mosquitto.log" 2>&1 &
	BROKER_PID=$!
	CLEANUP_PIDS="$CLEANUP_PIDS $BROKER_PID"
	wait_for 10 mosquitto_pub -h 127.0.0.1 -p "$MQ_LOCAL" -t probe -n ||
	    fail "mosquitto did not start: $(tail -3 "$OUT/mosquitto.log")"
}

stop_broker() {
	kill -TERM "$BROKER_PID" 2>/dev/null
	wait "$BROKER_PID" 2>/dev/null
}

# msub TOPIC COUNT SECS [mosquitto_sub flags]: "topic payload" lines of
# what a Home Assistant subscribing now would get.
msub() {
	_t=$1 _c=$2 _w=$3; shift 3
	mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -t "$_t" -v -C "$_c" \
	    -W "$_w" "$@" 2>/dev/null
}
# retained TOPIC: its retained payload (empty if none).
retained() {
	mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -t "$1" -C 1 -W 2 \
	    --retained-only 2>/dev/null
}
mpub() {
	mosquitto_pub -h 127.0.0.1 -p "$MQ_LOCAL" "$@"
}
# jfield JSON KEY: a top-level value of a JSON object (python3).
jfield() {
	python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print("null" if v is None else v)' "$1" "$2"
}

# mqtt_v720d BASE [CONFIG LINE...]: what the tests with a whole v720d and
# a broker share.  The broker on BASE+1 (cameras) and BASE+2 (local), the
# daemon's camera, bootstrap and web listeners on BASE+3..BASE+5 and
# "mqtt broker" on the local port (CAMPORT, BOOTPORT, WEBPORT, SOCK,
# CONF, CAMLOG set); more config lines after those; v720d started and
# its control socket up.
mqtt_v720d() {
	_base=$1; shift
	chmod 0755 "$OUT"
	CAMPORT=$((_base + 3)) BOOTPORT=$((_base + 4)) WEBPORT=$((_base + 5))
	SOCK=$OUT/ctl.sock CONF=$OUT/v720d.conf CAMLOG=$OUT/cam.log
	start_broker $((_base + 1)) $((_base + 2))
	{
		cat <<CONF
user "$TEST_USER"
camera listen on 127.0.0.1 port $CAMPORT
bootstrap listen on 127.0.0.1 port $BOOTPORT
web listen on 127.0.0.1 port $WEBPORT
control socket "$SOCK"
mqtt broker 127.0.0.1 port $MQ_LOCAL
CONF
		for _l; do echo "$_l"; done
	} >"$CONF"
	"$V720D" -n -f "$CONF" >"$OUT/conf.check" 2>&1 ||
	    fail "config rejected: $(cat "$OUT/conf.check")"
	start_v720d "$CONF"
	wait_for 10 test -S "$SOCK" ||
	    fail "v720d did not start: $(tail "$OUT/v720d.log")"
}

# mqtt_online: v720d's mqtt child says "online" on v720d/status.
mqtt_online() {
	[ "$(mosquitto_sub -h 127.0.0.1 -p "$MQ_LOCAL" -t v720d/status -C 1 -W 2)" = online ]
}
