UNIT_DEPS_ws := v720-web/wsproto.c v720-web/http.c
