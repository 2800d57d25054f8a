/*
 * The control socket (v720ctl): requests over the message channel,
 * answered from the engine's camera state; reload and log level are
 * relayed to the parent with the client's id as peerid.  A client that
 * sends anything malformed, or any file descriptor, is dropped, nobody
 * else.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "chan.h"
#include "log.h"
#include "proc.h"
#include "listener.h"
#include "peer.h"
#include "diag.h"

#define CTL_MAX_CLIENTS		32

struct ctlconn {
	TAILQ_ENTRY(ctlconn)	 c_entry;
	struct chanev		 c_ce;
	uint32_t		 c_id;
	int			 c_snapping;
	char			 c_snap[V720_ID_MAX];
	uint64_t		 c_snap_deadline;
};
TAILQ_HEAD(ctlconn_list, ctlconn);

static struct ctlconn_list	clients = TAILQ_HEAD_INITIALIZER(clients);
static size_t			nclients;
static uint32_t			next_id = 1;
/* engine.c's, given once: requests a client makes of the parent go there. */
static struct chanev		*parent;

static void
ctl_freelater(int fd, short ev, void *arg)
{
	free(arg);
}

static void
ctl_snap_done(struct ctlconn *c)
{
	struct camera	*cam;

	if (!c->c_snapping)
		return;
	c->c_snapping = 0;
	if ((cam = camera_find(c->c_snap)) != NULL && cam->cam_snapwait > 0) {
		cam->cam_snapwait--;
		stream_update(cam, proc_now_ms());
	}
}

/*
 * Called from inside the channel's dispatch too: the struct is freed
 * from the event loop, after the handler has returned.
 */
static void
ctl_drop(struct ctlconn *c, const char *why)
{
	struct timeval	tv = { 0, 0 };

	if (why != NULL)
		log_warnx("control client %u: %s, dropped", c->c_id, why);
	ctl_snap_done(c);
	talk_owner_gone(c);
	TAILQ_REMOVE(&clients, c, c_entry);
	nclients--;
	chanev_clear(&c->c_ce);
	if (event_once(-1, EV_TIMEOUT, ctl_freelater, c, &tv) == -1)
		log_warnx("%s: event_once failed, leaking", __func__);
}

static int
ctl_reply(struct ctlconn *c, uint32_t type, const void *p, size_t len)
{
	if (chanev_compose(&c->c_ce, type, 0, -1, p, len) == -1) {
		ctl_drop(c, "not reading its replies");
		return -1;
	}
	return 0;
}

static int
ctl_fail(struct ctlconn *c, const char *msg)
{
	return ctl_reply(c, IMSG_CTL_FAIL, msg, strlen(msg) + 1);
}

static int
ctl_camera(struct ctlconn *c, struct camera *cam)
{
	camera_fill_info(cam);
	return ctl_reply(c, IMSG_CTL_CAMERA, &cam->cam_info,
	    sizeof(cam->cam_info));
}

static struct camera *
ctl_lookup(struct ctlconn *c, const char *id, int online)
{
	struct camera	*cam;

	if ((cam = camera_find(id)) == NULL) {
		ctl_fail(c, "unknown camera");
		return NULL;
	}
	/* Settings and reboot reach a standby camera over MQTT; video not. */
	if (online && cam->cam_conn == NULL &&
	    cam->cam_info.ci_state == CAM_STANDBY && online == 1) {
		ctl_fail(c, "live view is not possible for this camera yet: it "
		    "is known only over MQTT (standby)");
		return NULL;
	}
	if (online && cam->cam_conn == NULL &&
	    cam->cam_info.ci_state != CAM_STANDBY) {
		ctl_fail(c, "camera offline");
		return NULL;
	}
	return cam;
}

static void
ctl_snapshot(struct ctlconn *c, struct camera *cam)
{
	uint64_t	now = proc_now_ms();

	/* The next frame is the newest: at 10 fps it comes within 0.1 s,
	 * and the stream is started if it is not running. */
	if (c->c_snapping) {
		ctl_fail(c, "snapshot already pending");
		return;
	}
	c->c_snapping = 1;
	strlcpy(c->c_snap, cam->cam_id, sizeof(c->c_snap));
	c->c_snap_deadline = now + SNAPSHOT_WAIT_MS;
	cam->cam_snapwait++;
	stream_update(cam, now);
}

/* v720ctl talk: like the web's, with this client as the talker. */
static int
ctl_talk(struct ctlconn *c, struct chan_msg *m)
{
	struct talk_status	 ts;
	const char		*why;

	switch (talk_msg(c, control_talk_status, m->hdr.ch_type, m->data,
	    m->len, &ts, &why)) {
	case -1:
		return -1;
	case 1:
		ctl_reply(c, IMSG_TALK_STATUS, &ts, sizeof(ts));
		break;
	}
	return 0;
}

/* v720ctl doctor: the settings it checks, the listeners, the recent
 * sources, then END. */
static void
ctl_diag(struct ctlconn *c)
{
	static struct diag_listener	ls[DIAG_LISTENERS_MAX];
	static struct diag_source	ss[DIAG_SOURCES_MAX];
	struct diag_server		dv;
	size_t				i, nl, ns;

	memset(&dv, 0, sizeof(dv));
	strlcpy(dv.dv_server_addr, model->m_cfg.cg_server_addr,
	    sizeof(dv.dv_server_addr));
	dv.dv_camera_port = model->m_cfg.cg_camera_port;
	if (ctl_reply(c, IMSG_CTL_DIAG_SERVER, &dv, sizeof(dv)) == -1)
		return;
	nl = diag_listeners(ls, DIAG_LISTENERS_MAX);
	ns = diag_sources(ss, DIAG_SOURCES_MAX);
	for (i = 0; i < nl; i++)
		if (ctl_reply(c, IMSG_CTL_DIAG_LISTENER, &ls[i],
		    sizeof(ls[i])) == -1)
			return;
	for (i = 0; i < ns; i++)
		if (ctl_reply(c, IMSG_CTL_DIAG_SOURCE, &ss[i],
		    sizeof(ss[i])) == -1)
			return;
	ctl_reply(c, IMSG_CTL_END, NULL, 0);
}

static void
ctl_dispatch(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct ctlconn	*c = arg;
	struct camera	*cam;
	struct ctl_id	 cid;
	struct ctl_req	 req;
	struct ctl_set	 set;
	struct ptz_req	 pr;
	const struct cfg_listen	*urls;
	const char	*err;
	size_t		 i, n;

	if (m->fd != -1) {
		close(m->fd);
		ctl_drop(c, "sent a descriptor");
		return;
	}
	switch (m->hdr.ch_type) {
	case IMSG_CTL_SHOW_CAMERAS:
		if (m->len != 0)
			goto bad;
		RB_FOREACH(cam, camera_tree, &model->m_cameras)
			if (ctl_camera(c, cam) == -1)
				return;
		ctl_reply(c, IMSG_CTL_END, NULL, 0);
		break;
	case IMSG_CTL_SHOW_CAMERA:
	case IMSG_CTL_SNAPSHOT:
	case IMSG_CTL_REBOOT:
		if (m->len != sizeof(cid))
			goto bad;
		memcpy(&cid, m->data, sizeof(cid));
		if (chan_strfield(cid.id, sizeof(cid.id)))
			goto bad;
		if ((cam = ctl_lookup(c, cid.id,
		    m->hdr.ch_type == IMSG_CTL_SHOW_CAMERA ? 0 :
		    m->hdr.ch_type == IMSG_CTL_SNAPSHOT ? 1 : 2)) == NULL)
			break;
		if (m->hdr.ch_type == IMSG_CTL_SHOW_CAMERA) {
			n = rtsppeer_urls(&urls);
			for (i = 0; i < n; i++)
				ctl_reply(c, IMSG_CTL_RTSP_URL, &urls[i],
				    sizeof(urls[i]));
			if (ctl_camera(c, cam) == 0)
				ctl_reply(c, IMSG_CTL_END, NULL, 0);
		} else if (m->hdr.ch_type == IMSG_CTL_SNAPSHOT)
			ctl_snapshot(c, cam);
		else if (camera_forward(cam, 299, ",\"reboot\":1") == -1)
			ctl_fail(c, "camera offline");
		else
			ctl_reply(c, IMSG_CTL_OK, NULL, 0);
		break;
	case IMSG_CTL_STREAM:
		if (m->len != sizeof(req))
			goto bad;
		memcpy(&req, m->data, sizeof(req));
		if (chan_strfield(req.id, sizeof(req.id)))
			goto bad;
		if ((cam = ctl_lookup(c, req.id, req.value != 0)) == NULL)
			break;
		stream_manual(cam, req.value != 0, proc_now_ms());
		ctl_reply(c, IMSG_CTL_OK, NULL, 0);
		break;
	case IMSG_CTL_PTZ:
		if (m->len != sizeof(pr))
			goto bad;
		memcpy(&pr, m->data, sizeof(pr));
		if (chan_strfield(pr.id, sizeof(pr.id)))
			goto bad;
		if ((cam = camera_find(pr.id)) == NULL) {
			ctl_fail(c, "unknown camera");
			break;
		}
		if (ptz_request(cam, pr.move, PTZ_HOLD_CTL_MS, &err) == -1)
			ctl_fail(c, err);
		else
			ctl_reply(c, IMSG_CTL_OK, NULL, 0);
		break;
	case IMSG_CTL_SET:
		if (m->len != sizeof(set))
			goto bad;
		memcpy(&set, m->data, sizeof(set));
		if (chan_strfield(set.id, sizeof(set.id)) ||
		    chan_strfield(set.key, sizeof(set.key)) ||
		    chan_strfield(set.value, sizeof(set.value)))
			goto bad;
		if ((cam = ctl_lookup(c, set.id, 2)) == NULL)
			break;
		if (camera_set(cam, set.key, set.value, &err) == -1)
			ctl_fail(c, err);
		else
			ctl_reply(c, IMSG_CTL_OK, NULL, 0);
		break;
	case IMSG_TALK_START:
	case IMSG_TALK_DATA:
	case IMSG_TALK_END:
	case IMSG_TALK_ABORT:
		if (ctl_talk(c, m) == -1)
			goto bad;
		break;
	case IMSG_CTL_DIAG:
		if (m->len != 0)
			goto bad;
		ctl_diag(c);
		break;
	case IMSG_REC_LIST:
	case IMSG_REC_EVENTS:
		/* Answered by the recorder, relayed back by recpeer.c. */
		if (m->len != sizeof(cid))
			goto bad;
		memcpy(&cid, m->data, sizeof(cid));
		if (chan_strfield(cid.id, sizeof(cid.id)))
			goto bad;
		if (recpeer_ctl(m->hdr.ch_type, c->c_id, cid.id) == -1)
			ctl_fail(c, "no recorder running (no camera records)");
		break;
	case IMSG_CTL_RELOAD:
	case IMSG_CTL_VERBOSE:
		if (m->len != (m->hdr.ch_type == IMSG_CTL_RELOAD ? 0 :
		    sizeof(int32_t)))
			goto bad;
		if (chanev_compose(parent, m->hdr.ch_type, c->c_id, -1,
		    m->data, m->len) == -1)
			ctl_fail(c, "cannot reach the parent");
		break;
	default:
		goto bad;
	}
	return;
bad:
	ctl_drop(c, "malformed request");
}

static void
ctl_closed(struct chanev *ce, void *arg)
{
	/* EBADMSG: a malformed header, or a descriptor (never allowed). */
	ctl_drop(arg, errno == EBADMSG ?
	    "sent a descriptor or a malformed message" : NULL);
}

void
control_listener_accept(int fd, short ev, void *arg)
{
	struct listener	*l = arg;
	struct ctlconn	*c;
	int		 s;

	if ((s = listener_accept(l, NULL, NULL, "control")) == -1)
		return;
	if (nclients >= CTL_MAX_CLIENTS) {
		log_warnx("control: too many clients, refusing one");
		close(s);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(s);
		return;
	}
	if (chanev_init(&c->c_ce, s, ctl_dispatch, ctl_closed, c) == -1) {
		log_warn("control client");
		close(s);
		free(c);
		return;
	}
	/*
	 * Clients never pass descriptors: one that does is dropped at the
	 * read that brings it, before it can park any in the engine.
	 */
	c->c_ce.c.nofds = 1;
	c->c_id = next_id++;
	if (next_id == 0)
		next_id = 1;
	TAILQ_INSERT_TAIL(&clients, c, c_entry);
	nclients++;
}

void
control_parent_reply(uint32_t type, uint32_t peerid, const void *p,
    size_t len)
{
	struct ctlconn	*c;

	TAILQ_FOREACH(c, &clients, c_entry)
		if (c->c_id == peerid)
			break;
	if (c == NULL)
		return;		/* the client left meanwhile */
	if (type == IMSG_CTL_FAIL && (len == 0 ||
	    memchr(p, '\0', len) == NULL)) {
		ctl_fail(c, "failed");
		return;
	}
	ctl_reply(c, type, type == IMSG_CTL_FAIL ? p : NULL,
	    type == IMSG_CTL_FAIL ? len : 0);
}

/* A reply from the recorder for client: forwarded as it is. */
void
control_client_reply(uint32_t client, uint32_t type, const void *p,
    size_t len)
{
	struct ctlconn	*c;

	TAILQ_FOREACH(c, &clients, c_entry)
		if (c->c_id == client)
			break;
	if (c != NULL)
		ctl_reply(c, type, p, len);
}

/* A new frame from cam: answer the snapshots waiting for it. */
void
control_frame(struct camera *cam, const uint8_t *jpeg, size_t len)
{
	struct ctlconn	*c, *tmp;

	TAILQ_FOREACH_SAFE(c, &clients, c_entry, tmp) {
		if (!c->c_snapping || strcmp(c->c_snap, cam->cam_id) != 0)
			continue;
		ctl_snap_done(c);
		ctl_reply(c, IMSG_CTL_FRAME, jpeg, len);
	}
}

void
control_tick(uint64_t now)
{
	struct ctlconn	*c, *tmp;
	struct camera	*cam;

	TAILQ_FOREACH_SAFE(c, &clients, c_entry, tmp) {
		if (!c->c_snapping || now < c->c_snap_deadline)
			continue;
		ctl_snap_done(c);
		/* No new frame: a recent kept one will do. */
		if ((cam = camera_find(c->c_snap)) != NULL &&
		    cam->cam_jpeg != NULL &&
		    now - cam->cam_jpeg_ms < SNAPSHOT_WAIT_MS + SNAPSHOT_KEEP_MS)
			ctl_reply(c, IMSG_CTL_FRAME, cam->cam_jpeg,
			    cam->cam_jpeg_len);
		else
			ctl_fail(c, "timeout");
	}
}

/* From talk.c; a client that does not read is dropped by its stall. */
void
control_talk_status(void *arg, const struct talk_status *ts)
{
	struct ctlconn	*c = arg;

	(void)chanev_compose(&c->c_ce, IMSG_TALK_STATUS, 0, -1, ts,
	    sizeof(*ts));
}

void
control_free_all(void)
{
	struct ctlconn	*c;

	while ((c = TAILQ_FIRST(&clients)) != NULL) {
		talk_owner_gone(c);
		TAILQ_REMOVE(&clients, c, c_entry);
		chanev_clear(&c->c_ce);
		free(c);
	}
	nclients = 0;
}

static void
control_observe_frame(struct camera *cam, const struct cam_frame *f)
{
	if (f->cf_snapshot)
		control_frame(cam, f->cf_data, f->cf_len);
}

/* Snapshot waiters hear of frames; the rest they ask for. */
const struct cam_observer control_observer = {
	"control", NULL, NULL, control_observe_frame, NULL, NULL
};

void
control_init(struct chanev *ce)
{
	parent = ce;
}
