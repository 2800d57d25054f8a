/*
 * Cameras' TCP connections: accepting them within the descriptor and
 * per-address limits, reading and writing, the registration (code 100)
 * that makes one a camera's connection, and the deadline for it.  What
 * a registered camera is and does is camera.c's.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "proc.h"
#include "model.h"
#include "listener.h"
#include "bootstrap.h"
#include "diag.h"
#include "camconn.h"

static struct camconn_list	pending = TAILQ_HEAD_INITIALIZER(pending);
static size_t			npending;
static size_t			nconns;		/* pending + registered */

static int	conn_auth(void *, const char *, const char *);
static int	conn_json(void *, const struct camjson *);
static int	conn_send(void *, const uint8_t *, size_t);

static const struct camsess_ops	conn_ops = {
	conn_auth, conn_json, conn_send
};

void
camconn_free(struct camconn *c)
{
	struct camera	*cam = c->cc_cam;

	if (cam != NULL && cam->cam_conn == c) {
		cam->cam_conn = NULL;
		camera_offline(cam);
	} else if (cam == NULL) {
		TAILQ_REMOVE(&pending, c, cc_entry);
		npending--;
		claim_drop(c);
	}
	camhost_del(c);
	nconns--;
	event_del(&c->cc_rev);
	if (event_initialized(&c->cc_wev))
		event_del(&c->cc_wev);
	close(c->cc_fd);
	camsess_clear(&c->cc_sess);
	free(c->cc_out);
	free(c);
}

static void
conn_write(int fd, short ev, void *arg)
{
	struct camconn	*c = arg;
	ssize_t		 n;

	while (c->cc_outlen > 0) {
		if ((n = write(c->cc_fd, c->cc_out, c->cc_outlen)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				event_add(&c->cc_wev, NULL);
				return;
			}
			log_debug("camera %s: write: %s", c->cc_addr,
			    strerror(errno));
			camconn_free(c);
			return;
		}
		memmove(c->cc_out, c->cc_out + n, c->cc_outlen - n);
		c->cc_outlen -= n;
	}
	free(c->cc_out);
	c->cc_out = NULL;
	if (c->cc_closing)
		camconn_free(c);
}

static int
conn_send(void *arg, const uint8_t *p, size_t len)
{
	struct camconn	*c = arg;
	uint8_t		*nb;
	ssize_t		 n = 0;

	if (c->cc_outlen == 0) {
		while ((n = write(c->cc_fd, p, len)) == -1 && errno == EINTR)
			;
		if (n == -1) {
			if (errno != EAGAIN)
				return -1;
			n = 0;
		}
		if ((size_t)n == len)
			return 0;
	}
	if (c->cc_outlen + len - n > CAM_OUTQ_MAX) {
		log_warnx("camera %s: not reading, dropping it", c->cc_addr);
		return -1;
	}
	if ((nb = realloc(c->cc_out, c->cc_outlen + len - n)) == NULL)
		return -1;
	c->cc_out = nb;
	memcpy(c->cc_out + c->cc_outlen, p + n, len - n);
	c->cc_outlen += len - n;
	event_add(&c->cc_wev, NULL);
	return 0;
}

/*
 * Whether uid may register over c at all: unknown cameras, and the
 * cameras per address (a camera coming back from the address it holds a
 * connection from replaces itself).
 */
static int
conn_allowed(struct camconn *c, const char *uid)
{
	struct camera	*cam;

	if (!model->m_cfg.cg_unknown_accept && model_camcfg(uid) == NULL) {
		log_warnx("camera %s from %s: unknown camera rejected", uid,
		    c->cc_addr);
		diag_note_addr(c->cc_addr, DIAG_REFUSED, DIAG_R_UNKNOWN, uid);
		return -1;
	}
	cam = camera_find(uid);
	if (c->cc_host->h_registered >= model->m_cfg.cg_cam_per_addr &&
	    (cam == NULL || cam->cam_conn == NULL ||
	    cam->cam_conn->cc_host != c->cc_host)) {
		log_warnx("camera %s from %s: %u cameras registered from this "
		    "address already (camera connections per address), "
		    "rejected", uid, c->cc_addr, c->cc_host->h_registered);
		diag_note_addr(c->cc_addr, DIAG_REFUSED, DIAG_R_LIMIT, uid);
		return -1;
	}
	return 0;
}

/*
 * Registration policy.  A camera that bootstrapped with us since the
 * engine started must present the pwd it got as token.  One that did not
 * (the engine restarted, or the camera has a DNS cache) is accepted
 * without that check if it is configured or unknown cameras are
 * accepted: the pwd only proves that the camera talked to this server's
 * bootstrap before, which an engine restart forgets, and anyone on the
 * LAN can ask the bootstrap for it.  Whether the registration may take
 * the place of a connection the camera has is camclaim.c's question: a
 * registration may be held until it knows (1).
 */
static int
conn_auth(void *arg, const char *uid, const char *token)
{
	struct camconn	*c = arg;
	struct camera	*cam;
	const char	*pwd;

	if (conn_allowed(c, uid) == -1)
		return -1;
	if ((pwd = boot_pwd(uid)) != NULL && strcmp(pwd, token) != 0) {
		log_warnx("camera %s from %s: wrong token, rejected", uid,
		    c->cc_addr);
		diag_note_addr(c->cc_addr, DIAG_REFUSED, DIAG_R_TOKEN, uid);
		return -1;
	}
	if ((cam = camera_find(uid)) != NULL && cam->cam_conn != NULL &&
	    claim_check(c, cam) == CLAIM_HOLD)
		return 1;
	return camconn_register(c, uid);
}

/* c becomes uid's connection, in the place of any it had. */
int
camconn_register(struct camconn *c, const char *uid)
{
	struct camera	*cam;
	struct camconn	*old;
	const char	*fw;

	if (conn_allowed(c, uid) == -1)
		return -1;
	if ((cam = camera_get(uid)) == NULL) {
		diag_note_addr(c->cc_addr, DIAG_REFUSED, DIAG_R_FULL, uid);
		return -1;
	}
	if (cam->cam_conn != NULL) {
		log_info("camera %s: new connection from %s replaces %s", uid,
		    c->cc_addr, cam->cam_conn->cc_addr);
		old = cam->cam_conn;
		old->cc_cam = NULL;		/* not pending either */
		cam->cam_conn = NULL;
		stream_stop(cam, 0);
		TAILQ_INSERT_TAIL(&pending, old, cc_entry);
		npending++;
		camconn_free(old);
	}
	TAILQ_REMOVE(&pending, c, cc_entry);
	npending--;
	c->cc_cam = cam;
	cam->cam_conn = c;
	camhost_count(c, 1);
	claim_registered(cam, c);
	camera_gone_update(cam);
	strlcpy(cam->cam_info.ci_address, c->cc_addr,
	    sizeof(cam->cam_info.ci_address));
	if ((fw = boot_firmware(uid)) != NULL)
		strlcpy(cam->cam_info.ci_firmware, fw,
		    sizeof(cam->cam_info.ci_firmware));
	cam->cam_info.ci_state = CAM_ONLINE;
	cam->cam_info.ci_last_seen = time(NULL);
	log_info("camera %s: registered from %s", uid, c->cc_addr);
	diag_note_addr(c->cc_addr, DIAG_REGISTERED, DIAG_R_NONE, uid);
	camera_changed(cam);
	stream_update(cam, proc_now_ms());
	return 0;
}

static int
conn_json(void *arg, const struct camjson *j)
{
	struct camconn	*c = arg;

	if (c->cc_cam != NULL)
		stream_camera_json(c->cc_cam, j);
	return 0;
}

static void
conn_read(int fd, short ev, void *arg)
{
	struct camconn	*c = arg;
	uint8_t		 buf[16384];
	ssize_t		 n;
	uint64_t	 hb;
	int		 rv;

	if ((n = read(fd, buf, sizeof(buf))) == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		log_debug("camera %s: read: %s", c->cc_addr, strerror(errno));
		camconn_free(c);
		return;
	}
	if (n == 0) {
		log_debug("camera %s: connection closed", c->cc_addr);
		camconn_free(c);
		return;
	}
	c->cc_last_rx_ms = proc_now_ms();
	if (c->cc_cam != NULL)
		c->cc_cam->cam_info.ci_last_seen = time(NULL);
	hb = c->cc_sess.cs_heartbeats;
	if ((rv = camsess_feed(&c->cc_sess, buf, n)) == 0)
		claim_heard(c, c->cc_last_rx_ms,
		    c->cc_sess.cs_heartbeats != hb);
	if (rv == -1) {
		if (c->cc_cam == NULL && (c->cc_sess.cs_tcp.ct_err == NULL ||
		    strcmp(c->cc_sess.cs_tcp.ct_err,
		    "registration refused") != 0))
			diag_note_addr(c->cc_addr, DIAG_REFUSED,
			    DIAG_R_PROTOCOL, NULL);
		log_warnx("camera %s%s%s: %s, closing", c->cc_addr,
		    c->cc_sess.cs_uid[0] ? " " : "", c->cc_sess.cs_uid,
		    c->cc_sess.cs_tcp.ct_err ? c->cc_sess.cs_tcp.ct_err :
		    "error");
		if (c->cc_outlen > 0 && !c->cc_closing) {
			/* Let the refusal reach the camera first. */
			c->cc_closing = 1;
			event_del(&c->cc_rev);
			return;
		}
		camconn_free(c);
	}
}

static void
addr_string(const struct sockaddr *sa, socklen_t len, char *out, size_t sz)
{
	char	host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		strlcpy(out, "?", sz);
		return;
	}
	if (strncmp(host, "::ffff:", 7) == 0)
		memmove(host, host + 7, strlen(host + 7) + 1);
	if (snprintf(out, sz, "%s:%s", host, serv) >= (int)sz)
		strlcpy(out, "?", sz);
}

void
camera_listener_accept(int fd, short ev, void *arg)
{
	struct listener		*l = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	struct camconn		*c, *victim;
	struct camhost		*h;
	int			 s, one = 1;

	if ((s = listener_accept(l, (struct sockaddr *)&ss, &len,
	    "camera")) == -1)
		return;
	h = camhost_find(&ss);
	/*
	 * Out of descriptors for cameras (the rest is kept for bootstrap and
	 * the control socket): an address with no connection yet still gets
	 * in, at the expense of the address that holds the most.
	 */
	if (nconns >= model->m_cam_conn_max) {
		if (h != NULL || (victim = camhost_victim()) == NULL) {
			log_warnx("camera accept: %zu connections, no "
			    "descriptors left, refusing one", nconns);
			diag_note((struct sockaddr *)&ss, len, DIAG_REFUSED,
			    DIAG_R_NOFD, NULL);
			close(s);
			return;
		}
		log_warnx("camera accept: %zu connections, no descriptors "
		    "left: closing %s%s%s for a new address", nconns,
		    victim->cc_addr, victim->cc_cam ? " " : "",
		    victim->cc_cam ? victim->cc_cam->cam_id : "");
		diag_note_addr(victim->cc_addr, DIAG_REFUSED, DIAG_R_NOFD,
		    victim->cc_cam ? victim->cc_cam->cam_id : NULL);
		camconn_free(victim);
	}
	/*
	 * All registration slots taken: an address with none of them gets
	 * the oldest one held by an address that has several.
	 */
	if (npending >= ENGINE_MAX_PENDING) {
		victim = NULL;
		if (h == NULL || h->h_nconns == h->h_registered)
			TAILQ_FOREACH(victim, &pending, cc_entry)
				if (victim->cc_host->h_nconns -
				    victim->cc_host->h_registered > 1)
					break;
		if (victim == NULL) {
			log_warnx("camera accept: too many connections, "
			    "refusing one");
			diag_note((struct sockaddr *)&ss, len, DIAG_REFUSED,
			    DIAG_R_BUSY, NULL);
			close(s);
			return;
		}
		log_warnx("camera accept: %d unregistered connections: closing "
		    "%s for a new address", ENGINE_MAX_PENDING,
		    victim->cc_addr);
		diag_note_addr(victim->cc_addr, DIAG_REFUSED, DIAG_R_BUSY,
		    NULL);
		camconn_free(victim);
	}
	if (h != NULL && h->h_nconns - h->h_registered >=
	    ENGINE_MAX_PENDING_HOST) {
		log_warnx("camera accept: %d unregistered connections from one "
		    "address, refusing one", ENGINE_MAX_PENDING_HOST);
		diag_note((struct sockaddr *)&ss, len, DIAG_REFUSED,
		    DIAG_R_LIMIT, NULL);
		close(s);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("%s", __func__);
		close(s);
		return;
	}
	/*
	 * The handshake is a few small messages in a row (53, 298, 4):
	 * with Nagle each waits for the camera's delayed ACK of the one
	 * before, 40 ms here and more on a camera.
	 */
	if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1)
		log_debug("camera accept: TCP_NODELAY: %s", strerror(errno));
	c->cc_fd = s;
	c->cc_ss = ss;
	if (camhost_add(c) == -1) {
		log_warn("%s", __func__);
		close(s);
		free(c);
		return;
	}
	addr_string((struct sockaddr *)&ss, len, c->cc_addr,
	    sizeof(c->cc_addr));
	c->cc_start_ms = c->cc_last_rx_ms = proc_now_ms();
	camsess_init(&c->cc_sess, &conn_ops, c);
	event_set(&c->cc_rev, s, EV_READ | EV_PERSIST, conn_read, c);
	event_set(&c->cc_wev, s, EV_WRITE, conn_write, c);
	event_add(&c->cc_rev, NULL);
	TAILQ_INSERT_TAIL(&pending, c, cc_entry);
	npending++;
	nconns++;
	log_debug("camera connection from %s", c->cc_addr);
	diag_note((struct sockaddr *)&ss, len, DIAG_TCP, DIAG_R_NONE, NULL);
}

/* The IPv4 address of sa (plain or v4-mapped v6) into in: 0, else -1. */
static int
addr_v4(const struct sockaddr *sa, socklen_t len, struct in_addr *in)
{
	const struct sockaddr_in	*sin = (const void *)sa;
	const struct sockaddr_in6	*sin6 = (const void *)sa;

	if (sa->sa_family == AF_INET && len >= sizeof(*sin)) {
		*in = sin->sin_addr;
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(*sin6) &&
	    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		memcpy(in, &sin6->sin6_addr.s6_addr[12], sizeof(*in));
		return 0;
	}
	return -1;
}

/*
 * Whether sa is the address (any port) of the camera's registered TCP
 * connection: only the camera itself may open its data channel.
 */
int
camera_same_host(const struct camera *cam, const struct sockaddr *sa,
    socklen_t len)
{
	const struct sockaddr		*tsa;
	const struct sockaddr_in6	*a, *b;
	struct in_addr			 x, y;

	if (cam->cam_conn == NULL || len < sizeof(sa->sa_family))
		return 0;
	tsa = (const struct sockaddr *)&cam->cam_conn->cc_ss;
	if (addr_v4(tsa, sizeof(cam->cam_conn->cc_ss), &x) == 0)
		return addr_v4(sa, len, &y) == 0 && x.s_addr == y.s_addr;
	if (tsa->sa_family != AF_INET6 || sa->sa_family != AF_INET6 ||
	    len < sizeof(*b))
		return 0;
	a = (const void *)tsa;
	b = (const void *)sa;
	return memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr)) == 0;
}

/*
 * Close c once what is queued is sent.  Callers may be inside c's read
 * handler: c is freed from its write event, not here.
 */
void
camconn_close_soon(struct camconn *c)
{
	c->cc_closing = 1;
	event_del(&c->cc_rev);
	event_active(&c->cc_wev, EV_WRITE, 1);
}

int
camera_send(struct camera *cam, uint16_t cmd, const void *p, size_t len)
{
	uint8_t	buf[CAMTCP_MAX_MSG];
	int	n;

	if (cam->cam_conn == NULL || cam->cam_conn->cc_closing)
		return -1;
	if ((n = camtcp_msg(buf, sizeof(buf), cmd, p, len)) == -1)
		return -1;
	if (conn_send(cam->cam_conn, buf, n) == -1) {
		log_warnx("camera %s: cannot send, closing", cam->cam_id);
		camconn_close_soon(cam->cam_conn);
		return -1;
	}
	return 0;
}

/* Once a second: connections that did not register in time. */
void
camconn_second(uint64_t now)
{
	struct camconn	*c, *tc;

	TAILQ_FOREACH_SAFE(c, &pending, cc_entry, tc) {
		/* Held ones registered in time; camclaim.c decides. */
		if (!c->cc_held &&
		    now - c->cc_start_ms > CAM_REGISTER_S * 1000ULL) {
			log_warnx("camera %s: no registration in %d s, closing",
			    c->cc_addr, CAM_REGISTER_S);
			diag_note_addr(c->cc_addr, DIAG_TCP, DIAG_R_NOREG,
			    NULL);
			camconn_free(c);
		}
	}
}

void
camconn_free_pending(void)
{
	struct camconn	*c;

	while ((c = TAILQ_FIRST(&pending)) != NULL)
		camconn_free(c);
}
