#!/bin/sh
# i386.sh COMMAND...: run COMMAND (as root in a user namespace of our
# own) where the kernel hands i386 programs to qemu-i386.  For a kernel
# without IA32 emulation: the 32-bit unit tests' criterion re-executes
# itself for every test, which "qemu-i386 PROGRAM" cannot follow.
# binfmt_misc belongs to the user namespace since Linux 6.7: the entry
# is ours alone and goes with the namespace.  Called by run-units.sh.
if [ "${1:-}" != --inside ]; then
	exec unshare --user --map-root-user --mount sh "$0" --inside "$@"
fi
shift
qemu=$(command -v qemu-i386) || { echo "i386.sh: no qemu-i386" >&2; exit 1; }
b=/proc/sys/fs/binfmt_misc
mount -t binfmt_misc binfmt_misc $b 2>/dev/null || {
	echo "i386.sh: cannot mount binfmt_misc in a user namespace" \
	    "(Linux 6.7 or later can)" >&2
	exit 1
}
# ELF, 32-bit, little-endian, executable or shared object, i386.
printf '%s' ":v720d-i386:M::\\x7fELF\\x01\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x03\\x00:\\xff\\xff\\xff\\xff\\xff\\xfe\\xfe\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:$qemu:POCF" \
    >$b/register || { echo "i386.sh: cannot register qemu-i386" >&2; exit 1; }
exec "$@"
