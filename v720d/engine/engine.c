/*
 * The camera engine process: setup, the parent channel, the config
 * push and the listeners it hands us, the stream timer; the channels to
 * the other children are their consumers' (peer.h).
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
#include "diag.h"

struct engine		*env;

/* Config being received, between IMSG_CFG_START and IMSG_CFG_END. */
static struct {
	int			 active;
	struct cfg_global	 cfg;
	struct listener_list	 listeners;
	struct cfg_camera	*cams;
	size_t			 ncams;
} pend;

static uint64_t		tick_max_us;	/* longest timer run, for the stats */

static void	engine_dispatch_parent(struct chanev *, struct chan_msg *,
		    void *);
static void	engine_parent_closed(struct chanev *, void *);
static void	engine_shutdown(void);

static void
engine_log_stats(void)
{
	struct webpeer_stats	 ws;
	struct udp_counts	 uc;
	struct camera		*cam;
	size_t			 media = 0, jpeg = 0;
	unsigned long long	 held = 0;
	unsigned long long	 wn[RINGOUT_NCONSUMERS], wus[RINGOUT_NCONSUMERS];
	unsigned		 w50, w99;
	int			 i;

	RB_FOREACH(cam, camera_tree, &model->m_cameras) {
		if (cam->cam_media != NULL) {
			media += media_memory(cam->cam_media);
			held += media_stats(cam->cam_media)->frames_held;
		}
		if (cam->cam_jpeg != NULL)
			jpeg += cam->cam_jpeg_len;
	}
	webpeer_stats(&ws);
	udp_wait_stats(&w50, &w99);
	udp_counts(&uc);
	for (i = 0; i < RINGOUT_NCONSUMERS; i++)
		ringout_writes(i, &wn[i], &wus[i]);
	log_info("stats: cameras %zu, frames out %llu, latency p50 %u us "
	    "p99 %u us (from the kernel's receive time; from the engine's "
	    "read p50 %u us p99 %u us), datagrams waited in the socket "
	    "p50 %u us p99 %u us, frames held for an older one %llu, "
	    "udp unknown %llu, udp bad %llu, "
	    "media memory %zu KB, kept frames %zu KB, web queue %zu KB, "
	    "longest timer run %llu us, channel writes: web %llu in %llu us, "
	    "recorder %llu in %llu us, rtsp %llu in %llu us; udp wakeups %llu, "
	    "polls %llu, reads %llu, datagrams %llu, sends %llu",
	    model->m_ncameras, (unsigned long long)ws.ws_frames_out,
	    ws.ws_kernel_p50, ws.ws_kernel_p99, ws.ws_user_p50, ws.ws_user_p99,
	    w50, w99, held,
	    (unsigned long long)model->m_udp_unknown,
	    (unsigned long long)model->m_udp_bad, media / 1024, jpeg / 1024,
	    ws.ws_queued / 1024,
	    (unsigned long long)tick_max_us,
	    wn[RINGOUT_WEB], wus[RINGOUT_WEB], wn[RINGOUT_REC], wus[RINGOUT_REC],
	    wn[RINGOUT_RTSP], wus[RINGOUT_RTSP],
	    (unsigned long long)uc.uc_wakeups, (unsigned long long)uc.uc_polls,
	    (unsigned long long)uc.uc_reads,
	    (unsigned long long)uc.uc_datagrams,
	    (unsigned long long)uc.uc_sends);
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
	cam_observe(&webpeer_observer);
	cam_observe(&recpeer_observer);
	cam_observe(&rtsppeer_observer);
	cam_observe(&control_observer);
	cam_observe(&mqttpeer_observer);
	cam_relay_set(&mqttpeer_relay);
	control_init(&env->e_parent);
	recpeer_replies(control_client_reply);
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
	webpeer_free();
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
			webpeer_new(m);
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
