/*
 * The engine's side of the engine<->rtsp channel.  The rtsp child learns
 * every camera's name and state (standby for a camera known only over
 * MQTT, gone when forgotten); it tells us how many RTSP sessions PLAY
 * each camera, and those count as viewers: the stream starts as for an
 * MJPEG viewer and `idle timeout` runs once the last one left.  Frames
 * and audio go to it only for cameras with RTSP demand, and never at the
 * cost of the cameras or the other consumers: past RTSP_QUEUE_MAX queued
 * a frame is dropped and counted in ci_drop_rtsp.
 */
#include <sys/types.h>

#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "sibling.h"
#include "peer.h"

#define RTSP_QUEUE_MAX		(8 * 1024 * 1024)
#define RTSP_DEMAND_MAX		100000	/* sessions on one camera */

static struct chanev	rtsp_ce;
static int		rtsp_up;

/* The `rtsp listen` addresses, for v720ctl show camera (and pending). */
#define RTSP_URLS_MAX		16
static struct cfg_listen	urls[RTSP_URLS_MAX], purls[RTSP_URLS_MAX];
static size_t			nurls, npurls;

/* What the child was told of a camera (cam_private). */
struct rtsp_told {
	int	rt_state;	/* ci_state + 1, 0: nothing */
	int	rt_waiting;	/* a new session waits for a frame */
	char	rt_name[V720_NAME_MAX];
};

static void	rtsppeer_dispatch(struct chanev *, struct chan_msg *, void *);
static void	rtsppeer_closed(struct chanev *, void *);

void
rtsppeer_url_start(void)
{
	npurls = 0;
}

void
rtsppeer_url_add(const struct cfg_listen *cl)
{
	if (npurls < RTSP_URLS_MAX)
		purls[npurls++] = *cl;
}

/* A wildcard address is shown as `server address` when there is one. */
void
rtsppeer_url_commit(void)
{
	size_t	i;

	for (i = 0; i < npurls; i++)
		if ((strcmp(purls[i].cl_addr, "0.0.0.0") == 0 ||
		    strcmp(purls[i].cl_addr, "::") == 0) &&
		    model->m_cfg.cg_server_addr[0] != '\0')
			strlcpy(purls[i].cl_addr, model->m_cfg.cg_server_addr,
			    sizeof(purls[i].cl_addr));
	memcpy(urls, purls, npurls * sizeof(urls[0]));
	nurls = npurls;
}

size_t
rtsppeer_urls(const struct cfg_listen **out)
{
	*out = urls;
	return nurls;
}

/* Tell the rtsp child the camera's name and state if they changed. */
void
rtsppeer_camera(struct camera *cam)
{
	struct rtsp_cam		 k;
	struct rtsp_told	*t;

	if (!rtsp_up || (t = cam_private(cam, &rtsppeer_observer,
	    sizeof(*t))) == NULL)
		return;
	if (t->rt_state == cam->cam_info.ci_state + 1 &&
	    strcmp(t->rt_name, cam->cam_info.ci_name) == 0)
		return;
	memset(&k, 0, sizeof(k));
	strlcpy(k.rk_id, cam->cam_id, sizeof(k.rk_id));
	strlcpy(k.rk_name, cam->cam_info.ci_name, sizeof(k.rk_name));
	k.rk_state = cam->cam_info.ci_state;
	if (chanev_compose(&rtsp_ce, IMSG_RTSP_CAMERA, 0, -1, &k,
	    sizeof(k)) == -1)
		return;
	t->rt_state = cam->cam_info.ci_state + 1;
	strlcpy(t->rt_name, cam->cam_info.ci_name, sizeof(t->rt_name));
}

void
rtsppeer_gone(const struct ctl_id *cid)
{
	if (rtsp_up)
		chanev_compose(&rtsp_ce, IMSG_RTSP_GONE, 0, -1, cid,
		    sizeof(*cid));
}

/*
 * n sessions PLAY cam: they count as viewers, and RTSP wants the sound
 * with the picture.  ci_rtsp_viewers is ours to fill: the model counts
 * viewers without asking whose.
 */
static void
rtsppeer_demand(struct camera *cam, uint32_t n, uint64_t now)
{
	struct cam_demand	d;

	memset(&d, 0, sizeof(d));
	d.cd_viewers = n;
	d.cd_full = n > 0;
	cam->cam_info.ci_rtsp_viewers = n;
	cam_demand_set(cam, &rtsppeer_observer, &d, now);
	camera_changed(cam);
}

/* Its sessions are gone with it: the idle timeout starts now. */
static void
rtsppeer_forget_demand(void)
{
	struct camera		*cam;
	struct rtsp_told	*t;
	uint64_t		 now = proc_now_ms();

	RB_FOREACH(cam, camera_tree, &model->m_cameras) {
		if ((t = cam_private_get(cam, &rtsppeer_observer)) != NULL)
			t->rt_state = 0;
		if (cam_demand(cam, &rtsppeer_observer)->cd_viewers != 0)
			rtsppeer_demand(cam, 0, now);
	}
}

void
rtsppeer_new(struct chan_msg *m)
{
	struct camera	*cam;

	if (rtsp_up)
		chanev_clear(&rtsp_ce);
	rtsppeer_forget_demand();
	if (sibling_open(&rtsp_ce, m, IMSG_RTSP_CAMERA, rtsppeer_dispatch,
	    rtsppeer_closed, NULL) == -1)
		fatal("rtsp channel");
	rtsp_ce.c.nofds = 1;		/* the rtsp child never passes fds */
	chanev_linger(&rtsp_ce, RTSP_LINGER_MS);
	rtsp_up = 1;
	ringout_consumer(RINGOUT_RTSP, &rtsp_ce);
	log_debug("rtsp channel up");
	RB_FOREACH(cam, camera_tree, &model->m_cameras)
		rtsppeer_camera(cam);
}

static void
rtsppeer_closed(struct chanev *ce, void *arg)
{
	log_debug("rtsp channel closed");
	chanev_clear(&rtsp_ce);
	rtsp_up = 0;
	ringout_consumer(RINGOUT_RTSP, NULL);
	rtsppeer_forget_demand();
}

void
rtsppeer_free(void)
{
	if (rtsp_up)
		chanev_clear(&rtsp_ce);
	rtsp_up = 0;
	ringout_consumer(RINGOUT_RTSP, NULL);
}

static void
rtsppeer_dispatch(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct ctl_req		 req;
	struct camera		*cam;
	struct rtsp_told	*t;

	/* No descriptors: the channel is nofds. */
	switch (m->hdr.ch_type) {
	case IMSG_RTSP_DEMAND:
		if (peer_msg(ce, m, &req, sizeof(req)) == -1)
			return;
		if (req.value < 0 || req.value > RTSP_DEMAND_MAX) {
			sibling_bad(ce, m, "RTSP_DEMAND of %d sessions",
			    req.value);
			return;
		}
		/* A camera forgotten meanwhile: nothing to start. */
		if ((cam = camera_find(req.id)) == NULL)
			break;
		if (cam_demand(cam, &rtsppeer_observer)->cd_viewers ==
		    (uint32_t)req.value)
			break;
		log_debug("%s: %d rtsp sessions", cam->cam_id, req.value);
		if ((uint32_t)req.value > cam_demand(cam,
		    &rtsppeer_observer)->cd_viewers && (t = cam_private(cam,
		    &rtsppeer_observer, sizeof(*t))) != NULL)
			t->rt_waiting = 1;
		rtsppeer_demand(cam, req.value, proc_now_ms());
		break;
	default:
		sibling_bad(ce, m, "a type it does not send");
		return;
	}
}

/*
 * A frame of a camera someone PLAYs, in its ring: announce it or drop it.
 * The channel lingers (RTSP_LINGER_MS), but a new session's first frame
 * goes at once: it is what the client waits for to start.
 */
static void
rtsppeer_frame(struct camera *cam, const struct cam_frame *f)
{
	struct rtsp_told	*t;

	if (!rtsp_up || cam_demand(cam, &rtsppeer_observer)->cd_viewers == 0)
		return;
	if (f->cf_fslot == NULL || ringout_notice(RINGOUT_RTSP, cam,
	    f->cf_fslot, RTSP_QUEUE_MAX) == -1) {
		if (cam->cam_info.ci_drop_rtsp++ % 100 == 0)
			log_warnx("%s: rtsp child behind, %u frames not sent "
			    "to it", cam->cam_id, cam->cam_info.ci_drop_rtsp);
		return;
	}
	if ((t = cam_private(cam, &rtsppeer_observer, sizeof(*t))) != NULL &&
	    t->rt_waiting) {
		t->rt_waiting = 0;
		chanev_push(&rtsp_ce);
	}
}

/* Audio goes on the channel (small, and the ring holds frames only); a
 * chunk the full queue cannot take is lost, as a camera's late one is. */
static void
rtsppeer_audio(struct camera *cam, const struct cam_frame *f)
{
	if (!rtsp_up || cam_demand(cam, &rtsppeer_observer)->cd_viewers == 0)
		return;
	(void)peer_media_out(&rtsp_ce, RTSP_QUEUE_MAX, IMSG_CAM_AUDIO,
	    f->cf_cm, f->cf_data, f->cf_len);
}

const struct cam_observer rtsppeer_observer = {
	"rtsp", rtsppeer_camera, rtsppeer_gone, rtsppeer_frame, rtsppeer_audio,
	NULL
};
