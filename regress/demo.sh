#!/bin/sh
# make demo: v720d with simulated cameras on loopback, until Ctrl-C
# (or DEMO_SECONDS).  As root it runs with full privilege separation
# (creating the _v720d user if needed); as anyone else, as that user.
top=$(cd "$(dirname "$0")/.." && pwd)
cams=${DEMO_CAMERAS:-3}
port=${DEMO_PORT:-8080}
mqport=${DEMO_MQTT_PORT:-18830}
rtspport=${DEMO_RTSP_PORT:-8554}
dir=$(mktemp -d /tmp/v720d-demo.XXXXXX)
chmod 755 "$dir"
user=_v720d
if [ "$(id -u)" -eq 0 ] && ! id "$user" >/dev/null 2>&1; then
	useradd -r -M -d /var/empty -s /usr/sbin/nologin "$user" ||
	    { echo "cannot create user $user" >&2; exit 1; }
fi
cat >"$dir/v720d.conf" <<CONF
# make demo: everything on loopback, nothing leaves the machine.
user "$user"
camera listen on 127.0.0.1 port 6123
bootstrap listen on 127.0.0.1 port 8081
server address 127.0.0.1
# All simulated cameras come from 127.0.0.1.
camera connections per address 4096
web listen on 127.0.0.1 port $port
# RTSP on TCP $rtspport, RTP/RTCP over UDP $rtspport-$((rtspport + 3)).
rtsp listen on 127.0.0.1 port $rtspport
control socket "$dir/v720d.sock"
camera "0800c0000001" {
	name "Front door"
}
camera "0800c0000002" {
	name "Garden"
	stream always
}
CONF

# With mosquitto installed: a private broker on loopback (the shipped
# configuration, its two listeners moved to $mqport and $mqport+1), the
# cameras on MQTT too, and v720d publishing them for Home Assistant.
mqtt=
if command -v mosquitto >/dev/null 2>&1; then
	mqtt=1
	sed -e "s/^listener 1883\$/listener $mqport 127.0.0.1/" \
	    -e "s/^listener 1884 /listener $((mqport + 1)) /" \
	    -e "s|/etc/mosquitto/v720d.acl|$top/etc/mosquitto-v720d.acl|" \
	    "$top/etc/mosquitto-v720d.conf" >"$dir/mosquitto.conf"
	echo "mqtt broker 127.0.0.1 port $((mqport + 1))" >>"$dir/v720d.conf"
fi

pids=
stop() {
	trap - INT TERM EXIT
	# v720d first, so that it says offline to the broker before it goes.
	for p in $(echo $pids | tr ' ' '\n' | sort -rn); do kill -TERM "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$dir"
	echo "demo stopped"
	exit 0
}
trap stop INT TERM EXIT

if [ -n "$mqtt" ]; then
	mosquitto -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 &
	pids="$!"
	sleep 0.5
fi
"$top/v720d/v720d" -d -f "$dir/v720d.conf" 2>"$dir/v720d.log" &
pids="$pids $!"
i=0
while [ ! -S "$dir/v720d.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -S "$dir/v720d.sock" ]; then
	echo "v720d did not start:" >&2
	cat "$dir/v720d.log" >&2
	exit 1
fi
"$top/regress/camsim/camsim" --cameras "$cams" --uid 0800c0 \
    --bootstrap 127.0.0.1:8081 --audio ${mqtt:+--mqtt 127.0.0.1:$mqport} \
    2>"$dir/camsim.log" >/dev/null &
pids="$pids $!"

cat <<MSG

  v720d is running with $cams simulated cameras on loopback.

    viewer:    http://127.0.0.1:$port/
    API:       http://127.0.0.1:$port/api/cameras
    control:   $top/v720ctl/v720ctl -s $dir/v720d.sock show cameras
    logs:      $dir/v720d.log, $dir/camsim.log

    RTSP:      rtsp://127.0.0.1:$rtspport/0800c0000001 (RTP/JPEG + A-law sound)
               rtsp://127.0.0.1:$rtspport/0800c0000001/h264 (H.264 + A-law sound)
      ffplay -rtsp_transport tcp rtsp://127.0.0.1:$rtspport/0800c0000001
      ffplay -rtsp_transport tcp rtsp://127.0.0.1:$rtspport/0800c0000001/h264
      vlc rtsp://127.0.0.1:$rtspport/0800c0000001/h264

MSG
if [ -n "$mqtt" ]; then
	cat <<MSG
    MQTT:      a private mosquitto; cameras on 127.0.0.1:$mqport, v720d and
               Home Assistant on 127.0.0.1:$((mqport + 1)).  Watch:
      mosquitto_sub -h 127.0.0.1 -p $((mqport + 1)) -v -t 'v720d/#'
      mosquitto_sub -h 127.0.0.1 -p $((mqport + 1)) -v -t 'homeassistant/+/+/+/config'
      mosquitto_sub -h 127.0.0.1 -p $((mqport + 1)) -v -t 'Naxclow/P2P/Users/Device/#'
    a command: mosquitto_pub -h 127.0.0.1 -p $((mqport + 1)) -t v720d/0800c0000001/set/ir_led -m auto
MSG
else
	echo "    MQTT:      not shown (install mosquitto for the Home Assistant side)"
fi
cat <<MSG

  Ctrl-C stops the demo.
MSG
if [ -n "${DEMO_SECONDS:-}" ]; then
	sleep "$DEMO_SECONDS"
	stop
fi
wait
