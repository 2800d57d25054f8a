#!/bin/sh
# Install or uninstall v720d; called by "make install" and "make uninstall":
#	sh etc/install.sh [-u] DESTDIR PREFIX SYSCONFDIR
#
# Layout (PREFIX=/usr/local, SYSCONFDIR=/etc):
#	PREFIX/sbin/v720d, PREFIX/sbin/v720ctl		0755
#	PREFIX/libexec/v720-web				0755 (v720d looks for it
#							at ../libexec/v720-web)
#	PREFIX/libexec/v720-mqtt			0755 (with mqtt broker)
#	PREFIX/libexec/v720-recorder			0755 (while a camera records)
#	PREFIX/libexec/v720-rtsp			0755 (with rtsp listen)
#	PREFIX/lib/v720d/mosquitto-v720d.so		0644 (mosquitto's plugin for
#							the cameras' listener)
#	PREFIX/share/man/man5/v720d.conf.5,
#	PREFIX/share/man/man8/{v720d,v720ctl,v720-web,v720-rtsp}.8	0644
#	SYSCONFDIR/v720d.conf.example			0644; an existing
#							SYSCONFDIR/v720d.conf is
#							never touched
#	PREFIX/share/examples/v720d/{dnsmasq-v720d.conf,rc.d/v720d}
# systemd files go where systemd looks for them: with PREFIX=/usr into the
# vendor directories PREFIX/lib/{systemd/system,sysusers.d,tmpfiles.d},
# with any other PREFIX into the administrator's SYSCONFDIR/{systemd/system,
# sysusers.d,tmpfiles.d}.
#
# Installing into the running system (no DESTDIR, as root, systemd up) also
# creates the _v720d user and /var/empty and reloads systemd; it does not
# enable or start the service.  -u removes exactly the files listed here.
set -eu

uninstall=0
if [ "${1:-}" = "-u" ]; then
	uninstall=1
	shift
fi
if [ $# -ne 3 ]; then
	echo "usage: sh etc/install.sh [-u] DESTDIR PREFIX SYSCONFDIR" >&2
	exit 1
fi
destdir=$1 prefix=$2 sysconfdir=$3
case $prefix in /*) ;; *) echo "install.sh: PREFIX must be absolute" >&2; exit 1 ;; esac
case $sysconfdir in /*) ;; *) echo "install.sh: SYSCONFDIR must be absolute" >&2; exit 1 ;; esac
top=$(cd "$(dirname "$0")/.." && pwd)

sbindir=$prefix/sbin
libexecdir=$prefix/libexec
mandir=$prefix/share/man
exampledir=$prefix/share/examples/v720d
if [ "$prefix" = /usr ]; then
	unitdir=$prefix/lib/systemd/system
	sysusersdir=$prefix/lib/sysusers.d
	tmpfilesdir=$prefix/lib/tmpfiles.d
else
	unitdir=$sysconfdir/systemd/system
	sysusersdir=$sysconfdir/sysusers.d
	tmpfilesdir=$sysconfdir/tmpfiles.d
fi

# The one list: "mode source destination", sources relative to the tree.
# A source ending in .in-place gets @VARIABLES@ substituted.
files() {
	cat <<EOF
0755 v720d/v720d $sbindir/v720d
0755 v720ctl/v720ctl $sbindir/v720ctl
0755 v720-web/v720-web $libexecdir/v720-web
0755 v720d/mqtt/v720-mqtt $libexecdir/v720-mqtt
0755 v720d/recorder/v720-recorder $libexecdir/v720-recorder
0755 v720d/rtsp/v720-rtsp $libexecdir/v720-rtsp
0644 v720d/mosquitto/mosquitto-v720d.so $prefix/lib/v720d/mosquitto-v720d.so
0644 man/v720d.8 $mandir/man8/v720d.8
0644 man/v720ctl.8 $mandir/man8/v720ctl.8
0644 man/v720-web.8 $mandir/man8/v720-web.8
0644 man/v720-rtsp.8 $mandir/man8/v720-rtsp.8
0644 man/v720d.conf.5 $mandir/man5/v720d.conf.5
0644 etc/v720d.service:subst $unitdir/v720d.service
0644 etc/v720d.sysusers $sysusersdir/v720d.conf
0644 etc/v720d.tmpfiles $tmpfilesdir/v720d.conf
0644 etc/v720d.conf $sysconfdir/v720d.conf.example
0644 etc/dnsmasq-v720d.conf $exampledir/dnsmasq-v720d.conf
0644 etc/nginx-v720d.conf $exampledir/nginx-v720d.conf
0644 etc/mosquitto-v720d.conf:subst $exampledir/mosquitto-v720d.conf
0644 etc/mosquitto-v720d.acl $exampledir/mosquitto-v720d.acl
0755 etc/rc.d/v720d:subst $exampledir/rc.d/v720d
EOF
}

subst() {
	sed -e "s|@PREFIX@|$prefix|g" -e "s|@SBINDIR@|$sbindir|g" \
	    -e "s|@LIBEXECDIR@|$libexecdir|g" \
	    -e "s|@SYSCONFDIR@|$sysconfdir|g" "$1"
}

systemd_up() {
	[ -z "$destdir" ] && [ "$(id -u)" -eq 0 ] && [ -d /run/systemd/system ]
}

if [ $uninstall -eq 1 ]; then
	if systemd_up && systemctl is-active --quiet v720d 2>/dev/null; then
		echo "install.sh: v720d is running; stop it with:" \
		    "systemctl disable --now v720d" >&2
	fi
	files | while read -r mode src dst; do
		if [ -e "$destdir$dst" ] || [ -L "$destdir$dst" ]; then
			rm -f "$destdir$dst"
			echo "removed $destdir$dst"
		fi
	done
	rmdir "$destdir$exampledir/rc.d" "$destdir$exampledir" 2>/dev/null || :
	if [ -n "$destdir" ]; then
		# A staging tree: prune the directories left empty.
		find "$destdir" -depth -type d -empty -exec rmdir {} + \
		    2>/dev/null || :
	fi
	if [ -e "$destdir$sysconfdir/v720d.conf" ]; then
		echo "kept $destdir$sysconfdir/v720d.conf"
	fi
	if systemd_up; then
		systemctl daemon-reload || :
	fi
	exit 0
fi

# Everything must be there before anything is copied.
files | while read -r mode src dst; do
	f=$top/${src%:subst}
	if [ ! -f "$f" ]; then
		echo "install.sh: $f is missing (run make first)" >&2
		exit 1
	fi
done

files | while read -r mode src dst; do
	f=$top/${src%:subst}
	d=$destdir$dst
	install -d -m 0755 "$(dirname "$d")"
	case $src in
	*:subst)
		tmp=$(mktemp "$(dirname "$d")/.v720d.XXXXXX")
		subst "$f" >"$tmp"
		chmod "$mode" "$tmp"
		mv -f "$tmp" "$d"
		;;
	*)
		install -m "$mode" "$f" "$d"
		;;
	esac
	echo "installed $d"
done

if systemd_up; then
	command -v systemd-sysusers >/dev/null &&
	    systemd-sysusers "$sysusersdir/v720d.conf"
	command -v systemd-tmpfiles >/dev/null &&
	    systemd-tmpfiles --create "$tmpfilesdir/v720d.conf"
	systemctl daemon-reload
fi
if [ -z "$destdir" ]; then
	cat <<EOF

Next steps:
  cp $sysconfdir/v720d.conf.example $sysconfdir/v720d.conf   # then edit it
  $sbindir/v720d -n                        # check it
  systemctl enable --now v720d
  $sbindir/v720ctl show cameras
EOF
	if ! systemd_up; then
		cat <<EOF
Without systemd running, create the user and the chroot directory first:
  systemd-sysusers $sysusersdir/v720d.conf  (or: useradd -r -M -d /var/empty -s /usr/sbin/nologin _v720d)
  mkdir -p /var/empty
EOF
	fi
fi
