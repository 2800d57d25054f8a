# v720-recorder: the recording child, its own executable because it links
# libavformat and libjpeg (the parent and the engine never map them).
REC_PKGS	:= libavformat libavcodec libavutil libjpeg
REC_LIBS	:= $(shell $(PKG_CONFIG) --libs $(REC_PKGS) 2>/dev/null)
REC_SRCS	:= $(wildcard v720d/recorder/*.c)
REC_OBJS	:= $(call objs,$(REC_SRCS))
PROGS		+= $(B)v720d/recorder/v720-recorder

$(B)v720d/recorder/v720-recorder: $(REC_OBJS) $(COMMON_OBJS)
	$(LINK) $(REC_LIBS)
