UNIT_DEPS_recmotion := v720d/recorder/motion.c v720d/recorder/jpegdc.c \
	regress/camsim/scene.c regress/unit/testjpeg.c
UNIT_LIBS_recmotion := -ljpeg
