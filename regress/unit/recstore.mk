UNIT_DEPS_recstore := v720d/recorder/store.c v720d/recorder/record.c \
	v720d/recorder/mux.c v720d/recorder/motion.c v720d/recorder/jpegdc.c v720d/recorder/recindex.c \
	regress/camsim/scene.c
UNIT_LIBS_recstore = $(REC_LIBS)
