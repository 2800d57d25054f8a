# mosquitto-v720d.so: the plugin for the cameras' listener of
# etc/mosquitto-v720d.conf (a camera publishes Status and Info only for
# its own uid).  Position-independent and never sanitized: it is loaded
# into mosquitto(8), which is not built with ASan.  It parses payloads
# with the MQTT child's payload.c.
MOSQP_SRCS	:= v720d/mosquitto/mosquitto-v720d.c v720d/mqtt/payload.c \
		   common/json.c common/jsonw.c common/caminfo.c
MOSQP_OBJS	:= $(patsubst %.c,$(B)v720d/mosquitto/pic/%.o,$(MOSQP_SRCS))
PROGS		+= $(B)v720d/mosquitto/mosquitto-v720d.so

$(B)v720d/mosquitto/pic/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(WARN) -O2 -g -fPIC $(CFLAGS) $(CPPFLAGS) -Iv720d/mqtt -MMD -MP \
	    -c -o $@ $<

$(B)v720d/mosquitto/mosquitto-v720d.so: $(MOSQP_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -shared -o $@ $^ $(shell $(PKG_CONFIG) --libs libbsd-overlay)
