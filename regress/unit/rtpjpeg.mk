# RTP/JPEG (RFC 2435): v720d/rtsp/rtpjpeg.c with libjpeg-turbo; testjpeg.c
# (shared with test_h264) finds the scene files under TOP.
UNIT_DEPS_rtpjpeg := v720d/rtsp/rtpjpeg.c regress/unit/testjpeg.c
UNIT_LIBS_rtpjpeg = $(shell pkg-config --libs libjpeg 2>/dev/null)
$(B)regress/unit/testjpeg.o: CPPFLAGS += -DTOP='"$(CURDIR)"'
