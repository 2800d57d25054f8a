# camsim's faults seen from the scripted peer of camsim_peer.mk.
UNIT_DEPS_camsim_faults := regress/unit/camsim_peer.c
$(B)regress/unit/test_camsim_faults.o: CPPFLAGS += -Iregress/camsim \
    -Iregress/unit -DCAMSIM_TOP='"$(CURDIR)"'
