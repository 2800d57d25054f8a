/*
 * The engine's side of the MQTT child: camera state and (every
 * MQTT_IMAGE_MS while streaming) a frame out; what the cameras' Status
 * and Info said, and Home Assistant's commands in.  Commands take the
 * path of v720-web's, so they show in the camera's echo and the state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "sibling.h"
#include "peer.h"

static struct chanev	mqtt_ce;
static int		mqtt_up;

static void	mqttpeer_dispatch(struct chanev *, struct chan_msg *, void *);

static void
mqttpeer_closed(struct chanev *ce, void *arg)
{
	log_debug("mqtt channel closed");
	chanev_clear(&mqtt_ce);
	mqtt_up = 0;
}

void
mqttpeer_init(struct chan_msg *m)
{
	if (mqtt_up)
		chanev_clear(&mqtt_ce);
	if (sibling_open(&mqtt_ce, m, IMSG_CAM_STATE, mqttpeer_dispatch,
	    mqttpeer_closed, NULL) == -1)
		fatal("mqtt channel");
	mqtt_ce.c.nofds = 1;	/* the MQTT child never passes fds */
	mqtt_up = 1;
	camera_publish_all();
}

void
mqttpeer_free(void)
{
	if (mqtt_up)
		chanev_clear(&mqtt_ce);
	mqtt_up = 0;
}

void
mqttpeer_send(uint32_t type, const void *p, size_t len)
{
	if (mqtt_up)
		chanev_compose(&mqtt_ce, type, 0, -1, p, len);
}

/*
 * A frame for the Home Assistant camera entity, at most every
 * MQTT_IMAGE_MS; a snapshot goes to it too.
 */
static void
mqttpeer_frame(struct camera *cam, const struct cam_frame *f)
{
	struct iovec	 iov[2];
	uint64_t	*last, now = proc_now_ms();	/* last: ms, 0 none */

	if (f->cf_snapshot &&
	    (last = cam_private_get(cam, &mqttpeer_observer)) != NULL)
		*last = 0;
	if (!mqtt_up || (last = cam_private(cam, &mqttpeer_observer,
	    sizeof(*last))) == NULL || (*last != 0 &&
	    now - *last < MQTT_IMAGE_MS))
		return;
	*last = now;
	iov[0].iov_base = (void *)(uintptr_t)f->cf_cm;
	iov[0].iov_len = sizeof(*f->cf_cm);
	iov[1].iov_base = (void *)(uintptr_t)f->cf_data;
	iov[1].iov_len = f->cf_len;
	(void)chanev_composev(&mqtt_ce, IMSG_CAM_FRAME, 0, -1, iov, 2);
}

/*
 * A forward for a camera without TCP: its sub/<uid> topic, with the
 * forward's content (PROTOCOL.md section 9).  0, or -1 if it cannot go.
 */
static int
mqttpeer_forward(struct camera *cam, int code, const char *extra)
{
	struct mqtt_camsend	cs;

	if (!mqtt_up || !cam->cam_info.ci_mqtt)
		return -1;
	memset(&cs, 0, sizeof(cs));
	strlcpy(cs.ms_id, cam->cam_id, sizeof(cs.ms_id));
	if (snprintf(cs.ms_json, sizeof(cs.ms_json), "{\"code\":%d%s}", code,
	    extra ? extra : "") >= (int)sizeof(cs.ms_json))
		return -1;
	log_debug("camera %s: forward %d over mqtt", cam->cam_id, code);
	return chanev_compose(&mqtt_ce, IMSG_MQTT_CAMSEND, 0, -1, &cs,
	    sizeof(cs));
}

/* What a camera without TCP is: standby while its MQTT says online. */
static uint8_t
mqttpeer_idle_state(const struct camera *cam)
{
	return cam->cam_relay_online ? CAM_STANDBY : CAM_OFFLINE;
}

static int
setting(int32_t v, int max, uint8_t *out)
{
	if (v < 0 || v > max || *out == (uint8_t)v)
		return 0;
	*out = (uint8_t)v;
	return 1;
}

/* An MQTT_CAMINFO: 0, or -1 if malformed (the channel is closed). */
static int
caminfo(struct chanev *ce, struct chan_msg *m, const struct mqtt_caminfo *mi)
{
	struct camera	*cam;
	struct cam_info	*ci;
	uint32_t	 mi_features;
	size_t		 i;
	uint8_t		 state;
	int		 changed = 0;

	if (chan_strfield(mi->mi_id, sizeof(mi->mi_id)) ||
	    chan_strfield(mi->mi_firmware, sizeof(mi->mi_firmware)) ||
	    chan_strfield(mi->mi_wifi, sizeof(mi->mi_wifi)) ||
	    !camtcp_valid_uid(mi->mi_id)) {
		sibling_bad(ce, m, "MQTT_CAMINFO with bad strings");
		return -1;
	}
	if ((cam = camera_find(mi->mi_id)) == NULL) {
		if (!model->m_cfg.cg_unknown_accept &&
		    model_camcfg(mi->mi_id) == NULL) {
			log_debug("camera %s: unknown camera on mqtt ignored",
			    mi->mi_id);
			return 0;
		}
		if ((cam = camera_get(mi->mi_id)) == NULL)
			return 0;
		log_info("camera %s: seen on the cameras' mqtt broker",
		    mi->mi_id);
	}
	ci = &cam->cam_info;
	if (!ci->ci_mqtt) {
		ci->ci_mqtt = 1;
		changed = 1;
	}
	if (mi->mi_online != -1 && cam->cam_relay_online != mi->mi_online) {
		cam->cam_relay_online = mi->mi_online;
		log_info("camera %s: mqtt status %s", cam->cam_id,
		    mi->mi_online ? "online" : "offline");
		changed = 1;
	} else if (mi->mi_online == -1 && !cam->cam_relay_online) {
		/* An Info is a sign of life too. */
		cam->cam_relay_online = 1;
		changed = 1;
	}
	if (mi->mi_battery >= 0 && mi->mi_battery <= 100 &&
	    ci->ci_battery != mi->mi_battery) {
		ci->ci_battery = mi->mi_battery;
		changed = 1;
	}
	/*
	 * -1: the card is not read yet (the first Info after a boot, frame
	 * 54 of the capture); the last values read stay until new ones.
	 */
	if (mi->mi_sd_total_mb >= 0 && mi->mi_sd_total_mb !=
	    ci->ci_sd_total_mb) {
		ci->ci_sd_total_mb = mi->mi_sd_total_mb;
		changed = 1;
	}
	if (mi->mi_sd_free_mb >= 0 && mi->mi_sd_free_mb !=
	    ci->ci_sd_free_mb) {
		ci->ci_sd_free_mb = mi->mi_sd_free_mb;
		changed = 1;
	}
	if (mi->mi_firmware[0] != '\0' &&
	    strcmp(ci->ci_firmware, mi->mi_firmware) != 0) {
		strlcpy(ci->ci_firmware, mi->mi_firmware,
		    sizeof(ci->ci_firmware));
		changed = 1;
	}
	if (mi->mi_wifi[0] != '\0' && strcmp(ci->ci_wifi, mi->mi_wifi) != 0) {
		strlcpy(ci->ci_wifi, mi->mi_wifi, sizeof(ci->ci_wifi));
		changed = 1;
	}
	changed |= setting(mi->mi_ir_led, 2, &ci->ci_ir_led);
	changed |= setting(mi->mi_status_led, 1, &ci->ci_status_led);
	changed |= setting(mi->mi_motion_alert, 1, &ci->ci_motion_alert);
	if (mi->mi_flip == 0 || (mi->mi_flip >= 2 && mi->mi_flip <= 4))
		changed |= setting(mi->mi_flip, 4, &ci->ci_flip);
	mi_features = mi->mi_features & (CAMF_SPEEDGRADE | CAMF_MOVEGRADE |
	    CAMF_LEDEI | CAMF_SDCARDRECO | CAMF_WIFINAME | CAMF_PIR);
	if ((ci->ci_features | mi_features) != ci->ci_features) {
		ci->ci_features |= mi_features;
		changed = 1;
	}
	for (i = 0; i < CAMINFO_NXSET; i++)
		changed |= setting(mi->mi_xset[i], 5, &ci->ci_xset[i]);
	ci->ci_last_seen = time(NULL);
	if (cam->cam_conn == NULL) {
		state = mqttpeer_idle_state(cam);
		if (state != ci->ci_state) {
			ci->ci_state = state;
			changed = 1;
		}
	}
	if (changed)
		camera_changed(cam);
	return 0;
}

static struct camera *
mqtt_camera(const char *id)
{
	struct camera	*cam;

	if ((cam = camera_find(id)) == NULL)
		log_warnx("mqtt: command for unknown camera %s", id);
	return cam;
}

static void
mqttpeer_dispatch(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct mqtt_caminfo	 mi;
	struct camera		*cam;
	struct ctl_set		 set;
	struct ctl_id		 cid;
	struct ctl_req		 req;
	const char		*err;

	switch (m->hdr.ch_type) {
	case IMSG_MQTT_CAMINFO:
		if (peer_msg(ce, m, &mi, sizeof(mi)) == -1 ||
		    caminfo(ce, m, &mi) == -1)
			return;
		break;
	case IMSG_MQTT_SET:
		if (peer_msg(ce, m, &set, sizeof(set)) == -1)
			return;
		if (chan_strfield(set.key, sizeof(set.key)) ||
		    chan_strfield(set.value, sizeof(set.value))) {
			sibling_bad(ce, m, "unterminated setting");
			return;
		}
		if ((cam = mqtt_camera(set.id)) == NULL)
			break;
		if (camera_set(cam, set.key, set.value, &err) == -1)
			log_warnx("%s: mqtt set %s %s: %s", cam->cam_id,
			    set.key, set.value, err);
		break;
	case IMSG_MQTT_REBOOT:
		if (peer_msg(ce, m, &cid, sizeof(cid)) == -1)
			return;
		if ((cam = mqtt_camera(cid.id)) == NULL)
			break;
		if (camera_forward(cam, 299, ",\"reboot\":1") == -1)
			log_warnx("%s: reboot: camera offline", cam->cam_id);
		break;
	case IMSG_MQTT_STREAM:
		if (peer_msg(ce, m, &req, sizeof(req)) == -1)
			return;
		if ((cam = mqtt_camera(req.id)) == NULL)
			break;
		if (cam->cam_conn == NULL && cam->cam_info.ci_mqtt)
			log_warnx("%s: stream %s: the camera is known only "
			    "over mqtt, live view is not possible for it yet",
			    cam->cam_id, req.value ? "start" : "stop");
		stream_manual(cam, req.value != 0, proc_now_ms());
		break;
	default:
		sibling_bad(ce, m, "a type it does not send");
		return;
	}
}

static void
mqttpeer_state(struct camera *cam)
{
	mqttpeer_send(IMSG_CAM_STATE, &cam->cam_info, sizeof(cam->cam_info));
}

static void
mqttpeer_gone(const struct ctl_id *cid)
{
	mqttpeer_send(IMSG_CAM_GONE, cid, sizeof(*cid));
}

const struct cam_observer mqttpeer_observer = {
	"mqtt", mqttpeer_state, mqttpeer_gone, mqttpeer_frame, NULL, NULL
};

/* Cameras without TCP are reached on their MQTT topic (PROTOCOL.md 9). */
const struct cam_relay mqttpeer_relay = {
	mqttpeer_forward, mqttpeer_idle_state
};
