/*
 * Home Assistant: MQTT discovery (one device per camera), the state,
 * availability, motion and image topics, and the command topics.
 * Discovery follows Home Assistant's MQTT discovery documentation:
 * <discovery>/<component>/v720d_<id>/<object>/config, retained, each
 * with unique_id, a device with identifiers, and availability on the
 * daemon's status topic and the camera's own.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

#include "caminfo.h"
#include "jsonw.h"
#include "log.h"
#include "proc.h"
#include "payload.h"
#include "mqtt.h"

enum ent_kind { E_CAMERA, E_SENSOR, E_BINARY, E_SELECT, E_SWITCH, E_BUTTON };

/* The entities of one camera. */
static const struct entity {
	enum ent_kind	 kind;
	const char	*component;
	const char	*object;
	const char	*name;
	const char	*field;		/* in the state JSON, or NULL */
	const char	*device_class;
	const char	*unit;
	const char	*category;	/* entity_category */
	const char	*icon;
} entities[] = {
	{ E_CAMERA, "camera", "camera", "Camera", NULL, NULL, NULL, NULL, NULL },
	{ E_SENSOR, "sensor", "battery", "Battery", "battery", "battery", "%",
	  "diagnostic", NULL },
	{ E_SENSOR, "sensor", "wifi", "Wi-Fi", "wifi", NULL, NULL,
	  "diagnostic", "mdi:wifi" },
	{ E_SENSOR, "sensor", "sd_free", "SD free", "sd_free_mb", "data_size",
	  "MB", "diagnostic", NULL },
	{ E_SENSOR, "sensor", "sd_total", "SD total", "sd_total_mb",
	  "data_size", "MB", "diagnostic", NULL },
	{ E_BINARY, "binary_sensor", "connectivity", "Connectivity", NULL,
	  "connectivity", NULL, "diagnostic", NULL },
	{ E_BINARY, "binary_sensor", "motion", "Motion", NULL, "motion", NULL,
	  NULL, NULL },
	{ E_SELECT, "select", "ir_led", "IR LED", "ir_led", NULL, NULL,
	  "config", "mdi:led-on" },
	{ E_SELECT, "select", "flip", "Flip", "flip", NULL, NULL, "config",
	  "mdi:flip-vertical" },
	{ E_SWITCH, "switch", "status_led", "Status LED", "status_led", NULL,
	  NULL, "config", "mdi:led-outline" },
	{ E_SWITCH, "switch", "stream", "Stream", NULL, NULL, NULL, NULL,
	  "mdi:video" },
	{ E_BUTTON, "button", "reboot", "Reboot", NULL, "restart", NULL,
	  "config", NULL },
};
#define NENTITIES	(sizeof(entities) / sizeof(entities[0]))

/*
 * The settings a camera may have (caminfo_settings with a feature bit):
 * an entity each, only once the camera showed it has it.  An action is
 * a button, an "off"/"on" setting a switch, the others selects.
 */
static int
optional(const struct caminfo_setting *s, struct entity *e, char *name,
    size_t sz)
{
	const char	*p, *w, *kind;
	size_t		 n = 0, k, len;

	if (s->feature == 0)
		return 0;
	memset(e, 0, sizeof(*e));
	kind = caminfo_setting_kind(s);
	if (strcmp(kind, "action") == 0) {
		e->kind = E_BUTTON;
		e->component = "button";
	} else if (strcmp(kind, "switch") == 0) {
		e->kind = E_SWITCH;
		e->component = "switch";
	} else {
		e->kind = E_SELECT;
		e->component = "select";
	}
	e->object = s->key;
	e->field = s->field != NULL ? s->key : NULL;
	e->category = "config";
	/* "sd_format" -> "SD format": a word of two letters is initials. */
	for (w = s->key; *w != '\0'; w = *p != '\0' ? p + 1 : p) {
		if ((p = strchr(w, '_')) == NULL)
			p = w + strlen(w);
		len = p - w;
		if (n > 0 && n + 1 < sz)
			name[n++] = ' ';
		for (k = 0; k < len && n + 1 < sz; k++, n++)
			name[n] = len <= 2 || (k == 0 && w == s->key) ?
			    toupper((unsigned char)w[k]) : w[k];
	}
	name[n] = '\0';
	e->name = name;
	return 1;
}

static struct broker *
ha(void)
{
	return mq->m_running ? &mq->m_ha : NULL;
}

static void
topic(char *out, size_t sz, const struct mcam *mc, const char *what)
{
	snprintf(out, sz, "%s/%s/%s", mq->m_cfg.cm_prefix, mc->mc_id, what);
}

static int
publish_str(const char *t, const char *s, int retain)
{
	struct broker	*b;

	if ((b = ha()) == NULL)
		return -1;
	return broker_publish(b, t, s, strlen(s), retain, 0);
}

static void
kstr_topic(struct jsonw *w, const char *key, const struct mcam *mc,
    const char *what)
{
	char	t[MQTT_TOPIC_MAX];

	topic(t, sizeof(t), mc, what);
	jsonw_kstr(w, key, t);
}

static void
options(struct jsonw *w, const char *key)
{
	const struct caminfo_setting	*s;
	int				 i;

	jsonw_key(w, "options");
	jsonw_arr_open(w);
	if ((s = caminfo_setting(key)) != NULL)
		for (i = 0; i < CAMINFO_NVAL && s->names[i] != NULL; i++)
			jsonw_str(w, s->names[i]);
	jsonw_arr_close(w);
}

static void
device(struct jsonw *w, const struct mcam *mc)
{
	char	ident[V720_ID_MAX + 8];

	snprintf(ident, sizeof(ident), "v720d_%s", mc->mc_id);
	jsonw_key(w, "device");
	jsonw_obj_open(w);
	jsonw_key(w, "identifiers");
	jsonw_arr_open(w);
	jsonw_str(w, ident);
	jsonw_arr_close(w);
	jsonw_kstr(w, "name", mc->mc_name[0] ? mc->mc_name : mc->mc_id);
	jsonw_kstr(w, "manufacturer", "Naxclow");
	jsonw_kstr(w, "model", "A9 V720");
	if (mc->mc_firmware[0] != '\0')
		jsonw_kstr(w, "sw_version", mc->mc_firmware);
	jsonw_kstr(w, "serial_number", mc->mc_id);
	jsonw_obj_close(w);
}

static void
availability(struct jsonw *w, const struct mcam *mc, int daemon_only)
{
	jsonw_key(w, "availability");
	jsonw_arr_open(w);
	jsonw_obj_open(w);
	jsonw_kstr(w, "topic", mq->m_status_topic);
	jsonw_kstr(w, "payload_available", "online");
	jsonw_kstr(w, "payload_not_available", "offline");
	jsonw_obj_close(w);
	if (!daemon_only) {
		jsonw_obj_open(w);
		kstr_topic(w, "topic", mc, "availability");
		jsonw_kstr(w, "payload_available", "online");
		jsonw_kstr(w, "payload_not_available", "offline");
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_kstr(w, "availability_mode", "all");
}

/* The discovery config of one entity, as JSON text in w. */
static void
config_json(struct jsonw *w, const struct mcam *mc, const struct entity *e)
{
	char	uid[V720_ID_MAX + 32], tpl[128];

	snprintf(uid, sizeof(uid), "v720d_%s_%s", mc->mc_id, e->object);
	jsonw_obj_open(w);
	jsonw_kstr(w, "name", e->name);
	jsonw_kstr(w, "unique_id", uid);
	device(w, mc);
	jsonw_key(w, "origin");
	jsonw_obj_open(w);
	jsonw_kstr(w, "name", "v720d");
	jsonw_obj_close(w);
	/* A camera that went away reads "off", not "unavailable". */
	availability(w, mc, e->kind == E_BINARY &&
	    strcmp(e->object, "connectivity") == 0);
	if (e->device_class != NULL)
		jsonw_kstr(w, "device_class", e->device_class);
	if (e->unit != NULL)
		jsonw_kstr(w, "unit_of_measurement", e->unit);
	if (e->category != NULL)
		jsonw_kstr(w, "entity_category", e->category);
	if (e->icon != NULL)
		jsonw_kstr(w, "icon", e->icon);
	if (e->field != NULL) {
		snprintf(tpl, sizeof(tpl), "{{ value_json.%s }}", e->field);
		kstr_topic(w, "state_topic", mc, "state");
		jsonw_kstr(w, "value_template", tpl);
	}
	switch (e->kind) {
	case E_CAMERA:
		kstr_topic(w, "topic", mc, "image");
		break;
	case E_SENSOR:
		if (e->unit != NULL)
			jsonw_kstr(w, "state_class", "measurement");
		break;
	case E_BINARY:
		if (strcmp(e->object, "motion") == 0)
			kstr_topic(w, "state_topic", mc, "motion");
		else {
			kstr_topic(w, "state_topic", mc, "state");
			jsonw_kstr(w, "value_template", "{{ 'OFF' if "
			    "value_json.state == 'offline' else 'ON' }}");
		}
		jsonw_kstr(w, "payload_on", "ON");
		jsonw_kstr(w, "payload_off", "OFF");
		break;
	case E_SELECT:
		snprintf(tpl, sizeof(tpl), "set/%s", e->object);
		kstr_topic(w, "command_topic", mc, tpl);
		options(w, e->object);
		break;
	case E_SWITCH:
		if (strcmp(e->object, "stream") == 0) {
			kstr_topic(w, "command_topic", mc, "stream");
			kstr_topic(w, "state_topic", mc, "state");
			jsonw_kstr(w, "value_template", "{{ 'start' if "
			    "value_json.state in ['streaming', 'connecting'] "
			    "else 'stop' }}");
			jsonw_kstr(w, "payload_on", "start");
			jsonw_kstr(w, "payload_off", "stop");
			jsonw_kstr(w, "state_on", "start");
			jsonw_kstr(w, "state_off", "stop");
		} else {
			snprintf(tpl, sizeof(tpl), "set/%s", e->object);
			kstr_topic(w, "command_topic", mc, tpl);
			jsonw_kstr(w, "payload_on", "on");
			jsonw_kstr(w, "payload_off", "off");
			jsonw_kstr(w, "state_on", "on");
			jsonw_kstr(w, "state_off", "off");
		}
		break;
	case E_BUTTON:
		if (strcmp(e->object, "reboot") == 0) {
			kstr_topic(w, "command_topic", mc, "reboot");
			jsonw_kstr(w, "payload_press", "PRESS");
		} else {
			snprintf(tpl, sizeof(tpl), "set/%s", e->object);
			kstr_topic(w, "command_topic", mc, tpl);
			jsonw_kstr(w, "payload_press", "confirm");
		}
		break;
	}
	jsonw_obj_close(w);
}

static void
config_topic(char *t, size_t sz, const struct mcam *mc, const struct entity *e)
{
	snprintf(t, sz, "%s/%s/v720d_%s/%s/config", mq->m_cfg.cm_discovery,
	    e->component, mc->mc_id, e->object);
}

static void
publish_config(struct mcam *mc, const struct entity *e)
{
	struct jsonw	 w;
	const char	*js;
	char		 t[MQTT_TOPIC_MAX];
	size_t		 len;

	jsonw_init(&w);
	config_json(&w, mc, e);
	config_topic(t, sizeof(t), mc, e);
	if ((js = jsonw_result(&w, &len)) != NULL)
		(void)broker_publish(&mq->m_ha, t, js, len, 1, 0);
	jsonw_free(&w);
}

/* An empty retained config removes the entity. */
static void
remove_config(struct mcam *mc, const struct entity *e)
{
	char	t[MQTT_TOPIC_MAX];

	config_topic(t, sizeof(t), mc, e);
	(void)broker_publish(&mq->m_ha, t, NULL, 0, 1, 0);
}

static void
publish_discovery(struct mcam *mc)
{
	struct entity	 e;
	char		 name[64];
	size_t		 i;

	for (i = 0; i < NENTITIES; i++)
		publish_config(mc, &entities[i]);
	/* The optional ones: a camera that lost one (another camera behind
	 * the same id, a restart) has its config removed. */
	for (i = 0; i < caminfo_nsettings; i++) {
		if (!optional(&caminfo_settings[i], &e, name, sizeof(name)))
			continue;
		if (mc->mc_info.ci_features & caminfo_settings[i].feature)
			publish_config(mc, &e);
		else
			remove_config(mc, &e);
	}
	mc->mc_features = mc->mc_info.ci_features;
	mc->mc_discovered = 1;
}

/* The camera object, and the same without what changes every second. */
static char *
state_json(const struct mcam *mc, int sig, size_t *lenp)
{
	struct jsonw		 w;
	struct cam_info		 ci = mc->mc_info;
	const char		*js;
	char			*out = NULL;
	size_t			 len;

	if (sig) {
		ci.ci_fps_milli = 0;
		ci.ci_frames = ci.ci_bytes = ci.ci_dropped = 0;
		ci.ci_last_seen = 0;
		ci.ci_viewers = 0;
	}
	jsonw_init(&w);
	jsonw_obj_open(&w);
	caminfo_json(&w, &ci, ci.ci_name, ci.ci_state, ci.ci_viewers);
	jsonw_obj_close(&w);
	if ((js = jsonw_result(&w, &len)) != NULL) {
		out = strdup(js);
		*lenp = len;
	}
	jsonw_free(&w);
	return out;
}

static void
publish_state(struct mcam *mc, int force)
{
	char		*sig, *js, t[MQTT_TOPIC_MAX];
	size_t		 len;
	uint64_t	 now = proc_now_ms();
	int		 avail, motion;

	if (ha() == NULL || !mq->m_ha.b_connected || !mc->mc_known)
		return;
	/* A new name or firmware shows in the device: configs again. */
	if (strcmp(mc->mc_name, mc->mc_info.ci_name) != 0 ||
	    strcmp(mc->mc_firmware, mc->mc_info.ci_firmware) != 0) {
		strlcpy(mc->mc_name, mc->mc_info.ci_name, sizeof(mc->mc_name));
		strlcpy(mc->mc_firmware, mc->mc_info.ci_firmware,
		    sizeof(mc->mc_firmware));
		mc->mc_discovered = 0;
	}
	if (mc->mc_features != mc->mc_info.ci_features)
		mc->mc_discovered = 0;
	if (!mc->mc_discovered)
		publish_discovery(mc);
	if ((sig = state_json(mc, 1, &len)) == NULL)
		return;
	if (force || mc->mc_sig == NULL || strcmp(sig, mc->mc_sig) != 0 ||
	    now - mc->mc_state_ms >= MQTT_STATE_MIN_MS) {
		if ((js = state_json(mc, 0, &len)) != NULL) {
			topic(t, sizeof(t), mc, "state");
			if (broker_publish(&mq->m_ha, t, js, len, 1, 0) == 0) {
				mc->mc_state_ms = now;
				free(mc->mc_sig);
				mc->mc_sig = sig;
				sig = NULL;
			}
			free(js);
		}
	}
	free(sig);
	avail = mc->mc_info.ci_state != CAM_OFFLINE;
	if (force || avail != mc->mc_avail) {
		topic(t, sizeof(t), mc, "availability");
		if (publish_str(t, avail ? "online" : "offline", 1) == 0)
			mc->mc_avail = avail;
	}
	motion = mc->mc_info.ci_motion != 0;
	if (force || motion != mc->mc_motion) {
		topic(t, sizeof(t), mc, "motion");
		if (publish_str(t, motion ? "ON" : "OFF", 1) == 0)
			mc->mc_motion = motion;
	}
}

void
ha_camera_state(struct mcam *mc)
{
	publish_state(mc, 0);
}

void
ha_image(struct mcam *mc, const uint8_t *jpeg, size_t len)
{
	char	t[MQTT_TOPIC_MAX];

	if (ha() == NULL || !mq->m_ha.b_connected)
		return;
	topic(t, sizeof(t), mc, "image");
	(void)broker_publish(&mq->m_ha, t, jpeg, len, 1, 0);
}

/*
 * The engine forgot the camera: take its device out of Home Assistant
 * (an empty retained config removes an entity) and clear its topics.
 */
void
ha_camera_gone(struct mcam *mc)
{
	struct entity	e;
	char		t[MQTT_TOPIC_MAX], name[64];
	size_t		i;

	if (ha() == NULL || !mq->m_ha.b_connected || !mc->mc_known)
		return;
	for (i = 0; i < NENTITIES; i++)
		remove_config(mc, &entities[i]);
	for (i = 0; i < caminfo_nsettings; i++)
		if (optional(&caminfo_settings[i], &e, name, sizeof(name)))
			remove_config(mc, &e);
	topic(t, sizeof(t), mc, "state");
	(void)broker_publish(&mq->m_ha, t, NULL, 0, 1, 0);
	topic(t, sizeof(t), mc, "availability");
	(void)broker_publish(&mq->m_ha, t, NULL, 0, 1, 0);
	topic(t, sizeof(t), mc, "motion");
	(void)broker_publish(&mq->m_ha, t, NULL, 0, 1, 0);
	topic(t, sizeof(t), mc, "image");
	(void)broker_publish(&mq->m_ha, t, NULL, 0, 1, 0);
}

/* Everything again: after a (re)connection or Home Assistant's birth. */
static void
republish_all(void)
{
	struct mcam	*mc;

	publish_str(mq->m_status_topic, "online", 1);
	RB_FOREACH(mc, mcam_tree, &mq->m_cams) {
		mc->mc_discovered = 0;
		publish_state(mc, 1);
	}
}

void
ha_connected(struct broker *b, void *arg)
{
	char	t[MQTT_TOPIC_MAX];

	snprintf(t, sizeof(t), "%s/+/set/+", mq->m_cfg.cm_prefix);
	broker_subscribe(b, t, 1);
	snprintf(t, sizeof(t), "%s/+/reboot", mq->m_cfg.cm_prefix);
	broker_subscribe(b, t, 1);
	snprintf(t, sizeof(t), "%s/+/stream", mq->m_cfg.cm_prefix);
	broker_subscribe(b, t, 1);
	/* Home Assistant's birth message: it restarted, tell it again. */
	snprintf(t, sizeof(t), "%s/status", mq->m_cfg.cm_discovery);
	broker_subscribe(b, t, 1);
	republish_all();
}

void
ha_message(struct broker *b, const struct mosquitto_message *m, void *arg)
{
	struct ha_command	 hc;
	struct ctl_set		 set;
	struct ctl_id		 cid;
	struct ctl_req		 req;
	char			 t[MQTT_TOPIC_MAX];

	snprintf(t, sizeof(t), "%s/status", mq->m_cfg.cm_discovery);
	if (strcmp(m->topic, t) == 0) {
		if (m->payloadlen == 6 && memcmp(m->payload, "online", 6) == 0) {
			log_info("home assistant (re)started, "
			    "publishing discovery");
			republish_all();
		}
		return;
	}
	/* A retained command would act again at every reconnection. */
	if (m->retain || m->payloadlen < 0 ||
	    m->payloadlen > MQTT_PAYLOAD_MAX ||
	    payload_command(mq->m_cfg.cm_prefix, m->topic, m->payload,
	    m->payloadlen, &hc) == -1) {
		mq->m_bad++;
		log_debug("ignoring %s%s (%d bytes)", m->retain ?
		    "retained " : "", m->topic, m->payloadlen);
		return;
	}
	mq->m_cmds++;
	log_info("%s from home assistant: %s %s", hc.hc_id,
	    m->topic + strlen(mq->m_cfg.cm_prefix) + strlen(hc.hc_id) + 2,
	    hc.hc_cmd == HA_CMD_REBOOT ? "" : hc.hc_value[0] ? hc.hc_value :
	    hc.hc_stream ? "start" : "stop");
	switch (hc.hc_cmd) {
	case HA_CMD_SET:
		memset(&set, 0, sizeof(set));
		strlcpy(set.id, hc.hc_id, sizeof(set.id));
		strlcpy(set.key, hc.hc_key, sizeof(set.key));
		strlcpy(set.value, hc.hc_value, sizeof(set.value));
		mqtt_send_engine(IMSG_MQTT_SET, &set, sizeof(set));
		break;
	case HA_CMD_REBOOT:
		memset(&cid, 0, sizeof(cid));
		strlcpy(cid.id, hc.hc_id, sizeof(cid.id));
		mqtt_send_engine(IMSG_MQTT_REBOOT, &cid, sizeof(cid));
		break;
	case HA_CMD_STREAM:
		memset(&req, 0, sizeof(req));
		strlcpy(req.id, hc.hc_id, sizeof(req.id));
		req.value = hc.hc_stream;
		mqtt_send_engine(IMSG_MQTT_STREAM, &req, sizeof(req));
		break;
	}
}

/* Stopping cleanly: the will is not sent then, so say it ourselves. */
void
ha_offline(void)
{
	if (ha() != NULL && mq->m_ha.b_connected)
		publish_str(mq->m_status_topic, "offline", 1);
}
