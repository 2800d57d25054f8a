UNIT_DEPS_media := v720d/media.c
