UNIT_DEPS_webpeer := v720-web/peer.c v720-web/auth.c v720-web/host.c v720-web/http.c
