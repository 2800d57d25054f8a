#!/bin/sh
# make check's "unit tests under valgrind" on a machine where valgrind
# cannot run FFmpeg's libraries (an AMD CPU: libhwy's initialiser is an
# illegal opcode to valgrind 3.19): the probe's failure, forced here, names
# every binary it keeps from valgrind and why, and the stage passes; the
# others still run under valgrind.  Unforced, the probe decides as it does
# in make check: under valgrind where it can, named as skipped where not.
# Never a silent skip: no probe or a bad forced value fails the stage.
. "$TOP/regress/integ/lib.sh"

command -v valgrind >/dev/null ||
    fail "valgrind is missing (installed by .ci/deps.sh: apt-get install valgrind)"
U=$BUILD/regress/unit/bin
[ -x "$U/vgprobe" ] || fail "$U/vgprobe missing (make units builds it)"
ldd "$U/vgprobe" | grep -q libasan &&
    skip "sanitizer build: valgrind does not run ASan binaries (the normal build's run checks this)"

# A build tree of three unit binaries: one linking FFmpeg, one not, the
# probe.  valgrind is called through a wrapper that notes what it runs.
T=$OUT/tree
mkdir -p "$T/regress/unit/bin" "$OUT/wrap"
for f in vgprobe test_recmux test_alaw; do
	ln -s "$U/$f" "$T/regress/unit/bin/$f"
done
real=$(command -v valgrind)
cat >"$OUT/wrap/valgrind" <<W
#!/bin/sh
for a; do case \$a in */*) echo "\$a" >>"$OUT/valgrind.calls" ;; esac; done
exec "$real" "\$@"
W
chmod +x "$OUT/wrap/valgrind"
units() {
	: >"$OUT/valgrind.calls"
	PATH=$OUT/wrap:$PATH sh "$TOP/regress/run-units.sh" "$T" >"$OUT/$1.out" 2>&1
}
ran() { grep -q "/$1\$" "$OUT/valgrind.calls"; }

# Forced failure: test_recmux named as skipped with the reason, the
# stage passes, test_alaw really ran under valgrind.
V720D_VALGRIND_PROBE=fail VALGRIND=1 units forced ||
    fail "forced probe failure: the stage failed: $(tail -n 5 "$OUT/forced.out")"
grep -q '^SKIPPED under valgrind: test_recmux$' "$OUT/forced.out" ||
    fail "forced probe failure: test_recmux not named as skipped"
grep -q 'forced by V720D_VALGRIND_PROBE=fail' "$OUT/forced.out" ||
    fail "forced probe failure: the output does not say why"
grep -q 'under ASan+UBSan' "$OUT/forced.out" ||
    fail "forced probe failure: the output does not say where they still run"
grep -q '1 of them SKIPPED under valgrind' "$OUT/forced.out" ||
    fail "forced probe failure: the summary line does not count the skip"
ran test_alaw || fail "forced probe failure: test_alaw did not run under valgrind"
ran test_recmux && fail "forced probe failure: test_recmux ran under valgrind"
grep -q '^under valgrind: test_alaw$' "$OUT/forced.out" ||
    fail "forced probe failure: the output does not name what ran under valgrind"

# The probe as make check runs it: if valgrind runs it here, test_recmux
# runs under valgrind (and passes); if not, it is named as skipped with
# valgrind's own words.
VALGRIND=1 units probed ||
    fail "probe: the stage failed: $(tail -n 5 "$OUT/probed.out")"
ran vgprobe || fail "probe: the probe did not run under valgrind"
if valgrind -q --error-exitcode=99 "$U/vgprobe" >/dev/null 2>"$OUT/probe.err"; then
	ran test_recmux || fail "valgrind runs the probe here, yet test_recmux did not run under it"
	grep -q SKIPPED "$OUT/probed.out" && fail "valgrind runs the probe here, yet a binary was skipped"
	say "valgrind runs FFmpeg's libraries here: test_recmux ran under it"
else
	ran test_recmux && fail "the probe fails here, yet test_recmux ran under valgrind"
	grep -q '^SKIPPED under valgrind: test_recmux$' "$OUT/probed.out" ||
	    fail "the probe fails here, yet test_recmux is not named as skipped"
	why=$(sed -n 's/^==[0-9]*== *//p' "$OUT/probe.err" | grep -v '^$' | head -n 1)
	grep -qF "valgrind cannot run it on this machine: $why" "$OUT/probed.out" ||
	    fail "the probe fails here ($why), and the output does not say so"
	say "valgrind cannot run FFmpeg's libraries here ($why): test_recmux named as skipped"
fi

# Nothing decides without the probe, and a mistyped forced value is not
# taken for either verdict: both fail the stage.
rm "$T/regress/unit/bin/vgprobe"
VALGRIND=1 units noprobe && fail "no probe: the stage passed"
grep -q 'no valgrind probe' "$OUT/noprobe.out" || fail "no probe: the output does not say so"
grep -q SKIPPED "$OUT/noprobe.out" && fail "no probe: a binary was skipped"
ln -s "$U/vgprobe" "$T/regress/unit/bin/vgprobe"
V720D_VALGRIND_PROBE=no VALGRIND=1 units badvalue && fail "V720D_VALGRIND_PROBE=no: the stage passed"
grep -q 'V720D_VALGRIND_PROBE is pass, fail or unset' "$OUT/badvalue.out" ||
    fail "V720D_VALGRIND_PROBE=no: the output does not say why it failed"

# Without valgrind the probe changes nothing: all run, none is skipped.
V720D_VALGRIND_PROBE=fail units native || fail "natively: the stage failed"
grep -q SKIPPED "$OUT/native.out" && fail "natively: a binary was skipped"
grep -q 'unit tests .*: 2 binaries, all passed' "$OUT/native.out" ||
    fail "natively: $(tail -n 1 "$OUT/native.out")"
say "ok"
