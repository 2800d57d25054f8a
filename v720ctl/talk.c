/*
 * v720ctl talk ID FILE.wav: the WAV's samples to the engine over the
 * control socket, never more than TALK_WINDOW bytes ahead of what the
 * engine has played (its credits), then the end; the engine answers
 * once the camera got the last sample.  "-" reads standard input.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "msg.h"
#include "proc.h"
#include "wav.h"
#include "v720ctl.h"

#define TALK_IDLE_MS	25000	/* no credit for this long: give up */

struct play {
	struct chan	*c;
	const char	*name;
	int		 fd;
	uint8_t		 head[WAV_HEAD_MAX + 8];
	size_t		 hlen, hpos;	/* samples left over from the head */
	uint64_t	 data;		/* sample bytes still to send */
	int		 eof;
	uint8_t		 odd;		/* a byte of a half-read sample */
	int		 hasodd;
	uint64_t	 sent, consumed;
	struct talk_req	 tr;
};

static ssize_t
readsome(int fd, void *buf, size_t n)
{
	ssize_t	r;

	do
		r = read(fd, buf, n);
	while (r == -1 && errno == EINTR);
	return r;
}

static int
play_head(struct play *p)
{
	struct wav_info	wi;
	char		err[160];
	ssize_t		n;
	int		r;

	for (;;) {
		r = wav_parse(p->head, p->hlen, p->eof, &wi, err, sizeof(err));
		if (r != WAV_MORE)
			break;
		if ((n = readsome(p->fd, p->head + p->hlen,
		    sizeof(p->head) - p->hlen)) == -1) {
			fprintf(stderr, "v720ctl: %s: %s\n", p->name,
			    strerror(errno));
			return -1;
		}
		if (n == 0)
			p->eof = 1;
		p->hlen += n;
	}
	if (r != WAV_OK) {
		fprintf(stderr, "v720ctl: %s: %s\n", p->name, err);
		return -1;
	}
	p->hpos = wi.wi_data_off;
	p->data = wi.wi_data_len;
	return 0;
}

static int
play_send(struct play *p, uint32_t type, const void *data, size_t len)
{
	struct iovec	iov[2];

	iov[0].iov_base = &p->tr;
	iov[0].iov_len = sizeof(p->tr);
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;
	if (chan_composev(p->c, type, 0, -1, iov, len > 0 ? 2 : 1) == -1 ||
	    chan_flush_all(p->c) == -1) {
		fprintf(stderr, "v720ctl: sending to v720d: %s\n",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Send what the window allows: 0, 1 when all is sent, -1 on error. */
static int
play_fill(struct play *p)
{
	uint8_t		buf[TALK_CHUNK_MAX];
	size_t		room, want, have, k;
	ssize_t		n;

	for (;;) {
		if (p->data == 0 || (p->eof && p->hpos >= p->hlen &&
		    !p->hasodd))
			return 1;
		room = TALK_WINDOW - (p->sent - p->consumed);
		want = room < sizeof(buf) ? room : sizeof(buf);
		if (want > p->data)
			want = p->data;
		want &= ~(size_t)1;
		if (want == 0)
			return 0;
		have = 0;
		if (p->hasodd) {
			buf[have++] = p->odd;
			p->hasodd = 0;
		}
		if (p->hpos < p->hlen) {
			k = p->hlen - p->hpos;
			if (k > want - have)
				k = want - have;
			memcpy(buf + have, p->head + p->hpos, k);
			p->hpos += k;
			have += k;
		}
		while (have < want && !p->eof) {
			if ((n = readsome(p->fd, buf + have,
			    want - have)) == -1) {
				fprintf(stderr, "v720ctl: %s: %s\n", p->name,
				    strerror(errno));
				return -1;
			}
			if (n == 0)
				p->eof = 1;
			have += n;
		}
		if (have & 1) {
			p->odd = buf[--have];
			p->hasodd = !p->eof;
		}
		if (have == 0)
			return 1;
		if (play_send(p, IMSG_TALK_DATA, buf, have) == -1)
			return -1;
		p->sent += have;
		p->data -= have;
		if (p->data < 2)
			p->data = 0;
	}
}

/* One answer from the engine: 1 go on, 0 done, -1 failed. */
static int
play_status(struct play *p, struct chan_msg *m)
{
	struct talk_status	ts;
	char			msg[sizeof(ts.ts_msg)];

	if (m->hdr.ch_type == IMSG_CTL_FAIL) {
		ctl_printable(msg, sizeof(msg), (const char *)m->data, m->len);
		fprintf(stderr, "v720ctl: %s: %s\n", p->tr.tr_id, msg);
		return -1;
	}
	if (m->hdr.ch_type != IMSG_TALK_STATUS || m->len != sizeof(ts)) {
		fprintf(stderr, "v720ctl: unexpected reply %u from v720d\n",
		    m->hdr.ch_type);
		return -1;
	}
	memcpy(&ts, m->data, sizeof(ts));
	switch (ts.ts_event) {
	case TALK_EV_STARTED:
		return 1;
	case TALK_EV_CREDIT:
		if (ts.ts_consumed > p->sent) {
			fprintf(stderr, "v720ctl: v720d played more than it "
			    "got\n");
			return -1;
		}
		p->consumed = ts.ts_consumed;
		return 1;
	case TALK_EV_DONE:
		printf("%s: %.2f seconds played\n", p->tr.tr_id,
		    ts.ts_samples / 8000.0);
		return 0;
	case TALK_EV_FAIL:
		ctl_printable(msg, sizeof(msg), ts.ts_msg, sizeof(ts.ts_msg));
		fprintf(stderr, "v720ctl: %s: %s\n", p->tr.tr_id, msg[0] ?
		    msg : "talk-back failed");
		return -1;
	default:
		fprintf(stderr, "v720ctl: unexpected talk event %u\n",
		    ts.ts_event);
		return -1;
	}
}

int
talk_play(struct chan *c, const struct parse_result *res)
{
	struct play		*p;
	struct pollfd		 pfd;
	struct chan_msg		 m;
	unsigned long long	 deadline, now;
	ssize_t			 n;
	int			 rv = 1, r, ended = 0;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		fprintf(stderr, "v720ctl: out of memory\n");
		return 1;
	}
	p->c = c;
	p->name = res->outfile;
	p->fd = STDIN_FILENO;
	if (strcmp(p->name, "-") == 0)
		p->name = "standard input";
	else if ((p->fd = open(p->name, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "v720ctl: %s: %s\n", p->name, strerror(errno));
		goto done;
	}
	strlcpy(p->tr.tr_id, res->id, sizeof(p->tr.tr_id));
	p->tr.tr_session = (uint32_t)getpid();
	if (play_head(p) == -1 || play_send(p, IMSG_TALK_START, NULL, 0) == -1)
		goto done;
	deadline = proc_now_ms() + TALK_IDLE_MS;
	for (;;) {
		while ((r = chan_get(c, &m)) == 1) {
			if (m.fd != -1)
				close(m.fd);
			if ((r = play_status(p, &m)) != 1) {
				rv = r == 0 ? 0 : 1;
				goto done;
			}
			deadline = proc_now_ms() + TALK_IDLE_MS;
		}
		if (r == -1) {
			fprintf(stderr, "v720ctl: malformed reply from v720d\n");
			goto done;
		}
		if (!ended) {
			if ((r = play_fill(p)) == -1)
				goto done;
			if (r == 1) {
				if (play_send(p, IMSG_TALK_END, NULL, 0) == -1)
					goto done;
				ended = 1;
			}
		}
		if ((now = proc_now_ms()) >= deadline) {
			fprintf(stderr, "v720ctl: v720d stopped playing (no "
			    "progress for %d s)\n", TALK_IDLE_MS / 1000);
			goto done;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(deadline - now)) == -1 &&
		    errno != EINTR) {
			fprintf(stderr, "v720ctl: poll: %s\n", strerror(errno));
			goto done;
		}
		if (pfd.revents == 0)
			continue;
		if ((n = chan_read(c)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			fprintf(stderr, "v720ctl: %s\n", strerror(errno));
			goto done;
		}
		if (n == 0) {
			fprintf(stderr, "v720ctl: v720d closed the connection\n");
			goto done;
		}
	}
done:
	if (p->fd != -1 && p->fd != STDIN_FILENO)
		close(p->fd);
	free(p);
	return rv;
}
