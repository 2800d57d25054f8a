WEB_SRCS	:= $(wildcard v720-web/*.c)
WEB_OBJS	:= $(call objs,$(WEB_SRCS))
PROGS		+= $(B)v720-web/v720-web

$(B)v720-web/v720-web: $(WEB_OBJS) $(COMMON_OBJS)
	$(LINK)
