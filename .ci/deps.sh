#!/bin/sh
# Install the Debian packages v720d needs, once, quietly; nothing when all
# are there.  "deps.sh" is what building needs, "deps.sh test" adds what
# make check uses, "deps.sh m32 DIR" what the 32-bit build needs (below).
# As another user than root it names what to install.
pkgs="make gcc libc6-dev pkg-config byacc libbsd-dev libevent-dev libtls-dev libjsmn-dev
    libcrypt-dev libseccomp-dev libmosquitto-dev mosquitto-dev libavformat-dev libavcodec-dev
    libavutil-dev libjpeg62-turbo-dev"
if [ "${1:-}" = m32 ]; then
	exec sh "$(dirname "$0")/deps-m32.sh" "$2"
fi
if [ "${1:-}" = test ]; then
	pkgs="$pkgs libcriterion-dev clang libclang-rt-14-dev valgrind mandoc
	    curl openssl python3 chromium iproute2 procps util-linux passwd
	    systemd mosquitto mosquitto-clients ffmpeg tshark
	    gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
	    gstreamer1.0-libav"
fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "missing Debian packages:$missing" >&2
	echo "install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1
apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
    { echo "apt-get install$missing failed" >&2; exit 1; }
