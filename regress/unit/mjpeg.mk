UNIT_DEPS_mjpeg := v720-web/codec.c
