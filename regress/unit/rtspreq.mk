UNIT_DEPS_rtspreq := v720d/rtsp/rtspreq.c
