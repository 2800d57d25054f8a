CAMSIM_SRCS	:= $(wildcard regress/camsim/*.c)
CAMSIM_OBJS	:= $(call objs,$(CAMSIM_SRCS))
TESTPROGS	+= $(B)regress/camsim/camsim

# Where camsim finds its JPEG frames unless --data says otherwise.
$(B)regress/camsim/camsim.o: CPPFLAGS += -DCAMSIM_DATADIR='"$(CURDIR)/regress/data"'

$(B)regress/camsim/mqtt.o: CPPFLAGS += $(MOSQ_CFLAGS)
$(B)regress/camsim/camsim: $(CAMSIM_OBJS) $(COMMON_OBJS)
	$(LINK) -lm -ljpeg $(MOSQ_LIBS)
