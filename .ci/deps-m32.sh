#!/bin/sh
# The i386 libraries for the 32-bit build (make check's "32-bit build"
# stage, GNUmakefile M32=1): i386 stands in for armhf (Raspberry Pi OS
# 32-bit), where size_t, long and time_t are 32 bits too.
#
# Most i386 -dev packages co-install with the amd64 ones (Multi-Arch:
# same).  Two do not on Debian 12, and apt would remove the amd64 ones
# the other stages need:
#   libevent-dev   its event-config.h sits in /usr/include, not in the
#                  per-architecture directory;
#   libcriterion-dev  needs libnanomsg5, which is not Multi-Arch.
# Those (and libnanomsg5) are unpacked instead into DIR (the build
# tree's sysroot), their .pc files pointed at it; their runtime
# libraries that do co-install (libevent-*-2.1-7, libgit2, libffi) come
# from apt.  Nothing outside DIR changes but dpkg's architecture list.
root=${1:?usage: deps-m32.sh DIR}
lib=/usr/lib/i386-linux-gnu
pkgs="gcc-multilib qemu-user libbsd-dev:i386 libtls-dev:i386 libcrypt-dev:i386
    libseccomp-dev:i386 libmosquitto-dev:i386 libavformat-dev:i386
    libavcodec-dev:i386 libavutil-dev:i386 libjpeg62-turbo-dev:i386
    libevent-2.1-7:i386 libevent-core-2.1-7:i386 libevent-extra-2.1-7:i386
    libevent-pthreads-2.1-7:i386 libevent-openssl-2.1-7:i386
    libgit2-1.5:i386 libffi8:i386"
unpack="libevent-dev:i386 libcriterion-dev:i386 libcriterion3:i386
    libnanomsg5:i386"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing Debian packages:$missing" >&2
		echo "install them with: sudo dpkg --add-architecture i386;" \
		    "sudo apt-get update; sudo apt-get install$missing" >&2
		exit 1
	fi
	# About 5 minutes and 220 packages on a fresh Debian 12, once.
	echo "installing Debian packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	dpkg --print-foreign-architectures | grep -qx i386 ||
	    dpkg --add-architecture i386
	apt-get update -qq >/dev/null 2>&1
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	    { echo "apt-get install$missing failed" >&2; exit 1; }
fi
[ -f "$root/.done" ] && exit 0
tmp=$(mktemp -d /tmp/v720d-m32.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
# apt's own cache keeps the .deb files, so a fresh clone on the same
# machine needs no download.
cache=/var/cache/apt/archives
need=
for p in $unpack; do
	f=$(ls "$cache/${p%:i386}"_*_i386.deb 2>/dev/null | tail -n 1)
	if [ -n "$f" ]; then cp "$f" "$tmp/"; else need="$need $p"; fi
done
if [ -n "$need" ]; then
	(cd "$tmp" && apt-get download $need >/dev/null 2>&1) ||
	    { echo "apt-get download$need failed" >&2; exit 1; }
	[ -w "$cache" ] && cp "$tmp"/*.deb "$cache/" 2>/dev/null
fi
rm -rf "$root"
mkdir -p "$root"
root=$(cd "$root" && pwd)
for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$root" || exit 1; done
# The unpacked .so links point at runtime libraries apt installed.
for l in "$root$lib"/*.so; do
	[ -e "$l" ] || ln -sf "$lib/$(readlink "$l")" "$l"
done
# Their .pc files name the sysroot; criterion's private requirements
# (static linking only) have no i386 .pc here.
sed -i -e "s|^prefix=/usr|prefix=$root/usr|" \
    -e '/^Requires.private:/d' -e '/^Libs.private:/d' "$root$lib"/pkgconfig/*.pc
touch "$root/.done"
