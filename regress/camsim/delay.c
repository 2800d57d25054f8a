/*
 * --latency MS: the camera takes MS milliseconds before it acts on each
 * message of the server (every JSON message on TCP, every JSON datagram:
 * 101, 11, 21, 50, 53, forwards ...), modelling a camera on Wi-Fi.  The
 * messages wait in order in a per-camera queue; 605s are not delayed
 * (pacing has its own timing).  A queue is dropped with the connection
 * or UDP association it came on.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "proc.h"
#include "camsim.h"

#define DELAY_MAX	256	/* queued messages per camera */

struct delayed {
	TAILQ_ENTRY(delayed)	 d_entry;
	unsigned long long	 d_in;		/* ns, CLOCK_MONOTONIC: arrived */
	unsigned long long	 d_due;		/* ns: to be handled */
	int			 d_kind;	/* DELAY_TCP, DELAY_UDP */
	size_t			 d_len;
	char			 d_data[];
};

static void	delay_cb(int, short, void *);

/* The timer for the head of the queue, to the microsecond. */
static void
delay_arm(struct cam *c)
{
	struct delayed		*d;
	struct timeval		 tv = { 0, 0 };
	unsigned long long	 now = proc_now_ns(), us;

	if ((d = TAILQ_FIRST(&c->cam_delayq)) == NULL)
		return;
	if (d->d_due > now) {
		us = (d->d_due - now + 999) / 1000;
		tv.tv_sec = us / 1000000;
		tv.tv_usec = us % 1000000;
	}
	evtimer_add(&c->cam_delay, &tv);
}

void
delay_init(struct cam *c)
{
	TAILQ_INIT(&c->cam_delayq);
	evtimer_set(&c->cam_delay, delay_cb, c);
}

int
delay_push(struct cam *c, int kind, const void *p, size_t len)
{
	struct delayed	*d;

	if (c->cam_sim->cs_o.o_latency_ms <= 0)
		return 0;
	if (c->cam_ndelayed >= DELAY_MAX ||
	    (d = malloc(sizeof(*d) + len)) == NULL) {
		log_warnx("%s: delay queue full, message lost", c->cam_uid);
		return 1;
	}
	d->d_in = proc_now_ns();
	d->d_due = d->d_in + (unsigned long long)
	    c->cam_sim->cs_o.o_latency_ms * 1000000ULL;
	d->d_kind = kind;
	d->d_len = len;
	memcpy(d->d_data, p, len);
	TAILQ_INSERT_TAIL(&c->cam_delayq, d, d_entry);
	if (c->cam_ndelayed++ == 0)
		delay_arm(c);
	return 1;
}

void
delay_clear(struct cam *c, int kind)
{
	struct delayed	*d, *t;

	TAILQ_FOREACH_SAFE(d, &c->cam_delayq, d_entry, t) {
		if (kind != DELAY_ALL && d->d_kind != kind)
			continue;
		TAILQ_REMOVE(&c->cam_delayq, d, d_entry);
		c->cam_ndelayed--;
		free(d);
	}
	if (c->cam_ndelayed == 0)
		evtimer_del(&c->cam_delay);
}

static void
delay_cb(int fd, short what, void *arg)
{
	struct cam		*c = arg;
	struct delayed		*d;
	unsigned long long	 now = proc_now_ns();

	/* One at a time: handling one may clear the others. */
	while ((d = TAILQ_FIRST(&c->cam_delayq)) != NULL && d->d_due <= now) {
		TAILQ_REMOVE(&c->cam_delayq, d, d_entry);
		c->cam_ndelayed--;
		/* What the latency really was, timer wakeups included. */
		c->cam_sim->cs_st.st_delayed++;
		c->cam_sim->cs_st.st_delay_ns += now - d->d_in;
		if (d->d_kind == DELAY_TCP)
			cam_tcp_json(c, d->d_data, d->d_len);
		else
			media_udp_msg(c, (const uint8_t *)d->d_data, d->d_len);
		free(d);
	}
	delay_arm(c);
}
