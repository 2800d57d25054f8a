UNIT_DEPS_http := v720-web/http.c
