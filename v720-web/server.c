/*
 * Listeners and connections: accept with a connection limit, plain or
 * TLS (libtls on non-blocking sockets driven by libevent), request
 * framing with limits and timeouts, keep-alive.  One request at a time
 * per connection; pipelined requests wait in the input buffer (bounded).
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tls.h>

#include "log.h"
#include "proc.h"
#include "web.h"

#define ACCEPT_BURST	64
#define READ_CHUNK	16384
#define READ_ROUNDS	8

static void	conn_io(int, short, void *);
static void	conn_process(struct conn *);

#define REFUSE_HEAD \
    "HTTP/1.1 503 Service Unavailable\r\n" \
    "Content-Type: application/json\r\n" \
    "Retry-After: 5\r\n" \
    "Connection: close\r\n"
static const char refuse_503[] = REFUSE_HEAD
    "Content-Length: 32\r\n\r\n"
    "{\"error\":\"too many connections\"}";
static const char refuse_addr_503[] = REFUSE_HEAD
    "Content-Length: 50\r\n\r\n"
    "{\"error\":\"too many connections from this address\"}";

static void
listener_resume(int fd, short ev, void *arg)
{
	struct listener	*l = arg;

	if (l->l_paused && l->l_fd != -1) {
		l->l_paused = 0;
		evtimer_del(&l->l_pause);
		event_add(&l->l_ev, NULL);
	}
}

static void
listener_pause(struct listener *l)
{
	static struct timeval	 one = { 1, 0 };

	if (l->l_paused)
		return;
	l->l_paused = 1;
	event_del(&l->l_ev);
	evtimer_add(&l->l_pause, &one);
}

static struct conn *
conn_new(struct listener *l, int fd, struct sockaddr_storage *ss,
    socklen_t sslen, struct peer *src)
{
	struct conn	*c;
	char		 host[NI_MAXHOST], serv[NI_MAXSERV];
	int		 one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->c_in = evbuffer_new()) == NULL ||
	    (c->c_out = evbuffer_new()) == NULL) {
		log_warn("%s", __func__);
		goto fail;
	}
	c->c_fd = fd;
	c->c_id = ++web->w_conn_seq;
	/* Answers and frames are written whole: send them without delay. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (getnameinfo((struct sockaddr *)ss, sslen, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
		if (snprintf(c->c_peer, sizeof(c->c_peer), "%s:%s", host,
		    serv) < 0)
			c->c_peer[0] = '\0';
	} else
		strlcpy(c->c_peer, "?", sizeof(c->c_peer));
	if (l->l_cfg.cl_tls) {
		c->c_listen_tls = 1;
		if (web->w_tls == NULL) {
			log_warnx("%s: tls listener without a key pair", c->c_peer);
			goto fail;
		}
		if (tls_accept_socket(web->w_tls, &c->c_tls, fd) == -1) {
			log_warnx("%s: tls accept: %s", c->c_peer,
			    tls_error(web->w_tls));
			goto fail;
		}
	}
	TAILQ_INSERT_TAIL(&web->w_conns, c, c_entry);
	web->w_nconns++;
	c->c_src = src;
	c->c_state = CS_HEAD;
	c->c_progress_ms = proc_now_ms();
	evtimer_set(&c->c_tmo, conn_io, c);
	event_set(&c->c_ev, fd, 0, conn_io, c);
	conn_set_timeout(c, WEB_HEAD_TIMEOUT);
	conn_update(c);
	log_debug("%s: connected (#%llu)", c->c_peer,
	    (unsigned long long)c->c_id);
	return c;
fail:
	if (c != NULL) {
		if (c->c_in)
			evbuffer_free(c->c_in);
		if (c->c_out)
			evbuffer_free(c->c_out);
		free(c);
	}
	peer_detach(src);
	close(fd);
	return NULL;
}

/* Best effort, never blocks; TLS peers just see a close. */
static void
refuse(struct listener *l, int fd, const char *msg, size_t len)
{
	char	drain[4096];
	int	n;

	if (!l->l_cfg.cl_tls) {
		/* Unread input would turn close into a reset that can
		 * destroy the answer: take it first. */
		for (n = 0; n < 16 && recv(fd, drain, sizeof(drain),
		    MSG_DONTWAIT) > 0; n++)
			;
		(void)send(fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		(void)shutdown(fd, SHUT_WR);
	}
	close(fd);
}

static void
server_accept(int lfd, short ev, void *arg)
{
	struct listener		*l = arg;
	struct sockaddr_storage	 ss;
	struct peerkey		 key;
	struct peer		*src;
	socklen_t		 sslen;
	int			 fd, i;

	for (i = 0; i < ACCEPT_BURST; i++) {
		sslen = sizeof(ss);
		if ((fd = accept4(lfd, (struct sockaddr *)&ss, &sslen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				log_warn("%s: accept", __func__);
				listener_pause(l);
			} else if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("%s: accept", __func__);
			return;
		}
		if (web->w_nconns >= web->w_conn_max) {
			web->w_refused++;
			refuse(l, fd, refuse_503, sizeof(refuse_503) - 1);
			continue;
		}
		if (peer_key(&ss, &key) == -1) {
			log_warnx("%s: address family %d", __func__,
			    ss.ss_family);
			close(fd);
			continue;
		}
		/* One address may not take every slot. */
		if ((src = peer_find(&key)) != NULL &&
		    src->p_conns >= peer_conn_max()) {
			web->w_refused_addr++;
			refuse(l, fd, refuse_addr_503,
			    sizeof(refuse_addr_503) - 1);
			continue;
		}
		if ((src = peer_attach(&key)) == NULL) {
			close(fd);
			continue;
		}
		conn_new(l, fd, &ss, sslen, src);
	}
}

void
server_listen(struct listener *l)
{
	int	flags;

	if ((flags = fcntl(l->l_fd, F_GETFL)) == -1 ||
	    fcntl(l->l_fd, F_SETFL, flags | O_NONBLOCK) == -1)
		fatal("%s: fcntl", __func__);
	event_set(&l->l_ev, l->l_fd, EV_READ | EV_PERSIST, server_accept, l);
	event_add(&l->l_ev, NULL);
	evtimer_set(&l->l_pause, listener_resume, l);
}

void
server_unlisten(struct listener *l)
{
	if (event_initialized(&l->l_ev))
		event_del(&l->l_ev);
	if (event_initialized(&l->l_pause))
		evtimer_del(&l->l_pause);
	l->l_paused = 0;
}

void
conn_set_timeout(struct conn *c, int secs)
{
	struct timeval	tv = { secs, 0 };

	if (c->c_dying)
		return;
	if (secs <= 0)
		evtimer_del(&c->c_tmo);
	else
		evtimer_add(&c->c_tmo, &tv);
}

static int
conn_want_read(struct conn *c)
{
	if (c->c_eof)
		return 0;
	switch (c->c_state) {
	case CS_HEAD:
	case CS_BODY:
	case CS_SNAP:
	case CS_MJPEG:
	case CS_AUDIO:
	case CS_TALK:
	case CS_WS:
	case CS_REC:
	case CS_PLAY:
		return evbuffer_get_length(c->c_in) < WEB_IN_MAX;
	default:
		return 0;
	}
}

void
conn_update(struct conn *c)
{
	short	events = 0;

	if (c->c_dying)
		return;
	if (conn_want_read(c))
		events |= c->c_tls && c->c_tls_rwant ? c->c_tls_rwant : EV_READ;
	if (evbuffer_get_length(c->c_out) > 0)
		events |= c->c_tls && c->c_tls_wwant ? c->c_tls_wwant : EV_WRITE;
	if (events != c->c_events || (events != 0 &&
	    !event_pending(&c->c_ev, EV_READ | EV_WRITE, NULL))) {
		event_del(&c->c_ev);
		c->c_events = events;
		if (events != 0) {
			event_set(&c->c_ev, c->c_fd, events | EV_PERSIST,
			    conn_io, c);
			event_add(&c->c_ev, NULL);
		}
	}
	/* libtls may hold decrypted bytes that we did not take yet. */
	if (c->c_tls_more && (events & (EV_READ | EV_WRITE)) &&
	    conn_want_read(c))
		event_active(&c->c_ev, EV_READ, 1);
}

static void
conn_free(int fd, short ev, void *arg)
{
	free(arg);
}

void
conn_close(struct conn *c)
{
	static struct timeval	 zero = { 0, 0 };
	struct listener		*l;

	if (c->c_dying)
		return;
	viewer_detach(c);
	talk_detach(c);
	recweb_detach(c);
	c->c_dying = 1;
	log_debug("%s: closed (#%llu)", c->c_peer, (unsigned long long)c->c_id);
	event_del(&c->c_ev);
	evtimer_del(&c->c_tmo);
	if (c->c_tls != NULL) {
		(void)tls_close(c->c_tls);	/* one try, non-blocking */
		tls_free(c->c_tls);
		c->c_tls = NULL;
	}
	close(c->c_fd);
	c->c_fd = -1;
	/* Drops our references to shared frames. */
	evbuffer_free(c->c_in);
	evbuffer_free(c->c_out);
	c->c_in = c->c_out = NULL;
	TAILQ_REMOVE(&web->w_conns, c, c_entry);
	web->w_nconns--;
	peer_detach(c->c_src);
	c->c_src = NULL;
	TAILQ_FOREACH(l, &web->w_listeners, l_entry)
		if (l->l_paused)
			listener_resume(-1, 0, l);
	/* Callers up the stack may still look at c_dying. */
	if (event_once(-1, EV_TIMEOUT, conn_free, c, &zero) == -1)
		fatal("%s: event_once", __func__);
}

void
server_close_all(void)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&web->w_conns)) != NULL)
		conn_close(c);
}

/* Read what is there, up to the input limit: 0, or -1 if closed. */
static int
conn_read(struct conn *c)
{
	char	buf[READ_CHUNK];
	size_t	have, room;
	ssize_t	n;
	int	was_empty = evbuffer_get_length(c->c_in) == 0, i;

	/* Bounded per call: a client that floods cannot starve the others. */
	for (i = 0; i < READ_ROUNDS; i++) {
		have = evbuffer_get_length(c->c_in);
		if (have >= WEB_IN_MAX) {
			c->c_tls_more = c->c_tls != NULL;
			break;
		}
		room = WEB_IN_MAX - have;
		if (c->c_tls == NULL) {
			n = evbuffer_read(c->c_in, c->c_fd,
			    room < READ_CHUNK ? (int)room : READ_CHUNK);
			if (n == -1 && (errno == EAGAIN || errno == EINTR))
				break;
		} else {
			c->c_tls_rwant = 0;
			c->c_tls_more = 0;
			n = tls_read(c->c_tls, buf, room < sizeof(buf) ?
			    room : sizeof(buf));
			if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT) {
				c->c_tls_rwant = n == TLS_WANT_POLLIN ?
				    EV_READ : EV_WRITE;
				break;
			}
			if (n == -1)
				log_debug("%s: tls read: %s", c->c_peer,
				    tls_error(c->c_tls));
			if (n > 0 && evbuffer_add(c->c_in, buf, n) == -1)
				n = -1;
		}
		if (n == 0 && c->c_state != CS_MJPEG && c->c_state != CS_AUDIO &&
		    c->c_state != CS_PLAY) {
			/* Half-closed: answer what came, then close. */
			c->c_eof = 1;
			break;
		}
		if (n <= 0) {
			conn_close(c);
			return -1;
		}
		if (c->c_state == CS_MJPEG || c->c_state == CS_AUDIO ||
		    c->c_state == CS_PLAY) {
			/* Nothing more is read from a streaming client. */
			evbuffer_drain(c->c_in, evbuffer_get_length(c->c_in));
		}
	}
	if (was_empty && c->c_state == CS_HEAD &&
	    evbuffer_get_length(c->c_in) > 0)
		conn_set_timeout(c, WEB_HEAD_TIMEOUT);
	return 0;
}

/* Write what the socket takes: 0, or -1 if closed. */
static int
conn_write(struct conn *c)
{
	struct evbuffer_iovec	v;
	ssize_t			n;

	while (evbuffer_get_length(c->c_out) > 0) {
		if (c->c_tls == NULL) {
			n = evbuffer_write(c->c_out, c->c_fd);
			if (n == -1 && (errno == EAGAIN || errno == EINTR))
				break;
			if (n <= 0) {
				conn_close(c);
				return -1;
			}
		} else {
			if (evbuffer_peek(c->c_out, -1, NULL, &v, 1) < 1)
				break;
			c->c_tls_wwant = 0;
			n = tls_write(c->c_tls, v.iov_base, v.iov_len);
			if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT) {
				c->c_tls_wwant = n == TLS_WANT_POLLIN ?
				    EV_READ : EV_WRITE;
				break;
			}
			if (n <= 0) {
				log_debug("%s: tls write: %s", c->c_peer,
				    tls_error(c->c_tls));
				conn_close(c);
				return -1;
			}
			evbuffer_drain(c->c_out, n);
		}
		c->c_written += n;
		c->c_progress_ms = proc_now_ms();
		/* A long download: the timeout is for no progress at all. */
		if (c->c_state == CS_WRITE || c->c_state == CS_CLOSE)
			conn_set_timeout(c, WEB_WRITE_TIMEOUT);
	}
	if (c->c_state == CS_MJPEG || c->c_state == CS_AUDIO)
		viewer_progress(c);
	if (evbuffer_get_length(c->c_out) == 0) {
		if (c->c_state == CS_CLOSE) {
			conn_close(c);
			return -1;
		}
		if (c->c_state == CS_WRITE)
			conn_request_done(c);
	}
	return 0;
}

/*
 * A stream gets a fixed, modest socket buffer: enough for several frames
 * on a slow link, while a viewer that stops reading is noticed (and
 * skipped) within a second or two instead of after megabytes of stale
 * video in an autotuned kernel buffer.
 */
void
conn_stream_sndbuf(struct conn *c)
{
	int	sz = WEB_STREAM_SNDBUF;

	if (setsockopt(c->c_fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) == -1)
		log_debug("%s: SO_SNDBUF: %s", c->c_peer, strerror(errno));
}

void
conn_flush(struct conn *c)
{
	if (c->c_dying)
		return;
	if (conn_write(c) == -1)
		return;
	if (c->c_state == CS_HEAD)
		conn_process(c);	/* pipelined requests */
	conn_update(c);
}

/* The answer is out: back to reading the next request. */
void
conn_request_done(struct conn *c)
{
	c->c_state = CS_HEAD;
	c->c_scanned = 0;
	conn_set_timeout(c, evbuffer_get_length(c->c_in) > 0 ?
	    WEB_HEAD_TIMEOUT : WEB_IDLE_TIMEOUT);
}

static void
conn_dispatch(struct conn *c, const char *body, size_t len)
{
	web->w_requests++;
	c->c_keepalive = c->c_req.keepalive;
	c->c_state = CS_WRITE;
	conn_set_timeout(c, WEB_WRITE_TIMEOUT);
	if (!host_allowed(&c->c_req)) {
		web->w_misdirected++;
		reply_error(c, 421, "unknown host name: reach this server by "
		    "its address or a configured web server name");
		return;
	}
	if (!auth_check(c))
		return;
	api_request(c, body, len);
}

static void
conn_process(struct conn *c)
{
	const char	*p;
	size_t		 n;
	int		 r;

	if (c->c_inproc)
		return;		/* the outer call goes on with the loop */
	c->c_inproc = 1;
	while (!c->c_dying) {
		n = evbuffer_get_length(c->c_in);
		if (c->c_state == CS_HEAD) {
			if (n == 0)
				break;
			if (n > HTTP_HEAD_MAX + 1)
				n = HTTP_HEAD_MAX + 1;
			if ((p = (const char *)evbuffer_pullup(c->c_in, n)) == NULL) {
				conn_close(c);
				break;
			}
			/* Parse again only once a new line ended. */
			if (n <= HTTP_LINE_MAX + 2 && c->c_scanned < n &&
			    memchr(p + c->c_scanned, '\n', n - c->c_scanned) == NULL) {
				c->c_scanned = n;
				break;
			}
			if (c->c_scanned >= n)
				break;
			r = http_parse(p, n, &c->c_req);
			if (r == 0) {
				c->c_scanned = n;
				break;
			}
			c->c_scanned = 0;
			if (r != 1) {
				c->c_req.keepalive = 0;
				c->c_keepalive = 0;
				c->c_req.method = HTTP_GET;
				reply_error(c, r, http_status_text(r));
				break;
			}
			evbuffer_drain(c->c_in, c->c_req.head_len);
			/* Talk-back reads its body as it plays (talk.c). */
			if (talk_streamed_body(&c->c_req)) {
				c->c_keepalive = 0;
				conn_dispatch(c, NULL, 0);
				continue;
			}
			if (c->c_req.content_length > HTTP_BODY_MAX) {
				c->c_req.keepalive = 0;
				c->c_keepalive = 0;
				reply_error(c, 413, http_status_text(413));
				break;
			}
			if (c->c_req.content_length > 0) {
				c->c_state = CS_BODY;
				conn_set_timeout(c, WEB_BODY_TIMEOUT);
				/* curl waits a second for this before a body. */
				if (c->c_req.expect_continue && c->c_req.minor >= 1 &&
				    evbuffer_get_length(c->c_in) <
				    c->c_req.content_length) {
					evbuffer_add_printf(c->c_out,
					    "HTTP/1.1 100 Continue\r\n\r\n");
					conn_flush(c);
				}
				continue;
			}
			conn_dispatch(c, NULL, 0);
		} else if (c->c_state == CS_BODY) {
			if (n < c->c_req.content_length)
				break;
			n = c->c_req.content_length;
			if ((p = (const char *)evbuffer_pullup(c->c_in, n)) == NULL) {
				conn_close(c);
				break;
			}
			conn_dispatch(c, p, n);
			if (!c->c_dying)
				evbuffer_drain(c->c_in, n);
		} else if (c->c_state == CS_TALK) {
			talk_read(c);
			break;
		} else if (c->c_state == CS_WS) {
			ws_read(c);
			break;
		} else
			break;
	}
	c->c_inproc = 0;
	/* The client sent its last byte and has every answer it asked for. */
	if (!c->c_dying && c->c_eof && (c->c_state == CS_HEAD ||
	    c->c_state == CS_BODY))
		conn_close(c);
}

static void
conn_timeout(struct conn *c)
{
	switch (c->c_state) {
	case CS_HEAD:
		if (evbuffer_get_length(c->c_in) == 0) {
			conn_close(c);	/* idle keep-alive */
			break;
		}
		/* FALLTHROUGH */
	case CS_BODY:
		c->c_req.keepalive = c->c_keepalive = 0;
		c->c_req.method = HTTP_GET;
		reply_error(c, 408, "request timeout");
		conn_set_timeout(c, WEB_WRITE_TIMEOUT);
		c->c_state = CS_CLOSE;
		break;
	case CS_SNAP:
		snap_timeout(c);
		break;
	case CS_TALK:
		talk_timeout(c);
		break;
	case CS_WS:
		ws_timeout(c);
		break;
	case CS_REC:
		recweb_timeout(c);
		break;
	case CS_MJPEG:
	case CS_AUDIO:
	case CS_PLAY:
		if (evbuffer_get_length(c->c_out) > 0 && proc_now_ms() -
		    c->c_progress_ms > WEB_STREAM_STALL * 1000ULL) {
			log_debug("%s: viewer stalled, closing", c->c_peer);
			conn_close(c);
		} else
			conn_set_timeout(c, 30);
		break;
	default:
		conn_close(c);
		break;
	}
}

static void
conn_io(int fd, short ev, void *arg)
{
	struct conn	*c = arg;

	if (c->c_dying)
		return;
	if (ev & EV_TIMEOUT) {
		conn_timeout(c);
		goto out;
	}
	if (conn_want_read(c) && conn_read(c) == -1)
		return;
	if (evbuffer_get_length(c->c_out) > 0 && conn_write(c) == -1)
		return;
	conn_process(c);
out:
	conn_update(c);
}
