UNIT_DEPS_camtcp := v720d/engine/camtcp.c
