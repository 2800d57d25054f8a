CTL_SRCS	:= $(wildcard v720ctl/*.c)
CTL_OBJS	:= $(call objs,$(CTL_SRCS))
PROGS		+= $(B)v720ctl/v720ctl

$(B)v720ctl/v720ctl: $(CTL_OBJS) $(COMMON_OBJS)
	$(LINK)
