#!/bin/sh
# Run every unit test binary of a build tree ("." or build-asan); fail if any fails.
# VALGRIND=1 runs them under valgrind's memcheck: any leak or error fails.
b=${1:-.}
wrap=
vgdir=
if [ -n "${VALGRIND:-}" ]; then
	# Criterion runs each test in a child: follow them, one log per pid,
	# and read the verdicts from the logs (the children's exit codes are
	# the tests' own).  The system's programs some tests run (ffprobe,
	# tr, grep) are not ours to check.
	vgdir=$(mktemp -d /tmp/v720d-valgrind.XXXXXX)
	wrap="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --trace-children=yes --trace-children-skip=/bin/*,/usr/bin/*,/usr/sbin/* --log-file=$vgdir/vg.%p"
fi
fail=0
n=0
for t in "$b"/regress/unit/bin/test_*; do
	[ -x "$t" ] || continue
	n=$((n + 1))
	if ! $wrap "$t" --jobs 1 --short-filename; then
		echo "FAIL: $t" >&2
		fail=1
	fi
done
if [ -n "$vgdir" ]; then
	if grep -l -E 'definitely lost|indirectly lost|Invalid (read|write)|uninitialised|Conditional jump' "$vgdir"/vg.* 2>/dev/null; then
		echo "valgrind found errors or leaks:" >&2
		cat "$vgdir"/vg.* | head -n 60 >&2
		fail=1
	fi
	rm -rf "$vgdir"
fi
echo "unit tests ($b${wrap:+, valgrind}): $n binaries, $([ $fail = 0 ] && echo all passed || echo FAILURES)"
exit $fail
