# RTP/JPEG (RFC 2435): v720d/rtsp/rtpjpeg.c with libjpeg-turbo.
UNIT_DEPS_rtpjpeg := v720d/rtsp/rtpjpeg.c
UNIT_LIBS_rtpjpeg = $(shell pkg-config --libs libjpeg 2>/dev/null)
$(B)regress/unit/test_rtpjpeg.o: CPPFLAGS += -DTOP='"$(CURDIR)"'
