#!/bin/sh
# shellcheck disable=SC2086 # word splitting of flag and source lists wanted
# make fuzz / make fuzz-smoke: build every libFuzzer target listed in
# regress/fuzz/targets and run each for SECONDS on a copy of its seed
# corpus.  Exit 1 if a target does not build, has no corpus, or finds a
# crash, leak or sanitizer report (the reproducer stays in build-fuzz/).
#
#   sh regress/fuzz/run.sh [SECONDS [NAME ...]]
#
# targets: one line per target, "NAME src1.c src2.c ..." (paths from the
# top of the tree, or pkg:NAME for a pkg-config package's libraries);
# regress/fuzz/fuzz_NAME.c and common/*.c are always linked in.  Blank lines and "#" comments are ignored.
set -u
secs=${1:-60}
[ $# -gt 0 ] && shift
only="$*"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
out=build-fuzz
cc=${FUZZ_CC:-clang}
pkgs="libbsd-overlay libevent libtls libseccomp"
cflags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
    -fno-sanitize-recover=undefined -std=c11 -D_GNU_SOURCE -D_DEFAULT_SOURCE
    -Icommon $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lcrypt"

mkdir -p "$out"
rc=0
n=0
# Read the list on fd 3 so that the fuzzers cannot eat it from stdin.
while read -r name srcs <&3; do
	case $name in ''|'#'*) continue ;; esac
	if [ -n "$only" ]; then
		case " $only " in *" $name "*) ;; *) continue ;; esac
	fi
	n=$((n + 1))
	bin="$out/fuzz_$name"
	# "pkg:NAME" in the list: link that pkg-config package too.
	files=''
	extra=''
	for s in $srcs; do
		case $s in
		pkg:*) extra="$extra $(pkg-config --libs "${s#pkg:}")" ;;
		*) files="$files $s" ;;
		esac
	done
	main="regress/fuzz/fuzz_$name.c"
	echo "== fuzz_$name: build"
	if ! $cc $cflags -o "$bin" "$main" $files common/*.c $libs $extra; then
		echo "FAIL: fuzz_$name does not build" >&2
		rc=1
		continue
	fi
	seeds="regress/fuzz/corpus/$name"
	if [ ! -d "$seeds" ]; then
		echo "FAIL: fuzz_$name has no seed corpus $seeds" >&2
		rc=1
		continue
	fi
	# A fresh copy: what the run finds stays out of the source tree.
	work="$out/corpus-$name"
	rm -rf "$work" "$out/$name-"*
	mkdir -p "$work"
	cp "$seeds"/* "$work"/ 2>/dev/null
	echo "== fuzz_$name: $secs s"
	if ! ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
	    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
	    -max_len="${FUZZ_MAX_LEN:-65536}" -print_final_stats=1 \
	    -artifact_prefix="$out/$name-" "$work" \
	    >"$out/fuzz_$name.log" 2>&1; then
		tail -n 40 "$out/fuzz_$name.log" >&2
		repro=none
		for f in "$out/$name-"*; do [ -e "$f" ] && repro=$f; done
		echo "FAIL: fuzz_$name (log $out/fuzz_$name.log," \
		    "reproducer $repro)" >&2
		rc=1
		continue
	fi
	grep -E '^stat::(number_of_executed_units|peak_rss_mb)|cov:' \
	    "$out/fuzz_$name.log" | tail -n 3
	echo "ok: fuzz_$name"
done 3<regress/fuzz/targets

[ "$n" -gt 0 ] || { echo "no fuzz targets ran" >&2; rc=1; }
exit $rc
