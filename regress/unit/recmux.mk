UNIT_DEPS_recmux := v720d/recorder/mux.c v720d/recorder/motion.c v720d/recorder/jpegdc.c regress/camsim/scene.c
UNIT_LIBS_recmux = $(REC_LIBS)
