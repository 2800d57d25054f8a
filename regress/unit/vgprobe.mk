# The valgrind probe (vgprobe.c): linked with exactly the recorder's
# libraries, and no others, so that regress/run-units.sh can tell which
# unit tests link all of them.  Built with the unit tests.
UNIT_TESTS	+= $(B)regress/unit/bin/vgprobe

$(B)regress/unit/bin/vgprobe: $(B)regress/unit/vgprobe.o
	@mkdir -p $(dir $@); echo "  LD      $@"; $(CC) $(ALL_LDFLAGS) -o $@ $^ $(REC_LIBS)
