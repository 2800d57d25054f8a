/*
 * A mosquitto(8) plugin for the cameras' listener: a camera may publish
 * its Status and Info (and leave its will) only for the uid it logged in
 * with.  Cameras log in with client id and user name = uid (PROTOCOL.md
 * section 9), but Status and Info go to fixed topics with the uid in the
 * JSON payload, which an ACL file cannot see; this looks at the payload.
 * Everything else is left to the ACL file (etc/mosquitto-v720d.acl).
 *
 * Built without sanitizers: it is loaded into the broker, not ours.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "payload.h"

static mosquitto_plugin_id_t	*plugin_id;

int	mosquitto_plugin_version(int, const int *);
int	mosquitto_plugin_init(mosquitto_plugin_id_t *, void **,
	    struct mosquitto_opt *, int);
int	mosquitto_plugin_cleanup(void *, struct mosquitto_opt *, int);

/*
 * The uid a Status or Info speaks for: 0 and *uid set ("" for an Info
 * without one, which the 56... family sends), or -1 if it is malformed.
 */
static int
speaks_for(const char *topic, const void *p, uint32_t len,
    struct mqtt_caminfo *mi)
{
	if (strcmp(topic, NAX_STATUS) == 0)
		return payload_status(p, len, mi);
	return payload_info(p, len, mi);
}

static int
acl_check(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_acl_check	*ed = event_data;
	struct mqtt_caminfo		 mi;
	const char			*user, *id;

	if (ed->access != MOSQ_ACL_WRITE ||
	    (strcmp(ed->topic, NAX_STATUS) != 0 &&
	    strcmp(ed->topic, NAX_INFO) != 0))
		return MOSQ_ERR_PLUGIN_DEFER;
	user = mosquitto_client_username(ed->client);
	id = mosquitto_client_id(ed->client);
	if (speaks_for(ed->topic, ed->payload, ed->payloadlen, &mi) == -1) {
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "v720d: %s (user %s): "
		    "malformed %s refused", id ? id : "?", user ? user : "?",
		    ed->topic);
		return MOSQ_ERR_ACL_DENIED;
	}
	if (mi.mi_id[0] == '\0' && strcmp(ed->topic, NAX_INFO) == 0)
		return MOSQ_ERR_PLUGIN_DEFER;
	if (user == NULL || id == NULL || strcmp(mi.mi_id, user) != 0 ||
	    strcmp(mi.mi_id, id) != 0) {
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "v720d: %s (user %s): "
		    "%s for camera %s refused: a camera speaks only for "
		    "itself", id ? id : "?", user ? user : "?", ed->topic,
		    mi.mi_id);
		return MOSQ_ERR_ACL_DENIED;
	}
	return MOSQ_ERR_PLUGIN_DEFER;
}

int
mosquitto_plugin_version(int n, const int *versions)
{
	int	i;

	for (i = 0; i < n; i++)
		if (versions[i] == 5)
			return 5;
	return -1;
}

int
mosquitto_plugin_init(mosquitto_plugin_id_t *id, void **userdata,
    struct mosquitto_opt *opts, int nopts)
{
	plugin_id = id;
	return mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK,
	    acl_check, NULL, NULL);
}

int
mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *opts,
    int nopts)
{
	return mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK,
	    acl_check, NULL);
}
