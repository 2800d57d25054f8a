#!/bin/sh
# Install the Debian packages the build and the tests need, once, quietly.
# Run by `make`, `make check` and `make demo`; does nothing when all is there.
pkgs="pkg-config libbsd-dev libevent-dev libtls-dev libjsmn-dev libcriterion-dev
    clang libclang-rt-14-dev mandoc curl openssl valgrind chromium iproute2
    procps psmisc"
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
