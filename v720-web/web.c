/*
 * v720-web: the unprivileged, chrooted HTTP(S) viewer and API.  It gets
 * its listeners and configuration from the parent on fd 3 and camera
 * state, frames and audio from the camera engine over a socketpair the
 * parent hands over; it never talks to cameras.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <tls.h>

#include "log.h"
#include "proc.h"
#include "sibling.h"
#include "testhook.h"
#include "wire.h"
#include "web.h"

struct web	*web;

/* The configuration being pushed, applied at IMSG_CFG_END. */
static struct {
	int			 active;
	struct listenerlist	 listeners;
	struct webuser		*users;
	size_t			 nusers;
	struct cfg_webname	*names;
	size_t			 nnames;
	uint32_t		 per_addr;
	int			 compat_cmds;
	struct cfg_camera	*cams;
	size_t			 ncams;
	uint8_t			*cert, *key;
	size_t			 certlen, keylen;
	struct cfg_listen	 rtsp[WEB_RTSP_MAX];
	size_t			 nrtsp;
} pend;

static int
cam_cmp(struct cam *a, struct cam *b)
{
	return strcmp(a->cam_id, b->cam_id);
}
RB_GENERATE(camtree, cam, cam_entry, cam_cmp);

struct cam *
cam_find(const char *id)
{
	struct cam	key;

	if (strlcpy(key.cam_id, id, sizeof(key.cam_id)) >= sizeof(key.cam_id))
		return NULL;
	return RB_FIND(camtree, &web->w_cams, &key);
}

struct cam *
cam_get(const char *id)
{
	struct cam	*c;

	if ((c = cam_find(id)) != NULL)
		return c;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	strlcpy(c->cam_id, id, sizeof(c->cam_id));
	strlcpy(c->cam_info.ci_id, id, sizeof(c->cam_info.ci_id));
	c->cam_info.ci_battery = -1;
	c->cam_info.ci_sd_total_mb = c->cam_info.ci_sd_free_mb = -1;
	c->cam_info.ci_ir_led = c->cam_info.ci_flip = CAM_SETTING_UNKNOWN;
	c->cam_info.ci_status_led = CAM_SETTING_UNKNOWN;
	c->cam_info.ci_motion_alert = CAM_SETTING_UNKNOWN;
	memset(c->cam_info.ci_xset, CAM_SETTING_UNKNOWN,
	    sizeof(c->cam_info.ci_xset));
	TAILQ_INIT(&c->cam_mjpeg);
	TAILQ_INIT(&c->cam_audio);
	TAILQ_INIT(&c->cam_snap);
	c->cam_sent_viewers = -1;
	c->cam_sent_audio = -1;
	RB_INSERT(camtree, &web->w_cams, c);
	return c;
}

/*
 * The engine forgot a camera (offline and unconfigured for long, or
 * crowded out by newer ones): list it no more, and free it unless it is
 * configured or a connection still points at it.
 */
static void
cam_forget(struct cam *c)
{
	c->cam_known = 0;
	c->cam_sent_viewers = -1;
	if (c->cam_cfg || !TAILQ_EMPTY(&c->cam_mjpeg) ||
	    !TAILQ_EMPTY(&c->cam_audio) || !TAILQ_EMPTY(&c->cam_snap) ||
	    c->cam_talker != NULL)
		return;
	RB_REMOVE(camtree, &web->w_cams, c);
	if (c->cam_frame != NULL)
		frame_unref(c->cam_frame);
	free(c);
}

int
web_to_engine(uint32_t type, const void *data, size_t len)
{
	if (!web->w_engine_up)
		return -1;
	if (chanev_compose(&web->w_engine, type, 0, -1, data, len) == -1) {
		log_warnx("%s: engine channel full, message dropped", __func__);
		return -1;
	}
	return 0;
}

static void
send_viewers(struct cam *c)
{
	struct ctl_req	req;

	memset(&req, 0, sizeof(req));
	strlcpy(req.id, c->cam_id, sizeof(req.id));
	req.value = (int32_t)c->cam_nviewers;
	if (web_to_engine(IMSG_WEB_VIEWERS, &req, sizeof(req)) == 0)
		c->cam_sent_viewers = c->cam_nviewers;
	/* Which of them listen: the engine picks the stream mode. */
	req.value = (int32_t)c->cam_naudio;
	if ((int64_t)c->cam_naudio != c->cam_sent_audio &&
	    web_to_engine(IMSG_WEB_AUDIO, &req, sizeof(req)) == 0)
		c->cam_sent_audio = c->cam_naudio;
}

/* Recount viewers (streams + snapshot waiters) and tell the engine. */
void
cam_viewers_changed(struct cam *c)
{
	struct conn	*cn;
	uint32_t	 n = 0;

	TAILQ_FOREACH(cn, &c->cam_mjpeg, c_camentry)
		n++;
	c->cam_naudio = 0;
	TAILQ_FOREACH(cn, &c->cam_audio, c_camentry)
		c->cam_naudio++;
	n += c->cam_naudio;
	TAILQ_FOREACH(cn, &c->cam_snap, c_camentry)
		n++;
	c->cam_nviewers = n;
	if ((int64_t)n != c->cam_sent_viewers ||
	    (int64_t)c->cam_naudio != c->cam_sent_audio)
		send_viewers(c);
}

/* Viewer counts the engine did not take (channel full): try again. */
static void
viewers_resync(int fd, short ev, void *arg)
{
	static struct timeval	 five = { 5, 0 };
	struct event		*tmo = arg;
	struct cam		*c;

	RB_FOREACH(c, camtree, &web->w_cams)
		if (((int64_t)c->cam_nviewers != c->cam_sent_viewers &&
		    (c->cam_nviewers > 0 || c->cam_sent_viewers > 0)) ||
		    ((int64_t)c->cam_naudio != c->cam_sent_audio &&
		    (c->cam_naudio > 0 || c->cam_sent_audio > 0)))
			send_viewers(c);
	evtimer_add(tmo, &five);
}

/* Engine -> web. */
static void
web_dispatch_engine(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct cam_info		 ci;
	struct cam_media	 cm;
	struct talk_status	 ts;
	struct ctl_id		 cid;
	struct cam_fslot	 fs;
	struct cam		*c;
	struct frame		*f;
	struct fring		*fr;
	const char		*why;
	size_t			 n;

	switch (fringtab_dispatch(&web->w_rings, m, &why)) {
	case -1:
		sibling_bad(ce, m, "%s", why);
		return;
	case 1:
		return;
	}
	switch (m->hdr.ch_type) {
	case IMSG_CAM_STATE:
		if (sibling_cam_info(ce, m, &ci) == -1)
			return;
		c = cam_get(ci.ci_id);
		/* A picture from a stream that ended (the camera went
		 * offline, reconnected or stopped streaming) is not live:
		 * no new viewer or snapshot may get it. */
		if (c->cam_frame != NULL && (ci.ci_state != CAM_STREAMING ||
		    strcmp(ci.ci_address, c->cam_info.ci_address) != 0)) {
			frame_unref(c->cam_frame);
			c->cam_frame = NULL;
		}
		c->cam_info = ci;
		c->cam_known = 1;
		break;
	case IMSG_CAM_FSLOT:
		if ((fr = fringtab_notice(&web->w_rings, m, &fs, &why)) ==
		    NULL) {
			sibling_bad(ce, m, "%s", why);
			return;
		}
		/*
		 * Copied out of the ring once, into the reference-counted
		 * frame every viewer's output buffer points at: a slot is
		 * overwritten FRING_SLOTS frames later, while a slow
		 * viewer's socket may still hold the frame (and the held
		 * frame for new viewers and snapshots outlives it too), so
		 * references into the mapping itself would send torn bytes.
		 */
		if ((f = frame_new(NULL, fs.fs_len, fs.fs_media.cm_seq,
		    fs.fs_media.cm_ts_ns)) == NULL) {
			log_warn("%s: frame", __func__);
			break;
		}
		if (fringtab_copy(&web->w_rings, fr, &fs, f->f_data) == 0)
			mjpeg_frame(cam_get(fs.fs_media.cm_id), f);
		frame_unref(f);
		break;
	case IMSG_CAM_AUDIO:
		if (sibling_cam_media(ce, m, &cm, &n) == -1)
			return;
		c = cam_get(cm.cm_id);
		audio_chunk(c, cm.cm_codec, m->data + sizeof(cm), n);
		break;
	case IMSG_TALK_STATUS:
		if (m->len != sizeof(ts)) {
			sibling_bad(ce, m, "TALK_STATUS of %zu bytes", m->len);
			return;
		}
		memcpy(&ts, m->data, sizeof(ts));
		if (chan_strfield(ts.ts_id, sizeof(ts.ts_id)) == -1 ||
		    chan_strfield(ts.ts_msg, sizeof(ts.ts_msg)) == -1) {
			sibling_bad(ce, m, "TALK_STATUS with bad strings");
			return;
		}
		if (talk_status(&ts) == -1) {
			sibling_bad(ce, m, "TALK_STATUS event %u, %llu bytes "
			    "played", ts.ts_event,
			    (unsigned long long)ts.ts_consumed);
			return;
		}
		break;
	case IMSG_CAM_DIAG:
		if (diag_engine(m->data, m->len) == -1) {
			sibling_bad(ce, m, "CAM_DIAG of %zu bytes", m->len);
			return;
		}
		break;
	case IMSG_CAM_GONE:
		if (sibling_cam_gone(ce, m, "CAM_GONE", &cid) == -1)
			return;
		if ((c = cam_find(cid.id)) != NULL)
			cam_forget(c);
		break;
	default:
		sibling_bad(ce, m, "a type it does not send");
		return;
	}
}

static void
web_engine_closed(struct chanev *ce, void *arg)
{
	struct cam	*c;

	log_warnx("camera engine channel closed; waiting for a new one");
	chanev_clear(&web->w_engine);
	web->w_engine_up = 0;
	/* Its rings with it: a new engine sends its own. */
	fringtab_clear(&web->w_rings);
	talk_engine_gone();
	/* Every stream ended with the engine. */
	RB_FOREACH(c, camtree, &web->w_cams) {
		frame_unref(c->cam_frame);
		c->cam_frame = NULL;
	}
}

static void
new_peer(struct chan_msg *m)
{
	struct cam	*c, *tc;

	if (web->w_engine_up)
		chanev_clear(&web->w_engine);
	web->w_engine_up = 0;
	if (sibling_open(&web->w_engine, m, IMSG_WEB_VIEWERS,
	    web_dispatch_engine, web_engine_closed, NULL) == -1)
		fatal("%s: engine channel", __func__);
	/* The engine passes one descriptor: a camera's frame ring. */
	fringtab_clear(&web->w_rings);
	web->w_engine_up = 1;
	log_debug("new camera engine channel");
	diag_send_listeners();
	/*
	 * A new engine lists again what it knows (configured cameras and
	 * those that reconnect): what only the old one knew is not kept,
	 * or every engine restart would add to the list for good.
	 */
	RB_FOREACH_SAFE(c, camtree, &web->w_cams, tc) {
		c->cam_sent_viewers = -1;
		c->cam_sent_audio = -1;
		if (c->cam_nviewers > 0)
			send_viewers(c);
		else if (c->cam_known)
			cam_forget(c);
	}
}

static void
pend_clear(void)
{
	struct listener	*l;

	while ((l = TAILQ_FIRST(&pend.listeners)) != NULL) {
		TAILQ_REMOVE(&pend.listeners, l, l_entry);
		close(l->l_fd);
		free(l);
	}
	freezero(pend.users, pend.nusers * sizeof(*pend.users));
	free(pend.names);
	free(pend.cams);
	freezero(pend.cert, pend.certlen);
	freezero(pend.key, pend.keylen);
	memset(&pend, 0, sizeof(pend));
	TAILQ_INIT(&pend.listeners);
}

static int
is_loopback(const char *a)
{
	return strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
	    strcmp(a, "localhost") == 0;
}

static void
apply_tls(void)
{
	struct tls_config	*cfg = NULL;
	struct tls		*t = NULL;

	if (pend.cert == NULL || pend.key == NULL) {
		if (web->w_tls != NULL)
			tls_free(web->w_tls);
		web->w_tls = NULL;
		return;
	}
	if ((cfg = tls_config_new()) == NULL)
		fatal("tls_config_new");
	if (tls_config_set_keypair_mem(cfg, pend.cert, pend.certlen, pend.key,
	    pend.keylen) == -1) {
		log_warnx("tls key pair: %s; keeping the previous one",
		    tls_config_error(cfg));
		goto done;
	}
	if ((t = tls_server()) == NULL)
		fatal("tls_server");
	if (tls_configure(t, cfg) == -1) {
		log_warnx("tls configure: %s; keeping the previous one",
		    tls_error(t));
		tls_free(t);
		goto done;
	}
	/* Live connections hold their own references to the old context. */
	if (web->w_tls != NULL)
		tls_free(web->w_tls);
	web->w_tls = t;
done:
	tls_config_free(cfg);
}

static void
apply_config(void)
{
	struct listener	*l, *nl, *ol;
	struct cam	*c;
	size_t		 i;
	int		 warn_open = 0;

	/* Listeners: keep ours when (kind, addr, port) did not change. */
	TAILQ_FOREACH_SAFE(ol, &web->w_listeners, l_entry, nl) {
		TAILQ_FOREACH(l, &pend.listeners, l_entry)
			if (l->l_cfg.cl_port == ol->l_cfg.cl_port &&
			    l->l_cfg.cl_kind == ol->l_cfg.cl_kind &&
			    strcmp(l->l_cfg.cl_addr, ol->l_cfg.cl_addr) == 0 &&
			    !l->l_kept)
				break;
		server_unlisten(ol);
		if (l != NULL) {
			close(l->l_fd);
			l->l_fd = ol->l_fd;
			l->l_kept = 1;
			ol->l_fd = -1;
		}
		TAILQ_REMOVE(&web->w_listeners, ol, l_entry);
		if (ol->l_fd != -1)
			close(ol->l_fd);
		free(ol);
	}
	while ((l = TAILQ_FIRST(&pend.listeners)) != NULL) {
		TAILQ_REMOVE(&pend.listeners, l, l_entry);
		TAILQ_INSERT_TAIL(&web->w_listeners, l, l_entry);
		server_listen(l);
		if (!is_loopback(l->l_cfg.cl_addr))
			warn_open = 1;
		log_debug("web listener %s port %u%s", l->l_cfg.cl_addr,
		    l->l_cfg.cl_port, l->l_cfg.cl_tls ? " tls" : "");
	}

	freezero(web->w_users, web->w_nusers * sizeof(*web->w_users));
	web->w_users = pend.users;
	web->w_nusers = pend.nusers;
	pend.users = NULL;
	pend.nusers = 0;
	auth_reset();
	free(web->w_names);
	web->w_names = pend.names;
	web->w_nnames = pend.nnames;
	pend.names = NULL;
	pend.nnames = 0;
	memcpy(web->w_rtsp, pend.rtsp, sizeof(web->w_rtsp));
	web->w_nrtsp = pend.nrtsp;
	web->w_per_addr = pend.per_addr ? pend.per_addr : WEB_PER_ADDR_DEFAULT;
	web->w_compat_cmds = pend.compat_cmds;
	if (web->w_per_addr > peer_conn_max())
		log_warnx("web connections per address %zu: at most %zu, "
		    "for the others' share of %zu", web->w_per_addr,
		    peer_conn_max(), web->w_conn_max);
	if (web->w_nusers == 0 && warn_open)
		log_warnx("no web user configured: the web API is open to "
		    "anyone who can reach a non-loopback listener");

	RB_FOREACH(c, camtree, &web->w_cams) {
		c->cam_cfg = 0;
		c->cam_cfgname[0] = '\0';
	}
	for (i = 0; i < pend.ncams; i++) {
		c = cam_get(pend.cams[i].cc_id);
		c->cam_cfg = 1;
		strlcpy(c->cam_cfgname, pend.cams[i].cc_name,
		    sizeof(c->cam_cfgname));
	}
	apply_tls();
	pend_clear();
	diag_send_listeners();
}

static void
pend_append(void **arr, size_t *n, size_t sz, const void *elem, size_t max)
{
	void	*p;

	if (*n >= max)
		fatalx("%s: too many config items", __func__);
	if ((p = reallocarray(*arr, *n + 1, sz)) == NULL)
		fatal("%s", __func__);
	memcpy((char *)p + *n * sz, elem, sz);
	*arr = p;
	(*n)++;
}

static void
pend_pem(uint8_t **dst, size_t *dlen, struct chan_msg *m)
{
	if (m->len == 0 || m->len > CHAN_MAX_PAYLOAD)
		fatalx("%s: bad PEM size", __func__);
	freezero(*dst, *dlen);
	if ((*dst = malloc(m->len)) == NULL)
		fatal("%s", __func__);
	memcpy(*dst, m->data, m->len);
	*dlen = m->len;
}

/* Parent -> web. */
static void
web_dispatch_parent(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct cfg_listen	 cl;
	struct cfg_webuser	 cw;
	struct cfg_webname	 wn;
	struct cfg_weblimits	 wl;
	struct cfg_camera	 cc;
	struct listener		*l;
	unsigned int		 peer;
	size_t			 i;

	if (m->hdr.ch_type != IMSG_CFG_LISTEN && m->hdr.ch_type !=
	    IMSG_CFG_PEER && m->fd != -1)
		fatalx("%s: unexpected fd with message %u", __func__,
		    m->hdr.ch_type);
	if (((m->hdr.ch_type >= IMSG_CFG_LISTEN && m->hdr.ch_type <=
	    IMSG_CFG_END) || m->hdr.ch_type == IMSG_CFG_WEB_NAME ||
	    m->hdr.ch_type == IMSG_CFG_RTSP_URL ||
	    m->hdr.ch_type == IMSG_CFG_WEB_LIMITS) && !pend.active)
		fatalx("%s: config message %u outside START/END", __func__,
		    m->hdr.ch_type);

	switch (m->hdr.ch_type) {
	case IMSG_CFG_START:
		if (m->len != sizeof(struct cfg_global))
			fatalx("%s: bad IMSG_CFG_START", __func__);
		pend_clear();
		pend.active = 1;
		break;
	case IMSG_CFG_LISTEN:
		if (m->len != sizeof(cl) || m->fd == -1)
			fatalx("%s: bad IMSG_CFG_LISTEN", __func__);
		memcpy(&cl, m->data, sizeof(cl));
		if (chan_strfield(cl.cl_addr, sizeof(cl.cl_addr)) == -1)
			fatalx("%s: bad listener address", __func__);
		if (cl.cl_kind != LISTEN_WEB) {
			log_warnx("%s: ignoring listener kind %u", __func__,
			    cl.cl_kind);
			close(m->fd);
			break;
		}
		if ((l = calloc(1, sizeof(*l))) == NULL)
			fatal("%s", __func__);
		l->l_fd = m->fd;
		l->l_cfg = cl;
		TAILQ_INSERT_TAIL(&pend.listeners, l, l_entry);
		break;
	case IMSG_CFG_CAMERA:
		if (m->len != sizeof(cc))
			fatalx("%s: bad IMSG_CFG_CAMERA", __func__);
		memcpy(&cc, m->data, sizeof(cc));
		if (chan_strfield(cc.cc_id, sizeof(cc.cc_id)) == -1 ||
		    chan_strfield(cc.cc_name, sizeof(cc.cc_name)) == -1 ||
		    cc.cc_id[0] == '\0')
			fatalx("%s: bad camera", __func__);
		pend_append((void **)&pend.cams, &pend.ncams, sizeof(cc), &cc,
		    100000);
		break;
	case IMSG_CFG_WEBUSER:
		if (m->len != sizeof(cw))
			fatalx("%s: bad IMSG_CFG_WEBUSER", __func__);
		memcpy(&cw, m->data, sizeof(cw));
		if (chan_strfield(cw.cw_name, sizeof(cw.cw_name)) == -1 ||
		    chan_strfield(cw.cw_hash, sizeof(cw.cw_hash)) == -1)
			fatalx("%s: bad web user", __func__);
		pend_append((void **)&pend.users, &pend.nusers, sizeof(cw), &cw,
		    10000);
		explicit_bzero(&cw, sizeof(cw));
		break;
	case IMSG_CFG_WEB_NAME:
		if (m->len != sizeof(wn))
			fatalx("%s: bad IMSG_CFG_WEB_NAME", __func__);
		memcpy(&wn, m->data, sizeof(wn));
		if (chan_strfield(wn.wn_name, sizeof(wn.wn_name)) == -1 ||
		    wn.wn_name[0] == '\0')
			fatalx("%s: bad web server name", __func__);
		pend_append((void **)&pend.names, &pend.nnames, sizeof(wn), &wn,
		    1000);
		break;
	case IMSG_CFG_WEB_LIMITS:
		if (m->len != sizeof(wl))
			fatalx("%s: bad IMSG_CFG_WEB_LIMITS", __func__);
		memcpy(&wl, m->data, sizeof(wl));
		if (wl.wl_conn_per_addr == 0 || wl.wl_compat_cmds > 1)
			fatalx("%s: bad web limits", __func__);
		pend.per_addr = wl.wl_conn_per_addr;
		pend.compat_cmds = wl.wl_compat_cmds;
		break;
	case IMSG_CFG_RTSP_URL:
		if (m->len != sizeof(cl))
			fatalx("%s: bad IMSG_CFG_RTSP_URL", __func__);
		memcpy(&cl, m->data, sizeof(cl));
		if (chan_strfield(cl.cl_addr, sizeof(cl.cl_addr)) == -1)
			fatalx("%s: bad rtsp address", __func__);
		if (pend.nrtsp < WEB_RTSP_MAX)
			pend.rtsp[pend.nrtsp++] = cl;
		break;
	case IMSG_CFG_TLS_CERT:
		pend_pem(&pend.cert, &pend.certlen, m);
		break;
	case IMSG_CFG_TLS_KEY:
		pend_pem(&pend.key, &pend.keylen, m);
		break;
	case IMSG_CFG_END:
		proc_child_cfg_end(ce, pend.active, apply_config);
		break;
	case IMSG_CFG_PEER:
		switch (peer = proc_child_peer(m)) {
		case PROC_ENGINE:
			new_peer(m);
			break;
		case PROC_RECORDER:
			recweb_peer(m);
			break;
		default:
			fatalx("%s: peer channel to process %u", __func__,
			    peer);
		}
		break;
	case IMSG_PROC_STATS:
		if (m->len != sizeof(web->w_stats))
			fatalx("%s: bad IMSG_PROC_STATS", __func__);
		memcpy(&web->w_stats, m->data, sizeof(web->w_stats));
		for (i = 0; i < PROC_MAX; i++)
			if (chan_strfield(web->w_stats.ps_proc[i].pr_name,
			    sizeof(web->w_stats.ps_proc[i].pr_name)) == -1)
				fatalx("%s: bad IMSG_PROC_STATS name", __func__);
		web->w_have_stats = 1;
		break;
	default:
		if (!proc_child_common(ce, m))
			fatalx("%s: unexpected message %u", __func__,
			    m->hdr.ch_type);
	}
}

static void
web_parent_closed(struct chanev *ce, void *arg)
{
	log_debug("parent went away; exiting");
	event_loopexit(NULL);
}

static void
web_sig(int sig, short ev, void *arg)
{
	log_debug("signal %d; exiting", sig);
	event_loopexit(NULL);
}

static void
raise_nofile(void)
{
	struct rlimit	rl;

	web->w_conn_max = WEB_CONN_MAX_DEFAULT;
	web->w_per_addr = WEB_PER_ADDR_DEFAULT;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < web->w_conn_max + 64)
		web->w_conn_max = rl.rlim_cur > 128 ? rl.rlim_cur - 64 : 64;
}

int
main(int argc, char *argv[])
{
	struct event	 ev_resync;
	struct proc_child_opts	 co;

	proc_child_init(argc, argv, "web", 0, &co);
	proc_title("-v720-web");
	/* OpenSSL reads its configuration at initialisation: before chroot. */
	if (tls_init() == -1)
		fatalx("tls_init");
	if ((web = calloc(1, sizeof(*web))) == NULL)
		fatal("calloc");
	raise_nofile();
	proc_privdrop(co.user, co.root);

	web->w_start = time(NULL);
	RB_INIT(&web->w_cams);
	fringtab_init(&web->w_rings);
	TAILQ_INIT(&web->w_listeners);
	TAILQ_INIT(&web->w_conns);
	TAILQ_INIT(&pend.listeners);

	event_init();
	proc_child_signals(web_sig, 0);
	evtimer_set(&ev_resync, viewers_resync, &ev_resync);
	viewers_resync(-1, 0, &ev_resync);

	proc_child_channel(&web->w_parent, PROC_PARENT_FD, web_dispatch_parent,
	    web_parent_closed);
	testhook_init(&web->w_parent, IMSG_CTL_VERBOSE);
	web_sandbox();

	log_debug("started");
	event_dispatch();

	server_close_all();
	peer_clear();
	recweb_free_all();
	pend_clear();
	free(web->w_names);
	log_debug("exiting");
	exit(0);
}
