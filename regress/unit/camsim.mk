# camsim's pure parts: fragmenter, fault injector, SHA-256, A-law tone.
UNIT_DEPS_camsim := regress/camsim/frag.c regress/camsim/fault.c \
		    regress/camsim/sha256.c regress/camsim/audio.c
$(B)regress/unit/test_camsim.o: CPPFLAGS += -Iregress/camsim \
    -DCAMSIM_TOP='"$(CURDIR)"'
