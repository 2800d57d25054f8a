/*
 * The cameras' MQTT channel (PROTOCOL.md section 9): Status and Info
 * into the engine's camera objects, settings for cameras without a TCP
 * connection out on Naxclow/P2P/Users/Device/sub/<uid>, and one log line
 * per unknown message code, which is what a future fix is built from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

#include "log.h"
#include "proc.h"
#include "payload.h"
#include "mqtt.h"

struct unknown {
	char	u_topic[48];
	int64_t	u_code;
};
static struct unknown	unknowns[MQTT_UNKNOWN_MAX];
static size_t		nunknowns;

/* The camera that sent the latest Status, for an Info without uid. */
static char		last_status_id[V720_ID_MAX];
static uint64_t		last_status_ms;
static int		status_ambiguous;

void
nax_connected(struct broker *b, void *arg)
{
	/* Status, Info and whatever else cameras publish at that level;
	 * sub/<uid> (two levels down) is ours and the app's. */
	broker_subscribe(b, NAX_BASE "+", 0);
}

static void
log_unknown(const char *topic, const void *p, int len)
{
	const char	*tail = topic + sizeof(NAX_BASE) - 1;
	int64_t		 code = -1;
	size_t		 i;

	(void)payload_code(p, len, &code);
	for (i = 0; i < nunknowns; i++)
		if (unknowns[i].u_code == code &&
		    strncmp(unknowns[i].u_topic, tail,
		    sizeof(unknowns[i].u_topic) - 1) == 0)
			return;
	if (nunknowns >= MQTT_UNKNOWN_MAX)
		return;
	strlcpy(unknowns[nunknowns].u_topic, tail,
	    sizeof(unknowns[nunknowns].u_topic));
	unknowns[nunknowns].u_code = code;
	nunknowns++;
	/* The payload as printable text, bounded, for the issue tracker. */
	{
		char	txt[512];
		int	k, n = len < (int)sizeof(txt) - 1 ? len :
			    (int)sizeof(txt) - 1;

		for (k = 0; k < n; k++) {
			unsigned char	c = ((const unsigned char *)p)[k];

			txt[k] = c >= 0x20 && c < 0x7f ? c : '.';
		}
		txt[n] = '\0';
		log_warnx("unknown camera message on %.*s, code %lld "
		    "(logged once per code): %s", 64, topic,
		    (long long)code, txt);
	}
}

static void
status_seen(const char *id)
{
	uint64_t	now = proc_now_ms();

	if (now - last_status_ms < MQTT_INFO_PAIR_MS &&
	    strcmp(last_status_id, id) != 0)
		status_ambiguous = 1;
	else if (now - last_status_ms >= MQTT_INFO_PAIR_MS)
		status_ambiguous = 0;
	strlcpy(last_status_id, id, sizeof(last_status_id));
	last_status_ms = now;
}

void
nax_message(struct broker *b, const struct mosquitto_message *m, void *arg)
{
	struct mqtt_caminfo	 mi;
	int			 rc;

	if (m->payloadlen <= 0 || m->payloadlen > MQTT_PAYLOAD_MAX) {
		mq->m_bad++;
		log_debug("%s: %d bytes, ignored", m->topic,
		    m->payloadlen);
		return;
	}
	if (strcmp(m->topic, NAX_STATUS) == 0)
		rc = payload_status(m->payload, m->payloadlen, &mi);
	else if (strcmp(m->topic, NAX_INFO) == 0) {
		rc = payload_info(m->payload, m->payloadlen, &mi);
		/*
		 * Firmware of the 56... family sends Info without its uid
		 * (PROTOCOL.md section 10) right after its Status: take the
		 * camera of that Status, unless several spoke meanwhile.
		 */
		if (rc == 0 && mi.mi_id[0] == '\0') {
			if (proc_now_ms() - last_status_ms > MQTT_INFO_PAIR_MS ||
			    status_ambiguous || last_status_id[0] == '\0') {
				log_debug("Info without a uid, and no "
				    "single camera to give it to");
				mq->m_bad++;
				return;
			}
			strlcpy(mi.mi_id, last_status_id, sizeof(mi.mi_id));
		}
		mq->m_infos++;
	} else {
		log_unknown(m->topic, m->payload, m->payloadlen);
		return;
	}
	if (rc == -1) {
		int64_t	code;

		/* Not Status or Info as we know them, but a coded message. */
		if (payload_code(m->payload, m->payloadlen, &code) == 0) {
			log_unknown(m->topic, m->payload, m->payloadlen);
			return;
		}
		mq->m_bad++;
		log_debug("malformed %s (%d bytes), ignored", m->topic,
		    m->payloadlen);
		return;
	}
	/*
	 * The engine's policy: with "unknown cameras reject" only the
	 * cameras it told us about (the configured ones) count; anything
	 * else is dropped here, before it leaves any trace (not even as
	 * the Status an Info without uid is paired with).  No state is
	 * kept for a camera here until the engine sends its IMSG_CAM_STATE:
	 * the engine bounds and forgets cameras, and this table follows.
	 */
	if (!mq->m_unknown_accept && mcam_find(mi.mi_id) == NULL) {
		mq->m_unknown++;
		log_debug("camera %s: unknown camera on %s ignored", mi.mi_id,
		    m->topic);
		return;
	}
	if (strcmp(m->topic, NAX_STATUS) == 0)
		status_seen(mi.mi_id);
	log_debug("camera %s: %s", mi.mi_id, m->topic +
	    sizeof(NAX_BASE) - 1);
	mqtt_send_engine(IMSG_MQTT_CAMINFO, &mi, sizeof(mi));
}

/* A forward from the engine: 0, or -1 if its camera id is not one. */
int
nax_camsend(const struct mqtt_camsend *cs)
{
	char	t[MQTT_TOPIC_MAX];

	if (!payload_valid_uid(cs->ms_id, strlen(cs->ms_id)))
		return -1;
	snprintf(t, sizeof(t), NAX_SUB "%s", cs->ms_id);
	if (!mq->m_running || broker_publish(mq->m_cambroker, t, cs->ms_json,
	    strlen(cs->ms_json), 0, 1) == -1)
		log_warnx("camera %s: cameras' broker not connected, "
		    "setting not sent", cs->ms_id);
	else
		log_info("camera %s: sent %s on %s", cs->ms_id,
		    cs->ms_json, t);
	return 0;
}
