UNIT_DEPS_rtp := v720d/rtsp/rtp.c
