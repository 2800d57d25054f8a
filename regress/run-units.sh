#!/bin/sh
# Run every unit test binary of a build tree ("." or build-asan); fail if any fails.
b=${1:-.}
fail=0
n=0
for t in "$b"/regress/unit/bin/test_*; do
	[ -x "$t" ] || continue
	n=$((n + 1))
	if ! "$t" --jobs 1 --short-filename; then
		echo "FAIL: $t" >&2
		fail=1
	fi
done
echo "unit tests ($b): $n binaries, $([ $fail = 0 ] && echo all passed || echo FAILURES)"
exit $fail
