/* Strict readers of broker payloads; see payload.h. */
#include <stdlib.h>
#include <string.h>

#include "caminfo.h"
#include "json.h"
#include "payload.h"

int
payload_valid_uid(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len >= V720_ID_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char	c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

void
payload_caminfo_init(struct mqtt_caminfo *mi)
{
	size_t	i;

	memset(mi, 0, sizeof(*mi));
	mi->mi_online = mi->mi_battery = mi->mi_sd_total_mb =
	    mi->mi_sd_free_mb = mi->mi_ir_led = mi->mi_status_led =
	    mi->mi_flip = mi->mi_motion_alert = -1;
	for (i = 0; i < sizeof(mi->mi_xset) / sizeof(mi->mi_xset[0]); i++)
		mi->mi_xset[i] = -1;
}

/*
 * A number member: absent is fine (*out untouched), present it must be a
 * bare JSON number (not a string, not true/null) within [min, max].
 */
static int
num(const struct json_doc *d, const char *key, int64_t min, int64_t max,
    int32_t *out)
{
	int64_t	v;
	int	i;
	char	c;

	if ((i = json_find(d, 0, key)) == -1)
		return 0;
	if (d->tok[i].type != JSON_PRIMITIVE)
		return -1;
	c = d->text[d->tok[i].start];
	if (c != '-' && (c < '0' || c > '9'))
		return -1;
	if (json_int(d, i, min, max, &v) == -1)
		return -1;
	*out = (int32_t)v;
	return 0;
}

/* A string member of printable ASCII or UTF-8, no control bytes. */
static int
str(const struct json_doc *d, const char *key, char *out, size_t outsz,
    int uid)
{
	size_t	i, n;
	int	t;

	if ((t = json_find(d, 0, key)) == -1)
		return 0;
	if (d->tok[t].type != JSON_STRING || json_str(d, t, out, outsz) == -1)
		return -1;
	n = strlen(out);
	if (uid)
		return payload_valid_uid(out, n) ? 0 : -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			return -1;
	return 0;
}

static int
parse(struct json_doc *d, const char *p, size_t len)
{
	if (len == 0 || len > MQTT_PAYLOAD_MAX)
		return -1;
	return json_parse(d, p, len);
}

int
payload_status(const char *p, size_t len, struct mqtt_caminfo *mi)
{
	struct json_doc	d;

	payload_caminfo_init(mi);
	if (parse(&d, p, len) == -1)
		return -1;
	if (str(&d, "device", mi->mi_id, sizeof(mi->mi_id), 1) == -1 ||
	    mi->mi_id[0] == '\0' || num(&d, "status", 0, 1, &mi->mi_online) ||
	    mi->mi_online == -1)
		return -1;
	return 0;
}

int
payload_info(const char *p, size_t len, struct mqtt_caminfo *mi)
{
	const struct caminfo_setting	*s;
	struct json_doc			 d;
	size_t				 i;
	int32_t				 flip = -1;

	payload_caminfo_init(mi);
	if (parse(&d, p, len) == -1)
		return -1;
	if (str(&d, "devicesCode", mi->mi_id, sizeof(mi->mi_id), 1) == -1 ||
	    (mi->mi_id[0] == '\0' &&
	    str(&d, "device", mi->mi_id, sizeof(mi->mi_id), 1) == -1) ||
	    str(&d, "version", mi->mi_firmware, sizeof(mi->mi_firmware), 0) ||
	    str(&d, "wifiName", mi->mi_wifi, sizeof(mi->mi_wifi), 0) ||
	    /* -1: no battery (PROTOCOL.md section 11) */
	    num(&d, "devPower", -1, 100, &mi->mi_battery) ||
	    /* MB; -1 while no card was read */
	    num(&d, "SD_blockDisk", -1, INT32_MAX, &mi->mi_sd_total_mb) ||
	    num(&d, "SD_freeDisk", -1, INT32_MAX, &mi->mi_sd_free_mb) ||
	    num(&d, "IrLed", 0, 2, &mi->mi_ir_led) ||
	    num(&d, "instLed", 0, 1, &mi->mi_status_led) ||
	    num(&d, "moveAlert", 0, 1, &mi->mi_motion_alert) ||
	    num(&d, "mirrorFlip", 0, 4, &flip) || flip == 1)
		return -1;
	if (mi->mi_sd_free_mb > mi->mi_sd_total_mb && mi->mi_sd_total_mb >= 0)
		return -1;
	if (json_find(&d, 0, "wifiName") != -1)
		mi->mi_features |= CAMF_WIFINAME;
	if (json_find(&d, 0, "pirDevice") != -1)
		mi->mi_features |= CAMF_PIR;
	/* The settings a camera may have (caminfo_settings): present means
	 * it has it; a value we do not know is shown as null. */
	for (i = 0; i < caminfo_nsettings; i++) {
		s = &caminfo_settings[i];
		if (s->slot < 0 || json_find(&d, 0, s->field) == -1)
			continue;
		if (num(&d, s->field, -1, 1000, &mi->mi_xset[s->slot]) == -1)
			return -1;
		if (s->feature != CAMF_PIR)	/* that one: pirDevice */
			mi->mi_features |= s->feature;
	}
	mi->mi_flip = flip;
	return 0;
}

int
payload_code(const char *p, size_t len, int64_t *code)
{
	struct json_doc	d;
	int		i;

	if (parse(&d, p, len) == -1 || (i = json_find(&d, 0, "code")) == -1 ||
	    d.tok[i].type != JSON_PRIMITIVE)
		return -1;
	return json_int(&d, i, 0, 100000, code);
}

int
payload_command(const char *prefix, const char *topic, const void *payload,
    size_t len, struct ha_command *hc)
{
	const struct caminfo_setting	*s;
	size_t		 plen = strlen(prefix), idlen;
	const char	*id, *rest;
	char		 val[16];

	memset(hc, 0, sizeof(*hc));
	if (strnlen(topic, MQTT_TOPIC_MAX) >= MQTT_TOPIC_MAX ||
	    strncmp(topic, prefix, plen) != 0 || topic[plen] != '/')
		return -1;
	id = topic + plen + 1;
	if ((rest = strchr(id, '/')) == NULL)
		return -1;
	idlen = rest - id;
	if (!payload_valid_uid(id, idlen))
		return -1;
	memcpy(hc->hc_id, id, idlen);
	rest++;
	/* Payloads are short words; anything longer or with a NUL is not. */
	/* (An empty message has no payload pointer at all.) */
	if (len >= sizeof(val) || (len > 0 && (payload == NULL ||
	    memchr(payload, '\0', len) != NULL)))
		return -1;
	if (len > 0)
		memcpy(val, payload, len);
	val[len] = '\0';
	if (strncmp(rest, "set/", 4) == 0) {
		rest += 4;
		/* The one table (caminfo.c); the engine checks the camera
		 * has the setting.  An action takes "confirm". */
		if ((s = caminfo_setting(rest)) != NULL &&
		    caminfo_setting_value(s, val) != -1) {
			hc->hc_cmd = HA_CMD_SET;
			strlcpy(hc->hc_key, rest, sizeof(hc->hc_key));
			strlcpy(hc->hc_value, val, sizeof(hc->hc_value));
			return 0;
		}
		return -1;
	}
	/* Not the empty payload: that is how a retained message is cleared. */
	if (strcmp(rest, "reboot") == 0 && (strcmp(val, "PRESS") == 0 ||
	    strcmp(val, "reboot") == 0)) {
		hc->hc_cmd = HA_CMD_REBOOT;
		return 0;
	}
	if (strcmp(rest, "stream") == 0 && (strcmp(val, "start") == 0 ||
	    strcmp(val, "stop") == 0)) {
		hc->hc_cmd = HA_CMD_STREAM;
		hc->hc_stream = strcmp(val, "start") == 0;
		return 0;
	}
	return -1;
}
