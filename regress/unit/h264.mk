# H.264 from JPEG (v720d/rtsp/h264enc.c, libavcodec) and RTP/H.264
# (v720d/rtsp/rtph264.c), checked with libavcodec's h264 decoder.
UNIT_DEPS_h264 := v720d/rtsp/h264enc.c v720d/rtsp/rtph264.c \
		  regress/unit/testjpeg.c
UNIT_LIBS_h264 = $(RTSP_LIBS) -lm
