#!/bin/sh
# make bench: every regress/bench/*.sh in turn (camsim, coldstart, engine,
# media, web).  Benchmarks print figures (medians and ratios); they never
# pass or fail on speed.
top=$(cd "$(dirname "$0")/../.." && pwd)
export TOP="$top" BUILD="$top"
export SHARED=${SHARED:-$(cd "$top/../shared" 2>/dev/null && pwd)}
rc=0
for b in "$top"/regress/bench/*.sh; do
	case $(basename "$b") in run.sh|lib-*) continue ;; esac
	export OUT="$top/regress/out/bench/$(basename "$b" .sh)"
	rm -rf "$OUT"; mkdir -p "$OUT"
	echo "== $(basename "$b" .sh)"
	sh "$b" || { echo "benchmark $(basename "$b") did not complete" >&2; rc=1; }
done
exit $rc
