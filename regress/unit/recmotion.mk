UNIT_DEPS_recmotion := v720d/recorder/motion.c regress/camsim/scene.c
UNIT_LIBS_recmotion := -ljpeg
