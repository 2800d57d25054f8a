UNIT_DEPS_bootstrap := v720d/engine/bootproto.c v720d/engine/camtcp.c
