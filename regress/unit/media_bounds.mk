UNIT_DEPS_media_bounds := v720d/engine/media.c
