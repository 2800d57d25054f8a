# Shell helpers for the MQTT tests (t-70..t-74); sourced after lib.sh.
# A real mosquitto runs the shipped etc/mosquitto-v720d.conf with only its
# two ports and the ACL path changed.

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
