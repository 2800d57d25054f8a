# msglayout: the wire structs' layout as JSON for the Python fakes
# (msglayout.py reads $(B)regress/integ/msglayout.json).
TESTPROGS	+= $(B)regress/integ/msglayout $(B)regress/integ/msglayout.json

$(B)regress/integ/msglayout: $(B)regress/integ/msglayout.o
	@mkdir -p $(dir $@); echo "  LD      $@"; $(CC) $(ALL_LDFLAGS) -o $@ $^

$(B)regress/integ/msglayout.json: $(B)regress/integ/msglayout
	@echo "  GEN     $@"; $(EMU) $< >$@.tmp && mv $@.tmp $@
