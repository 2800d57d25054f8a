/*
 * libFuzzer target: what v720-mqtt reads from brokers (v720d/mqtt/
 * payload.c).  The first byte picks the reader: 0 Status, 1 Info, 2 the
 * "code" of an unknown message, 3 a command (topic up to the first NUL,
 * then the payload).  Every accepted result is checked for the bounds
 * the engine relies on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../v720d/mqtt/payload.h"

static void
check_uid(const char *id)
{
	if (id[0] != '\0' && !payload_valid_uid(id, strlen(id)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mqtt_caminfo	 mi;
	struct ha_command	 hc;
	char			 topic[MQTT_TOPIC_MAX + 1];
	const uint8_t		*nul;
	int64_t			 code;
	size_t			 tl;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		if (payload_status((const char *)data + 1, size - 1, &mi) == 0) {
			check_uid(mi.mi_id);
			if (mi.mi_id[0] == '\0' || (mi.mi_online != 0 &&
			    mi.mi_online != 1))
				abort();
		}
		break;
	case 1:
		if (payload_info((const char *)data + 1, size - 1, &mi) == 0) {
			check_uid(mi.mi_id);
			if (mi.mi_battery < -1 || mi.mi_battery > 100 ||
			    mi.mi_ir_led < -1 || mi.mi_ir_led > 2 ||
			    mi.mi_flip == 1 || mi.mi_flip > 4 ||
			    mi.mi_sd_total_mb < -1 || mi.mi_sd_free_mb < -1 ||
			    memchr(mi.mi_wifi, '\0', sizeof(mi.mi_wifi)) == NULL ||
			    memchr(mi.mi_firmware, '\0',
			    sizeof(mi.mi_firmware)) == NULL)
				abort();
		}
		break;
	case 2:
		(void)payload_code((const char *)data + 1, size - 1, &code);
		break;
	case 3:
		if ((nul = memchr(data + 1, '\0', size - 1)) == NULL)
			return 0;
		tl = (size_t)(nul - (data + 1));
		if (tl > MQTT_TOPIC_MAX)
			return 0;
		memcpy(topic, data + 1, tl);
		topic[tl] = '\0';
		if (payload_command("v720d", topic, nul + 1,
		    size - 1 - tl - 1, &hc) == 0) {
			check_uid(hc.hc_id);
			if (hc.hc_cmd < HA_CMD_SET || hc.hc_cmd > HA_CMD_STREAM)
				abort();
		}
		break;
	}
	return 0;
}
