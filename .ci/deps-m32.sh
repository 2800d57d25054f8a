#!/bin/sh
# The i386 libraries for the 32-bit build (make check's "32-bit build"
# stage, GNUmakefile M32=1): i386 stands in for armhf (Raspberry Pi OS
# 32-bit), where size_t, long and time_t are 32 bits too.
#
# Only gcc-multilib and qemu-user are installed with apt (amd64
# packages: the 32-bit C library, its loader /lib/ld-linux.so.2 and the
# emulator).  Every i386 library package, with the i386 packages it
# depends on, is downloaded and unpacked into DIR (the build tree's
# sysroot), its .pc files and links pointed at DIR; the build links and
# runs against DIR (DT_RPATH).  Installing them with apt instead needs
# each Multi-Arch: same package at the same version for both
# architectures: a mirror whose i386 part lags its amd64 part (no i386
# security updates on the one this was written on) makes apt refuse, or
# remove amd64 libraries the other stages need (libevent, criterion).
# Nothing outside DIR changes but dpkg's architecture list and apt's
# cache of .deb files.
root=${1:?usage: deps-m32.sh DIR}
lib=/usr/lib/i386-linux-gnu
pkgs="gcc-multilib qemu-user"
roots="libbsd-dev:i386 libtls-dev:i386 libcrypt-dev:i386 libseccomp-dev:i386
    libmosquitto-dev:i386 libavformat-dev:i386 libavcodec-dev:i386
    libavutil-dev:i386 libjpeg62-turbo-dev:i386 libevent-dev:i386
    libcriterion-dev:i386"
# The C library comes from gcc-multilib (libc6-i386, libc6-dev-i386): a
# libc.so.6 from another build than the loader's must not be found first.
skip="libc6:i386 libc6-dev:i386 linux-libc-dev:i386 libc-dev-bin:i386"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
if [ "$(id -u)" -ne 0 ] && { [ -n "$missing" ] ||
    ! dpkg --print-foreign-architectures | grep -qx i386; }; then
	echo "missing Debian packages:$missing and the i386 architecture" >&2
	echo "install them with: sudo dpkg --add-architecture i386;" \
	    "sudo apt-get update; sudo apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx i386; then
	dpkg --add-architecture i386
	apt-get update -qq >/dev/null 2>&1
fi
if [ -n "$missing" ]; then
	echo "installing Debian packages:$missing" >&2
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	    { echo "apt-get install$missing failed" >&2; exit 1; }
fi
[ -f "$root/.done" ] && exit 0
tmp=$(mktemp -d /tmp/v720d-m32.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The i386 packages the roots need, recursively (alternatives too); no
# i386 package list yet (an architecture added by hand): update once.
closure() {
	apt-cache depends --recurse --no-recommends --no-suggests \
	    --no-conflicts --no-breaks --no-replaces --no-enhances $roots \
	    2>/dev/null | grep '^[a-z0-9].*:i386$' | sort -u
}
list=$(closure)
[ -n "$list" ] || { apt-get update -qq >/dev/null 2>&1; list=$(closure); }
[ -n "$list" ] || { echo "apt-cache depends$roots: nothing" >&2; exit 1; }
# apt's own cache keeps the .deb files, so a fresh clone on the same
# machine needs no download.  apt names the file of each candidate
# version, so a cached older or newer build is never taken instead.
cache=/var/cache/apt/archives
want=
for p in $list; do
	case " $skip " in *" $p "*) ;; *) want="$want $p" ;; esac
done
apt-get download --print-uris $want >"$tmp/uris" 2>/dev/null ||
    { echo "apt-get download --print-uris: failed" >&2; exit 1; }
need=
while read -r uri file rest; do
	if [ -f "$cache/$file" ]; then
		cp "$cache/$file" "$tmp/"
	else
		need="$need ${file%%_*}:i386"
	fi
done <"$tmp/uris"
if [ -n "$need" ]; then
	echo "downloading $(echo $need | wc -w) i386 packages into $root" >&2
	(cd "$tmp" && apt-get download $need >/dev/null 2>&1) ||
	    { echo "apt-get download$need failed" >&2; exit 1; }
	[ -w "$cache" ] && cp "$tmp"/*.deb "$cache/" 2>/dev/null
fi
rm -rf "$root"
mkdir -p "$root"
root=$(cd "$root" && pwd)
for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$root" || exit 1; done
# Absolute links (libz.so -> /lib/i386-linux-gnu/libz.so.1) into DIR.
find "$root" -type l | while read -r l; do
	case $(readlink "$l") in /*) ln -sfn "$root$(readlink "$l")" "$l" ;; esac
done
# So do the linker scripts standing for a library (libbsd.so).
for f in $(find "$root" -name '*.so' -type f -size -4k); do
	grep -q '^GROUP\|^INPUT' "$f" &&
	    sed -i -e "s|\([( ]\)/usr/|\1$root/usr/|g" \
	    -e "s|\([( ]\)/lib/|\1$root/lib/|g" "$f"
done
# Their .pc files name the sysroot; private requirements (static linking
# only) may name packages not unpacked.
sed -i -e "/^[A-Za-z_]*=/s|=/usr|=$root/usr|" \
    -e "s| -\\([IL]\\)/usr| -\\1$root/usr|g" \
    -e '/^Requires.private:/d' -e '/^Libs.private:/d' \
    "$root$lib"/pkgconfig/*.pc "$root"/usr/share/pkgconfig/*.pc 2>/dev/null
touch "$root/.done"
