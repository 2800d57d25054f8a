/*
 * v720-rtsp (`v720d: rtsp`): started by the parent with its channel on
 * fd 3 when the configuration has `rtsp listen`; chrooted, unprivileged
 * and under its own seccomp allow-list.  The parent passes it the RTSP
 * listeners (TCP P, UDP P..P+3), the web users and the encoder name; the
 * engine sends it camera states, and the frames and audio of the cameras
 * someone PLAYs, which this process asks for (rtsp_demand).  Everything
 * RTSP is server.c's: this file turns messages into server_*() calls.
 * Only this process maps the H.264 encoder.
 *
 * `v720-rtsp -n ENCODER` (run by `v720d -n`) says which encoder would
 * be used and exits: the parent never maps libavcodec itself.
 */
#include <sys/types.h>
#include <sys/tree.h>

#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "chan.h"
#include "fringtab.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "sandbox.h"
#include "sibling.h"
#include "testhook.h"
#include "h264enc.h"
#include "server.h"

#define RTSP_MAX_LISTEN		(16 * 5)	/* CONF_MAX_RTSP_LISTEN x 5 */
#define RTSP_MAX_USERS		64		/* CONF_MAX_WEBUSERS */
#define RTSP_MAX_CAMERAS	4096		/* ENGINE_MAX_CAMERAS */
#define RTSP_MAX_DEMAND		100000		/* sessions on one camera */
#define WIRE_CMD_ALAW		4		/* cm_codec of A-law audio */

/*
 * The allow-list: what the RTSP server does once set up (accept, read
 * and write TCP, send and receive UDP, its channels) and what the
 * encoder needs while a client watches the H.264 path (memory only:
 * one thread, no files).  A call missing here kills the process with
 * SIGSYS and fails t-15 or the RTSP tests.
 */
static const int rtsp_calls[] = {
	/* The event loop (libevent on epoll). */
	SANDBOX_CALL(epoll_wait), SANDBOX_CALL(epoll_pwait),
	SANDBOX_CALL(epoll_ctl),
	/* RTSP connections on the listeners the parent passed. */
	SANDBOX_CALL(accept4), SANDBOX_CALL(read), SANDBOX_CALL(write),
	SANDBOX_CALL(readv), SANDBOX_CALL(writev), SANDBOX_CALL(ioctl),
	SANDBOX_CALL(setsockopt), SANDBOX_CALL(getsockopt),
	SANDBOX_CALL(getsockname), SANDBOX_CALL(getpeername),
	SANDBOX_CALL(shutdown), SANDBOX_CALL(fcntl),
	/* RTP and RTCP over UDP; channels (descriptors with recvmsg). */
	SANDBOX_CALL(sendto), SANDBOX_CALL(recvfrom), SANDBOX_CALL(sendmsg),
	SANDBOX_CALL(recvmsg), SANDBOX_CALL(sendmmsg), SANDBOX_CALL(recvmmsg),
	/* libavcodec and libx264 (memory, CPU count, locks). */
	SANDBOX_CALL(futex), SANDBOX_CALL(sched_getaffinity),
	SANDBOX_CALL(sched_yield), SANDBOX_CALL(sysinfo),
	SANDBOX_CALL(rt_sigaction),
	/* A frame ring's size, checked before it is mapped (framering.c). */
	SANDBOX_CALL(fstat), SANDBOX_CALL(newfstatat), SANDBOX_CALL(statx),
};

/* A camera the engine told us of, with the RTSP demand we sent for it. */
struct rkcam {
	RB_ENTRY(rkcam)	 rk_entry;
	char		 rk_id[V720_ID_MAX];
	char		 rk_name[V720_NAME_MAX];
	unsigned	 rk_demand;
};
RB_HEAD(rtspcams, rkcam);

static int
rkcam_cmp(const struct rkcam *a, const struct rkcam *b)
{
	return strcmp(a->rk_id, b->rk_id);
}
RB_PROTOTYPE(rtspcams, rkcam, rk_entry, rkcam_cmp);
RB_GENERATE(rtspcams, rkcam, rk_entry, rkcam_cmp);

struct plisten {
	struct cfg_listen	pl_cfg;
	int			pl_fd;
};

static struct {
	struct chanev		 parent;
	struct chanev		 engine;
	int			 engine_up;
	struct rtspcams		 cams;
	size_t			 ncams;
	/* The listener set server.c has, to keep it over a reload. */
	struct cfg_listen	 lcur[RTSP_MAX_LISTEN];
	size_t			 nlcur;
	char			 want[V720_NAME_MAX];	/* encoder asked for */
	char			 encoder[RTSP_ENCODER_MAX];	/* usable, "" none */
	int			 checked;
	uint64_t		 frames, audio;
	struct fringtab		 rings;		/* the engine's, mapped */
} rt;

/* Config being received, between IMSG_CFG_START and IMSG_CFG_END. */
static struct {
	int			 active;
	struct cfg_rtsp		 cfg;
	int			 have_cfg;
	struct plisten		 l[RTSP_MAX_LISTEN];
	size_t			 nl;
	struct rtsp_user	 users[RTSP_MAX_USERS];
	size_t			 nusers;
} pend;

static void	rtsp_dispatch_parent(struct chanev *, struct chan_msg *,
		    void *);
static void	rtsp_dispatch_engine(struct chanev *, struct chan_msg *,
		    void *);
static __attribute__((noreturn)) void rtsp_shutdown(void);

/*
 * The encoder to use for want: want itself, else libx264, else none
 * (then only the RTP/JPEG path is served).  What happened goes to msg.
 */
static void
encoder_pick(const char *want, char *out, size_t outsz, char *msg,
    size_t msgsz)
{
	const char	*name;
	char		 why[V720_ERR_MAX], why2[V720_ERR_MAX];

	if ((name = h264enc_find(want, why, sizeof(why))) != NULL) {
		strlcpy(out, name, outsz);
		snprintf(msg, msgsz, "rtsp h264 encoder: %s", name);
		return;
	}
	if (strcmp(want, H264ENC_DEFAULT) != 0 && (name =
	    h264enc_find(H264ENC_DEFAULT, why2, sizeof(why2))) != NULL) {
		strlcpy(out, name, outsz);
		snprintf(msg, msgsz, "rtsp h264 encoder: %s is not usable "
		    "(%s), using %s", want, why, name);
		return;
	}
	out[0] = '\0';
	snprintf(msg, msgsz, "rtsp h264 encoder: %s is not usable (%s): "
	    "no H.264, only RTP/JPEG is served", want, why);
}

/* `v720-rtsp -n ENCODER`: print what encoder_pick says; 0 if usable. */
static __attribute__((noreturn)) void
encoder_report(const char *want)
{
	char	name[RTSP_ENCODER_MAX], msg[2 * V720_ERR_MAX];

	if (strlen(want) >= V720_NAME_MAX)
		errx(1, "encoder name too long");
	encoder_pick(want, name, sizeof(name), msg, sizeof(msg));
	printf("%s\n", msg);
	exit(name[0] != '\0' ? 0 : 2);
}

static struct rkcam *
rcam_find(const char *id)
{
	struct rkcam	key;

	strlcpy(key.rk_id, id, sizeof(key.rk_id));
	return RB_FIND(rtspcams, &rt.cams, &key);
}

static void
send_demand(const struct rkcam *rc)
{
	struct ctl_req	req;

	memset(&req, 0, sizeof(req));
	strlcpy(req.id, rc->rk_id, sizeof(req.id));
	req.value = rc->rk_demand;
	chanev_compose(&rt.engine, IMSG_RTSP_DEMAND, 0, -1, &req,
	    sizeof(req));
}

/* server.c: the PLAYing sessions on uid now. */
void
rtsp_demand(const char *uid, unsigned viewers)
{
	struct rkcam	*rc;

	if ((rc = rcam_find(uid)) == NULL) {
		log_debug("%s: demand for camera %s the engine never named",
		    __func__, uid);
		return;
	}
	if (viewers > RTSP_MAX_DEMAND)
		viewers = RTSP_MAX_DEMAND;
	if (rc->rk_demand == viewers)
		return;
	rc->rk_demand = viewers;
	if (rt.engine_up)
		send_demand(rc);
}

static int
cam_state(uint8_t s)
{
	switch (s) {
	case CAM_STREAMING:
		return RTSP_CAM_STREAMING;
	case CAM_ONLINE:
	case CAM_CONNECTING:
		return RTSP_CAM_ONLINE;
	case CAM_STANDBY:
		return RTSP_CAM_STANDBY;
	default:
		return RTSP_CAM_OFFLINE;
	}
}

/* 0, or -1 if it would be one camera too many (the engine keeps fewer). */
static int
engine_camera(const struct rtsp_cam *k)
{
	struct rkcam	*rc;

	if ((rc = rcam_find(k->rk_id)) == NULL) {
		if (rt.ncams >= RTSP_MAX_CAMERAS)
			return -1;
		if ((rc = calloc(1, sizeof(*rc))) == NULL)
			fatal("%s", __func__);
		strlcpy(rc->rk_id, k->rk_id, sizeof(rc->rk_id));
		RB_INSERT(rtspcams, &rt.cams, rc);
		rt.ncams++;
	}
	strlcpy(rc->rk_name, k->rk_name, sizeof(rc->rk_name));
	server_camera(rc->rk_id, rc->rk_name[0] != '\0' ? rc->rk_name :
	    rc->rk_id, cam_state(k->rk_state));
	return 0;
}

static void
engine_gone(const char *id)
{
	struct rkcam	*rc;

	if ((rc = rcam_find(id)) == NULL)
		return;
	RB_REMOVE(rtspcams, &rt.cams, rc);
	rt.ncams--;
	server_camera_gone(id);
	free(rc);
}

static void
rtsp_dispatch_engine(struct chanev *ce, struct chan_msg *m, void *arg)
{
	/* A frame copied out of the ring: the ring slot is not ours. */
	static uint8_t		 frame[V720_FRAME_MAX];
	struct cam_media	 cm;
	struct cam_fslot	 fs;
	struct fring		*fr;
	struct rtsp_cam		 k;
	struct ctl_id		 cid;
	const char		*why;
	size_t			 n;

	switch (fringtab_dispatch(&rt.rings, m, &why)) {
	case -1:
		sibling_bad(ce, m, "%s", why);
		return;
	case 1:
		return;
	}
	switch (m->hdr.ch_type) {
	case IMSG_RTSP_CAMERA:
		if (m->len != sizeof(k)) {
			sibling_bad(ce, m, "RTSP_CAMERA of %zu bytes", m->len);
			return;
		}
		memcpy(&k, m->data, sizeof(k));
		if (chan_strfield(k.rk_id, sizeof(k.rk_id)) ||
		    chan_strfield(k.rk_name, sizeof(k.rk_name)) ||
		    k.rk_id[0] == '\0' || k.rk_state > CAM_STANDBY) {
			sibling_bad(ce, m, "RTSP_CAMERA with bad fields");
			return;
		}
		if (engine_camera(&k) == -1) {
			sibling_bad(ce, m, "more than %d cameras",
			    RTSP_MAX_CAMERAS);
			return;
		}
		break;
	case IMSG_RTSP_GONE:
		if (sibling_cam_gone(ce, m, "RTSP_GONE", &cid) == -1)
			return;
		engine_gone(cid.id);
		break;
	case IMSG_CAM_FSLOT:
		if ((fr = fringtab_notice(&rt.rings, m, &fs, &why)) == NULL) {
			sibling_bad(ce, m, "%s", why);
			return;
		}
		/* Packetized or encoded from this copy (server.c keeps
		 * what it needs, this buffer is the next frame's); the
		 * engine may lag behind a camera's removal: server.c drops
		 * media of cameras it does not know. */
		if (fringtab_copy(&rt.rings, fr, &fs, frame) == 0) {
			rt.frames++;
			server_frame(fs.fs_media.cm_id, frame, fs.fs_len,
			    fs.fs_media.cm_ts_ns / 1000);
		}
		break;
	case IMSG_CAM_AUDIO:
		if (sibling_cam_media(ce, m, &cm, &n) == -1)
			return;
		if (cm.cm_codec == WIRE_CMD_ALAW) {
			rt.audio++;
			server_audio(cm.cm_id, m->data + sizeof(cm), n,
			    cm.cm_ts_ns / 1000);
		}
		break;
	default:
		sibling_bad(ce, m, "a type it does not send");
		return;
	}
}

/*
 * The engine went away: its cameras are offline until a new one says
 * otherwise (an RTSP client then gets 503, not 404, meanwhile).
 */
static void
rtsp_engine_closed(struct chanev *ce, void *arg)
{
	struct rkcam	*rc;

	log_debug("engine channel closed");
	chanev_clear(&rt.engine);
	rt.engine_up = 0;
	fringtab_clear(&rt.rings);
	RB_FOREACH(rc, rtspcams, &rt.cams)
		server_camera(rc->rk_id, rc->rk_name[0] != '\0' ?
		    rc->rk_name : rc->rk_id, RTSP_CAM_OFFLINE);
}

static void
rtsp_engine_new(struct chan_msg *m)
{
	struct rkcam	*rc;

	if (rt.engine_up)
		chanev_clear(&rt.engine);
	if (sibling_open(&rt.engine, m, IMSG_RTSP_DEMAND, rtsp_dispatch_engine,
	    rtsp_engine_closed, NULL) == -1)
		fatal("engine channel");
	/* It passes one kind of descriptor: frame rings. */
	fringtab_clear(&rt.rings);
	rt.engine_up = 1;
	log_debug("engine channel up");
	/* A new engine starts with no demand: tell it who watches. */
	RB_FOREACH(rc, rtspcams, &rt.cams)
		if (rc->rk_demand > 0)
			send_demand(rc);
}

static void
pend_clear(void)
{
	size_t	i;

	for (i = 0; i < pend.nl; i++)
		if (pend.l[i].pl_fd != -1)
			close(pend.l[i].pl_fd);
	explicit_bzero(&pend, sizeof(pend));
}

static int
listen_equal(const struct cfg_listen *a, const struct cfg_listen *b)
{
	return a->cl_kind == b->cl_kind && a->cl_port == b->cl_port &&
	    strcmp(a->cl_addr, b->cl_addr) == 0;
}

/* Whether the pending listeners are the ones server.c has already. */
static int
listeners_same(void)
{
	size_t	i;

	if (pend.nl != rt.nlcur)
		return 0;
	for (i = 0; i < pend.nl; i++)
		if (!listen_equal(&pend.l[i].pl_cfg, &rt.lcur[i]))
			return 0;
	return 1;
}

/* The UDP socket of port on addr among the pending ones, taken. */
static int
pend_udp(const char *addr, unsigned port)
{
	size_t	i;
	int	fd;

	for (i = 0; i < pend.nl; i++) {
		if (pend.l[i].pl_cfg.cl_kind != LISTEN_RTSP_UDP ||
		    pend.l[i].pl_cfg.cl_port != port || pend.l[i].pl_fd == -1 ||
		    strcmp(pend.l[i].pl_cfg.cl_addr, addr) != 0)
			continue;
		fd = pend.l[i].pl_fd;
		pend.l[i].pl_fd = -1;
		return fd;
	}
	return -1;
}

/*
 * A changed set replaces server.c's (sessions stay; an unchanged set is
 * kept as is, so a reload does not close the sockets UDP clients use).
 * Each TCP listener comes with UDP P..P+3 on its address, or the
 * parent is broken.
 */
static void
listeners_apply(void)
{
	size_t	i, j;
	int	udp[4];

	if (listeners_same()) {
		log_debug("listeners unchanged");
		return;
	}
	server_listeners_clear();
	rt.nlcur = 0;
	for (i = 0; i < pend.nl; i++) {
		rt.lcur[rt.nlcur++] = pend.l[i].pl_cfg;
		if (pend.l[i].pl_cfg.cl_kind != LISTEN_RTSP)
			continue;
		for (j = 0; j < 4; j++)
			if ((udp[j] = pend_udp(pend.l[i].pl_cfg.cl_addr,
			    pend.l[i].pl_cfg.cl_port + j)) == -1)
				fatalx("%s: rtsp %s port %u without udp port "
				    "%zu", __func__, pend.l[i].pl_cfg.cl_addr,
				    pend.l[i].pl_cfg.cl_port,
				    pend.l[i].pl_cfg.cl_port + j);
		server_listener(pend.l[i].pl_fd, udp);
		pend.l[i].pl_fd = -1;
		log_debug("listening on %s port %u", pend.l[i].pl_cfg.cl_addr,
		    pend.l[i].pl_cfg.cl_port);
	}
	for (i = 0; i < pend.nl; i++)
		if (pend.l[i].pl_fd != -1)
			fatalx("%s: rtsp udp %s port %u without its tcp",
			    __func__, pend.l[i].pl_cfg.cl_addr,
			    pend.l[i].pl_cfg.cl_port);
}

static void
rtsp_cfg_end(void)
{
	struct rtsp_conf	rc;
	char			msg[2 * V720_ERR_MAX];

	if (!pend.have_cfg)
		fatalx("%s: no RTSP_CFG", __func__);
	/* The first time, and when it changed: find the encoder. */
	if (!rt.checked || strcmp(rt.want, pend.cfg.rt_encoder) != 0) {
		strlcpy(rt.want, pend.cfg.rt_encoder, sizeof(rt.want));
		encoder_pick(rt.want, rt.encoder, sizeof(rt.encoder), msg,
		    sizeof(msg));
		if (rt.encoder[0] != '\0')
			log_info("%s", msg);
		else
			log_warnx("%s", msg);
		rt.checked = 1;
	}
	memset(&rc, 0, sizeof(rc));
	rc.rc_users = pend.users;
	rc.rc_nusers = pend.nusers;
	rc.rc_conn_per_addr = pend.cfg.rt_conn_per_addr;
	strlcpy(rc.rc_encoder, rt.encoder, sizeof(rc.rc_encoder));
	server_configure(&rc);
	listeners_apply();
	pend_clear();
}

static void
rtsp_dispatch_parent(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct cfg_webuser	 cw;
	struct plisten		*pl;
	unsigned int		 peer;

	if (m->fd != -1 && m->hdr.ch_type != IMSG_CFG_LISTEN &&
	    m->hdr.ch_type != IMSG_CFG_PEER)
		fatalx("%s: unexpected fd with message %u", __func__,
		    m->hdr.ch_type);
	switch (m->hdr.ch_type) {
	case IMSG_CFG_START:
		pend_clear();
		pend.active = 1;
		break;
	case IMSG_CFG_LISTEN:
		if (!pend.active || m->fd == -1 ||
		    m->len != sizeof(pl->pl_cfg) || pend.nl >= RTSP_MAX_LISTEN)
			fatalx("%s: bad CFG_LISTEN", __func__);
		pl = &pend.l[pend.nl++];
		memcpy(&pl->pl_cfg, m->data, sizeof(pl->pl_cfg));
		pl->pl_fd = m->fd;
		if (chan_strfield(pl->pl_cfg.cl_addr,
		    sizeof(pl->pl_cfg.cl_addr)) ||
		    (pl->pl_cfg.cl_kind != LISTEN_RTSP &&
		    pl->pl_cfg.cl_kind != LISTEN_RTSP_UDP))
			fatalx("%s: bad CFG_LISTEN fields", __func__);
		break;
	case IMSG_CFG_WEBUSER:
		if (!pend.active || m->len != sizeof(cw))
			fatalx("%s: bad CFG_WEBUSER", __func__);
		memcpy(&cw, m->data, sizeof(cw));
		if (chan_strfield(cw.cw_name, sizeof(cw.cw_name)) ||
		    chan_strfield(cw.cw_hash, sizeof(cw.cw_hash)))
			fatalx("%s: bad CFG_WEBUSER fields", __func__);
		if (pend.nusers < RTSP_MAX_USERS) {
			strlcpy(pend.users[pend.nusers].ru_name, cw.cw_name,
			    sizeof(pend.users[pend.nusers].ru_name));
			strlcpy(pend.users[pend.nusers].ru_hash, cw.cw_hash,
			    sizeof(pend.users[pend.nusers].ru_hash));
			pend.nusers++;
		}
		explicit_bzero(&cw, sizeof(cw));
		break;
	case IMSG_RTSP_CFG:
		if (!pend.active || m->len != sizeof(pend.cfg))
			fatalx("%s: bad RTSP_CFG", __func__);
		memcpy(&pend.cfg, m->data, sizeof(pend.cfg));
		if (chan_strfield(pend.cfg.rt_encoder,
		    sizeof(pend.cfg.rt_encoder)) ||
		    pend.cfg.rt_conn_per_addr == 0)
			fatalx("%s: bad RTSP_CFG fields", __func__);
		pend.have_cfg = 1;
		break;
	case IMSG_CFG_CAMERA:
		/* Cameras and their names come from the engine. */
		if (!pend.active)
			fatalx("%s: CFG_CAMERA outside START/END", __func__);
		break;
	case IMSG_CFG_END:
		proc_child_cfg_end(ce, pend.active, rtsp_cfg_end);
		break;
	case IMSG_CFG_PEER:
		if ((peer = proc_child_peer(m)) != PROC_ENGINE)
			fatalx("%s: peer channel to process %u", __func__,
			    peer);
		rtsp_engine_new(m);
		break;
	default:
		if (!proc_child_common(ce, m))
			fatalx("%s: unexpected message %u", __func__,
			    m->hdr.ch_type);
	}
}

static void
rtsp_log_stats(void)
{
	log_info("stats: cameras %zu, frames in %llu, audio in %llu, "
	    "encoder %s", rt.ncams, (unsigned long long)rt.frames,
	    (unsigned long long)rt.audio, rt.encoder[0] != '\0' ?
	    rt.encoder : "none");
}

static void
rtsp_sig(int sig, short ev, void *arg)
{
	if (sig == SIGUSR1)
		rtsp_log_stats();
	else
		rtsp_shutdown();
}

static void
rtsp_parent_closed(struct chanev *ce, void *arg)
{
	rtsp_shutdown();
}

static __attribute__((noreturn)) void
rtsp_shutdown(void)
{
	struct rkcam	*rc;

	rtsp_log_stats();
	server_shutdown();
	while ((rc = RB_ROOT(&rt.cams)) != NULL) {
		RB_REMOVE(rtspcams, &rt.cams, rc);
		free(rc);
	}
	pend_clear();
	if (rt.engine_up)
		chanev_clear(&rt.engine);
	chanev_clear(&rt.parent);
	exit(0);
}

int
main(int argc, char *argv[])
{
	struct event_base	*base;
	struct proc_child_opts	 co;

	if (argc == 3 && strcmp(argv[1], "-n") == 0)
		encoder_report(argv[2]);
	proc_child_init(argc, argv, "rtsp", 0, &co);
	proc_title("-v720d: rtsp");
	RB_INIT(&rt.cams);
	fringtab_init(&rt.rings);
	proc_privdrop(co.user, co.root);

	base = event_init();
	proc_child_signals(rtsp_sig, 1);
	proc_child_channel(&rt.parent, PROC_PARENT_FD, rtsp_dispatch_parent,
	    rtsp_parent_closed);
	server_init(base);
	testhook_init(&rt.parent, IMSG_RTSP_CAMERA);
	sandbox_enter("rtsp", rtsp_calls, sizeof(rtsp_calls) /
	    sizeof(rtsp_calls[0]));
	log_debug("started");
	event_dispatch();
	rtsp_shutdown();
}
