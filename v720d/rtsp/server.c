/*
 * The RTSP server's sockets: listeners passed by the parent (TCP and its
 * four UDP ports), client connections with per-address and global
 * limits, request and interleaved input, bounded output, RTCP from UDP
 * clients, and one timer for timeouts.  The RTSP methods are in
 * method.c, the fan-out of frames in stream.c.
 */
#include <sys/socket.h>
#include <sys/tree.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <arpa/inet.h>

#include <errno.h>
#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "rtspd.h"

#define ADDR_IDLE_MAX	1024	/* addresses kept only for their throttle */

static struct server	server;
struct server		*sv = &server;

RB_HEAD(addrtree, addr);
static struct addrtree	addrs = RB_INITIALIZER(&addrs);
static size_t		naddr_idle;

static int
addr_cmp(struct addr *a, struct addr *b)
{
	return memcmp(&a->a_key, &b->a_key, sizeof(a->a_key));
}
RB_PROTOTYPE(addrtree, addr, a_entry, addr_cmp);
RB_GENERATE(addrtree, addr, a_entry, addr_cmp);

uint64_t
now_ms(void)
{
	return proc_now_ms();
}

/* The address of ss as a key; IPv4-mapped IPv6 counts as IPv4. */
static void
addr_key(const struct sockaddr_storage *ss, struct addrkey *k)
{
	const struct sockaddr_in6	*sin6 = (const void *)ss;

	memset(k, 0, sizeof(*k));
	k->ak_family = ss->ss_family;
	if (ss->ss_family == AF_INET)
		memcpy(k->ak_addr, &((const struct sockaddr_in *)(const void *)
		    ss)->sin_addr, 4);
	else if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		k->ak_family = AF_INET;
		memcpy(k->ak_addr, &sin6->sin6_addr.s6_addr[12], 4);
	} else
		memcpy(k->ak_addr, &sin6->sin6_addr, 16);
}

static struct addr *
addr_attach(const struct sockaddr_storage *ss)
{
	struct addr	key, *a;

	addr_key(ss, &key.a_key);
	if ((a = RB_FIND(addrtree, &addrs, &key)) == NULL) {
		if ((a = calloc(1, sizeof(*a))) == NULL)
			return NULL;
		a->a_key = key.a_key;
		RB_INSERT(addrtree, &addrs, a);
	} else if (a->a_conns == 0)
		naddr_idle--;
	a->a_conns++;
	return a;
}

/* Forget idle addresses that throttle no more, then the oldest. */
static void
addr_prune(void)
{
	struct addr	*a, *next, *old;
	uint64_t	 now = now_ms();

	RB_FOREACH_SAFE(a, addrtree, &addrs, next)
		if (a->a_conns == 0 && a->a_auth_tat <= now) {
			RB_REMOVE(addrtree, &addrs, a);
			free(a);
			naddr_idle--;
		}
	while (naddr_idle > ADDR_IDLE_MAX) {
		old = NULL;
		RB_FOREACH(a, addrtree, &addrs)
			if (a->a_conns == 0 && (old == NULL ||
			    a->a_auth_tat < old->a_auth_tat))
				old = a;
		RB_REMOVE(addrtree, &addrs, old);
		free(old);
		naddr_idle--;
	}
}

static void
addr_detach(struct addr *a)
{
	if (--a->a_conns == 0) {
		naddr_idle++;
		addr_prune();
	}
}

static void
wev(struct conn *c, int on)
{
	if (on && !c->c_wev_on)
		event_add(&c->c_wev, NULL);
	else if (!on && c->c_wev_on)
		event_del(&c->c_wev);
	c->c_wev_on = on;
}

/*
 * Write what the socket takes.  Never frees c (callers may be deep in a
 * fan-out or a request): a connection to close is marked c_dead and its
 * write event, which fires at once, closes it from the top.
 */
void
conn_send(struct conn *c)
{
	int	r;

	if (c->c_dead)
		return;
	if ((r = rtp_out_flush(&c->c_out, c->c_fd)) == -1 ||
	    (r == 0 && c->c_closing)) {
		c->c_dead = 1;
		wev(c, 1);
		return;
	}
	wev(c, r == 1);
}

void
conn_close(struct conn *c)
{
	struct session	*s, *next;

	TAILQ_FOREACH_SAFE(s, &sv->sv_sessions, s_entry, next) {
		if (s->s_conn != c)
			continue;
		if (s->s_tcp)
			session_free(s);
		else
			s->s_conn = NULL;	/* UDP lives on until timeout */
	}
	if (c->c_out.ro_dropped > 0)
		log_info("%s: %llu frames dropped: the client was too slow",
		    c->c_name, (unsigned long long)c->c_out.ro_dropped);
	event_del(&c->c_rev);
	wev(c, 0);
	rtp_out_clear(&c->c_out);
	close(c->c_fd);
	addr_detach(c->c_addr);
	TAILQ_REMOVE(&sv->sv_conns, c, c_entry);
	sv->sv_nconns--;
	log_debug("%s: closed", c->c_name);
	free(c);
}

int
conn_reply(struct conn *c, const struct rtsp_req *r, int status,
    const char *reason, const char *headers, const char *ctype,
    const char *body, size_t bodylen)
{
	char	head[2048];
	int	n;

	n = snprintf(head, sizeof(head),
	    "RTSP/1.0 %d %s\r\nCSeq: %u\r\nServer: v720d\r\n%s",
	    status, reason ? reason : rtspreq_status_text(status),
	    r && r->has_cseq ? r->cseq : 0, headers ? headers : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	if (body != NULL) {
		if (snprintf(head + n, sizeof(head) - n,
		    "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n", ctype,
		    bodylen) >= (int)(sizeof(head) - n))
			return -1;
	} else if (strlcat(head, "\r\n", sizeof(head)) >= sizeof(head))
		return -1;
	if (rtp_out_blob(&c->c_out, head, strlen(head)) == -1 ||
	    (body != NULL && rtp_out_blob(&c->c_out, body, bodylen) == -1)) {
		c->c_closing = 1;	/* it does not read its answers */
		conn_send(c);
		return -1;
	}
	conn_send(c);
	return 0;
}

/* RTCP (or anything) a client interleaved on its connection. */
static void
conn_interleaved(struct conn *c, uint8_t ch, const uint8_t *p, size_t n)
{
	struct session	*s, *next;
	int		 i, what;

	TAILQ_FOREACH_SAFE(s, &sv->sv_sessions, s_entry, next) {
		if (s->s_conn != c || !s->s_tcp)
			continue;
		for (i = 0; i < 2; i++)
			if (s->s_trk[i].t_setup && s->s_trk[i].t_ch[1] == ch &&
			    (what = rtcp_parse(p, n)) > 0) {
				session_rtcp(s, what);
				return;
			}
	}
}

/* Consume what is in c_in (never frees c). */
static void
conn_input(struct conn *c)
{
	struct rtsp_req	 req;
	size_t		 used, n, dl;
	uint8_t		 ch;
	int		 st;

	while (c->c_inlen > 0 && !c->c_closing && !c->c_dead) {
		if (c->c_skip > 0) {
			n = c->c_skip < c->c_inlen ? c->c_skip : c->c_inlen;
			c->c_skip -= n;
			used = n;
		} else if (c->c_in[0] == '$') {
			if (c->c_inlen < 4)
				return;
			dl = (size_t)c->c_in[2] << 8 | c->c_in[3];
			if (dl > INTERLEAVED_KEEP) {
				c->c_skip = 4 + dl;
				continue;
			}
			if ((used = rtspreq_interleaved(c->c_in, c->c_inlen,
			    &ch, &dl)) == 0)
				return;
			conn_interleaved(c, ch, c->c_in + 4, dl);
		} else {
			/* Stop while the client does not read its answers. */
			if (c->c_out.ro_blobbytes > RTP_BLOB_MAX / 2) {
				c->c_stopped = 1;
				event_del(&c->c_rev);
				return;
			}
			st = rtspreq_parse((const char *)c->c_in, c->c_inlen,
			    &req);
			if (st == 0) {
				if (c->c_head_start == 0)
					c->c_head_start = now_ms();
				return;
			}
			if (st != 1) {
				log_info("%s: bad request (%d)", c->c_name, st);
				c->c_closing = 1;
				conn_reply(c, NULL, st, NULL, NULL, NULL, NULL, 0);
				return;
			}
			if (req.head_len + req.content_length > c->c_inlen)
				return;
			used = req.head_len + req.content_length;
			c->c_head_start = 0;
			c->c_last = now_ms();
			method_request(c, &req, (const char *)c->c_in +
			    req.head_len);
		}
		memmove(c->c_in, c->c_in + used, c->c_inlen - used);
		c->c_inlen -= used;
	}
}

static void
conn_io(int fd, short ev, void *arg)
{
	struct conn	*c = arg;
	ssize_t		 n;

	if (ev & EV_WRITE) {
		conn_send(c);
		/* Answers drained: read the requests that waited. */
		if (c->c_stopped && !c->c_dead &&
		    c->c_out.ro_blobbytes <= RTP_BLOB_MAX / 2) {
			c->c_stopped = 0;
			event_add(&c->c_rev, NULL);
			conn_input(c);
		}
	} else if (!c->c_dead) {
		n = read(fd, c->c_in + c->c_inlen, sizeof(c->c_in) -
		    c->c_inlen);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0)
			c->c_dead = 1;
		else {
			c->c_inlen += n;
			conn_input(c);
		}
	}
	if (c->c_dead)
		conn_close(c);
}

static void
server_accept(int fd, short ev, void *arg)
{
	struct listener		*l = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	struct conn		*c;
	struct addr		*a;
	char			 host[INET6_ADDRSTRLEN] = "?";
	int			 s, port = 0, one = 1;
	unsigned		 per = sv->sv_per_addr;

	if ((s = accept4(fd, (struct sockaddr *)&ss, &sslen,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("%s: accept", __func__);
		return;
	}
	/*
	 * Replies and RTP go out in small writes: without TCP_NODELAY one
	 * waits for the client's delayed ACK (40 ms on Linux), which made
	 * the first frame of a cold start 45 ms instead of 9.
	 */
	(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    host, sizeof(host));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    host, sizeof(host));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	} else {
		close(s);
		return;
	}
	if (sv->sv_nconns >= CONN_MAX || (a = addr_attach(&ss)) == NULL) {
		log_info("%s: connection refused: %zu connections", host,
		    sv->sv_nconns);
		close(s);
		return;
	}
	if (a->a_conns > per) {
		log_info("%s: connection refused: %u from this address", host,
		    per);
		addr_detach(a);
		close(s);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("%s", __func__);
		addr_detach(a);
		close(s);
		return;
	}
	c->c_fd = s;
	c->c_l = l;
	c->c_addr = a;
	c->c_ss = ss;
	c->c_sslen = sslen;
	c->c_last = now_ms();
	(void)snprintf(c->c_name, sizeof(c->c_name), "%s:%d", host, port);
	rtp_out_init(&c->c_out);
	event_assign(&c->c_rev, sv->sv_base, s, EV_READ | EV_PERSIST, conn_io,
	    c);
	event_assign(&c->c_wev, sv->sv_base, s, EV_WRITE | EV_PERSIST, conn_io,
	    c);
	event_add(&c->c_rev, NULL);
	TAILQ_INSERT_TAIL(&sv->sv_conns, c, c_entry);
	sv->sv_nconns++;
	log_debug("%s: connected", c->c_name);
}

/* RTCP from UDP clients (receiver reports, BYE); RTP is discarded. */
static void
server_udp(int fd, short ev, void *arg)
{
	struct listener		*l = arg;
	struct sockaddr_storage	 ss;
	struct addrkey		 k, sk;
	struct session		*s, *next;
	socklen_t		 sslen;
	uint8_t			 buf[1500];
	ssize_t			 n;
	int			 i, j, tr, what, port;

	for (i = 0; i < 4 && l->l_udp[i] != fd; i++)
		;
	tr = i / 2;
	for (j = 0; j < 32; j++) {	/* then let the others run */
		sslen = sizeof(ss);
		if ((n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&ss, &sslen)) == -1)
			return;
		if ((i & 1) == 0 || (what = rtcp_parse(buf, n)) <= 0)
			continue;
		addr_key(&ss, &k);
		port = ss.ss_family == AF_INET ?
		    ntohs(((struct sockaddr_in *)&ss)->sin_port) :
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		TAILQ_FOREACH_SAFE(s, &sv->sv_sessions, s_entry, next) {
			if (s->s_tcp || s->s_l != l || !s->s_trk[tr].t_setup ||
			    s->s_trk[tr].t_cport[1] != port)
				continue;
			addr_key(&s->s_dst, &sk);
			if (memcmp(&k, &sk, sizeof(k)) == 0) {
				session_rtcp(s, what);
				break;
			}
		}
	}
}

static void
server_tick(int fd, short ev, void *arg)
{
	struct conn	*c, *cn;
	struct session	*s, *sn;
	uint64_t	 now = now_ms(), tmo = sv->sv_timeout * 1000ULL;

	TAILQ_FOREACH_SAFE(s, &sv->sv_sessions, s_entry, sn)
		if (now - s->s_seen > tmo || s->s_bye) {
			log_info("session %s: %s", s->s_id, s->s_bye ?
			    "RTCP BYE" : "timed out");
			c = s->s_conn;
			session_free(s);
			/* A client that vanished: its connection goes too. */
			if (c != NULL && now - c->c_last > tmo)
				conn_close(c);
		}
	TAILQ_FOREACH_SAFE(c, &sv->sv_conns, c_entry, cn) {
		if (c->c_head_start != 0 &&
		    now - c->c_head_start > HEAD_TIMEOUT_MS) {
			log_info("%s: request too slow", c->c_name);
			conn_close(c);
			continue;
		}
		TAILQ_FOREACH(s, &sv->sv_sessions, s_entry)
			if (s->s_conn == c)
				break;
		if (s == NULL && now - c->c_last > tmo) {
			log_debug("%s: idle", c->c_name);
			conn_close(c);
		}
	}
	addr_prune();
	stream_tick();
}

void
server_init(struct event_base *base)
{
	struct timeval	tv = { 1, 0 };
	const char	*e;

	memset(sv, 0, sizeof(*sv));
	sv->sv_base = base;
	sv->sv_per_addr = CONN_PER_ADDR;
	sv->sv_timeout = SESSION_TIMEOUT;
	TAILQ_INIT(&sv->sv_listeners);
	TAILQ_INIT(&sv->sv_conns);
	TAILQ_INIT(&sv->sv_sessions);
	stream_init();
	/* Tests shorten the session timeout (see v720-rtsp(8)). */
	if ((e = getenv("V720D_TEST_HOOKS")) != NULL && strcmp(e, "1") == 0 &&
	    (e = getenv("V720D_TEST_RTSP_TIMEOUT")) != NULL && atoi(e) > 0)
		sv->sv_timeout = (unsigned)atoi(e);
	event_assign(&sv->sv_tick, base, -1, EV_PERSIST, server_tick, NULL);
	event_add(&sv->sv_tick, &tv);
}

void
server_configure(const struct rtsp_conf *rc)
{
	struct rtsp_user	*u = NULL;

	if (rc->rc_nusers > 0 &&
	    (u = reallocarray(NULL, rc->rc_nusers, sizeof(*u))) == NULL)
		fatal("%s", __func__);
	if (u != NULL)
		memcpy(u, rc->rc_users, rc->rc_nusers * sizeof(*u));
	if (sv->sv_users != NULL)
		explicit_bzero(sv->sv_users, sv->sv_nusers * sizeof(*u));
	free(sv->sv_users);
	sv->sv_users = u;
	sv->sv_nusers = rc->rc_nusers;
	sv->sv_per_addr = rc->rc_conn_per_addr ? rc->rc_conn_per_addr :
	    CONN_PER_ADDR;
	if (rc->rc_session_timeout > 0)
		sv->sv_timeout = rc->rc_session_timeout;
	stream_encoder(rc->rc_encoder);
	auth_reset();
}

void
server_listener(int tcpfd, const int udpfd[4])
{
	struct listener		*l;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	int			 i;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("%s", __func__);
	l->l_fd = tcpfd;
	for (i = 0; i < 4; i++)
		l->l_udp[i] = udpfd[i];
	if (getsockname(udpfd[0], (struct sockaddr *)&ss, &sslen) == -1)
		fatal("%s: getsockname", __func__);
	l->l_udpport = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	event_assign(&l->l_ev, sv->sv_base, tcpfd, EV_READ | EV_PERSIST,
	    server_accept, l);
	event_add(&l->l_ev, NULL);
	for (i = 0; i < 4; i++) {
		event_assign(&l->l_uev[i], sv->sv_base, udpfd[i],
		    EV_READ | EV_PERSIST, server_udp, l);
		event_add(&l->l_uev[i], NULL);
	}
	TAILQ_INSERT_TAIL(&sv->sv_listeners, l, l_entry);
}

static void
listener_free(struct listener *l)
{
	int	i;

	for (i = 0; i < 4; i++) {
		event_del(&l->l_uev[i]);
		close(l->l_udp[i]);
	}
	free(l);
}

void
listener_unref(struct listener *l)
{
	if (--l->l_refs == 0 && l->l_dead)
		listener_free(l);
}

void
server_listeners_clear(void)
{
	struct listener	*l;

	while ((l = TAILQ_FIRST(&sv->sv_listeners)) != NULL) {
		TAILQ_REMOVE(&sv->sv_listeners, l, l_entry);
		event_del(&l->l_ev);
		close(l->l_fd);
		/* Its UDP sockets serve its sessions until they end. */
		l->l_dead = 1;
		if (l->l_refs == 0)
			listener_free(l);
	}
}

void
server_camera(const char *uid, const char *name, int state)
{
	stream_camera(uid, name, state);
}

void
server_camera_gone(const char *uid)
{
	stream_camera_gone(uid);
}

void
server_frame(const char *uid, const uint8_t *jpeg, size_t len, uint64_t rx_us)
{
	stream_frame(uid, jpeg, len, rx_us);
}

void
server_audio(const char *uid, const uint8_t *alaw, size_t len, uint64_t rx_us)
{
	stream_audio(uid, alaw, len, rx_us);
}

void
server_shutdown(void)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&sv->sv_conns)) != NULL)
		conn_close(c);
	server_listeners_clear();
	stream_shutdown();
	event_del(&sv->sv_tick);
}
