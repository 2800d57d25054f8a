/* The message channel: round trips, fd passing, big and broken messages. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include <criterion/criterion.h>

#include "chan.h"
#include "msg.h"

static struct chan	a, b;

static void
setup(void)
{
	int	sp[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	cr_assert_eq(chan_init(&a, sp[0]), 0);
	cr_assert_eq(chan_init(&b, sp[1]), 0);
}

static void
teardown(void)
{
	chan_clear(&a);
	chan_clear(&b);
}

/* Read from b until one message is there (blocking socket). */
static int
get_one(struct chan_msg *m)
{
	int	r;

	while ((r = chan_get(&b, m)) == 0) {
		ssize_t n = chan_read(&b);

		if (n <= 0)
			return -2;
	}
	return r;
}

TestSuite(chan, .init = setup, .fini = teardown);

Test(chan, round_trip_keeps_type_peerid_and_bytes)
{
	struct chan_msg	m;
	struct ctl_req	req = { .id = "0800c00128F8", .value = 7 };

	cr_assert_eq(chan_compose(&a, IMSG_WEB_VIEWERS, 42, -1, &req,
	    sizeof(req)), 0);
	cr_assert_eq(chan_compose(&a, IMSG_CTL_END, 43, -1, NULL, 0), 0);
	cr_assert_eq(chan_flush_all(&a), 0);
	cr_assert_eq(get_one(&m), 1);
	cr_assert_eq(m.hdr.ch_type, IMSG_WEB_VIEWERS);
	cr_assert_eq(m.hdr.ch_peerid, 42);
	cr_assert_eq(m.len, sizeof(req));
	cr_assert_eq(memcmp(m.data, &req, sizeof(req)), 0);
	cr_assert_eq(m.fd, -1);
	cr_assert_eq(get_one(&m), 1);
	cr_assert_eq(m.hdr.ch_type, IMSG_CTL_END);
	cr_assert_eq(m.len, 0);
}

Test(chan, passes_file_descriptors_in_order)
{
	struct chan_msg	m;
	char		path[] = "/tmp/test_chan.XXXXXX", buf[8];
	int		fd, i;

	for (i = 0; i < 3; i++) {
		cr_assert((fd = mkstemp(path)) != -1);
		unlink(path);
		strlcpy(path, "/tmp/test_chan.XXXXXX", sizeof(path));
		buf[0] = '0' + i;
		cr_assert_eq(write(fd, buf, 1), 1);
		cr_assert_eq(chan_compose(&a, IMSG_CFG_LISTEN, i, fd, "x", 1), 0);
		/* A message without fd in between must not take one. */
		cr_assert_eq(chan_compose(&a, IMSG_CFG_CAMERA, i, -1, "y", 1), 0);
	}
	cr_assert_eq(chan_flush_all(&a), 0);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(get_one(&m), 1);
		cr_assert_eq(m.hdr.ch_type, IMSG_CFG_LISTEN);
		cr_assert_neq(m.fd, -1);
		cr_assert_eq(pread(m.fd, buf, 1, 0), 1);
		cr_assert_eq(buf[0], '0' + i, "fd %d arrived out of order", i);
		close(m.fd);
		cr_assert_eq(get_one(&m), 1);
		cr_assert_eq(m.hdr.ch_type, IMSG_CFG_CAMERA);
		cr_assert_eq(m.fd, -1);
	}
}

Test(chan, carries_a_frame_sized_message_intact)
{
	struct chan_msg	 m;
	size_t		 len = V720_FRAME_MAX, i;
	uint8_t		*frame = malloc(len);
	pid_t		 pid;

	cr_assert_not_null(frame);
	for (i = 0; i < len; i++)
		frame[i] = (uint8_t)(i * 31 + 7);
	/* The writer must not need the reader to be in the same thread. */
	if ((pid = fork()) == 0) {
		int rc = chan_compose(&a, IMSG_CAM_FRAME, 1, -1, frame, len) != 0 ||
		    chan_flush_all(&a) != 0;

		free(frame);
		chan_clear(&a);
		_exit(rc);
	}
	cr_assert_eq(get_one(&m), 1);
	cr_assert_eq(m.len, len);
	cr_assert_eq(memcmp(m.data, frame, len), 0);
	free(frame);
}

Test(chan, refuses_to_compose_an_oversized_message)
{
	static uint8_t	big[CHAN_MAX_PAYLOAD + 1];

	cr_assert_eq(chan_compose(&a, IMSG_CAM_FRAME, 0, -1, big, sizeof(big)),
	    -1);
	cr_assert_eq(chan_queued(&a), 0);
}

Test(chan, rejects_an_oversized_header_from_the_peer)
{
	struct chan_hdr	h = { .ch_type = IMSG_CAM_FRAME,
			    .ch_len = CHAN_MAX_PAYLOAD + 1 };
	struct chan_msg	m;

	cr_assert_eq(write(a.fd, &h, sizeof(h)), (ssize_t)sizeof(h));
	cr_assert(chan_read(&b) > 0);
	cr_assert_eq(chan_get(&b, &m), -1);
}

Test(chan, rejects_a_message_claiming_an_fd_it_lacks)
{
	struct chan_hdr	h = { .ch_type = IMSG_CFG_LISTEN,
			    .ch_flags = CHAN_F_HASFD };
	struct chan_msg	m;

	cr_assert_eq(write(a.fd, &h, sizeof(h)), (ssize_t)sizeof(h));
	cr_assert(chan_read(&b) > 0);
	cr_assert_eq(chan_get(&b, &m), -1);
}

Test(chan, never_delivers_a_truncated_message)
{
	struct chan_hdr	h = { .ch_type = IMSG_CAM_STATE, .ch_len = 100 };
	struct chan_msg	m;
	uint8_t		part[40] = { 0 };

	cr_assert_eq(write(a.fd, &h, sizeof(h)), (ssize_t)sizeof(h));
	cr_assert_eq(write(a.fd, part, sizeof(part)), (ssize_t)sizeof(part));
	shutdown(a.fd, SHUT_WR);
	cr_assert(chan_read(&b) > 0);
	cr_assert_eq(chan_get(&b, &m), 0);
	/* Then the peer is gone: EOF, and still no message. */
	cr_assert_eq(chan_read(&b), 0);
	cr_assert_eq(chan_get(&b, &m), 0);
}

Test(chan, bounds_the_output_queue)
{
	static uint8_t	chunk[CHAN_MAX_PAYLOAD];
	int		i, refused = 0;

	/* Nobody reads b: composing must stop at CHAN_MAX_QUEUED. */
	for (i = 0; i < 2 * CHAN_MAX_QUEUED / CHAN_MAX_PAYLOAD; i++)
		if (chan_compose(&a, IMSG_CAM_FRAME, 0, -1, chunk,
		    sizeof(chunk)) == -1)
			refused++;
	cr_assert_gt(refused, 0);
	cr_assert_leq(chan_queued(&a), (size_t)CHAN_MAX_QUEUED);
}

Test(chan, strfield_requires_termination)
{
	char	f[4] = { 'a', 'b', 'c', 'd' };

	cr_assert_eq(chan_strfield(f, sizeof(f)), -1);
	f[3] = '\0';
	cr_assert_eq(chan_strfield(f, sizeof(f)), 0);
}

/* Send one header (with flags) and optionally an fd, as a hostile peer. */
static void
send_raw(int sock, uint32_t type, uint16_t flags, int fd)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct chan_hdr	 h = { .ch_type = type, .ch_flags = flags };
	struct msghdr	 msg;
	struct cmsghdr	*c;
	struct iovec	 iov = { &h, sizeof(h) };

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd != -1) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_len = CMSG_LEN(sizeof(int));
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	cr_assert_eq(sendmsg(sock, &msg, 0), (ssize_t)sizeof(h));
}

/* The write end of a pipe is closed everywhere once its reader sees EOF. */
static int
pipe_closed(int rfd)
{
	char	c;

	return read(rfd, &c, 1) == 0;
}

Test(chan, refuses_an_fd_parked_on_a_message_that_carries_none)
{
	struct chan_msg	m;
	int		p[2];

	cr_assert_eq(pipe(p), 0);
	/* Two messages without CHAN_F_HASFD, the first bringing an fd. */
	send_raw(a.fd, IMSG_CTL_SHOW_CAMERAS, 0, p[1]);
	send_raw(a.fd, IMSG_CTL_SHOW_CAMERAS, 0, -1);
	close(p[1]);
	cr_assert(chan_read(&b) > 0);
	cr_assert_eq(chan_get(&b, &m), 1);
	cr_assert_eq(m.fd, -1);
	cr_assert_eq(chan_get(&b, &m), -1, "a stray fd was accepted");
	cr_assert_eq(errno, EBADMSG);
	/* Dropping the peer closes what it parked. */
	chan_clear(&b);
	cr_assert(pipe_closed(p[0]));
	close(p[0]);
}

Test(chan, refuses_an_fd_sent_after_the_message_that_claims_it)
{
	struct chan_msg	m;
	int		p[2];

	cr_assert_eq(pipe(p), 0);
	/* A header claiming an fd, the fd only with a later message. */
	send_raw(a.fd, IMSG_CFG_LISTEN, CHAN_F_HASFD, -1);
	cr_assert(chan_read(&b) > 0);
	send_raw(a.fd, IMSG_CFG_END, 0, p[1]);
	close(p[1]);
	cr_assert(chan_read(&b) > 0);
	cr_assert_eq(chan_get(&b, &m), -1);
	chan_clear(&b);
	cr_assert(pipe_closed(p[0]));
	close(p[0]);
}

Test(chan, a_peer_that_may_not_pass_fds_is_refused_at_once)
{
	struct chan_msg	m;
	int		p[2];

	cr_assert_eq(pipe(p), 0);
	b.nofds = 1;
	/* Even a well-formed message carrying one. */
	cr_assert_eq(chan_compose(&a, IMSG_CFG_LISTEN, 0, p[1], "x", 1), 0);
	cr_assert_eq(chan_flush_all(&a), 0);
	cr_assert_eq(chan_read(&b), -1);
	cr_assert_eq(errno, EBADMSG);
	/* The fd is closed already, before the channel is. */
	cr_assert(pipe_closed(p[0]));
	/* And the message that claimed it lacks it now. */
	cr_assert_eq(chan_get(&b, &m), -1);
	close(p[0]);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/*
 * A peer that never reads while signals keep coming (every 50 ms, no
 * SA_RESTART): chan_flush_all gives up at its deadline instead of
 * starting its wait again after each signal.
 */
Test(chan, flush_all_ends_at_its_deadline_under_signals, .timeout = 60)
{
	static uint8_t		chunk[64 * 1024];
	struct sigaction	sa;
	struct itimerval	it = { { 0, 50000 }, { 0, 50000 } };
	struct timespec		t0, t1;
	int			i, r;

	/*
	 * Under qemu-user (7.2, i386) a signal handled in one thread
	 * leaves another thread on the wrong thread's TLS: criterion's
	 * worker then hangs at exit or fails pthread_join (EDEADLK).
	 * regress/unit/qemusig.c shows it without us; run-units.sh runs
	 * it and sets V720D_QEMU_USER.  Natively this test runs.
	 */
	if (getenv("V720D_QEMU_USER") != NULL) {
		fprintf(stderr, "SKIPPED under %s: chan::flush_all_ends_at_"
		    "its_deadline_under_signals\n  why: %s\n",
		    getenv("V720D_QEMU_USER"), getenv("V720D_QEMU_USER_WHY"));
		cr_skip_test("qemu-user loses a thread's TLS after a signal");
	}
	cr_assert_eq(fcntl(a.fd, F_SETFL, O_NONBLOCK), 0);
	for (i = 0; i < 64; i++)
		if (chan_compose(&a, IMSG_CAM_FRAME, 0, -1, chunk,
		    sizeof(chunk)) == -1)
			break;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	cr_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
	cr_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = chan_flush_all(&a);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	cr_assert_eq(r, -1);
	cr_assert_eq(errno, ETIMEDOUT);
	cr_assert_lt(t1.tv_sec - t0.tv_sec, CHAN_FLUSH_WAIT_MS / 1000 + 15);
}

static void
ev_dispatch(struct chanev *ce, struct chan_msg *m, void *arg)
{
}

static void
ev_closed(struct chanev *ce, void *arg)
{
}

/* Messages waiting to be read on fd, each IMSG_CTL_END with peerid i. */
static int
held_count(struct chan *rd, uint32_t *next)
{
	struct chan_msg	m;
	int		n = 0, r;

	for (;;) {
		while ((r = chan_get(rd, &m)) == 1) {
			cr_assert_eq(m.hdr.ch_peerid, *next, "out of order");
			(*next)++;
			n++;
		}
		cr_assert_eq(r, 0);
		if (chan_read(rd) <= 0)
			return n;
	}
}

/*
 * Two event channels, each with a reader (rx, rgone) on the other end;
 * the second is allocated, to be cleared and freed while in use.
 */
static struct chanev *
two_channels(struct chanev *x, struct chan *rx, struct chan *rgone)
{
	struct chanev	*gone;
	int		 sp[2], sq[2];

	event_init();
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sq), 0);
	cr_assert_eq(chanev_init(x, sp[0], ev_dispatch, ev_closed, NULL), 0);
	cr_assert_neq(gone = calloc(1, sizeof(*gone)), NULL);
	cr_assert_eq(chanev_init(gone, sq[0], ev_dispatch, ev_closed,
	    NULL), 0);
	cr_assert_eq(fcntl(sp[1], F_SETFL, O_NONBLOCK), 0);
	cr_assert_eq(fcntl(sq[1], F_SETFL, O_NONBLOCK), 0);
	cr_assert_eq(chan_init(rx, sp[1]), 0);
	cr_assert_eq(chan_init(rgone, sq[1]), 0);
	return gone;
}

/*
 * Held channels write nothing until released, then all they queued in
 * order; one cleared (and freed) while held is left alone.
 */
Test(chan, held_writes_go_out_together_at_release)
{
	struct chanev	 x, *gone;
	struct chan	 rx, rgone;
	int		 i;
	uint32_t	 next = 0, nextgone = 0;

	gone = two_channels(&x, &rx, &rgone);

	/* Not held: out at once. */
	cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, 0, -1, NULL, 0), 0);
	cr_assert_eq(held_count(&rx, &next), 1);

	chanev_hold();
	for (i = 1; i <= 5; i++)
		cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, i, -1, NULL,
		    0), 0);
	cr_assert_eq(chanev_compose(gone, IMSG_CTL_END, 0, -1, NULL, 0), 0);
	cr_assert_eq(held_count(&rx, &next), 0, "sent while held");
	cr_assert_eq(held_count(&rgone, &nextgone), 0);
	chanev_clear(gone);
	free(gone);
	chanev_release();
	cr_assert_eq(held_count(&rx, &next), 5,
	    "released: all five, in order");
	cr_assert_eq(held_count(&rgone, &nextgone), 0,
	    "a channel cleared while held was written at release");

	/* Released: out at once again. */
	cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, 6, -1, NULL, 0), 0);
	cr_assert_eq(held_count(&rx, &next), 1);
	chanev_clear(&x);
	chan_clear(&rx);
	chan_clear(&rgone);
}

static uint64_t
mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void
sleep_until(uint64_t t)
{
	struct timespec	ts;
	uint64_t	now;

	while ((now = mono_ns()) < t) {
		ts.tv_sec = (t - now) / 1000000000ULL;
		ts.tv_nsec = (t - now) % 1000000000ULL;
		nanosleep(&ts, NULL);
	}
}

/*
 * A lingering channel (the engine's to the recorder and the rtsp child)
 * writes the first message after a quiet spell at once, then at most once
 * per period: what comes meanwhile is queued, in order, and goes with the
 * first message after the period, or by its timer when none comes;
 * chanev_push writes at once (at release when held); past
 * CHANEV_LINGER_MAX queued bytes it writes at once.  A channel cleared
 * while lingering is never written (freed: ASan would see its timer).
 */
#define PERIOD	100000000ULL	/* ns */
Test(chan, lingering_writes_at_most_once_per_period)
{
	static uint8_t	 big[16 * 1024];
	struct chanev	 x, *gone;
	struct chan	 rx, rgone;
	struct chan_msg	 m;
	int		 i, n;
	uint32_t	 next = 0, nextgone = 0;
	uint64_t	 t0, t1, nw;

	gone = two_channels(&x, &rx, &rgone);
	chanev_linger(&x, PERIOD / 1000000);
	chanev_linger(gone, 60000);	/* still lingering when cleared */

	/* After a quiet spell: at once. */
	cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, 0, -1, NULL, 0), 0);
	cr_assert_eq(held_count(&rx, &next), 1, "the first waited");
	cr_assert_eq(x.c.nwrites, 1);

	/*
	 * Within the period: queued, nothing written.  Timed from the
	 * channel's own write, not the test's clock before it: under
	 * valgrind on a busy machine the two are far apart (CI saw it).
	 */
	t0 = x.last_write_ns;
	for (i = 1; i <= 5; i++)
		cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, i, -1, NULL,
		    0), 0);
	if (mono_ns() < t0 + PERIOD) {
		cr_assert_eq(held_count(&rx, &next), 0, "written early");
		cr_assert_eq(x.c.nwrites, 1);

		/* The first message after the period takes them all (the
		 * timer cannot have: the event loop did not run). */
		sleep_until(t0 + PERIOD);
		cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, 6, -1, NULL,
		    0), 0);
		cr_assert_eq(held_count(&rx, &next), 6,
		    "not all six, in order");
		cr_assert_eq(x.c.nwrites, 2, "not in one write");
	} else {
		/* Descheduled past the period: nothing here to judge. */
		cr_log_warn("five messages took longer than the period");
		cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, 6, -1, NULL,
		    0), 0);
		while (x.lingering)
			cr_assert_neq(event_loop(EVLOOP_ONCE), -1);
		cr_assert_eq(held_count(&rx, &next), 6,
		    "not all six, in order");
	}
	cr_assert(!x.lingering, "its timer left behind");

	/* None comes after the period: the timer writes it. */
	cr_assert_eq(chanev_compose(gone, IMSG_CTL_END, 0, -1, NULL, 0), 0);
	cr_assert_eq(chanev_compose(gone, IMSG_CTL_END, 1, -1, NULL, 0), 0);
	cr_assert_eq(held_count(&rgone, &nextgone), 1);
	chanev_clear(gone);
	free(gone);
	t1 = x.last_write_ns;
	nw = x.c.nwrites;
	cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, 7, -1, NULL, 0), 0);
	if (x.lingering) {
		/* Within the period: a period after it, not before. */
		while (x.lingering)
			cr_assert_neq(event_loop(EVLOOP_ONCE), -1);
		cr_assert_geq(mono_ns(), t1 + 2 * PERIOD, "period cut short");
	} else	/* descheduled past the period: at once */
		cr_assert_geq(x.last_write_ns, t1 + PERIOD,
		    "written within the period");
	cr_assert_eq(held_count(&rx, &next), 1);
	cr_assert_eq(x.c.nwrites, nw + 1);
	cr_assert_eq(held_count(&rgone, &nextgone), 0,
	    "a channel cleared while lingering was written");

	/* Pushed: at once, or at release when held. */
	cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, 8, -1, NULL, 0), 0);
	chanev_push(&x);
	cr_assert_eq(held_count(&rx, &next), 1, "pushed, not written");
	chanev_hold();
	cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, 9, -1, NULL, 0), 0);
	chanev_push(&x);
	cr_assert_eq(held_count(&rx, &next), 0, "written while held");
	chanev_release();
	cr_assert_eq(held_count(&rx, &next), 1, "pushed, not released");
	cr_assert_eq(x.c.nwrites, nw + 3);

	/* Big messages within a long period: written once past the limit. */
	chanev_linger(&x, 60000);
	nw = x.c.nwrites;
	for (n = 0; x.c.nwrites == nw; n++) {
		cr_assert_lt((size_t)n * sizeof(big), 2 * CHANEV_LINGER_MAX);
		cr_assert_eq(chanev_compose(&x, IMSG_CTL_END, 10 + n, -1, big,
		    sizeof(big)), 0);
	}
	cr_assert_geq((size_t)n * sizeof(big), CHANEV_LINGER_MAX,
	    "written before the limit");
	for (i = 0; i < n; i++) {
		while (chan_get(&rx, &m) != 1)
			cr_assert_gt(chan_read(&rx), 0, "message %d lost", i);
		cr_assert_eq(m.hdr.ch_peerid, (uint32_t)(10 + i));
		cr_assert_eq(m.len, sizeof(big));
	}
	chanev_clear(&x);
	chan_clear(&rx);
	chan_clear(&rgone);
}

/*
 * The stats count writes, not messages: queued messages go in one
 * sendmsg, a message carrying a descriptor starts a write of its own.
 */
Test(chan, counts_its_writes_for_the_stats)
{
	struct chan_msg	m;
	int		fd, i;

	cr_assert_eq(a.nwrites, 0);
	for (i = 0; i < 3; i++)
		cr_assert_eq(chan_compose(&a, IMSG_CTL_END, i, -1, NULL, 0), 0);
	cr_assert_eq(chan_flush_all(&a), 0);
	cr_assert_eq(a.nwrites, 1, "%llu writes for 3 queued messages",
	    (unsigned long long)a.nwrites);
	cr_assert((fd = dup(0)) != -1);
	cr_assert_eq(chan_compose(&a, IMSG_CTL_END, 3, -1, NULL, 0), 0);
	cr_assert_eq(chan_compose(&a, IMSG_CFG_LISTEN, 4, fd, "x", 1), 0);
	cr_assert_eq(chan_flush_all(&a), 0);
	cr_assert_eq(a.nwrites, 3, "%llu writes", (unsigned long long)a.nwrites);
	for (i = 0; i < 5; i++) {
		cr_assert_eq(get_one(&m), 1);
		if (m.fd != -1)
			close(m.fd);
	}
}
