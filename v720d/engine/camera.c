/*
 * Cameras: the tree keyed by uid, their life (online, offline, listed
 * a while, forgotten), forward commands and settings, and the state
 * published to the observers.  Their TCP connections are camconn.c's.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "log.h"
#include "proc.h"
#include "media.h"
#include "model.h"
#include "diag.h"
#include "camconn.h"


static unsigned			next_slot;

/*
 * Offline cameras that are not configured, in the order they became so.
 * Each stays listed for CAM_FORGET_S (a camera that reboots or loses its
 * Wi-Fi for a while keeps its tile), and at most CAM_OFFLINE_KEEP are
 * kept: fake uids that register and leave can neither fill the table nor
 * grow what v720ctl and the web API list.  A full table makes room by
 * forgetting the oldest of them.  Configured cameras are never forgotten,
 * nor one a viewer or a snapshot is waiting for right now.
 */
static struct camera_list	gone = TAILQ_HEAD_INITIALIZER(gone);
static size_t			ngone;
static int			trim_pending;
static uint64_t			ntrimmed;	/* since the last log line */

static void	camera_free(struct camera *);
static int
camera_cmp(struct camera *a, struct camera *b)
{
	return strcmp(a->cam_id, b->cam_id);
}

RB_GENERATE(camera_tree, camera, cam_entry, camera_cmp);

struct model	*model;

void
model_init(void)
{
	if ((model = calloc(1, sizeof(*model))) == NULL)
		fatal("%s", __func__);
	RB_INIT(&model->m_cameras);
	TAILQ_INIT(&model->m_active);
}

const struct cfg_camera *
model_camcfg(const char *id)
{
	size_t	i;

	for (i = 0; i < model->m_ncams; i++)
		if (strcmp(model->m_cams[i].cc_id, id) == 0)
			return &model->m_cams[i];
	return NULL;
}

struct camera *
camera_find(const char *id)
{
	struct camera	key;

	if (strlcpy(key.cam_id, id, sizeof(key.cam_id)) >= sizeof(key.cam_id))
		return NULL;
	return RB_FIND(camera_tree, &model->m_cameras, &key);
}

static void
camera_config(struct camera *cam)
{
	const struct cfg_camera	*cc = model_camcfg(cam->cam_id);

	cam->cam_configured = cc != NULL;
	cam->cam_idle_timeout = model->m_cfg.cg_idle_timeout;
	cam->cam_info.ci_stream_always = 0;
	cam->cam_info.ci_name[0] = '\0';
	cam->cam_record = REC_OFF;
	if (cc != NULL) {
		cam->cam_record = cc->cc_record;
		strlcpy(cam->cam_info.ci_name, cc->cc_name,
		    sizeof(cam->cam_info.ci_name));
		cam->cam_info.ci_stream_always = cc->cc_stream_always;
		cam->cam_idle_timeout = cc->cc_idle_timeout;
	}
}

static int
camera_pinned(const struct camera *cam)
{
	return cam->cam_want.cd_viewers > 0 || cam->cam_snapwait > 0;
}

/* The oldest camera that may be forgotten, or NULL. */
static struct camera *
gone_oldest(void)
{
	struct camera	*cam;

	TAILQ_FOREACH(cam, &gone, cam_gone_entry)
		if (!camera_pinned(cam))
			return cam;
	return NULL;
}

static void
camera_forget(struct camera *cam)
{
	struct ctl_id	cid;

	memset(&cid, 0, sizeof(cid));
	strlcpy(cid.id, cam->cam_id, sizeof(cid.id));
	obs_gone(&cid);
	camera_free(cam);
}

/* From the event loop, never inside a handler that holds a camera. */
static void
gone_trim(int fd, short ev, void *arg)
{
	struct camera	*cam;

	trim_pending = 0;
	while (ngone > CAM_OFFLINE_KEEP && (cam = gone_oldest()) != NULL) {
		log_debug("camera %s: forgotten, more than %d offline",
		    cam->cam_id, CAM_OFFLINE_KEEP);
		camera_forget(cam);
		ntrimmed++;
	}
}

/* On the list exactly while offline and unconfigured. */
void
camera_gone_update(struct camera *cam)
{
	struct timeval	tv = { 0, 0 };
	int		want = !cam->cam_configured && cam->cam_conn == NULL;

	if (want && !cam->cam_gone) {
		cam->cam_offline_ms = proc_now_ms();
		TAILQ_INSERT_TAIL(&gone, cam, cam_gone_entry);
		cam->cam_gone = 1;
		ngone++;
	} else if (!want && cam->cam_gone) {
		TAILQ_REMOVE(&gone, cam, cam_gone_entry);
		cam->cam_gone = 0;
		ngone--;
	}
	if (ngone > CAM_OFFLINE_KEEP && !trim_pending) {
		if (event_once(-1, EV_TIMEOUT, gone_trim, NULL, &tv) == 0)
			trim_pending = 1;
	}
}

/* Once a second: those offline for CAM_FORGET_S, and what was trimmed. */
static void
gone_sweep(uint64_t now)
{
	struct camera	*cam, *tcam;

	TAILQ_FOREACH_SAFE(cam, &gone, cam_gone_entry, tcam) {
		if (now - cam->cam_offline_ms < CAM_FORGET_S * 1000ULL)
			break;
		if (camera_pinned(cam))
			continue;
		log_info("camera %s: offline for %d min, forgotten",
		    cam->cam_id, CAM_FORGET_S / 60);
		camera_forget(cam);
	}
	if (ntrimmed > 0) {
		log_warnx("cameras: %llu offline unconfigured cameras "
		    "forgotten at once (more than %d offline)",
		    (unsigned long long)ntrimmed, CAM_OFFLINE_KEEP);
		ntrimmed = 0;
	}
}

struct camera *
camera_get(const char *id)
{
	struct camera	*cam;
	struct cam_info	*ci;

	if ((cam = camera_find(id)) != NULL)
		return cam;
	if (model->m_ncameras >= ENGINE_MAX_CAMERAS) {
		if ((cam = gone_oldest()) == NULL) {
			log_warnx("camera %s: too many cameras (%d)", id,
			    ENGINE_MAX_CAMERAS);
			return NULL;
		}
		log_info("camera %s: forgotten, the table is full",
		    cam->cam_id);
		camera_forget(cam);
	}
	if ((cam = calloc(1, sizeof(*cam))) == NULL) {
		log_warn("%s", __func__);
		return NULL;
	}
	strlcpy(cam->cam_id, id, sizeof(cam->cam_id));
	cam->cam_slot = next_slot++ % ENGINE_SLICES;
	ci = &cam->cam_info;
	strlcpy(ci->ci_id, id, sizeof(ci->ci_id));
	ci->ci_state = CAM_OFFLINE;
	ci->ci_ir_led = ci->ci_flip = ci->ci_status_led =
	    ci->ci_motion_alert = CAM_SETTING_UNKNOWN;
	memset(ci->ci_xset, CAM_SETTING_UNKNOWN, sizeof(ci->ci_xset));
	ci->ci_battery = -1;
	ci->ci_sd_total_mb = ci->ci_sd_free_mb = -1;
	cam->cam_udpfd = -1;
	camera_config(cam);
	RB_INSERT(camera_tree, &model->m_cameras, cam);
	model->m_ncameras++;
	camera_gone_update(cam);
	return cam;
}

static void
camera_free(struct camera *cam)
{
	if (cam->cam_gone) {
		TAILQ_REMOVE(&gone, cam, cam_gone_entry);
		ngone--;
	}
	RB_REMOVE(camera_tree, &model->m_cameras, cam);
	model->m_ncameras--;
	ptz_stop(cam);
	stream_free(cam);
	ringout_free(cam);
	cam_private_free(cam);
	free(cam->cam_jpeg);
	free(cam);
}

/* cam lost its connection (cam_conn is NULL already). */
void
camera_offline(struct camera *cam)
{
	stream_stop(cam, 0);
	cam->cam_info.ci_state = relay_idle_state(cam);
	/* No more frames: no rate either. */
	cam->cam_info.ci_fps_milli = 0;
	for (size_t i = 0; i < 4; i++)
		cam->cam_fps_frames[i] = cam->cam_info.ci_frames;
	camera_changed(cam);
	log_info("camera %s: offline", cam->cam_id);
	camera_gone_update(cam);
}

int
camera_forward(struct camera *cam, int code, const char *extra)
{
	char	js[1024];
	int	n;

	/* Without TCP, a camera seen on MQTT gets it on its sub/<uid>. */
	if (cam->cam_conn == NULL)
		return relay_forward(cam, code, extra);
	if (cam->cam_client[0] == '\0')
		camtcp_clientid(cam->cam_client);
	if ((n = camtcp_json_forward(js, sizeof(js), cam->cam_client, code,
	    extra)) == -1)
		return -1;
	log_debug("camera %s: forward %d%s", cam->cam_id, code,
	    extra ? extra : "");
	return camera_send(cam, WIRE_CMD_JSON, js, n);
}

int
camera_set(struct camera *cam, const char *key, const char *val,
    const char **err)
{
	const struct caminfo_setting	*s;
	char				 extra[64];
	int				 code;

	if ((s = caminfo_setting(key)) != NULL && s->feature != 0 &&
	    (cam->cam_info.ci_features & s->feature) == 0) {
		*err = "the camera has not shown it has this setting";
		return -1;
	}
	if (camtcp_setting(key, val, &code, extra, sizeof(extra), err) == -1)
		return -1;
	/* Never over TCP: there the code means something else. */
	if (s != NULL && s->mqtt_only) {
		if (relay_forward(cam, code, extra) == -1) {
			*err = "camera not on MQTT";
			return -1;
		}
		return 0;
	}
	if (camera_forward(cam, code, extra) == -1) {
		*err = "camera offline";
		return -1;
	}
	return 0;
}

int
camera_web_forward(struct camera *cam, const char *json, size_t len,
    const char **err)
{
	char	extra[600];
	int	code;

	if (camtcp_forward_content(json, len, &code, extra, sizeof(extra),
	    err) == -1)
		return -1;
	if (camera_forward(cam, code, extra) == -1) {
		*err = "camera offline";
		return -1;
	}
	return 0;
}

void
camera_fill_info(struct camera *cam)
{
	struct cam_info			*ci = &cam->cam_info;
	const struct media_stats	*ms;

	/* ci_rtsp_viewers, of these, is rtsppeer.c's to fill. */
	ci->ci_viewers = cam->cam_want.cd_viewers;
	if (cam->cam_media == NULL)
		return;
	ms = media_stats(cam->cam_media);
	ci->ci_drop_incomplete = ms->drop_incomplete;
	ci->ci_drop_size = ms->drop_size;
	ci->ci_drop_jpeg = ms->drop_jpeg;
	ci->ci_drop_toobig = ms->drop_toobig;
	ci->ci_dropped = ms->drop_incomplete + ms->drop_size + ms->drop_jpeg +
	    ms->drop_toobig + ci->ci_drop_backlog;
	ci->ci_packets = ms->packets;
	ci->ci_packets_dup = ms->packets_dup;
	ci->ci_packets_late = ms->packets_late;
	ci->ci_confirms = ms->confirms;
	ci->ci_audio_chunks = ms->audio_chunks;
}

void
camera_publish(struct camera *cam)
{
	cam->cam_dirty = 0;
	camera_fill_info(cam);
	obs_state(cam);
}

void
camera_changed(struct camera *cam)
{
	camera_publish(cam);
}

void
camera_publish_all(void)
{
	struct camera	*cam;

	RB_FOREACH(cam, camera_tree, &model->m_cameras)
		camera_publish(cam);
}

/*
 * Once a second for the cameras of one timer slot: silence, fps, state
 * to web; with slot 0 also the pending registrations.
 */
void
camera_second(uint64_t now, unsigned slot)
{
	struct camconn	*c;
	struct camera	*cam, *tcam;
	struct cam_info	*ci;
	uint64_t	 old, fps;

	if (slot == 0) {
		gone_sweep(now);
		claim_second(now);
		camconn_second(now);
	}
	RB_FOREACH_SAFE(cam, camera_tree, &model->m_cameras, tcam) {
		if (cam->cam_slot != slot)
			continue;
		ci = &cam->cam_info;
		if ((c = cam->cam_conn) != NULL &&
		    now - c->cc_last_rx_ms > CAM_SILENCE_S * 1000ULL) {
			log_warnx("camera %s: silent for %d s, offline",
			    cam->cam_id, CAM_SILENCE_S);
			camconn_free(c);
			continue;
		}
		/* fps over the last three seconds */
		cam->cam_fps_pos = (cam->cam_fps_pos + 1) % 4;
		cam->cam_fps_frames[cam->cam_fps_pos] = ci->ci_frames;
		old = cam->cam_fps_frames[(cam->cam_fps_pos + 1) % 4];
		fps = (ci->ci_frames - old) * 1000 / 3;
		if (cam->cam_ss == SS_STREAMING || cam->cam_dirty ||
		    fps != ci->ci_fps_milli) {
			ci->ci_fps_milli = fps;
			camera_publish(cam);
		}
	}
}

void
camera_apply_config(void)
{
	struct camera	*cam, *tcam;
	size_t		 i;

	for (i = 0; i < model->m_ncams; i++)
		if (camtcp_valid_uid(model->m_cams[i].cc_id))
			(void)camera_get(model->m_cams[i].cc_id);
	RB_FOREACH_SAFE(cam, camera_tree, &model->m_cameras, tcam) {
		camera_config(cam);
		if (!cam->cam_configured && !model->m_cfg.cg_unknown_accept &&
		    cam->cam_conn != NULL) {
			log_info("camera %s: no longer allowed, closing",
			    cam->cam_id);
			camconn_free(cam->cam_conn);
			camera_forget(cam);
			continue;
		}
		/* Offline cameras stay listed for a while (see gone), unless
		 * they are no longer allowed. */
		if (!cam->cam_configured && cam->cam_conn == NULL &&
		    !model->m_cfg.cg_unknown_accept) {
			camera_forget(cam);
			continue;
		}
		camera_gone_update(cam);
		stream_update(cam, proc_now_ms());
		camera_publish(cam);
	}
}

void
camera_free_all(void)
{
	struct camera	*cam;

	camconn_free_pending();
	while ((cam = RB_ROOT(&model->m_cameras)) != NULL) {
		if (cam->cam_conn != NULL)
			camconn_free(cam->cam_conn);
		camera_free(cam);
	}
}

void
model_free(void)
{
	free(model->m_cams);
	free(model);
	model = NULL;
}
