#!/bin/sh
# make demo: v720d with simulated cameras on loopback, until Ctrl-C
# (or DEMO_SECONDS).  As root it runs with full privilege separation
# (creating the _v720d user if needed); as anyone else, as that user.
top=$(cd "$(dirname "$0")/.." && pwd)
cams=${DEMO_CAMERAS:-3}
port=${DEMO_PORT:-8080}
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
web listen on 127.0.0.1 port $port
control socket "$dir/v720d.sock"
camera "0800c0000001" {
	name "Front door"
}
camera "0800c0000002" {
	name "Garden"
	stream always
}
CONF

pids=
stop() {
	trap - INT TERM EXIT
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$dir"
	echo "demo stopped"
	exit 0
}
trap stop INT TERM EXIT

"$top/v720d/v720d" -d -f "$dir/v720d.conf" 2>"$dir/v720d.log" &
pids="$!"
i=0
while [ ! -S "$dir/v720d.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -S "$dir/v720d.sock" ]; then
	echo "v720d did not start:" >&2
	cat "$dir/v720d.log" >&2
	exit 1
fi
"$top/regress/camsim/camsim" --cameras "$cams" --uid 0800c0 \
    --bootstrap 127.0.0.1:8081 --audio 2>"$dir/camsim.log" >/dev/null &
pids="$pids $!"

cat <<MSG

  v720d is running with $cams simulated cameras on loopback.

    viewer:    http://127.0.0.1:$port/
    API:       http://127.0.0.1:$port/api/cameras
    control:   $top/v720ctl/v720ctl -s $dir/v720d.sock show cameras
    logs:      $dir/v720d.log, $dir/camsim.log

  Ctrl-C stops the demo.
MSG
if [ -n "${DEMO_SECONDS:-}" ]; then
	sleep "$DEMO_SECONDS"
	stop
fi
wait
