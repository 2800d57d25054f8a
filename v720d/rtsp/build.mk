# v720-rtsp: the RTSP child, its own executable because it links the
# H.264 encoder (libavcodec) and libjpeg-turbo.  RTSP_MEDIA_SRCS are the
# pure media modules (RTP/JPEG, RTP/H.264, the encoder), also linked by
# their unit tests.
RTSP_PKGS	:= libavcodec libavutil libjpeg
RTSP_LIBS	:= $(shell $(PKG_CONFIG) --libs $(RTSP_PKGS) 2>/dev/null)
RTSP_MEDIA_SRCS	:= v720d/rtsp/rtpjpeg.c v720d/rtsp/rtph264.c \
		   v720d/rtsp/h264enc.c
# The RTSP server proper (rproto): parser, RTP/RTCP, fan-out, sockets.
RTSP_SERVER_SRCS := v720d/rtsp/rtspreq.c v720d/rtsp/rtp.c \
		    v720d/rtsp/stream.c v720d/rtsp/server.c \
		    v720d/rtsp/method.c v720d/rtsp/auth.c

# The child: its main (rtsp.c, rplumb), the server, the media modules.
RTSP_SRCS	:= v720d/rtsp/rtsp.c $(RTSP_SERVER_SRCS) $(RTSP_MEDIA_SRCS)
RTSP_OBJS	:= $(call objs,$(RTSP_SRCS))
PROGS		+= $(B)v720d/rtsp/v720-rtsp

$(B)v720d/rtsp/v720-rtsp: $(RTSP_OBJS) $(COMMON_OBJS)
	$(LINK) $(RTSP_LIBS)
