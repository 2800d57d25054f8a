UNIT_DEPS_diag := v720d/engine/diag.c
