#!/bin/sh
# Run every whole-process test regress/integ/t-*.sh against a build tree.
#   sh regress/integ/run.sh [BUILD] [pattern]
# Each test gets BUILD (binaries), TOP (source tree), SHARED (../shared)
# and OUT (its own output directory, kept for reading after a failure).
# A test exits 0 (pass), 77 (skipped, with a reason) or anything else (fail).
top=$(cd "$(dirname "$0")/../.." && pwd)
b=${1:-.}
case $b in /*) ;; *) b=$top/$b ;; esac
pat=${2:-}
export BUILD=$(cd "$b" && pwd) TOP="$top"
export SHARED=${SHARED:-$(cd "$top/../shared" 2>/dev/null && pwd)}
# LeakSanitizer cannot inspect a process that dropped privileges (it is no
# longer dumpable), so the privsep children would die with a LeakSanitizer
# error at exit; t-14-leaks checks for leaks in a non-root run instead.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fail=0 pass=0 skip=0 failed=
for t in "$top"/regress/integ/t-*.sh; do
	name=$(basename "$t" .sh)
	case $name in *"$pat"*) ;; *) continue ;; esac
	export OUT="$top/regress/out/$(basename "$BUILD")/$name"
	rm -rf "$OUT"; mkdir -p "$OUT"
	start=$(date +%s)
	timeout -k 5 600 sh "$t" >"$OUT/log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0)	pass=$((pass + 1)); echo "ok    $name (${secs}s)" ;;
	77)	skip=$((skip + 1)); echo "skip  $name: $(tail -n 1 "$OUT/log")" ;;
	*)	fail=$((fail + 1)); failed="$failed $name"
		echo "FAIL  $name (exit $rc, ${secs}s), last lines of $OUT/log:"
		tail -n 25 "$OUT/log" | sed 's/^/    /' ;;
	esac
done
echo "integration ($BUILD): $pass passed, $skip skipped, $fail failed${failed:+:$failed}"
[ $fail -eq 0 ]
