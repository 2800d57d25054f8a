#!/bin/sh
# Run every unit test binary of a build tree ("." or build-asan); fail if any fails.
# VALGRIND=1 runs them under valgrind's memcheck: any leak or error fails.
#
# Under valgrind, the binaries that link every library the probe
# (regress/unit/vgprobe.c: libavcodec) links are run only if valgrind
# can run the probe on this machine: some CPUs have instructions
# valgrind does not know in those libraries' load-time initialisers
# (libhwy under libavcodec on AMD CPUs with valgrind 3.19).  Where it
# cannot, each such binary is named as skipped, with the probe's own
# words; they run natively and under ASan+UBSan in the other stages.
# The probe's verdict can be forced with V720D_VALGRIND_PROBE=pass|fail.
#
# The 32-bit build's (build-m32) run natively where the kernel runs
# i386 programs, else under qemu-user (regress/i386.sh); the last line
# says which.  Under qemu-user the probe regress/unit/qemusig.c says
# whether qemu loses a thread's TLS after a signal; if it does, the
# one test that needs that (test_chan's signals) says it is skipped.
b=${1:-.}
bin=$b/regress/unit/bin
wrap=
i386=
if [ "$(od -An -tx1 -j4 -N1 "$bin/test_chan" 2>/dev/null)" = " 01" ]; then
	i386=natively
	# Inside i386.sh's namespace i386 programs run: through qemu.
	if [ -n "${V720D_I386_NS:-}" ] ||
	    ! /bin/sh -c 'exec /lib/ld-linux.so.2 --version' >/dev/null 2>&1; then
		qemu=$(qemu-i386 --version 2>/dev/null | sed -n '1s/ version / /p')
		i386="under ${qemu:=qemu-i386} (this kernel cannot run i386 programs; binfmt_misc of a user namespace)"
		if [ -z "${V720D_I386_NS:-}" ]; then
			V720D_I386_NS=1
			export V720D_I386_NS
			exec sh "$(dirname "$0")/i386.sh" sh "$0" "$@"
		fi
		if ! why=$("$bin/qemusig"); then
			V720D_QEMU_USER=$qemu
			V720D_QEMU_USER_WHY="the probe $bin/qemusig: ${why:-it failed}"
			export V720D_QEMU_USER V720D_QEMU_USER_WHY
		fi
	fi
fi
vgdir=
# DT_NEEDED of an executable, one per line, libc aside.
needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' |
	    grep -v '^libc\.so'
}
probe_libs=
probe_why=
if [ -n "${VALGRIND:-}" ]; then
	# Criterion runs each test in a child: follow them, one log per pid,
	# and read the verdicts from the logs (the children's exit codes are
	# the tests' own).  The system's programs some tests run (ffprobe,
	# tr, grep) are not ours to check.
	vgdir=$(mktemp -d /tmp/v720d-valgrind.XXXXXX)
	wrap="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --trace-children=yes --trace-children-skip=/bin/*,/usr/bin/*,/usr/sbin/* --log-file=$vgdir/vg.%p"
	# Without the probe nothing can be decided: fail, never skip.
	if [ ! -x "$bin/vgprobe" ] || ! probe_libs=$(needed "$bin/vgprobe") ||
	    [ -z "$probe_libs" ]; then
		echo "FAIL: no valgrind probe $bin/vgprobe (make units builds it)" >&2
		rm -rf "$vgdir"
		exit 1
	fi
	case ${V720D_VALGRIND_PROBE:-} in
	"")
		if ! valgrind -q --error-exitcode=99 "$bin/vgprobe" \
		    >"$vgdir/probe.out" 2>"$vgdir/probe.err"; then
			# valgrind's own account of what stopped the probe
			probe_why=$(sed -n 's/^==[0-9]*== *//p' "$vgdir/probe.err" |
			    grep -v '^$' | head -n 3 | paste -s -d ';' -)
			probe_why="valgrind cannot run it on this machine: ${probe_why:-exit status not 0}"
		fi ;;
	pass)	;;
	fail)	probe_why="its failure is forced by V720D_VALGRIND_PROBE=fail" ;;
	*)	echo "FAIL: V720D_VALGRIND_PROBE is pass, fail or unset, not \"$V720D_VALGRIND_PROBE\"" >&2
		rm -rf "$vgdir"
		exit 1 ;;
	esac
	rm -f "$vgdir"/probe.*
fi
# gated BINARY: it links every library of the probe.
gated() {
	_have=$(needed "$1")
	for _l in $probe_libs; do
		echo "$_have" | grep -qxF "$_l" || return 1
	done
	return 0
}
fail=0
n=0
ran=
skipped=
for t in "$bin"/test_*; do
	[ -x "$t" ] || continue
	n=$((n + 1))
	if [ -n "$probe_why" ] && gated "$t"; then
		skipped="$skipped ${t##*/}"
		continue
	fi
	ran="$ran ${t##*/}"
	if ! $wrap "$t" --jobs 1 --short-filename; then
		echo "FAIL: $t" >&2
		fail=1
	fi
done
# No binaries is a build that failed, never a pass.
if [ $n = 0 ]; then
	echo "FAIL: no unit test binaries in $bin (make units builds them)" >&2
	fail=1
fi
if [ -n "$vgdir" ]; then
	if grep -l -E 'definitely lost|indirectly lost|Invalid (read|write)|uninitialised|Conditional jump' "$vgdir"/vg.* 2>/dev/null; then
		echo "valgrind found errors or leaks:" >&2
		cat "$vgdir"/vg.* | head -n 60 >&2
		fail=1
	fi
	rm -rf "$vgdir"
	echo "under valgrind:$ran"
	if [ -n "$skipped" ]; then
		echo "SKIPPED under valgrind:$skipped"
		echo "  why: they link $(echo $probe_libs), and the probe $bin/vgprobe, which links the same, did not run under valgrind: $probe_why"
		echo "  they still run natively (\"unit tests\") and under ASan+UBSan (\"unit tests (ASan+UBSan)\")"
	fi
fi
echo "unit tests ($b${vgdir:+, valgrind}${i386:+, 32-bit $i386}): $n binaries${skipped:+, $(echo $skipped | wc -w) of them SKIPPED under valgrind (see above)}, $([ $fail = 0 ] && echo all passed || echo FAILURES)"
exit $fail
