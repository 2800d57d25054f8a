UNIT_DEPS_bootstrap := v720d/bootproto.c v720d/camtcp.c
