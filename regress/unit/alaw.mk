UNIT_DEPS_alaw := v720-web/codec.c
