/*
 * The engine's side of the engine<->v720-web channel.  v720-web learns
 * every camera's state and each frame (a notice of its slot in the
 * camera's ring, ringout.c) and audio chunk; it tells us how many
 * clients watch or listen to each camera (its demand), starts and stops
 * streams, changes settings, moves the PTZ, talks back, and forwards
 * what its API lets a user send.  A frame it is too far behind for is
 * dropped and counted in ci_drop_backlog, never waited for.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <string.h>

#include "chan.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "sibling.h"
#include "hist.h"
#include "diag.h"
#include "peer.h"

static struct chanev	web_ce;
static int		web_up;
static uint64_t		frames_out;	/* bench, debug */

/*
 * Latency from the last fragment to the frame written to the web channel,
 * two ways: from the kernel's receive timestamp (includes the time the
 * datagram waited in the socket) and from when the engine read it.
 */
static struct hist_us	lat_kernel, lat_user;
/*
 * Frames of this batch of datagrams, timed once they are on the channel:
 * a batch is at most 64 datagrams (udp.c), so at most 64 frames.
 */
#define LAT_PEND_MAX	64
static uint64_t		lat_pend[LAT_PEND_MAX];
static size_t		lat_npend;

static void	webpeer_dispatch(struct chanev *, struct chan_msg *, void *);
static void	webpeer_closed(struct chanev *, void *);

static void
webpeer_send(uint32_t type, const void *data, size_t len)
{
	if (web_up)
		chanev_compose(&web_ce, type, 0, -1, data, len);
}

void
webpeer_stats(struct webpeer_stats *ws)
{
	ws->ws_frames_out = frames_out;
	ws->ws_queued = web_up ? chan_queued(&web_ce.c) : 0;
	/* Since the last line: not the burst of 500 streams starting. */
	hist_us_take(&lat_kernel, &ws->ws_kernel_p50, &ws->ws_kernel_p99);
	hist_us_take(&lat_user, &ws->ws_user_p50, &ws->ws_user_p99);
}

/* Its viewers are gone, or the new one re-sends them: demand 0 now. */
static void
webpeer_forget_demand(void)
{
	static const struct cam_demand	 nodemand;
	struct camera			*cam;

	RB_FOREACH(cam, camera_tree, &model->m_cameras)
		cam_demand_set(cam, &webpeer_observer, &nodemand,
		    proc_now_ms());
}

void
webpeer_new(struct chan_msg *m)
{
	if (web_up)
		chanev_clear(&web_ce);
	if (sibling_open(&web_ce, m, IMSG_CAM_STATE, webpeer_dispatch,
	    webpeer_closed, NULL) == -1)
		fatal("web channel");
	web_ce.c.nofds = 1;		/* v720-web never passes fds */
	web_up = 1;
	ringout_consumer(RINGOUT_WEB, &web_ce);
	/* The new web process re-sends the viewer counts it has. */
	webpeer_forget_demand();
	camera_publish_all();
	diag_web_up(&web_ce);
}

static void
webpeer_closed(struct chanev *ce, void *arg)
{
	log_debug("web channel closed");
	chanev_clear(&web_ce);
	web_up = 0;
	ringout_consumer(RINGOUT_WEB, NULL);
	talk_owner_gone(NULL);
	diag_web_down();
	/* Its viewers are gone; the idle timeout starts now. */
	webpeer_forget_demand();
}

void
webpeer_free(void)
{
	if (web_up)
		chanev_clear(&web_ce);
	web_up = 0;
}

static struct camera *
web_camera(struct chan_msg *m, const char *id)
{
	struct camera	*cam;

	if ((cam = camera_find(id)) == NULL)
		log_debug("web: message %u for unknown camera", m->hdr.ch_type);
	return cam;
}

static void
webpeer_talk_report(void *owner, const struct talk_status *ts)
{
	webpeer_send(IMSG_TALK_STATUS, ts, sizeof(*ts));
}

/* Talk-back from v720-web: 0, or -1 if malformed (channel closed). */
static int
webpeer_talk(struct chanev *ce, struct chan_msg *m)
{
	struct talk_status	 ts;
	const char		*why;

	switch (talk_msg(NULL, webpeer_talk_report, m->hdr.ch_type, m->data,
	    m->len, &ts, &why)) {
	case -1:
		sibling_bad(ce, m, "%s, %zu bytes", why, m->len);
		return -1;
	case 1:
		webpeer_send(IMSG_TALK_STATUS, &ts, sizeof(ts));
		break;
	}
	return 0;
}

static void
webpeer_dispatch(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct camera		*cam;
	struct cam_demand	 d;
	struct ctl_req		 req;
	struct ctl_id		 cid;
	struct ctl_set		 set;
	struct ptz_req		 pr;
	struct web_forward	 wf;
	const char		*err;
	uint64_t		 now = proc_now_ms();

	switch (m->hdr.ch_type) {
	case IMSG_WEB_AUDIO:
		if (peer_msg(ce, m, &req, sizeof(req)) == -1)
			return;
		if ((cam = web_camera(m, req.id)) == NULL)
			break;
		d = *cam_demand(cam, &webpeer_observer);
		d.cd_audio = req.value > 0 ? req.value : 0;
		cam_demand_set(cam, &webpeer_observer, &d, now);
		break;
	case IMSG_WEB_VIEWERS:
	case IMSG_WEB_STREAM:
		if (peer_msg(ce, m, &req, sizeof(req)) == -1)
			return;
		if ((cam = web_camera(m, req.id)) == NULL)
			break;
		if (m->hdr.ch_type == IMSG_WEB_VIEWERS) {
			d = *cam_demand(cam, &webpeer_observer);
			d.cd_viewers = req.value > 0 ? req.value : 0;
			log_debug("%s: %u viewers", cam->cam_id,
			    d.cd_viewers);
			cam_demand_set(cam, &webpeer_observer, &d, now);
			camera_changed(cam);
		} else
			stream_manual(cam, req.value != 0, now);
		break;
	case IMSG_WEB_SET:
		if (peer_msg(ce, m, &set, sizeof(set)) == -1)
			return;
		if (chan_strfield(set.key, sizeof(set.key)) ||
		    chan_strfield(set.value, sizeof(set.value))) {
			sibling_bad(ce, m, "unterminated setting");
			return;
		}
		if ((cam = web_camera(m, set.id)) == NULL)
			break;
		if (camera_set(cam, set.key, set.value, &err) == -1)
			log_warnx("%s: web set %s %s: %s", cam->cam_id,
			    set.key, set.value, err);
		break;
	case IMSG_WEB_REBOOT:
		if (peer_msg(ce, m, &cid, sizeof(cid)) == -1)
			return;
		if ((cam = web_camera(m, cid.id)) == NULL)
			break;
		if (camera_forward(cam, 299, ",\"reboot\":1") == -1)
			log_warnx("%s: reboot: camera offline", cam->cam_id);
		break;
	case IMSG_TALK_START:
	case IMSG_TALK_DATA:
	case IMSG_TALK_END:
	case IMSG_TALK_ABORT:
		if (webpeer_talk(ce, m) == -1)
			return;
		break;
	case IMSG_WEB_PTZ:
		if (peer_msg(ce, m, &pr, sizeof(pr)) == -1)
			return;
		if ((cam = web_camera(m, pr.id)) == NULL)
			break;
		if (ptz_request(cam, pr.move, pr.hold_ms, &err) == -1)
			log_warnx("%s: ptz: %s", cam->cam_id, err);
		break;
	case IMSG_WEB_FORWARD:
		if (peer_msg(ce, m, &wf, sizeof(wf)) == -1)
			return;
		if (chan_strfield(wf.wf_json, sizeof(wf.wf_json))) {
			sibling_bad(ce, m, "unterminated forward");
			return;
		}
		if ((cam = web_camera(m, wf.wf_id)) == NULL)
			break;
		if (camera_web_forward(cam, wf.wf_json, strlen(wf.wf_json),
		    &err) == -1)
			log_warnx("%s: web forward refused: %s", cam->cam_id,
			    err);
		break;
	case IMSG_WEB_LISTENERS:
		if (diag_web_listeners(m->data, m->len) == -1) {
			sibling_bad(ce, m, "bad listener list of %zu bytes",
			    m->len);
			return;
		}
		break;
	default:
		/* v720-web never passes descriptors (nofds): not here. */
		sibling_bad(ce, m, "a type it does not send");
		return;
	}
}

/* v720-web's share of the model's news (see model.h). */
static void
web_state(struct camera *cam)
{
	webpeer_send(IMSG_CAM_STATE, &cam->cam_info,
	    sizeof(cam->cam_info));
}

static void
web_gone(const struct ctl_id *cid)
{
	webpeer_send(IMSG_CAM_GONE, cid, sizeof(*cid));
}

/* A frame or audio chunk to v720-web: 0, or -1 if it is not up or behind. */
static int
web_media(uint32_t type, const struct cam_frame *f)
{
	struct iovec	iov[2];

	if (!web_up)
		return -1;
	iov[0].iov_base = (void *)(uintptr_t)f->cf_cm;
	iov[0].iov_len = sizeof(*f->cf_cm);
	iov[1].iov_base = (void *)(uintptr_t)f->cf_data;
	iov[1].iov_len = f->cf_len;
	return chanev_composev(&web_ce, type, 0, -1, iov, 2);
}

static void
web_latency(uint64_t ts_ns, uint64_t now_ns)
{
	hist_us_add(&lat_kernel, (now_ns - ts_ns) / 1000);
	hist_us_add(&lat_user, (now_ns - model->m_rx_ns) / 1000);
}

static void
web_frame(struct camera *cam, const struct cam_frame *f)
{
	if (!web_up)
		return;
	if (f->cf_fslot == NULL ||
	    ringout_notice(RINGOUT_WEB, cam, f->cf_fslot, 0) == -1) {
		cam->cam_info.ci_drop_backlog++;
		return;
	}
	frames_out++;
	if (obs_batching() && lat_npend < LAT_PEND_MAX) {
		lat_pend[lat_npend++] = f->cf_cm->cm_ts_ns;
		return;
	}
	web_latency(f->cf_cm->cm_ts_ns, proc_now_ns());
}

static void
web_flushed(void)
{
	uint64_t	now_ns = proc_now_ns();
	size_t		i;

	for (i = 0; i < lat_npend; i++)
		web_latency(lat_pend[i], now_ns);
	lat_npend = 0;
}

static void
web_audio(struct camera *cam, const struct cam_frame *f)
{
	(void)web_media(IMSG_CAM_AUDIO, f);
}

const struct cam_observer webpeer_observer = {
	"web", web_state, web_gone, web_frame, web_audio, web_flushed
};
