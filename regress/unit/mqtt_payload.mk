# v720-mqtt's broker payload readers (pure).
UNIT_DEPS_mqtt_payload := v720d/mqtt/payload.c
$(B)regress/unit/test_mqtt_payload.o: CPPFLAGS += -Iv720d/mqtt
