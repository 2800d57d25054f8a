/*
 * The parent's listening sockets and TLS material for a configuration:
 * a reload binds only what changed, reuses what did not, and a refused
 * reload leaves the running set as it was.
 */
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "config.h"
#include "log.h"
#include "parent.h"

#define TLS_FILE_MAX	CHAN_MAX_PAYLOAD	/* one message to v720-web */

/*
 * A whole regular file: it goes to v720-web in one message, so at most
 * CHAN_MAX_PAYLOAD bytes.  On failure why says what is wrong.
 */
static int
read_file(const char *what, const char *path, char **buf, size_t *len,
    char *why, size_t whysz)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 off = 0;
	char		*p = NULL;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, whysz, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(why, whysz, "%s %s: %s", what, path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whysz, "%s %s: not a regular file", what, path);
		goto fail;
	}
	if (st.st_size == 0 || st.st_size > TLS_FILE_MAX) {
		snprintf(why, whysz, "%s %s: %lld bytes, must be 1 to %d",
		    what, path, (long long)st.st_size, TLS_FILE_MAX);
		goto fail;
	}
	if ((p = malloc(st.st_size)) == NULL) {
		snprintf(why, whysz, "%s %s: out of memory", what, path);
		goto fail;
	}
	while (off < (size_t)st.st_size) {
		if ((n = read(fd, p + off, st.st_size - off)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			snprintf(why, whysz, "%s %s: %s", what, path, n == 0 ?
			    "shorter than its size" : strerror(errno));
			freezero(p, st.st_size);
			goto fail;
		}
		off += n;
	}
	close(fd);
	*buf = p;
	*len = off;
	return 0;
fail:
	close(fd);
	return -1;
}

/* Read the certificate and key a tls listener of c needs. */
int
tls_load(const struct config *c, struct tls_material *tm, char *why,
    size_t whysz)
{
	struct conf_listen	*l;
	int			 tls = 0;

	memset(tm, 0, sizeof(*tm));
	TAILQ_FOREACH(l, &c->web, entry)
		tls |= l->tls;
	if (!tls)
		return 0;
	if (read_file("tls certificate", c->tls_cert, &tm->cert, &tm->certlen,
	    why, whysz) == -1)
		return -1;
	if (read_file("tls key", c->tls_key, &tm->key, &tm->keylen, why,
	    whysz) == -1) {
		freezero(tm->cert, tm->certlen);
		tm->cert = NULL;
		return -1;
	}
	return 0;
}

void
tls_free(struct tls_material *tm)
{
	freezero(tm->cert, tm->certlen);
	freezero(tm->key, tm->keylen);
	memset(tm, 0, sizeof(*tm));
}

static struct bound_listener *
listener_find(struct bound_listeners *ls, enum listen_kind kind,
    const struct conf_listen *cl)
{
	struct bound_listener	*l;

	/* tls or not is v720-web's business: the socket is the same. */
	TAILQ_FOREACH(l, ls, entry)
		if (l->kind == kind && l->cl.port == cl->port &&
		    strcmp(l->cl.addr, cl->addr) == 0)
			return l;
	return NULL;
}

/*
 * Build the listener set for c: reuse sockets from old where nothing
 * changed (so camera and viewer connections stay up), bind the rest.
 */
static int
listener_want(struct bound_listeners *old, struct bound_listeners *new,
    enum listen_kind kind, const struct conf_listen *cl)
{
	struct bound_listener	*l;
	const char	*what;
	int		 fd;

	if (old != NULL && (l = listener_find(old, kind, cl)) != NULL) {
		TAILQ_REMOVE(old, l, entry);
		TAILQ_INSERT_TAIL(new, l, entry);
		l->cl_prev = l->cl;
		l->cl = *cl;
		l->fresh = 0;
		return 0;
	}
	switch (kind) {
	case LISTEN_CAMERA_UDP:
		what = "camera udp";
		fd = listen_udp(cl->addr, cl->port);
		break;
	case LISTEN_CAMERA_TCP:
		what = "camera";
		fd = listen_tcp(cl->addr, cl->port);
		break;
	case LISTEN_BOOTSTRAP:
		what = "bootstrap";
		fd = listen_tcp(cl->addr, cl->port);
		break;
	case LISTEN_RTSP:
		what = "rtsp";
		fd = listen_tcp(cl->addr, cl->port);
		break;
	case LISTEN_RTSP_UDP:
		what = "rtsp udp";
		fd = listen_udp(cl->addr, cl->port);
		break;
	default:
		what = "web";
		fd = listen_tcp(cl->addr, cl->port);
		break;
	}
	if (fd == -1) {
		log_warn("cannot listen for %s on %s port %u", what, cl->addr,
		    cl->port);
		return -1;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("calloc");
	l->kind = kind;
	l->cl = *cl;
	l->fd = fd;
	l->fresh = 1;
	TAILQ_INSERT_TAIL(new, l, entry);
	return 0;
}

void
listeners_free(struct bound_listeners *ls)
{
	struct bound_listener	*l;

	while ((l = TAILQ_FIRST(ls)) != NULL) {
		TAILQ_REMOVE(ls, l, entry);
		close(l->fd);
		free(l);
	}
}

int
listeners_setup(struct bound_listeners *old, struct bound_listeners *new,
    const struct config *c)
{
	struct conf_listen	*w, u;
	struct bound_listener		*l, *next;
	int			 i;

	TAILQ_INIT(new);
	if (listener_want(old, new, LISTEN_CAMERA_TCP, &c->camera) == -1 ||
	    listener_want(old, new, LISTEN_CAMERA_UDP, &c->camera) == -1 ||
	    listener_want(old, new, LISTEN_BOOTSTRAP, &c->bootstrap) == -1)
		goto fail;
	TAILQ_FOREACH(w, &c->web, entry)
		if (listener_want(old, new, LISTEN_WEB, w) == -1)
			goto fail;
	/* RTSP: TCP P, and UDP P..P+3 for RTP and RTCP of both tracks. */
	TAILQ_FOREACH(w, &c->rtsp, entry) {
		if (listener_want(old, new, LISTEN_RTSP, w) == -1)
			goto fail;
		for (i = 0; i < CONF_RTSP_UDP_PORTS; i++) {
			u = *w;
			u.port += i;
			if (listener_want(old, new, LISTEN_RTSP_UDP, &u) == -1)
				goto fail;
		}
	}
	TAILQ_FOREACH(l, new, entry)
		l->fresh = 0;
	return 0;
fail:
	/*
	 * Close what was bound for this attempt, hand reused sockets back
	 * as they were so the running set stays whole.
	 */
	TAILQ_FOREACH_SAFE(l, new, entry, next) {
		TAILQ_REMOVE(new, l, entry);
		if (l->fresh || old == NULL) {
			close(l->fd);
			free(l);
		} else {
			l->cl = l->cl_prev;
			TAILQ_INSERT_TAIL(old, l, entry);
		}
	}
	return -1;
}
