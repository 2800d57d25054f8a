# The qemu-user probe (qemusig.c): regress/run-units.sh runs it where
# qemu-user runs the 32-bit unit tests.  Built with the unit tests.
UNIT_TESTS	+= $(B)regress/unit/bin/qemusig

$(B)regress/unit/bin/qemusig: $(B)regress/unit/qemusig.o
	@mkdir -p $(dir $@); echo "  LD      $@"; $(CC) $(ALL_LDFLAGS) -o $@ $^ -pthread
