#!/bin/sh
# make check: every stage runs even when an earlier one failed, so one
# run shows everything that is wrong; the exit status says whether all
# passed.  Stages: build, unit tests, integration tests, unit tests under
# valgrind, a fuzz smoke run, then build + unit + integration under
# ASan+UBSan.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
make=${MAKE:-make}
failed=
stage() {
	name=$1; shift
	start=$(date +%s)
	echo "==== $name"
	if "$@"; then
		echo "==== $name: ok ($(( $(date +%s) - start )) s)"
	else
		echo "==== $name: FAILED ($(( $(date +%s) - start )) s)"
		failed="$failed
  - $name"
	fi
}
stage "build" $make -s progs units
stage "unit tests" sh regress/run-units.sh .
stage "integration tests" sh regress/integ/run.sh .
stage "unit tests under valgrind" env VALGRIND=1 sh regress/run-units.sh .
stage "fuzz smoke (10 s a target)" sh regress/fuzz/run.sh 10
stage "ASan+UBSan build" $make -s B=build-asan/ SAN=1 progs units
stage "unit tests (ASan+UBSan)" sh regress/run-units.sh build-asan
stage "integration tests (ASan+UBSan)" sh regress/integ/run.sh build-asan
if [ -n "$failed" ]; then
	echo "make check FAILED:$failed"
	exit 1
fi
echo "make check: all stages passed"
