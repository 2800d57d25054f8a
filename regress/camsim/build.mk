CAMSIM_SRCS	:= $(wildcard regress/camsim/*.c)
CAMSIM_OBJS	:= $(call objs,$(CAMSIM_SRCS))
TESTPROGS	+= $(B)regress/camsim/camsim

$(B)regress/camsim/camsim: $(CAMSIM_OBJS) $(COMMON_OBJS)
	$(LINK) -lm
