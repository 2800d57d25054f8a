/*
 * The MQTT child (v720-mqtt, "v720d: mqtt"): Home Assistant discovery,
 * state and commands on one broker, and the cameras' own MQTT channel
 * (Status, Info, sub/<uid>) on the same or another broker.  It knows
 * cameras only through the engine's IMSG_CAM_STATE and sends requests
 * back the way v720-web does.
 */
#ifndef V720_MQTT_H
#define V720_MQTT_H

#include <sys/queue.h>
#include <sys/tree.h>

#include <stdint.h>

#include "chan.h"
#include "msg.h"
#include "broker.h"

#define MQTT_MAX_CAMERAS	4096
#define MQTT_KEEPALIVE		30
#define MQTT_STATE_MIN_MS	10000	/* counters alone: at most this often */
#define MQTT_INFO_PAIR_MS	5000	/* Info without uid after a Status */
#define MQTT_UNKNOWN_MAX	64	/* distinct unknown codes logged */
#define MQTT_ENGINE_SETTLE_S	10	/* a new engine has told us all */

struct mcam {
	RB_ENTRY(mcam)		 mc_entry;
	char			 mc_id[V720_ID_MAX];
	struct cam_info		 mc_info;
	int			 mc_known;	/* the engine told us about it */
	uint32_t		 mc_gen;	/* ... which engine (m_engine_gen) */
	int			 mc_discovered;	/* configs sent on this connection */
	char			 mc_name[V720_NAME_MAX];	/* in the configs */
	char			 mc_firmware[32];
	uint32_t		 mc_features;	/* CAMF_* in the configs */
	char			*mc_sig;	/* state without the counters */
	uint64_t		 mc_state_ms;	/* last state published */
	int			 mc_avail;	/* published: 1, 0, -1 not yet */
	int			 mc_motion;	/* published: 1, 0, -1 not yet */
};
RB_HEAD(mcam_tree, mcam);
RB_PROTOTYPE(mcam_tree, mcam, mc_entry, mcam_cmp);

struct mqttd {
	struct chanev		 m_parent;
	struct chanev		 m_engine;
	int			 m_engine_up;
	uint32_t		 m_engine_gen;	/* engine channels so far */
	struct event		 m_settle;	/* a new engine's cameras are in */
	struct cfg_mqtt		 m_cfg;
	int			 m_have_cfg;
	int			 m_unknown_accept;	/* unknown cameras accept */
	struct broker		 m_ha;		/* Home Assistant's broker */
	struct broker		 m_cam;		/* the cameras' (if another) */
	struct broker		*m_cambroker;	/* &m_ha or &m_cam */
	int			 m_running;
	struct mcam_tree	 m_cams;
	size_t			 m_ncams;
	char			 m_status_topic[V720_NAME_MAX + 16];
	/* counters */
	uint64_t		 m_cmds, m_bad, m_infos;
	uint64_t		 m_unknown;	/* rejected cameras' messages */
};

extern struct mqttd	*mq;

/* mqtt.c */
struct mcam	*mcam_find(const char *id);
struct mcam	*mcam_get(const char *id);
void		 mqtt_send_engine(uint32_t type, const void *, size_t);

/* ha.c: Home Assistant side */
void	ha_connected(struct broker *, void *);
void	ha_message(struct broker *, const struct mosquitto_message *, void *);
void	ha_camera_state(struct mcam *);		/* new IMSG_CAM_STATE */
void	ha_image(struct mcam *, const uint8_t *, size_t);
void	ha_camera_gone(struct mcam *);		/* IMSG_CAM_GONE */
void	ha_offline(void);			/* clean stop */

/* naxclow.c: the cameras' broker */
void	nax_connected(struct broker *, void *);
void	nax_message(struct broker *, const struct mosquitto_message *, void *);
int	nax_camsend(const struct mqtt_camsend *);

#endif
