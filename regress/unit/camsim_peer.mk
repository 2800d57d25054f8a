# camsim against a scripted server peer (the test spawns the camsim binary
# of the same build tree).
UNIT_DEPS_camsim_peer := regress/camsim/frag.c
$(B)regress/unit/test_camsim_peer.o: CPPFLAGS += -Iregress/camsim \
    -DCAMSIM_TOP='"$(CURDIR)"'
