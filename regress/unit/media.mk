UNIT_DEPS_media := v720d/engine/media.c
