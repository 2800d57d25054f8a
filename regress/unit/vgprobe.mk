# The valgrind probe (vgprobe.c): linked with libavcodec and nothing
# else, so that regress/run-units.sh can tell which unit tests link it.
# Built with the unit tests.
UNIT_TESTS	+= $(B)regress/unit/bin/vgprobe

$(B)regress/unit/bin/vgprobe: $(B)regress/unit/vgprobe.o
	@mkdir -p $(dir $@); echo "  LD      $@"; $(CC) $(ALL_LDFLAGS) -o $@ $^ $(shell pkg-config --libs libavcodec 2>/dev/null)
