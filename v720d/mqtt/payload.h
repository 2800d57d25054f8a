/*
 * What the MQTT child reads from brokers, without any I/O: the cameras'
 * Status and Info publications (PROTOCOL.md section 9) and Home
 * Assistant's commands.  Broker input is hostile: sizes are bounded,
 * every known field must have the right JSON type and range or the whole
 * message is refused.  Pure functions, shared with the unit tests and
 * the fuzzer.
 */
#ifndef V720_MQTT_PAYLOAD_H
#define V720_MQTT_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define MQTT_PAYLOAD_MAX	4096	/* longer payloads are dropped unread */
#define MQTT_TOPIC_MAX		256
#define NAX_BASE		"Naxclow/P2P/Users/Device/"
#define NAX_STATUS		NAX_BASE "Status"
#define NAX_INFO		NAX_BASE "Info"
#define NAX_SUB			NAX_BASE "sub/"

/* 1..31 characters of [A-Za-z0-9_-]: the uids v720d accepts anywhere. */
int	payload_valid_uid(const char *, size_t);

/*
 * Status ({"device":uid,"token":..,"status":0|1}) and Info into mi
 * (every field -1 or "" unless told).  Info's uid is devicesCode, else
 * device; without either mi_id is "" and the caller decides.  0, or -1
 * if the payload is not such a message or a known field is malformed.
 */
int	payload_status(const char *, size_t, struct mqtt_caminfo *mi);
int	payload_info(const char *, size_t, struct mqtt_caminfo *mi);
void	payload_caminfo_init(struct mqtt_caminfo *);
/* The integer "code" member of a JSON object: 0, or -1 (none, or not JSON). */
int	payload_code(const char *, size_t, int64_t *code);

/* A command topic under prefix ("v720d/ID/set/ir_led" ...) and its payload. */
enum ha_cmd {
	HA_CMD_SET = 1,		/* key and value set */
	HA_CMD_REBOOT,
	HA_CMD_STREAM,		/* value 1 start, 0 stop */
};

struct ha_command {
	enum ha_cmd	hc_cmd;
	char		hc_id[V720_ID_MAX];
	char		hc_key[24];
	char		hc_value[16];
	int		hc_stream;
};

/* 0 and *hc filled, or -1 (not one of our command topics, or a payload
 * that is not exactly one of the values the web API takes). */
int	payload_command(const char *prefix, const char *topic,
	    const void *payload, size_t len, struct ha_command *hc);

#endif
