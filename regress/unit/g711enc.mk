UNIT_DEPS_g711enc := v720-web/codec.c v720d/engine/alaw.c
