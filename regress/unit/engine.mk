UNIT_DEPS_engine := v720d/engine.c v720d/camera.c v720d/stream.c v720d/udp.c v720d/control.c v720d/bootstrap.c v720d/bootproto.c v720d/camtcp.c v720d/media.c
