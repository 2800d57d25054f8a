# v720-mqtt: the MQTT child, its own executable so that only it maps
# libmosquitto.  payload.c (pure parsing) is shared with the unit tests
# and the fuzzer.
MOSQ_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags libmosquitto 2>/dev/null)
MOSQ_LIBS	:= $(shell $(PKG_CONFIG) --libs libmosquitto 2>/dev/null)
MQTT_SRCS	:= $(wildcard v720d/mqtt/*.c)
MQTT_OBJS	:= $(call objs,$(MQTT_SRCS))
PROGS		+= $(B)v720d/mqtt/v720-mqtt

$(MQTT_OBJS): CPPFLAGS += $(MOSQ_CFLAGS)
$(B)v720d/mqtt/v720-mqtt: $(MQTT_OBJS) $(COMMON_OBJS)
	$(LINK) $(MOSQ_LIBS)
