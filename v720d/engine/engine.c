/*
 * The camera engine process: setup, the parent and web channels, the
 * config push and the listeners it hands us, the stream timer.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event.h>

#include "chan.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "sibling.h"
#include "testhook.h"
#include "media.h"
#include "engine.h"
#include "hist.h"
#include "diag.h"

#define LAT_BUCKETS	20001	/* 1 us each; the last one is "more" */

struct engine		*env;

/* Config being received, between IMSG_CFG_START and IMSG_CFG_END. */
static struct {
	int			 active;
	struct cfg_global	 cfg;
	struct listener_list	 listeners;
	struct cfg_camera	*cams;
	size_t			 ncams;
} pend;

/*
 * Latency from the last fragment to the frame queued on the web channel,
 * two ways: from the kernel's receive timestamp (includes the time the
 * datagram waited in the socket) and from when the engine read it.
 */
struct lat {
	uint32_t	hist[LAT_BUCKETS];
};
static struct lat	lat_kernel, lat_user;
static uint64_t		tick_max_us;	/* longest timer run, for the stats */

static void	engine_dispatch_parent(struct chanev *, struct chan_msg *,
		    void *);
static void	engine_dispatch_web(struct chanev *, struct chan_msg *, void *);
static void	engine_parent_closed(struct chanev *, void *);
static void	engine_web_closed(struct chanev *, void *);
static void	engine_shutdown(void);
static void	engine_send_web(uint32_t, const void *, size_t);
static void	web_talk_report(void *, const struct talk_status *);
static const struct cam_observer web_observer;

static void
engine_latency(uint64_t kernel_ns, uint64_t user_ns)
{
	hist_add(lat_kernel.hist, LAT_BUCKETS, kernel_ns / 1000);
	hist_add(lat_user.hist, LAT_BUCKETS, user_ns / 1000);
}

static unsigned long long
lat_pct(const struct lat *l, unsigned pct)
{
	return hist_percentile(l->hist, LAT_BUCKETS, pct);
}

static void
engine_log_stats(void)
{
	struct camera	*cam;
	size_t		 media = 0, jpeg = 0;

	RB_FOREACH(cam, camera_tree, &model->m_cameras) {
		if (cam->cam_media != NULL)
			media += media_memory(cam->cam_media);
		if (cam->cam_jpeg != NULL)
			jpeg += cam->cam_jpeg_len;
	}
	log_info("stats: cameras %zu, frames out %llu, latency p50 %llu us "
	    "p99 %llu us (from the kernel's receive time; from the engine's "
	    "read p50 %llu us p99 %llu us), udp unknown %llu, udp bad %llu, "
	    "media memory %zu KB, kept frames %zu KB, web queue %zu KB, "
	    "longest timer run %llu us",
	    model->m_ncameras, (unsigned long long)env->e_frames_out,
	    lat_pct(&lat_kernel, 50), lat_pct(&lat_kernel, 99),
	    lat_pct(&lat_user, 50), lat_pct(&lat_user, 99),
	    (unsigned long long)model->m_udp_unknown,
	    (unsigned long long)model->m_udp_bad, media / 1024, jpeg / 1024,
	    env->e_web_up ? chan_queued(&env->e_web.c) / 1024 : 0,
	    (unsigned long long)tick_max_us);
	tick_max_us = 0;	/* the next line covers the time since this one */
}

static void
engine_sig(int sig, short ev, void *arg)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		engine_shutdown();
		break;
	case SIGUSR1:
		engine_log_stats();
		break;
	}
}

static void
engine_tick(int fd, short ev, void *arg)
{
	uint64_t	now = proc_now_ms(), t0 = proc_now_ns(), us;
	unsigned	slice = env->e_ticks % ENGINE_SLICES;
	unsigned	round = env->e_ticks / ENGINE_SLICES;

	/*
	 * Every ENGINE_SLICE_MS one slice of the cameras: each camera's
	 * stream work every ENGINE_TICK_MS and its once-a-second work, in
	 * small runs rather than one burst that would hold up the UDP
	 * socket for milliseconds with hundreds of cameras.
	 */
	env->e_ticks++;
	stream_tick(now, slice);
	control_tick(now);
	diag_tick(now);
	if (round % ENGINE_SLICES == slice)
		camera_second(now, slice);
	if ((us = (proc_now_ns() - t0) / 1000) > tick_max_us)
		tick_max_us = us;
}

/*
 * Descriptors: the soft limit (1024 under systemd) is raised to the hard
 * one, as v720-web does, and ENGINE_FD_RESERVE of them are kept from
 * camera connections, so bootstrap and the control socket always get
 * theirs.
 */
static void
engine_nofile(void)
{
	struct rlimit	rl;
	rlim_t		was;
	size_t		max = SIZE_MAX;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		was = rl.rlim_cur;
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
				log_warn("%s: setrlimit", __func__);
			(void)getrlimit(RLIMIT_NOFILE, &rl);
		}
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < SIZE_MAX)
			max = rl.rlim_cur > 2 * ENGINE_FD_RESERVE ?
			    rl.rlim_cur - ENGINE_FD_RESERVE : rl.rlim_cur / 2;
		log_info("descriptors: limit %llu (was %llu), %zu for camera "
		    "connections", (unsigned long long)rl.rlim_cur,
		    (unsigned long long)was, max);
	}
	model->m_cam_conn_max = max;
}

/*
 * Everything but the process setup: the state, the event base, the
 * parent channel on fd and the stream timer.  The unit tests start the
 * engine in-process with this.
 */
void
engine_init(int fd)
{
	struct timeval	tv = { 0, ENGINE_SLICE_MS * 1000 };

	if ((env = calloc(1, sizeof(*env))) == NULL)
		fatal("%s", __func__);
	model_init();
	/* In the order frames went out before there were observers. */
	cam_observe(&web_observer);
	cam_observe(&recpeer_observer);
	cam_observe(&rtsppeer_observer);
	cam_observe(&control_observer);
	cam_observe(&mqttpeer_observer);
	cam_relay_set(&mqttpeer_relay);
	control_init(&env->e_parent);
	diag_init(&env->e_listeners);
	engine_nofile();
	TAILQ_INIT(&env->e_listeners);
	TAILQ_INIT(&pend.listeners);

	/* Timers with microseconds (timerfd): the UDP poll interval. */
	setenv("EVENT_PRECISE_TIMER", "1", 1);
	event_init();
	proc_child_channel(&env->e_parent, fd, engine_dispatch_parent,
	    engine_parent_closed);
	event_set(&env->e_tick, -1, EV_PERSIST, engine_tick, NULL);
	event_add(&env->e_tick, &tv);
}

void
engine_main(int debug, int verbose, const char *user, const char *chroot)
{
	log_init(debug, LOG_DAEMON);
	log_setverbose(verbose);
	log_procinit("engine");
	proc_title("camera engine");
	proc_privdrop(user ? user : PROC_DEFAULT_USER,
	    chroot ? chroot : PROC_DEFAULT_CHROOT);

	engine_init(PROC_PARENT_FD);
	proc_child_signals(engine_sig, 1);
	testhook_init(&env->e_parent, IMSG_PROC_STATS);
	engine_sandbox();

	log_debug("started");
	event_dispatch();
	engine_shutdown();
}

static void
engine_shutdown(void)
{
	struct listener	*l;

	engine_log_stats();
	control_free_all();
	camera_free_all();
	diag_free_all();
	boot_free_all();
	while ((l = TAILQ_FIRST(&env->e_listeners)) != NULL) {
		TAILQ_REMOVE(&env->e_listeners, l, l_entry);
		listener_free(l);
	}
	while ((l = TAILQ_FIRST(&pend.listeners)) != NULL) {
		TAILQ_REMOVE(&pend.listeners, l, l_entry);
		listener_free(l);
	}
	free(pend.cams);
	if (env->e_web_up)
		chanev_clear(&env->e_web);
	mqttpeer_free();
	recpeer_free();
	rtsppeer_free();
	chanev_clear(&env->e_parent);
	model_free();
	free(env);
	env = NULL;
	exit(0);
}

static void
engine_parent_closed(struct chanev *ce, void *arg)
{
	log_debug("parent went away");
	engine_shutdown();
}

static void
listener_start(struct listener *l)
{
	void	(*cb)(int, short, void *);
	int	  flags;

	if ((flags = fcntl(l->l_fd, F_GETFL)) == -1 ||
	    fcntl(l->l_fd, F_SETFL, flags | O_NONBLOCK) == -1)
		fatal("%s: fcntl", __func__);
	switch (l->l_kind) {
	case LISTEN_CAMERA_TCP:
		cb = camera_listener_accept;
		break;
	case LISTEN_CAMERA_UDP:
		cb = udp_listener_read;
		udp_listener_setup(l->l_fd);
		break;
	case LISTEN_BOOTSTRAP:
		cb = boot_listener_accept;
		break;
	default:
		cb = control_listener_accept;
		break;
	}
	event_set(&l->l_ev, l->l_fd, EV_READ | EV_PERSIST, cb, l);
	event_add(&l->l_ev, NULL);
	log_debug("listening: kind %d %s port %u", l->l_kind, l->l_addr,
	    l->l_port);
}

/*
 * Keep a listener we have if the new config has the same (kind, addr,
 * port): its new fd (a dup of the same socket) is closed.  Everything else
 * is swapped.  Connections accepted earlier are not touched.
 */
static void
engine_apply_listeners(void)
{
	struct listener	*n, *o, *tmp;
	struct listener_list keep;

	TAILQ_INIT(&keep);
	while ((n = TAILQ_FIRST(&pend.listeners)) != NULL) {
		TAILQ_REMOVE(&pend.listeners, n, l_entry);
		TAILQ_FOREACH(o, &env->e_listeners, l_entry) {
			if (o->l_kind == n->l_kind && o->l_port == n->l_port &&
			    strcmp(o->l_addr, n->l_addr) == 0)
				break;
		}
		if (o != NULL) {
			TAILQ_REMOVE(&env->e_listeners, o, l_entry);
			TAILQ_INSERT_TAIL(&keep, o, l_entry);
			listener_free(n);
		} else {
			listener_start(n);
			TAILQ_INSERT_TAIL(&keep, n, l_entry);
		}
	}
	TAILQ_FOREACH_SAFE(o, &env->e_listeners, l_entry, tmp) {
		TAILQ_REMOVE(&env->e_listeners, o, l_entry);
		log_debug("closing listener kind %d %s port %u", o->l_kind,
		    o->l_addr, o->l_port);
		if (o->l_kind == LISTEN_CAMERA_UDP)
			udp_fd_closed(o->l_fd);
		listener_free(o);
	}
	TAILQ_CONCAT(&env->e_listeners, &keep, l_entry);
}

static void
engine_cfg_end(void)
{
	model->m_cfg = pend.cfg;
	rtsppeer_url_commit();
	free(model->m_cams);
	model->m_cams = pend.cams;
	model->m_ncams = pend.ncams;
	pend.cams = NULL;
	pend.ncams = 0;
	pend.active = 0;
	engine_apply_listeners();
	camera_apply_config();
	log_setverbose(model->m_cfg.cg_verbose > log_getverbose() ?
	    model->m_cfg.cg_verbose : log_getverbose());
	log_debug("configuration applied: %zu cameras configured, unknown "
	    "cameras %s", model->m_ncams,
	    model->m_cfg.cg_unknown_accept ? "accepted" : "rejected");
}

static void
engine_new_peer(struct chan_msg *m)
{
	static const struct cam_demand	 nodemand;
	struct camera			*cam;

	if (env->e_web_up)
		chanev_clear(&env->e_web);
	if (sibling_open(&env->e_web, m, IMSG_CAM_STATE, engine_dispatch_web,
	    engine_web_closed, NULL) == -1)
		fatal("web channel");
	env->e_web.c.nofds = 1;		/* v720-web never passes fds */
	env->e_web_up = 1;
	ringout_consumer(RINGOUT_WEB, &env->e_web);
	/* The new web process re-sends the viewer counts it has. */
	RB_FOREACH(cam, camera_tree, &model->m_cameras)
		cam_demand_set(cam, &web_observer, &nodemand, proc_now_ms());
	camera_publish_all();
	diag_web_up(&env->e_web);
}

static void
engine_dispatch_parent(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct listener		*l;
	struct cfg_listen	 cl;
	struct cfg_camera	*cc;
	unsigned int		 peer;

	switch (m->hdr.ch_type) {
	case IMSG_CFG_START:
		if (m->len != sizeof(pend.cfg))
			fatalx("%s: bad CFG_START", __func__);
		while ((l = TAILQ_FIRST(&pend.listeners)) != NULL) {
			TAILQ_REMOVE(&pend.listeners, l, l_entry);
			listener_free(l);
		}
		free(pend.cams);
		pend.cams = NULL;
		pend.ncams = 0;
		rtsppeer_url_start();
		memcpy(&pend.cfg, m->data, sizeof(pend.cfg));
		if (chan_strfield(pend.cfg.cg_user, sizeof(pend.cfg.cg_user)) ||
		    chan_strfield(pend.cfg.cg_server_addr,
		    sizeof(pend.cfg.cg_server_addr)) ||
		    chan_strfield(pend.cfg.cg_control_path,
		    sizeof(pend.cfg.cg_control_path)))
			fatalx("%s: bad CFG_START strings", __func__);
		pend.active = 1;
		break;
	case IMSG_CFG_LISTEN:
		if (!pend.active || m->len != sizeof(cl) || m->fd == -1)
			fatalx("%s: bad CFG_LISTEN", __func__);
		memcpy(&cl, m->data, sizeof(cl));
		if (chan_strfield(cl.cl_addr, sizeof(cl.cl_addr)) ||
		    cl.cl_kind < LISTEN_CAMERA_TCP ||
		    cl.cl_kind > LISTEN_CONTROL)
			fatalx("%s: bad CFG_LISTEN fields", __func__);
		if ((l = calloc(1, sizeof(*l))) == NULL)
			fatal("%s", __func__);
		l->l_kind = cl.cl_kind;
		l->l_port = cl.cl_port;
		strlcpy(l->l_addr, cl.cl_addr, sizeof(l->l_addr));
		l->l_fd = m->fd;
		TAILQ_INSERT_TAIL(&pend.listeners, l, l_entry);
		break;
	case IMSG_CFG_CAMERA:
		if (!pend.active || m->len != sizeof(*cc))
			fatalx("%s: bad CFG_CAMERA", __func__);
		if (pend.ncams >= ENGINE_MAX_CAMERAS) {
			log_warnx("more than %d cameras configured, ignoring "
			    "the rest", ENGINE_MAX_CAMERAS);
			break;
		}
		if ((cc = reallocarray(pend.cams, pend.ncams + 1,
		    sizeof(*cc))) == NULL)
			fatal("%s", __func__);
		pend.cams = cc;
		cc = &pend.cams[pend.ncams];
		memcpy(cc, m->data, sizeof(*cc));
		if (chan_strfield(cc->cc_id, sizeof(cc->cc_id)) ||
		    chan_strfield(cc->cc_name, sizeof(cc->cc_name)))
			fatalx("%s: bad CFG_CAMERA strings", __func__);
		pend.ncams++;
		break;
	case IMSG_CFG_RTSP_URL:
		if (!pend.active || m->len != sizeof(cl) || m->fd != -1)
			fatalx("%s: bad CFG_RTSP_URL", __func__);
		memcpy(&cl, m->data, sizeof(cl));
		if (chan_strfield(cl.cl_addr, sizeof(cl.cl_addr)))
			fatalx("%s: bad CFG_RTSP_URL address", __func__);
		rtsppeer_url_add(&cl);
		break;
	case IMSG_CFG_WEBUSER:
	case IMSG_CFG_TLS_CERT:
	case IMSG_CFG_TLS_KEY:
		/* Not ours; a parent may send them to everyone. */
		if (m->fd != -1)
			close(m->fd);
		break;
	case IMSG_CFG_END:
		proc_child_cfg_end(ce, pend.active, engine_cfg_end);
		break;
	case IMSG_CFG_PEER:
		switch (peer = proc_child_peer(m)) {
		case PROC_WEB:
			engine_new_peer(m);
			break;
		case PROC_MQTT:
			mqttpeer_init(m);
			break;
		case PROC_RECORDER:
			recpeer_new(m);
			break;
		case PROC_RTSP:
			rtsppeer_new(m);
			break;
		default:
			fatalx("%s: peer channel to process %u", __func__,
			    peer);
		}
		break;
	case IMSG_CTL_OK:
	case IMSG_CTL_FAIL:
		control_parent_reply(m->hdr.ch_type, m->hdr.ch_peerid, m->data,
		    m->len);
		break;
	default:
		if (proc_child_common(ce, m))
			break;
		log_debug("%s: unexpected message %u", __func__,
		    m->hdr.ch_type);
		if (m->fd != -1)
			close(m->fd);
		break;
	}
}


static struct camera *
web_camera(struct chan_msg *m, const char *id)
{
	struct camera	*cam;

	if ((cam = camera_find(id)) == NULL)
		log_debug("web: message %u for unknown camera", m->hdr.ch_type);
	return cam;
}

/* Talk-back from v720-web: 0, or -1 if malformed (channel closed). */
static int
engine_web_talk(struct chanev *ce, struct chan_msg *m)
{
	struct talk_status	 ts;
	struct talk_req		 tr;
	struct camera		*cam;
	const char		*err;
	int			 code;

	if (m->len < sizeof(tr) || (m->hdr.ch_type != IMSG_TALK_DATA &&
	    m->len != sizeof(tr))) {
		sibling_bad(ce, m, "talk message of %zu bytes", m->len);
		return -1;
	}
	memcpy(&tr, m->data, sizeof(tr));
	if (chan_strfield(tr.tr_id, sizeof(tr.tr_id))) {
		sibling_bad(ce, m, "unterminated camera id");
		return -1;
	}
	switch (m->hdr.ch_type) {
	case IMSG_TALK_START:
		if ((cam = camera_find(tr.tr_id)) == NULL) {
			code = 404;
			err = "unknown camera";
		} else if (talk_start(cam, web_talk_report, NULL,
		    tr.tr_session, &code, &err) == 0)
			break;
		memset(&ts, 0, sizeof(ts));
		strlcpy(ts.ts_id, tr.tr_id, sizeof(ts.ts_id));
		ts.ts_session = tr.tr_session;
		ts.ts_event = TALK_EV_FAIL;
		ts.ts_code = code;
		strlcpy(ts.ts_msg, err, sizeof(ts.ts_msg));
		engine_send_web(IMSG_TALK_STATUS, &ts, sizeof(ts));
		break;
	case IMSG_TALK_DATA:
		if (talk_data(NULL, tr.tr_id, tr.tr_session,
		    m->data + sizeof(tr), m->len - sizeof(tr)) == -1) {
			sibling_bad(ce, m, "talk data beyond its window");
			return -1;
		}
		break;
	case IMSG_TALK_END:
		talk_end(NULL, tr.tr_id, tr.tr_session);
		break;
	case IMSG_TALK_ABORT:
		talk_abort(NULL, tr.tr_id, tr.tr_session);
		break;
	}
	return 0;
}

static void
engine_dispatch_web(struct chanev *ce, struct chan_msg *m, void *arg)
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
		d = *cam_demand(cam, &web_observer);
		d.cd_audio = req.value > 0 ? req.value : 0;
		cam_demand_set(cam, &web_observer, &d, now);
		break;
	case IMSG_WEB_VIEWERS:
	case IMSG_WEB_STREAM:
		if (peer_msg(ce, m, &req, sizeof(req)) == -1)
			return;
		if ((cam = web_camera(m, req.id)) == NULL)
			break;
		if (m->hdr.ch_type == IMSG_WEB_VIEWERS) {
			d = *cam_demand(cam, &web_observer);
			d.cd_viewers = req.value > 0 ? req.value : 0;
			log_debug("%s: %u viewers", cam->cam_id,
			    d.cd_viewers);
			cam_demand_set(cam, &web_observer, &d, now);
		} else {
			cam->cam_manual = req.value != 0;
			if (!cam->cam_manual && !stream_wanted(cam))
				stream_stop(cam, 1);
			stream_update(cam, now);
		}
		camera_changed(cam);
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
		if (engine_web_talk(ce, m) == -1)
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

static void
engine_web_closed(struct chanev *ce, void *arg)
{
	static const struct cam_demand	 nodemand;
	struct camera			*cam;
	uint64_t			 now = proc_now_ms();

	log_debug("web channel closed");
	chanev_clear(&env->e_web);
	env->e_web_up = 0;
	ringout_consumer(RINGOUT_WEB, NULL);
	talk_owner_gone(NULL);
	diag_web_down();
	/* Its viewers are gone; the idle timeout starts now. */
	RB_FOREACH(cam, camera_tree, &model->m_cameras)
		cam_demand_set(cam, &web_observer, &nodemand, now);
}


static void
engine_send_web(uint32_t type, const void *data, size_t len)
{
	if (env->e_web_up)
		chanev_compose(&env->e_web, type, 0, -1, data, len);
}

/* v720-web's share of the model's news (see model.h). */
static void
web_state(struct camera *cam)
{
	engine_send_web(IMSG_CAM_STATE, &cam->cam_info,
	    sizeof(cam->cam_info));
}

static void
web_gone(const struct ctl_id *cid)
{
	engine_send_web(IMSG_CAM_GONE, cid, sizeof(*cid));
}

/* A frame or audio chunk to v720-web: 0, or -1 if it is not up or behind. */
static int
web_media(uint32_t type, const struct cam_frame *f)
{
	struct iovec	iov[2];

	if (!env->e_web_up)
		return -1;
	iov[0].iov_base = (void *)(uintptr_t)f->cf_cm;
	iov[0].iov_len = sizeof(*f->cf_cm);
	iov[1].iov_base = (void *)(uintptr_t)f->cf_data;
	iov[1].iov_len = f->cf_len;
	return chanev_composev(&env->e_web, type, 0, -1, iov, 2);
}

static void
web_frame(struct camera *cam, const struct cam_frame *f)
{
	uint64_t	now_ns;

	if (!env->e_web_up)
		return;
	if (f->cf_fslot == NULL ||
	    ringout_notice(RINGOUT_WEB, cam, f->cf_fslot, 0) == -1) {
		cam->cam_info.ci_drop_backlog++;
		return;
	}
	env->e_frames_out++;
	now_ns = proc_now_ns();
	engine_latency(now_ns - f->cf_cm->cm_ts_ns, now_ns - model->m_rx_ns);
}

static void
web_audio(struct camera *cam, const struct cam_frame *f)
{
	(void)web_media(IMSG_CAM_AUDIO, f);
}

static void
web_talk_report(void *owner, const struct talk_status *ts)
{
	engine_send_web(IMSG_TALK_STATUS, ts, sizeof(*ts));
}

static const struct cam_observer web_observer = {
	"web", web_state, web_gone, web_frame, web_audio
};
