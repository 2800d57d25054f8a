/*
 * The one UDP socket all cameras stream to.  Datagrams are read in
 * batches (recvmmsg) and demultiplexed by their source (address, port),
 * learned from code 51's devTarget during the handshake -- never by
 * address alone, since several cameras may sit behind one NAT address.
 * A 20 or 51 counts only from the address of a camera's registered TCP
 * connection (any port).  Datagrams from anybody else are counted and
 * dropped.  What the engine sends while it reads a batch (the 605s of
 * the frames the batch completed, answers) goes out in one sendmmsg
 * after the batch.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "proc.h"
#include "model.h"
#include "listener.h"
#include "diag.h"
#include "hist.h"

#define UDP_BATCH	64
#define UDP_BUFSZ	2048
#define UDP_ROUNDS	16	/* batches per wakeup, then yield */
#define UDP_POLL_US	1000	/* polling interval under load */
#define UDP_RCVBUF_LOW	(1024 * 1024)	/* less: warn, bursts get lost */
#define UDP_POLL_WINDOW	10	/* polls (ms) judged together */
#define UDP_OUT_MAX	UDP_BATCH	/* datagrams held for one sendmmsg */

/*
 * Datagrams to send, held while a batch is read; a 605 needs
 * WIRE_HDR_LEN + MEDIA_CONFIRM_MAX * 4 bytes, anything may be sent.
 */
static struct udp_out {
	uint8_t			 uo_buf[WIRE_HDR_LEN + WIRE_UDP_MAX_PAYLOAD];
	struct sockaddr_storage	 uo_sa;
	int			 uo_fd;
}			 udp_out[UDP_OUT_MAX];
static struct mmsghdr	 udp_omsgs[UDP_OUT_MAX];
static struct iovec	 udp_oiov[UDP_OUT_MAX];
static int		 udp_nout;
static int		 udp_holding;	/* inside a batch: hold, do not send */
/* From the kernel's receive time to our read: the socket and the poll. */
static struct hist_us	 udp_wait;
/* How the engine came to read, and what each read brought, for the stats. */
static struct udp_counts udp_counts_now;

static int	peer_cmp(struct camera *, struct camera *);

RB_HEAD(peer_tree, camera);
RB_PROTOTYPE(peer_tree, camera, cam_peer_entry, peer_cmp);
RB_GENERATE(peer_tree, camera, cam_peer_entry, peer_cmp);

static struct peer_tree	peers = RB_INITIALIZER(&peers);

static int
peer_cmp(struct camera *a, struct camera *b)
{
	const struct sockaddr_storage	*x = &a->cam_peer, *y = &b->cam_peer;

	if (x->ss_family != y->ss_family)
		return x->ss_family < y->ss_family ? -1 : 1;
	if (x->ss_family == AF_INET) {
		const struct sockaddr_in *p = (const void *)x;
		const struct sockaddr_in *q = (const void *)y;

		/* Every datagram looks its camera up here: no memcmp call
		 * for four bytes (1.9 % of the engine at 500 cameras).  Any
		 * order will do, so the addresses are compared as stored. */
		if (p->sin_port != q->sin_port)
			return p->sin_port < q->sin_port ? -1 : 1;
		if (p->sin_addr.s_addr != q->sin_addr.s_addr)
			return p->sin_addr.s_addr < q->sin_addr.s_addr ? -1 : 1;
		return 0;
	} else if (x->ss_family == AF_INET6) {
		const struct sockaddr_in6 *p = (const void *)x;
		const struct sockaddr_in6 *q = (const void *)y;

		if (p->sin6_port != q->sin6_port)
			return p->sin6_port < q->sin6_port ? -1 : 1;
		return memcmp(&p->sin6_addr, &q->sin6_addr,
		    sizeof(p->sin6_addr));
	}
	return 0;
}

void
udp_peer_set(struct camera *cam, const struct sockaddr *sa, socklen_t len,
    int fd)
{
	struct camera	*other;

	if (len > sizeof(cam->cam_peer))
		return;
	udp_peer_clear(cam);
	memset(&cam->cam_peer, 0, sizeof(cam->cam_peer));
	memcpy(&cam->cam_peer, sa, len);
	cam->cam_peerlen = len;
	cam->cam_udpfd = fd;
	if ((other = RB_INSERT(peer_tree, &peers, cam)) != NULL) {
		/* A new stream from a pair another camera used: theirs is
		 * stale (a camera's new association, or NAT reuse). */
		RB_REMOVE(peer_tree, &peers, other);
		other->cam_peer_known = 0;
		RB_INSERT(peer_tree, &peers, cam);
	}
	cam->cam_peer_known = 1;
}

/* A UDP listener goes away: streams that used it start over. */
void
udp_fd_closed(int fd)
{
	struct camera	*cam;

	RB_FOREACH(cam, camera_tree, &model->m_cameras) {
		if (cam->cam_udpfd != fd)
			continue;
		cam->cam_udpfd = -1;
		if (cam->cam_ss != SS_IDLE) {
			stream_stop(cam, 1);
			stream_update(cam, proc_now_ms());
		}
	}
}

void
udp_wait_stats(unsigned *p50, unsigned *p99)
{
	hist_us_take(&udp_wait, p50, p99);
}

void
udp_counts(struct udp_counts *uc)
{
	*uc = udp_counts_now;
}

void
udp_peer_clear(struct camera *cam)
{
	if (cam->cam_peer_known)
		RB_REMOVE(peer_tree, &peers, cam);
	cam->cam_peer_known = 0;
}

/*
 * Send what was held, in order, a sendmmsg per run of one socket.  One
 * that fails is lost, as a sendto's would be (the camera resends what
 * no 605 confirmed); the rest still go.
 */
static void
udp_flush(void)
{
	int	i = 0, j, r;

	while (i < udp_nout) {
		for (j = i + 1; j < udp_nout &&
		    udp_out[j].uo_fd == udp_out[i].uo_fd; j++)
			;
		udp_counts_now.uc_sends++;
		if ((r = sendmmsg(udp_out[i].uo_fd, &udp_omsgs[i], j - i,
		    MSG_DONTWAIT)) <= 0) {
			log_debug("udp sendmmsg: %s", strerror(errno));
			r = 1;
		}
		i += r;
	}
	udp_nout = 0;
}

int
udp_sendto(int fd, const struct sockaddr *sa, socklen_t salen, uint16_t cmd,
    const void *p, size_t len)
{
	uint8_t		 buf[WIRE_HDR_LEN + WIRE_UDP_MAX_PAYLOAD];
	struct udp_out	*uo;
	struct msghdr	*mh;
	int		 n;

	if (len > WIRE_UDP_MAX_PAYLOAD || salen > sizeof(uo->uo_sa))
		return -1;
	if (udp_holding) {
		if (udp_nout == UDP_OUT_MAX)
			udp_flush();
		uo = &udp_out[udp_nout];
		if ((n = camtcp_msg(uo->uo_buf, sizeof(uo->uo_buf), cmd, p,
		    len)) == -1)
			return -1;
		memcpy(&uo->uo_sa, sa, salen);
		uo->uo_fd = fd;
		udp_oiov[udp_nout].iov_base = uo->uo_buf;
		udp_oiov[udp_nout].iov_len = n;
		mh = &udp_omsgs[udp_nout].msg_hdr;
		memset(mh, 0, sizeof(*mh));
		mh->msg_name = &uo->uo_sa;
		mh->msg_namelen = salen;
		mh->msg_iov = &udp_oiov[udp_nout];
		mh->msg_iovlen = 1;
		udp_nout++;
		return 0;
	}
	if ((n = camtcp_msg(buf, sizeof(buf), cmd, p, len)) == -1)
		return -1;
	if (sendto(fd, buf, n, MSG_DONTWAIT, sa, salen) == -1) {
		log_debug("udp sendto: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
udp_send(struct camera *cam, uint16_t cmd, const void *p, size_t len)
{
	if (!cam->cam_peer_known || cam->cam_udpfd == -1)
		return -1;
	return udp_sendto(cam->cam_udpfd, (struct sockaddr *)&cam->cam_peer,
	    cam->cam_peerlen, cmd, p, len);
}

static void
udp_unknown(const struct sockaddr *sa, socklen_t salen, const char *what)
{
	static time_t	last;
	static uint64_t	since;
	char		host[NI_MAXHOST], serv[NI_MAXSERV];
	time_t		now = time(NULL);

	model->m_udp_unknown++;
	since++;
	if (now - last < 10)
		return;
	if (getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		strlcpy(host, "?", sizeof(host)), strlcpy(serv, "?",
		    sizeof(serv));
	log_warnx("udp: %s from unknown peer %s port %s (%llu dropped in "
	    "the last %lld s)", what, host, serv, (unsigned long long)since,
	    last ? (long long)(now - last) : 0LL);
	last = now;
	since = 0;
}

/* Whether sa is the host of a camera waiting for the answers to 11. */
static int
udp_setup_host(const struct sockaddr *sa, socklen_t salen)
{
	struct camera	*cam;

	TAILQ_FOREACH(cam, &model->m_active, cam_active_entry)
		if (cam->cam_ss == SS_NAT && camera_same_host(cam, sa, salen))
			return 1;
	return 0;
}

static void
udp_json(int fd, struct camera *cam, const struct sockaddr *sa,
    socklen_t salen, const uint8_t *p, size_t len)
{
	struct camjson	j;
	struct camera	*named;
	char		host[NI_MAXHOST], serv[NI_MAXSERV], js[128];
	int		n;

	if (camjson_parse(p, len, &j) == -1) {
		model->m_udp_bad++;
		return;
	}
	switch (j.cj_code) {
	case 20:
		/*
		 * The camera's first datagram names nobody; answer 21 (its
		 * values are not used) only to the address of a camera whose
		 * handshake is running, so strangers get nothing back.
		 */
		if (cam == NULL && !udp_setup_host(sa, salen)) {
			udp_unknown(sa, salen, "code 20");
			return;
		}
		if (getnameinfo(sa, salen, host, sizeof(host), serv,
		    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
			return;
		if ((n = camtcp_json_udp_reply(js, sizeof(js), host,
		    atoi(serv))) != -1)
			udp_sendto(fd, sa, salen, WIRE_CMD_JSON, js, n);
		break;
	case 51:
		if ((named = camera_find(j.cj_uid)) == NULL ||
		    (cam != NULL && cam != named)) {
			udp_unknown(sa, salen, "code 51");
			return;
		}
		/* Only the camera names itself: from its TCP address. */
		if (!camera_same_host(named, sa, salen)) {
			named->cam_info.ci_strangers++;
			named->cam_dirty = 1;
			udp_unknown(sa, salen, "code 51 from a stranger");
			return;
		}
		stream_udp_probe(named, sa, salen, fd, cam == named);
		break;
	case 55:
		if (cam == NULL)
			udp_unknown(sa, salen, "code 55");
		else
			clock_answer(cam, p, len);
		break;
	default:
		if (cam == NULL)
			udp_unknown(sa, salen, "JSON");
		break;
	}
}

/*
 * A datagram of the PPPP family of "A9" cameras (CS2 P2P, UDP 32100):
 * magic 0xf1, a message type, a big-endian length of what follows.  A
 * camera that sends these speaks another protocol altogether.
 */
static int
udp_pppp(const uint8_t *p, size_t len)
{
	return len >= 4 && len <= 1500 && p[0] == 0xf1 &&
	    (size_t)((p[2] << 8) | p[3]) == len - 4;
}

static void
udp_input(int fd, const struct sockaddr *sa, socklen_t salen,
    const uint8_t *buf, size_t len, struct camera *key, uint64_t now)
{
	struct wire_hdr	 h;
	struct camera	*cam = NULL;
	size_t		 plen;

	if (wire_hdr_decode(buf, len, WIRE_UDP_MAX_PAYLOAD, &h) == -1) {
		model->m_udp_bad++;
		if (udp_pppp(buf, len))
			diag_note(sa, salen, DIAG_REFUSED, DIAG_R_PPPP, NULL);
		return;
	}
	plen = len - WIRE_HDR_LEN;
	/* peer_cmp() reads only the family's fields, all inside salen. */
	if (salen <= sizeof(key->cam_peer) &&
	    salen >= sizeof(struct sockaddr_in)) {
		memcpy(&key->cam_peer, sa, salen);
		cam = RB_FIND(peer_tree, &peers, key);
	}
	switch (h.wh_cmd) {
	case WIRE_CMD_JPEG:
	case WIRE_CMD_ALAW:
	case WIRE_CMD_PCM:
		if (cam == NULL) {
			udp_unknown(sa, salen, "media");
			return;
		}
		stream_media(cam, &h, buf + WIRE_HDR_LEN, plen, now);
		break;
	case WIRE_CMD_JSON:
		udp_json(fd, cam, sa, salen, buf + WIRE_HDR_LEN,
		    h.wh_len < plen ? h.wh_len : plen);
		break;
	default:
		if (cam == NULL)
			udp_unknown(sa, salen, "datagram");
		break;
	}
}

/*
 * Under load the socket is polled every UDP_POLL_US instead of woken per
 * datagram: each wakeup then takes a whole batch, which costs far less
 * CPU than thousands of wakeups a second.  The kernel's receive
 * timestamp (SO_TIMESTAMPNS) is what the media code and the latency
 * figure use, so the polling delay is counted, not hidden.
 */
static int
udp_drain(int fd)
{
	static uint8_t			 bufs[UDP_BATCH][UDP_BUFSZ];
	static struct sockaddr_storage	 addrs[UDP_BATCH];
	static union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(struct timespec))];
	}				 cbufs[UDP_BATCH];
	static struct camera		 key;
	static struct mmsghdr		 msgs[UDP_BATCH];
	static struct iovec		 iov[UDP_BATCH];
	static int			 ready;
	struct cmsghdr			*cm;
	struct timespec			 rt, mt, ts;
	int64_t				 off;
	uint64_t			 now;
	int				 i, n, round, total = 0;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	off = ((int64_t)rt.tv_sec - mt.tv_sec) * 1000000000LL +
	    (rt.tv_nsec - mt.tv_nsec);
	if (!ready) {
		for (i = 0; i < UDP_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &addrs[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
			msgs[i].msg_hdr.msg_control = &cbufs[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(cbufs[i]);
		}
		ready = 1;
	}
	for (round = 0; round < UDP_ROUNDS; round++) {
		udp_counts_now.uc_reads++;
		if ((n = recvmmsg(fd, msgs, UDP_BATCH, MSG_DONTWAIT,
		    NULL)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("udp recvmmsg");
			return total;
		}
		total += n;
		udp_counts_now.uc_datagrams += n;
		model->m_rx_ns = proc_now_ns();
		udp_holding = 1;
		obs_batch_begin();
		for (i = 0; i < n; i++) {
			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				model->m_udp_bad++;
				continue;
			}
			now = 0;
			for (cm = CMSG_FIRSTHDR(&msgs[i].msg_hdr); cm != NULL;
			    cm = CMSG_NXTHDR(&msgs[i].msg_hdr, cm)) {
				if (cm->cmsg_level != SOL_SOCKET ||
				    cm->cmsg_type != SCM_TIMESTAMPNS)
					continue;
				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				now = ts.tv_sec * 1000000000ULL + ts.tv_nsec -
				    off;
			}
			if (now == 0 || now > model->m_rx_ns)
				now = model->m_rx_ns;
			hist_us_add(&udp_wait, (model->m_rx_ns - now) / 1000);
			udp_input(fd, (struct sockaddr *)&addrs[i],
			    msgs[i].msg_hdr.msg_namelen, bufs[i],
			    msgs[i].msg_len, &key, now);
			/* A frame done early does not wait for all 64. */
			if (obs_batch_due()) {
				obs_batch_end();
				obs_batch_begin();
			}
		}
		udp_holding = 0;
		obs_batch_end();
		udp_flush();
		/* What recvmmsg changed, for the next call. */
		for (i = 0; i < n; i++) {
			msgs[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
			msgs[i].msg_hdr.msg_controllen = sizeof(cbufs[i]);
			msgs[i].msg_hdr.msg_flags = 0;
		}
		if (n < UDP_BATCH)
			break;
	}
	return total;
}

/*
 * When to poll.  A wakeup per arrival reads what came since the last
 * one, a burst of fragments at once; a poll reads what came in 1 ms,
 * found or not.  So polling saves only when wakeups come oftener than
 * polls would: it starts once UDP_POLL_WINDOW wakeups came within
 * UDP_POLL_WINDOW ms, and stops once fewer than half the polls of a
 * window found anything (a wakeup per arrival would then wake less).
 * The gap between the two is the hysteresis: judged one poll or one
 * wakeup at a time (16 datagrams in a wakeup started it, fewer than 4 in
 * a poll stopped it), the switch flipped for most frames at 50 cameras,
 * each flip two epoll_ctl; judged per window it flips at most once per
 * window, and not while traffic is steady on either side.
 */
static void
udp_poll(int fd, short ev, void *arg)
{
	struct listener	*l = arg;
	struct timeval	 tv = { 0, UDP_POLL_US };

	udp_counts_now.uc_polls++;
	if (udp_drain(l->l_fd) > 0)
		l->l_busy++;
	if (++l->l_polls == UDP_POLL_WINDOW) {
		if (l->l_busy < UDP_POLL_WINDOW / 2) {
			/* Sparse again: back to one wakeup per arrival. */
			l->l_wakes = 0;
			event_add(&l->l_ev, NULL);
			return;
		}
		l->l_polls = l->l_busy = 0;
	}
	evtimer_add(&l->l_pause, &tv);
}

void
udp_listener_read(int fd, short ev, void *arg)
{
	struct listener		*l = arg;
	struct timeval		 tv = { 0, UDP_POLL_US };
	unsigned long long	 now = proc_now_ms();

	udp_counts_now.uc_wakeups++;
	udp_drain(fd);
	if (now - l->l_since >= UDP_POLL_WINDOW) {
		l->l_since = now;
		l->l_wakes = 0;
	}
	if (++l->l_wakes < UDP_POLL_WINDOW)
		return;
	event_del(&l->l_ev);
	l->l_polls = l->l_busy = 0;
	evtimer_set(&l->l_pause, udp_poll, l);
	evtimer_add(&l->l_pause, &tv);
}

/*
 * Only the parent sizes the receive buffer (as root it forces 8 MB past
 * net.core.rmem_max); setting SO_RCVBUF here would cap it at rmem_max
 * again.  Say once what the socket has.
 */
void
udp_listener_setup(int fd)
{
	socklen_t	len;
	int		on = 1, sz;

	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == -1)
		log_warn("udp: SO_TIMESTAMPNS");
	len = sizeof(sz);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, &len) == -1) {
		log_warn("udp: SO_RCVBUF");
		return;
	}
	/* The kernel reports twice what was asked, for its bookkeeping. */
	if (sz < UDP_RCVBUF_LOW)
		log_warnx("udp: receive buffer %d KB: bursts from many cameras "
		    "will be dropped (raise net.core.rmem_max, or start v720d "
		    "as root)", sz / 1024);
	else
		log_info("udp: receive buffer %d KB", sz / 1024);
}
