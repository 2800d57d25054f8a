/*
 * The camera HTTP bootstrap server (PROTOCOL.md section 1): accepts on
 * the bootstrap listener, reads one bounded request within a deadline,
 * answers and closes.  Also remembers the pwd handed to each uid, which
 * its TCP registration must present as token.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "bootproto.h"
#include "model.h"
#include "listener.h"
#include "bootstrap.h"
#include "diag.h"

#define BOOT_MAX_CONNS		64
#define BOOT_MAX_PER_HOST	8
#define BOOT_TIMEOUT_S		10
#define BOOT_MAX_PWDS		ENGINE_MAX_CAMERAS

struct bootconn {
	TAILQ_ENTRY(bootconn)	 bc_entry;
	int			 bc_fd;
	struct event		 bc_ev;
	struct event		 bc_timer;
	char			*bc_buf;
	size_t			 bc_len;
	char			*bc_out;
	size_t			 bc_outlen, bc_outoff;
	struct sockaddr_storage	 bc_ss;
	char			 bc_peer[V720_ADDR_MAX];
	char			 bc_local[V720_ADDR_MAX];	/* host only */
	char			 bc_src[V720_ADDR_MAX];	/* camera, via a proxy */
};
TAILQ_HEAD(bootconn_list, bootconn);

struct bootpwd {
	RB_ENTRY(bootpwd)	 bp_entry;
	TAILQ_ENTRY(bootpwd)	 bp_age;
	char			 bp_uid[V720_ID_MAX];
	char			 bp_pwd[BOOT_PWD_LEN + 1];
	char			 bp_firmware[32];	/* "version:" header */
};
RB_HEAD(bootpwd_tree, bootpwd);
TAILQ_HEAD(bootpwd_list, bootpwd);

static int	bootpwd_cmp(struct bootpwd *, struct bootpwd *);
RB_PROTOTYPE(bootpwd_tree, bootpwd, bp_entry, bootpwd_cmp);
RB_GENERATE(bootpwd_tree, bootpwd, bp_entry, bootpwd_cmp);

static struct bootconn_list	conns = TAILQ_HEAD_INITIALIZER(conns);
static size_t			nconns;
static struct bootpwd_tree	pwds = RB_INITIALIZER(&pwds);
static struct bootpwd_list	pwd_age = TAILQ_HEAD_INITIALIZER(pwd_age);
static size_t			npwds;

static int
bootpwd_cmp(struct bootpwd *a, struct bootpwd *b)
{
	return strcmp(a->bp_uid, b->bp_uid);
}

static struct bootpwd *
boot_find(const char *uid)
{
	struct bootpwd	key;

	if (strlcpy(key.bp_uid, uid, sizeof(key.bp_uid)) >= sizeof(key.bp_uid))
		return NULL;
	return RB_FIND(bootpwd_tree, &pwds, &key);
}

const char *
boot_pwd(const char *uid)
{
	struct bootpwd	*bp;

	return (bp = boot_find(uid)) != NULL ? bp->bp_pwd : NULL;
}

/*
 * The firmware the camera named in its last bootstrap, so that a camera
 * that registered but never streamed (no forward 4 yet) shows it too.
 */
const char *
boot_firmware(const char *uid)
{
	struct bootpwd	*bp;

	if ((bp = boot_find(uid)) == NULL || bp->bp_firmware[0] == '\0')
		return NULL;
	return bp->bp_firmware;
}

/* The uid's pwd, made on first use; the oldest is forgotten when full. */
static const char *
boot_pwd_get(const char *uid)
{
	struct bootpwd	*bp;
	const char	*pwd;

	if ((pwd = boot_pwd(uid)) != NULL)
		return pwd;
	if (npwds >= BOOT_MAX_PWDS) {
		bp = TAILQ_FIRST(&pwd_age);
		TAILQ_REMOVE(&pwd_age, bp, bp_age);
		RB_REMOVE(bootpwd_tree, &pwds, bp);
		free(bp);
		npwds--;
	}
	if ((bp = calloc(1, sizeof(*bp))) == NULL)
		return NULL;
	strlcpy(bp->bp_uid, uid, sizeof(bp->bp_uid));
	bootproto_pwd(bp->bp_pwd);
	RB_INSERT(bootpwd_tree, &pwds, bp);
	TAILQ_INSERT_TAIL(&pwd_age, bp, bp_age);
	npwds++;
	return bp->bp_pwd;
}

static void
boot_set_firmware(const char *uid, const char *version)
{
	struct bootpwd	*bp;

	if ((bp = boot_find(uid)) != NULL && version[0] != '\0')
		strlcpy(bp->bp_firmware, version, sizeof(bp->bp_firmware));
}

static void
bootconn_free(struct bootconn *bc)
{
	TAILQ_REMOVE(&conns, bc, bc_entry);
	nconns--;
	event_del(&bc->bc_ev);
	evtimer_del(&bc->bc_timer);
	close(bc->bc_fd);
	free(bc->bc_buf);
	free(bc->bc_out);
	free(bc);
}

static void
bootconn_write(int fd, short ev, void *arg)
{
	struct bootconn	*bc = arg;
	ssize_t		 n;

	while (bc->bc_outoff < bc->bc_outlen) {
		n = write(fd, bc->bc_out + bc->bc_outoff,
		    bc->bc_outlen - bc->bc_outoff);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;		/* EV_PERSIST: called again */
		if (n == -1) {
			log_debug("bootstrap %s: write: %s", bc->bc_peer,
			    strerror(errno));
			break;
		}
		bc->bc_outoff += n;
	}
	shutdown(fd, SHUT_WR);
	bootconn_free(bc);
}

static void
bootconn_reply(struct bootconn *bc, int status, const char *body)
{
	char	buf[2048];
	int	n;

	if ((n = bootproto_answer(buf, sizeof(buf), status, body)) == -1 ||
	    (bc->bc_out = malloc(n)) == NULL) {
		bootconn_free(bc);
		return;
	}
	memcpy(bc->bc_out, buf, n);
	bc->bc_outlen = n;
	event_del(&bc->bc_ev);
	event_set(&bc->bc_ev, bc->bc_fd, EV_WRITE | EV_PERSIST,
	    bootconn_write, bc);
	event_add(&bc->bc_ev, NULL);
	bootconn_write(bc->bc_fd, EV_WRITE, bc);
}

static void
bootconn_error(struct bootconn *bc, int status, const char *msg)
{
	char	body[256];

	if (bootproto_error(body, sizeof(body), status, msg) == -1)
		strlcpy(body, "{}", sizeof(body));
	bootconn_reply(bc, status, body);
}

/*
 * A request from this host itself may come through a reverse proxy on
 * port 80 (etc/nginx-v720d.conf), which names the camera's address
 * (X-Real-IP) and the address the camera reached (X-Server-Addr).  Only
 * then, and only IP literals, are they believed.
 */
static int
boot_from_proxy(struct bootconn *bc)
{
	const struct sockaddr_in	*s4 = (const void *)&bc->bc_ss;
	const struct sockaddr_in6	*s6 = (const void *)&bc->bc_ss;
	const uint8_t			*b = s6->sin6_addr.s6_addr;

	if (bc->bc_ss.ss_family == AF_INET)
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	if (bc->bc_ss.ss_family != AF_INET6)
		return 0;
	return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) ||
	    (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && b[12] == 127);
}

static int
ip_literal(const char *s)
{
	struct in6_addr	a;

	return s[0] != '\0' && (inet_pton(AF_INET, s, &a) == 1 ||
	    inet_pton(AF_INET6, s, &a) == 1);
}

static void
boot_diag(struct bootconn *bc, enum diag_stage st, enum diag_reason why,
    const char *uid)
{
	uid = uid != NULL && camtcp_valid_uid(uid) ? uid : NULL;
	if (bc->bc_src[0] != '\0')
		diag_note_host(bc->bc_src, st, why, uid);
	else
		diag_note((struct sockaddr *)&bc->bc_ss, sizeof(bc->bc_ss), st,
		    why, uid);
}

static void
bootconn_handle(struct bootconn *bc, const struct bootreq *r)
{
	char		 body[1024], uid[V720_ID_MAX], quoted[V720_ID_MAX + 2];
	char		 method[40], path[256];
	const char	*pwd, *host;
	int		 n = -1;

	if (boot_from_proxy(bc)) {
		if (ip_literal(r->br_realip))
			strlcpy(bc->bc_src, r->br_realip, sizeof(bc->bc_src));
		if (ip_literal(r->br_srvaddr))
			strlcpy(bc->bc_local, r->br_srvaddr,
			    sizeof(bc->bc_local));
	}
	if (strcmp(r->br_method, "POST") != 0 &&
	    strcmp(r->br_method, "GET") != 0) {
		bootconn_error(bc, 405, "method not allowed");
		return;
	}
	switch (r->br_endpoint) {
	case BOOT_CONFCHECK:
		if (r->br_uid[0] == '\0') {
			bootconn_error(bc, 400, "devicesCode missing");
			return;
		}
		/*
		 * With "unknown cameras reject", an unlisted camera gets
		 * HTTP 403 and JSON code 403 without host or tcpPort: it has
		 * nowhere to connect and keeps retrying its bootstrap (as it
		 * does when the cloud is unreachable), without ever reaching
		 * the camera port.
		 */
		if (!model->m_cfg.cg_unknown_accept &&
		    model_camcfg(r->br_uid) == NULL) {
			log_warnx("bootstrap: unknown camera %s from %s "
			    "rejected", r->br_uid, bc->bc_peer);
			boot_diag(bc, DIAG_REFUSED, DIAG_R_UNKNOWN, r->br_uid);
			bootconn_error(bc, 403, "unknown camera");
			return;
		}
		if ((pwd = boot_pwd_get(r->br_uid)) == NULL) {
			bootconn_error(bc, 503, "out of memory");
			return;
		}
		boot_set_firmware(r->br_uid, r->br_version);
		boot_diag(bc, DIAG_BOOTSTRAP, DIAG_R_NONE, r->br_uid);
		host = model->m_cfg.cg_server_addr[0] != '\0' ?
		    model->m_cfg.cg_server_addr : bc->bc_local;
		n = bootproto_confcheck(body, sizeof(body), r->br_uid, host,
		    model->m_cfg.cg_camera_port, pwd, time(NULL));
		log_info("bootstrap: camera %s (firmware %s) from %s sent to "
		    "%s port %u", r->br_uid, r->br_version[0] ?
		    r->br_version : "?", bc->bc_peer, host,
		    model->m_cfg.cg_camera_port);
		break;
	case BOOT_REGISTER:
		/* First boot: the camera asks for its uid.  Keep the one it
		 * names; otherwise make one in the usual shape. */
		if (r->br_uid[0] != '\0')
			strlcpy(uid, r->br_uid, sizeof(uid));
		else
			snprintf(uid, sizeof(uid), "0800c0%06X",
			    arc4random() & 0xffffff);
		snprintf(quoted, sizeof(quoted), "\"%s\"", uid);
		n = bootproto_ok(body, sizeof(body), quoted);
		log_info("bootstrap: registerDevices from %s: %s",
		    bc->bc_peer, uid);
		break;
	case BOOT_CONFIRM:
	case BOOT_BINDING:
		n = bootproto_ok(body, sizeof(body), "null");
		break;
	case BOOT_DEVINFO:
		boot_diag(bc, DIAG_BOOTSTRAP, DIAG_R_DEVINFO, r->br_uid);
		n = bootproto_ok(body, sizeof(body), "{\"userInfo_state\":1}");
		break;
	default:
		bootproto_escape(method, sizeof(method), r->br_method,
		    strlen(r->br_method));
		bootproto_escape(path, sizeof(path), r->br_path,
		    strlen(r->br_path));
		log_debug("bootstrap: %s %s from %s: not found", method, path,
		    bc->bc_peer);
		bootconn_error(bc, 404, "not found");
		return;
	}
	if (n == -1) {
		bootconn_error(bc, 500, "internal error");
		return;
	}
	bootconn_reply(bc, 200, body);
}

static void
bootconn_read(int fd, short ev, void *arg)
{
	struct bootconn	*bc = arg;
	struct bootreq	 r;
	char		 buf[4096];
	char		*nb;
	ssize_t		 n;
	size_t		 take;
	int		 rv;

	if ((n = read(fd, buf, sizeof(buf))) == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		bootconn_free(bc);
		return;
	}
	if (n == 0) {
		bootconn_free(bc);
		return;
	}
	take = n;
	if (bc->bc_len + take > BOOT_MAX_REQUEST)
		take = BOOT_MAX_REQUEST - bc->bc_len;
	if ((nb = realloc(bc->bc_buf, bc->bc_len + take + 1)) == NULL) {
		bootconn_free(bc);
		return;
	}
	bc->bc_buf = nb;
	memcpy(bc->bc_buf + bc->bc_len, buf, take);
	bc->bc_len += take;
	if ((rv = bootproto_parse(bc->bc_buf, bc->bc_len, &r)) == 0) {
		if (bc->bc_len >= BOOT_MAX_REQUEST)
			bootconn_error(bc, 413, "request too large");
		return;
	}
	if (rv == -1) {
		log_warnx("bootstrap: bad request from %s (%d)", bc->bc_peer,
		    r.br_status);
		boot_diag(bc, DIAG_REFUSED, DIAG_R_BADBOOT, NULL);
		bootconn_error(bc, r.br_status, "bad request");
		return;
	}
	bootconn_handle(bc, &r);
}

static void
bootconn_timeout(int fd, short ev, void *arg)
{
	struct bootconn	*bc = arg;

	log_warnx("bootstrap: %s: no complete request in %d s, closing",
	    bc->bc_peer, BOOT_TIMEOUT_S);
	bootconn_free(bc);
}

void
boot_listener_accept(int fd, short ev, void *arg)
{
	struct listener		*l = arg;
	struct sockaddr_storage	 ss, ls;
	socklen_t		 len = sizeof(ss), llen = sizeof(ls);
	struct bootconn		*bc;
	struct timeval		 tv = { BOOT_TIMEOUT_S, 0 };
	char			 host[NI_MAXHOST], serv[NI_MAXSERV];
	int			 s, same = 0;

	if ((s = listener_accept(l, (struct sockaddr *)&ss, &len,
	    "bootstrap")) == -1)
		return;
	if (nconns >= BOOT_MAX_CONNS) {
		log_warnx("bootstrap: too many connections, refusing one");
		diag_note((struct sockaddr *)&ss, len, DIAG_REFUSED,
		    DIAG_R_BUSY, NULL);
		close(s);
		return;
	}
	TAILQ_FOREACH(bc, &conns, bc_entry)
		if (same_host(&bc->bc_ss, &ss) && ++same >=
		    BOOT_MAX_PER_HOST) {
			log_warnx("bootstrap: %d connections from one address, "
			    "refusing one", BOOT_MAX_PER_HOST);
			diag_note((struct sockaddr *)&ss, len, DIAG_REFUSED,
			    DIAG_R_LIMIT, NULL);
			close(s);
			return;
		}
	if ((bc = calloc(1, sizeof(*bc))) == NULL) {
		close(s);
		return;
	}
	bc->bc_fd = s;
	bc->bc_ss = ss;
	if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		if (snprintf(bc->bc_peer, sizeof(bc->bc_peer), "%s:%s", host,
		    serv) >= (int)sizeof(bc->bc_peer))
			bc->bc_peer[0] = '\0';
	/* The address the camera reached us on: the default "host". */
	if (getsockname(s, (struct sockaddr *)&ls, &llen) == 0 &&
	    getnameinfo((struct sockaddr *)&ls, llen, host, sizeof(host),
	    NULL, 0, NI_NUMERICHOST) == 0) {
		if (strncmp(host, "::ffff:", 7) == 0)
			memmove(host, host + 7, strlen(host + 7) + 1);
		strlcpy(bc->bc_local, host, sizeof(bc->bc_local));
	}
	event_set(&bc->bc_ev, s, EV_READ | EV_PERSIST, bootconn_read, bc);
	event_add(&bc->bc_ev, NULL);
	evtimer_set(&bc->bc_timer, bootconn_timeout, bc);
	evtimer_add(&bc->bc_timer, &tv);
	TAILQ_INSERT_TAIL(&conns, bc, bc_entry);
	nconns++;
}

void
boot_free_all(void)
{
	struct bootconn	*bc;
	struct bootpwd	*bp;

	while ((bc = TAILQ_FIRST(&conns)) != NULL)
		bootconn_free(bc);
	while ((bp = TAILQ_FIRST(&pwd_age)) != NULL) {
		TAILQ_REMOVE(&pwd_age, bp, bp_age);
		RB_REMOVE(bootpwd_tree, &pwds, bp);
		free(bp);
	}
	npwds = 0;
}
