V720D_SRCS	:= $(filter-out v720d/parse.c,$(wildcard v720d/*.c)) v720d/parse.c
V720D_OBJS	:= $(call objs,$(V720D_SRCS))
PROGS		+= $(B)v720d/v720d
CLEANFILES	+= v720d/parse.c

v720d/parse.c: v720d/parse.y
	byacc -o $@ $<

$(B)v720d/v720d: $(V720D_OBJS) $(COMMON_OBJS)
	$(LINK)
