# camsim against a scripted server peer (the tests spawn the camsim binary
# of the same build tree); the peer itself is regress/unit/camsim_peer.c.
UNIT_DEPS_camsim_peer := regress/camsim/frag.c regress/unit/camsim_peer.c
$(B)regress/unit/test_camsim_peer.o $(B)regress/unit/camsim_peer.o: \
    CPPFLAGS += -Iregress/camsim -Iregress/unit -DCAMSIM_TOP='"$(CURDIR)"'
