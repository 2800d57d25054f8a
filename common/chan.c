#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"

#define CHAN_RBUF_INIT	(64 * 1024)
#define CHAN_WBUF_INIT	(64 * 1024)

int
chan_init(struct chan *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	if ((c->rbuf = malloc(CHAN_RBUF_INIT)) == NULL)
		return -1;
	c->rcap = CHAN_RBUF_INIT;
	return 0;
}

void
chan_clear(struct chan *c)
{
	size_t	i;

	for (i = 0; i < c->nrfds; i++)
		close(c->rfds[i].fd);
	for (i = 0; i < c->nwfds; i++)
		close(c->wfds[i].fd);
	free(c->rbuf);
	free(c->wbuf);
	free(c->wfds);
	if (c->fd != -1)
		close(c->fd);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

size_t
chan_queued(const struct chan *c)
{
	return c->wlen - c->wpos;
}

ssize_t
chan_read(struct chan *c)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 16)];
	} cmsgbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	ssize_t		 n;
	size_t		 i, nfd;
	uint64_t	 start;
	int		*fds, bad = 0;

	/* Drop consumed bytes, then make room for at least one full message. */
	if (c->rpos > 0) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rbase += c->rpos;
		c->rpos = 0;
	}
	if (c->rcap - c->rlen < CHAN_RBUF_INIT / 2) {
		size_t	 ncap = c->rcap * 2;
		uint8_t	*p;

		if (ncap > 2 * (CHAN_MAX_PAYLOAD + CHAN_HDR_LEN))
			ncap = 2 * (CHAN_MAX_PAYLOAD + CHAN_HDR_LEN);
		if (ncap > c->rcap) {
			if ((p = realloc(c->rbuf, ncap)) == NULL)
				return -1;
			c->rbuf = p;
			c->rcap = ncap;
		}
	}
	if (c->rcap == c->rlen) {
		errno = ENOBUFS;
		return -1;
	}

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = c->rbuf + c->rlen;
	iov.iov_len = c->rcap - c->rlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = &cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);

	while ((n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC)) == -1) {
		if (errno != EINTR)
			return -1;
	}
	start = c->rbase + c->rlen;
	if (n > 0)
		c->rlen += n;
	/*
	 * Every fd is kept with the stream bytes it came with (the sender
	 * writes it with the first byte of its message, and the kernel
	 * hands it over with the read that holds that byte), so chan_get
	 * can tell a claimed fd from one parked with no message for it.
	 */
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		fds = (int *)CMSG_DATA(cmsg);
		for (i = 0; i < nfd; i++) {
			if (c->nofds || c->nrfds == CHAN_MAX_FDS) {
				/* A peer that may not pass fds, or floods. */
				close(fds[i]);
				bad = 1;
				continue;
			}
			c->rfds[c->nrfds].start = start;
			c->rfds[c->nrfds].end = c->rbase + c->rlen;
			c->rfds[c->nrfds].fd = fds[i];
			c->nrfds++;
		}
	}
	if (bad) {
		errno = EBADMSG;
		return -1;
	}
	if (msg.msg_flags & MSG_CTRUNC) {
		errno = EMFILE;
		return -1;
	}
	return n;
}

int
chan_get(struct chan *c, struct chan_msg *m)
{
	size_t		avail = c->rlen - c->rpos;
	uint64_t	at = c->rbase + c->rpos;

	/*
	 * Every message that began with the bytes an fd came with has been
	 * taken, and none claimed it: the peer parks descriptors on us.
	 */
	if (c->nrfds > 0 && c->rfds[0].end <= at) {
		errno = EBADMSG;
		return -1;
	}
	if (avail < CHAN_HDR_LEN)
		return 0;
	memcpy(&m->hdr, c->rbuf + c->rpos, CHAN_HDR_LEN);
	if (m->hdr.ch_len > CHAN_MAX_PAYLOAD ||
	    (m->hdr.ch_flags & ~CHAN_F_HASFD) != 0) {
		errno = EBADMSG;
		return -1;
	}
	if (avail < CHAN_HDR_LEN + m->hdr.ch_len)
		return 0;
	m->fd = -1;
	if (m->hdr.ch_flags & CHAN_F_HASFD) {
		/* The fd travelled with the first byte of this message. */
		if (c->nrfds == 0 || c->rfds[0].start > at) {
			errno = EBADMSG;
			return -1;
		}
		m->fd = c->rfds[0].fd;
		memmove(c->rfds, c->rfds + 1,
		    (c->nrfds - 1) * sizeof(c->rfds[0]));
		c->nrfds--;
	}
	m->data = c->rbuf + c->rpos + CHAN_HDR_LEN;
	m->len = m->hdr.ch_len;
	c->rpos += CHAN_HDR_LEN + m->hdr.ch_len;
	return 1;
}

static int
chan_reserve(struct chan *c, size_t need)
{
	size_t	 ncap;
	uint8_t	*p;

	if (c->wpos > 0 && c->wpos == c->wlen) {
		c->wpos = c->wlen = 0;
	} else if (c->wpos > c->wcap / 2) {
		/* Reclaim the sent half before growing. */
		size_t	i;

		memmove(c->wbuf, c->wbuf + c->wpos, c->wlen - c->wpos);
		for (i = 0; i < c->nwfds; i++)
			c->wfds[i].off -= c->wpos;
		c->wlen -= c->wpos;
		c->wpos = 0;
	}
	if (c->wlen - c->wpos + need > CHAN_MAX_QUEUED) {
		errno = ENOBUFS;
		return -1;
	}
	if (c->wcap - c->wlen >= need)
		return 0;
	ncap = c->wcap ? c->wcap : CHAN_WBUF_INIT;
	while (ncap - c->wlen < need)
		ncap *= 2;
	if ((p = realloc(c->wbuf, ncap)) == NULL)
		return -1;
	c->wbuf = p;
	c->wcap = ncap;
	return 0;
}

int
chan_composev(struct chan *c, uint32_t type, uint32_t peerid, int fd,
    const struct iovec *iov, int iovcnt)
{
	struct chan_hdr	 h;
	struct chan_fdq	*q;
	size_t		 len = 0;
	int		 i;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (len > CHAN_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		goto fail;
	}
	if (chan_reserve(c, CHAN_HDR_LEN + len) == -1)
		goto fail;
	if (fd != -1) {
		if (c->nwfds == c->wfdcap) {
			size_t ncap = c->wfdcap ? c->wfdcap * 2 : 8;

			if ((q = reallocarray(c->wfds, ncap, sizeof(*q))) == NULL)
				goto fail;
			c->wfds = q;
			c->wfdcap = ncap;
		}
		c->wfds[c->nwfds].off = c->wlen;
		c->wfds[c->nwfds].fd = fd;
		c->nwfds++;
	}
	memset(&h, 0, sizeof(h));
	h.ch_type = type;
	h.ch_len = len;
	h.ch_peerid = peerid;
	h.ch_flags = fd != -1 ? CHAN_F_HASFD : 0;
	memcpy(c->wbuf + c->wlen, &h, CHAN_HDR_LEN);
	c->wlen += CHAN_HDR_LEN;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		memcpy(c->wbuf + c->wlen, iov[i].iov_base, iov[i].iov_len);
		c->wlen += iov[i].iov_len;
	}
	return 0;
fail:
	if (fd != -1)
		close(fd);
	return -1;
}

int
chan_compose(struct chan *c, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	struct iovec	iov;

	iov.iov_base = (void *)(uintptr_t)data;
	iov.iov_len = len;
	return chan_composev(c, type, peerid, fd, &iov, data ? 1 : 0);
}

/* Not proc_now_ns: proc.c builds on this file, not the other way. */
static uint64_t
chan_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int
chan_flush(struct chan *c)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	ssize_t		 n;
	size_t		 end;
	uint64_t	 t0;
	int		 sendfd;

	while (c->wpos < c->wlen) {
		memset(&msg, 0, sizeof(msg));
		end = c->wlen;
		sendfd = -1;
		/*
		 * An fd rides on the first byte of its message, so stop each
		 * write just before the next message that carries one.
		 */
		if (c->nwfds > 0) {
			if (c->wfds[0].off == c->wpos)
				sendfd = c->wfds[0].fd;
			if (c->nwfds > (sendfd != -1 ? 1U : 0U))
				end = c->wfds[sendfd != -1 ? 1 : 0].off;
		}
		iov.iov_base = c->wbuf + c->wpos;
		iov.iov_len = end - c->wpos;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		if (sendfd != -1) {
			memset(&cmsgbuf, 0, sizeof(cmsgbuf));
			msg.msg_control = &cmsgbuf.buf;
			msg.msg_controllen = sizeof(cmsgbuf.buf);
			cmsg = CMSG_FIRSTHDR(&msg);
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			memcpy(CMSG_DATA(cmsg), &sendfd, sizeof(int));
		}
		t0 = chan_now_ns();
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
		c->write_ns += chan_now_ns() - t0;
		c->nwrites++;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		if (sendfd != -1) {
			close(sendfd);
			memmove(c->wfds, c->wfds + 1,
			    (c->nwfds - 1) * sizeof(*c->wfds));
			c->nwfds--;
		}
		c->wpos += n;
	}
	c->wpos = c->wlen = 0;
	return 0;
}

static uint64_t
chan_now_ms(void)
{
	return chan_now_ns() / 1000000;
}

int
chan_flush_all(struct chan *c)
{
	struct pollfd	pfd;
	uint64_t	deadline = chan_now_ms() + CHAN_FLUSH_WAIT_MS, now;
	int		n;

	/* One deadline for the whole: signals neither restart nor end it. */
	for (;;) {
		if (chan_flush(c) == -1)
			return -1;
		if (chan_queued(c) == 0)
			return 0;
		if ((now = chan_now_ms()) >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		pfd.fd = c->fd;
		pfd.events = POLLOUT;
		if ((n = poll(&pfd, 1, (int)(deadline - now))) == -1 &&
		    errno != EINTR)
			return -1;
	}
}

int
chan_strfield(const char *field, size_t fieldsz)
{
	return memchr(field, '\0', fieldsz) == NULL ? -1 : 0;
}

static void
chanev_handler(int fd, short event, void *arg)
{
	struct chanev	*ce = arg;
	struct chan_msg	 m;
	ssize_t		 n;
	int		 r;

	if (event & EV_READ) {
		n = chan_read(&ce->c);
		if (n == -1 && errno == EBADMSG)
			goto broken;
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			goto closed;
	}
	if (event & EV_WRITE) {
		if (ce->linger_ns != 0)
			ce->last_write_ns = chan_now_ns();
		if (chan_flush(&ce->c) == -1)
			goto closed;
	}
	while ((r = chan_get(&ce->c, &m)) == 1) {
		ce->dispatch(ce, &m, ce->arg);
		/* dispatch may have torn the channel down */
		if (!ce->active)
			return;
	}
	if (r == -1)
		goto broken;
	chanev_update(ce);
	return;
broken:
	/* errno stays EBADMSG for the closed callback. */
	ce->broken = 1;
closed:
	chanev_shut(ce);
}

/*
 * Channels written while held, flushed at chanev_release.  A full list
 * flushes the channel at once, as without the hold.
 */
#define CHANEV_HELD_MAX	16
static struct chanev	*chanev_held[CHANEV_HELD_MAX];
static int		 chanev_nheld;
static int		 chanev_holding;

static void
chanev_unhold(struct chanev *ce)
{
	int	i;

	if (!ce->held)
		return;
	for (i = 0; i < chanev_nheld; i++)
		if (chanev_held[i] == ce)
			chanev_held[i] = NULL;
	ce->held = 0;
}

/* A pending linger timer goes with the channel. */
static void
chanev_unlinger(struct chanev *ce)
{
	if (ce->lingering)
		evtimer_del(&ce->linger_ev);
	ce->lingering = 0;
}

void
chanev_shut(struct chanev *ce)
{
	chanev_unhold(ce);
	chanev_unlinger(ce);
	if (!ce->active)
		return;
	event_del(&ce->ev);
	ce->active = 0;
	if (ce->closed != NULL)
		ce->closed(ce, ce->arg);
}

int
chanev_init(struct chanev *ce, int fd, chanev_dispatch_cb dispatch,
    chanev_closed_cb closed, void *arg)
{
	int	flags;

	memset(ce, 0, sizeof(*ce));
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return -1;
	if (chan_init(&ce->c, fd) == -1)
		return -1;
	ce->dispatch = dispatch;
	ce->closed = closed;
	ce->arg = arg;
	ce->active = 1;
	ce->events = EV_READ;
	event_set(&ce->ev, fd, ce->events, chanev_handler, ce);
	event_add(&ce->ev, NULL);
	return 0;
}

void
chanev_clear(struct chanev *ce)
{
	chanev_unhold(ce);
	chanev_unlinger(ce);
	if (event_initialized(&ce->ev))
		event_del(&ce->ev);
	ce->active = 0;
	chan_clear(&ce->c);
}

void
chanev_update(struct chanev *ce)
{
	short	events = EV_READ;

	if (!ce->active)
		return;
	/* A lingering channel writes with a later message or its timer. */
	if (chan_queued(&ce->c) > 0 && !ce->lingering)
		events |= EV_WRITE;
	if (events == ce->events && event_pending(&ce->ev, EV_READ, NULL))
		return;
	event_del(&ce->ev);
	ce->events = events;
	event_set(&ce->ev, ce->c.fd, ce->events, chanev_handler, ce);
	event_add(&ce->ev, NULL);
}

/*
 * Write at once what the socket takes: a frame reaches the peer in this
 * loop turn, and write interest (two epoll_ctl calls) is only needed
 * when the peer falls behind.  Errors surface in the event handler.
 */
static void
chanev_flush_now(struct chanev *ce)
{
	uint64_t	now, next, wait;
	struct timeval	tv;

	if (chanev_holding && (ce->held || chanev_nheld < CHANEV_HELD_MAX)) {
		if (!ce->held)
			chanev_held[chanev_nheld++] = ce;
		ce->held = 1;
		return;
	}
	if (chan_queued(&ce->c) == 0) {
		chanev_update(ce);
		return;
	}
	if (ce->linger_ns != 0) {
		now = chan_now_ns();
		next = ce->last_write_ns + ce->linger_ns;
		if (!ce->pushed && now < next &&
		    chan_queued(&ce->c) < CHANEV_LINGER_MAX) {
			/*
			 * Written by the first message after next, or by
			 * the timer a period later if none comes: under
			 * load the engine is awake anyway, and a timer of
			 * its own would wake it once more per period.
			 */
			if (!ce->lingering) {
				wait = next + ce->linger_ns - now;
				tv.tv_sec = wait / 1000000000ULL;
				tv.tv_usec = wait % 1000000000ULL / 1000;
				evtimer_add(&ce->linger_ev, &tv);
				ce->lingering = 1;
			}
			return;
		}
		chanev_unlinger(ce);
		ce->pushed = 0;
		ce->last_write_ns = now;
	}
	(void)chan_flush(&ce->c);
	chanev_update(ce);
}

void
chanev_push(struct chanev *ce)
{
	if (!ce->active || chan_queued(&ce->c) == 0)
		return;
	ce->pushed = 1;
	chanev_flush_now(ce);
}

static void
chanev_linger_due(int fd, short ev, void *arg)
{
	struct chanev	*ce = arg;

	ce->lingering = 0;
	if (!ce->active)
		return;
	if (chan_queued(&ce->c) > 0) {
		ce->pushed = 0;
		ce->last_write_ns = chan_now_ns();
		(void)chan_flush(&ce->c);
	}
	chanev_update(ce);
}

void
chanev_linger(struct chanev *ce, unsigned ms)
{
	chanev_unlinger(ce);
	ce->linger_ns = (uint64_t)ms * 1000000ULL;
	evtimer_set(&ce->linger_ev, chanev_linger_due, ce);
}

int
chanev_compose(struct chanev *ce, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	int	r;

	if (!ce->active) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	r = chan_compose(&ce->c, type, peerid, fd, data, len);
	chanev_flush_now(ce);
	return r;
}

int
chanev_composev(struct chanev *ce, uint32_t type, uint32_t peerid, int fd,
    const struct iovec *iov, int iovcnt)
{
	int	r;

	if (!ce->active) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	r = chan_composev(&ce->c, type, peerid, fd, iov, iovcnt);
	chanev_flush_now(ce);
	return r;
}

void
chanev_hold(void)
{
	chanev_holding = 1;
}

void
chanev_release(void)
{
	struct chanev	*ce;
	int		 i;

	chanev_holding = 0;
	for (i = 0; i < chanev_nheld; i++) {
		if ((ce = chanev_held[i]) == NULL)
			continue;
		ce->held = 0;
		if (ce->active)
			chanev_flush_now(ce);
	}
	chanev_nheld = 0;
}
