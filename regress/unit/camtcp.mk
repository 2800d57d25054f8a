UNIT_DEPS_camtcp := v720d/camtcp.c
