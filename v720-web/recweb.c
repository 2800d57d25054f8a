/*
 * Recordings for the API: v720-web is chrooted where there are none,
 * so it asks the recorder over their channel.  Lists and events come
 * back as messages; a segment or thumbnail comes back as a read-only
 * descriptor that we serve (with Range); playback comes as frames in
 * batches we ask for and send at the recorded pace.  Every request
 * has an id (ch_peerid) tying the answers to its connection.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "codec.h"
#include "jsonw.h"
#include "log.h"
#include "proc.h"
#include "sibling.h"
#include "web.h"

#define RQ_TIMEOUT	10	/* s: for a list or a file */
#define RQ_MAX		256	/* requests at once */
#define PLAY_QMAX	48	/* frames queued per playback */
#define PLAY_LOW	16	/* ask for more below this */
/* We ask below PLAY_LOW with nothing owed: a batch always fits. */
#if PLAY_LOW - 1 + REC_PLAY_BATCH > PLAY_QMAX
#error "a playback batch does not fit the queue"
#endif
#define PLAY_OUT_MAX	(2 * 1024 * 1024)	/* unsent bytes: wait */

enum rq_kind { RQ_LIST, RQ_EVENTS, RQ_FILE, RQ_PLAY };

struct recreq {
	TAILQ_ENTRY(recreq)	 rq_entry;
	uint32_t		 rq_id;
	enum rq_kind		 rq_kind;
	struct conn		*rq_conn;
	char			 rq_cam[V720_ID_MAX];
	struct jsonw		 rq_w;
	int			 rq_n;
	/* playback */
	struct frame		*rq_q[PLAY_QMAX];
	int64_t			 rq_qts[PLAY_QMAX];	/* wall clock, us */
	int			 rq_nq;
	int			 rq_owed;	/* frames asked, not yet here */
	int			 rq_end;	/* the recorder has no more */
	int64_t			 rq_t0;		/* first frame, wall us */
	uint64_t		 rq_m0;		/* when it was sent, mono us */
	struct event		 rq_ev;
	uint64_t		 rq_frames;
	uint64_t		 rq_surplus;	/* frames not owed, dropped */
};
TAILQ_HEAD(recreqs, recreq);

static struct recreqs	reqs = TAILQ_HEAD_INITIALIZER(reqs);
static size_t		nreqs;
static uint32_t		next_id = 1;
static struct chanev	rec_ce;
static int		rec_up;

static void	recweb_dispatch(struct chanev *, struct chan_msg *, void *);
static void	recweb_closed(struct chanev *, void *);
static void	play_pump(int, short, void *);

static void
rq_free(struct recreq *rq)
{
	int	i;

	TAILQ_REMOVE(&reqs, rq, rq_entry);
	nreqs--;
	if (rq->rq_conn != NULL)
		rq->rq_conn->c_rec = NULL;
	if (rq->rq_kind == RQ_LIST || rq->rq_kind == RQ_EVENTS)
		jsonw_free(&rq->rq_w);
	if (rq->rq_kind == RQ_PLAY) {
		if (event_initialized(&rq->rq_ev))
			evtimer_del(&rq->rq_ev);
		for (i = 0; i < rq->rq_nq; i++)
			frame_unref(rq->rq_q[i]);
	}
	free(rq);
}

void
recweb_peer(struct chan_msg *m)
{
	if (rec_up) {
		recweb_closed(&rec_ce, NULL);
	}
	if (sibling_open(&rec_ce, m, IMSG_REC_FILE, recweb_dispatch,
	    recweb_closed, NULL) == -1)
		fatal("%s: recorder channel", __func__);
	rec_up = 1;
	log_debug("recorder channel up");
}

/* The recorder went away: what waited on it gets an answer now. */
static void
recweb_closed(struct chanev *ce, void *arg)
{
	struct recreq	*rq, *next;
	struct conn	*c;

	log_debug("recorder channel closed");
	chanev_clear(&rec_ce);
	rec_up = 0;
	TAILQ_FOREACH_SAFE(rq, &reqs, rq_entry, next) {
		c = rq->rq_conn;
		if (rq->rq_kind == RQ_PLAY) {
			rq->rq_end = 1;
			continue;	/* plays out what it has */
		}
		rq_free(rq);
		if (c != NULL) {
			c->c_state = CS_WRITE;
			reply_error(c, 503, "recorder not running");
			conn_update(c);
		}
	}
}

static struct recreq *
rq_new(struct conn *c, enum rq_kind kind, const char *cam)
{
	struct recreq	*rq;

	if (nreqs >= RQ_MAX) {
		reply_error(c, 503, "too many recording requests");
		return NULL;
	}
	if ((rq = calloc(1, sizeof(*rq))) == NULL) {
		reply_error(c, 500, "out of memory");
		return NULL;
	}
	rq->rq_id = next_id++;
	if (next_id == 0)
		next_id = 1;
	rq->rq_kind = kind;
	rq->rq_conn = c;
	strlcpy(rq->rq_cam, cam, sizeof(rq->rq_cam));
	TAILQ_INSERT_TAIL(&reqs, rq, rq_entry);
	nreqs++;
	c->c_rec = rq;
	return rq;
}

static int
rq_send(struct recreq *rq, uint32_t type, const char *day, const char *file,
    int64_t from_ms)
{
	struct rec_req	rr;

	memset(&rr, 0, sizeof(rr));
	strlcpy(rr.rr_id, rq->rq_cam, sizeof(rr.rr_id));
	if (day != NULL)
		strlcpy(rr.rr_day, day, sizeof(rr.rr_day));
	if (file != NULL)
		strlcpy(rr.rr_file, file, sizeof(rr.rr_file));
	rr.rr_from_ms = from_ms;
	return chanev_compose(&rec_ce, type, rq->rq_id, -1, &rr, sizeof(rr));
}

/* GET .../recordings and .../events. */
void
recweb_list(struct conn *c, struct cam *cam, int events)
{
	struct recreq	*rq;
	const char	 empty[] = "[]";

	if (!rec_up) {
		/* Nothing records, so nothing to list. */
		reply_json(c, 200, empty, 2);
		return;
	}
	if ((rq = rq_new(c, events ? RQ_EVENTS : RQ_LIST, cam->cam_id)) ==
	    NULL)
		return;
	jsonw_init(&rq->rq_w);
	jsonw_arr_open(&rq->rq_w);
	if (rq_send(rq, events ? IMSG_REC_EVENTS : IMSG_REC_LIST, NULL, NULL,
	    0) == -1) {
		rq_free(rq);
		reply_error(c, 503, "recorder busy");
		return;
	}
	c->c_state = CS_REC;
	conn_set_timeout(c, RQ_TIMEOUT);
}

static int
valid_day(const char *s)
{
	int	i;

	if (strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* GET /api/recordings/{id}/{day}/{file}: a segment or a thumbnail. */
void
recweb_file(struct conn *c, const char *id, const char *day,
    const char *file)
{
	struct recreq	*rq;

	if (!valid_day(day) || strlen(file) >= REC_FILE_MAX ||
	    strchr(file, '/') != NULL || file[0] == '.') {
		reply_error(c, 404, "no such recording");
		return;
	}
	if (!rec_up) {
		reply_error(c, 404, "no such recording");
		return;
	}
	if ((rq = rq_new(c, RQ_FILE, id)) == NULL)
		return;
	if (rq_send(rq, IMSG_REC_OPEN, day, file, 0) == -1) {
		rq_free(rq);
		reply_error(c, 503, "recorder busy");
		return;
	}
	c->c_state = CS_REC;
	conn_set_timeout(c, RQ_TIMEOUT);
}

/*
 * "bytes=A-B", "bytes=A-", "bytes=-N" against size: 1 and [*off, *off
 * + *len) to send, 0 to send it all (no or unusable header), -1 if it
 * cannot be satisfied (416).
 */
int
recweb_range(const char *h, uint64_t size, uint64_t *off, uint64_t *len)
{
	unsigned long long	 a, b;
	char			*end;

	if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ',') != NULL)
		return 0;
	h += 6;
	if (*h == '-') {
		if (h[1] < '0' || h[1] > '9')
			return 0;
		errno = 0;
		b = strtoull(h + 1, &end, 10);
		if (errno != 0 || *end != '\0')
			return 0;
		if (b == 0 || size == 0)
			return -1;
		if (b > size)
			b = size;
		*off = size - b;
		*len = b;
		return 1;
	}
	if (*h < '0' || *h > '9')
		return 0;
	errno = 0;
	a = strtoull(h, &end, 10);
	if (errno != 0 || *end != '-')
		return 0;
	h = end + 1;
	if (*h == '\0')
		b = size - 1;
	else {
		if (*h < '0' || *h > '9')
			return 0;
		b = strtoull(h, &end, 10);
		if (errno != 0 || *end != '\0' || b < a)
			return 0;
		if (b >= size)
			b = size - 1;
	}
	if (a >= size)
		return -1;
	*off = a;
	*len = b - a + 1;
	return 1;
}

static void
file_reply(struct conn *c, int fd, const struct rec_file *rf)
{
	struct evbuffer_file_segment	*seg;
	struct stat			 st;
	uint64_t			 off = 0, len, size;
	const char			*ctype;
	char				 extra[160];
	int				 r, status = 200;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		reply_error(c, 404, "no such recording");
		return;
	}
	/* A segment still being written: what is there now. */
	size = st.st_size;
	len = size;
	ctype = strstr(rf->rf_file, ".jpg") != NULL ? "image/jpeg" :
	    "video/x-matroska";
	if ((r = recweb_range(c->c_req.range, size, &off, &len)) == -1) {
		close(fd);
		snprintf(extra, sizeof(extra), "Content-Range: bytes */%" PRIu64
		    "\r\n", size);
		reply(c, 416, "application/json",
		    "{\"error\":\"range not satisfiable\"}", 33, extra);
		return;
	}
	if (r == 1) {
		status = 206;
		snprintf(extra, sizeof(extra), "Accept-Ranges: bytes\r\n"
		    "Content-Range: bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64
		    "\r\n", off, off + len - 1, size);
	} else
		snprintf(extra, sizeof(extra), "Accept-Ranges: bytes\r\n");
	if (c->c_req.method == HTTP_HEAD || len == 0) {
		close(fd);
		reply_head_only(c, status, ctype, len, extra);
		return;
	}
	/*
	 * The file goes out from the kernel's page cache: sendfile on
	 * plain connections, a mapping that libtls reads from on TLS ones.
	 * The segment owns fd from here on.
	 */
	if ((seg = evbuffer_file_segment_new(fd, off, len,
	    EVBUF_FS_CLOSE_ON_FREE | (c->c_tls != NULL ?
	    EVBUF_FS_DISABLE_SENDFILE : 0))) == NULL) {
		close(fd);
		reply_error(c, 500, "cannot read the recording");
		return;
	}
	reply_head_only(c, status, ctype, len, extra);
	if (evbuffer_add_file_segment(c->c_out, seg, 0, len) == -1) {
		evbuffer_file_segment_free(seg);
		conn_close(c);
		return;
	}
	evbuffer_file_segment_free(seg);	/* the buffer holds it now */
	conn_flush(c);
}

/* GET .../playback?from=T: MJPEG from the recording, at its pace. */
void
recweb_play(struct conn *c, struct cam *cam)
{
	struct recreq	*rq;
	const char	*q = c->c_req.query;
	char		 key[16], val[32], *end;
	double		 from = -1;
	int		 r;

	while (q != NULL && (r = http_query_next(&q, key, sizeof(key), val,
	    sizeof(val))) == 1)
		if (strcmp(key, "from") == 0) {
			from = strtod(val, &end);
			if (end == val || *end != '\0' || from < 0 ||
			    from > 1e11)
				from = -2;
		}
	if (from < 0) {
		reply_error(c, 400, "from=T (Unix seconds) is required");
		return;
	}
	if (!rec_up) {
		reply_error(c, 404, "no recordings");
		return;
	}
	if ((rq = rq_new(c, RQ_PLAY, cam->cam_id)) == NULL)
		return;
	if (rq_send(rq, IMSG_REC_PLAY, NULL, NULL, (int64_t)(from * 1000)) ==
	    -1) {
		rq_free(rq);
		reply_error(c, 503, "recorder busy");
		return;
	}
	rq->rq_owed = REC_PLAY_BATCH;
	evtimer_set(&rq->rq_ev, play_pump, rq);
	/* The head waits for the first frame: no recording is a 404. */
	c->c_state = CS_REC;
	conn_set_timeout(c, RQ_TIMEOUT);
}

static void
play_finish(struct recreq *rq)
{
	struct conn	*c = rq->rq_conn;
	static const char tail[] = "--" WEB_BOUNDARY "--\r\n";

	rq_free(rq);
	if (c == NULL)
		return;
	evbuffer_add(c->c_out, tail, sizeof(tail) - 1);
	c->c_state = CS_CLOSE;
	conn_set_timeout(c, WEB_WRITE_TIMEOUT);
	conn_flush(c);
}

static void
play_send(struct recreq *rq, struct frame *f)
{
	struct conn	*c = rq->rq_conn;
	char		 hdr[128];
	size_t		 hlen;

	if ((hlen = mjpeg_part_header(hdr, sizeof(hdr), f->f_len)) == 0 ||
	    evbuffer_add(c->c_out, hdr, hlen) == -1 ||
	    evbuffer_add_reference(c->c_out, f->f_data, f->f_len,
	    frame_evbuffer_cleanup, frame_ref(f)) == -1 ||
	    evbuffer_add(c->c_out, "\r\n", 2) == -1) {
		log_warnx("%s: cannot queue a playback frame", c->c_peer);
		conn_close(c);
		return;
	}
	rq->rq_frames++;
}

/* Send what is due; wait for the rest, or for a slow client. */
static void
play_pump(int fd, short ev, void *arg)
{
	struct recreq	*rq = arg;
	struct conn	*c = rq->rq_conn;
	struct timeval	 tv;
	uint64_t	 now, due;
	int		 i, n = 0;

	if (c == NULL || c->c_dying) {
		chanev_compose(&rec_ce, IMSG_REC_PLAY_STOP, rq->rq_id, -1,
		    NULL, 0);
		rq_free(rq);
		return;
	}
	now = proc_now_ns() / 1000;
	while (n < rq->rq_nq) {
		if (evbuffer_get_length(c->c_out) > PLAY_OUT_MAX)
			break;
		due = rq->rq_m0 + (rq->rq_qts[n] - rq->rq_t0);
		if (due > now)
			break;
		play_send(rq, rq->rq_q[n]);
		if (c->c_dying)
			return;
		n++;
	}
	for (i = 0; i < n; i++)
		frame_unref(rq->rq_q[i]);
	memmove(rq->rq_q, rq->rq_q + n, (rq->rq_nq - n) * sizeof(rq->rq_q[0]));
	memmove(rq->rq_qts, rq->rq_qts + n, (rq->rq_nq - n) *
	    sizeof(rq->rq_qts[0]));
	rq->rq_nq -= n;
	if (n > 0)
		conn_flush(c);
	/*
	 * One batch at a time: the next is asked for once the last has
	 * come whole, however many frames arrive or are sent meanwhile.
	 */
	if (rq->rq_nq < PLAY_LOW && rq->rq_owed == 0 && !rq->rq_end &&
	    rec_up) {
		if (chanev_compose(&rec_ce, IMSG_REC_PLAY_MORE, rq->rq_id, -1,
		    NULL, 0) == 0)
			rq->rq_owed = REC_PLAY_BATCH;
	}
	if (rq->rq_nq == 0) {
		if (rq->rq_end)
			play_finish(rq);
		return;		/* the next batch arms the timer */
	}
	due = rq->rq_m0 + (rq->rq_qts[0] - rq->rq_t0);
	due = due > now ? due - now : 0;
	if (evbuffer_get_length(c->c_out) > PLAY_OUT_MAX && due < 50000)
		due = 50000;
	tv.tv_sec = due / 1000000;
	tv.tv_usec = due % 1000000;
	evtimer_add(&rq->rq_ev, &tv);
}

/* A playback frame, its size checked by recweb_check(). */
static void
play_frame(struct recreq *rq, struct chan_msg *m)
{
	struct cam_media	 cm;
	struct conn		*c = rq->rq_conn;
	struct frame		*f;
	size_t			 n;

	memcpy(&cm, m->data, sizeof(cm));
	n = m->len - sizeof(cm);
	if (rq->rq_owed == 0 || rq->rq_nq >= PLAY_QMAX) {
		/*
		 * More than we asked for: the recorder's business, not a
		 * reason to end every viewer's stream.  Dropped, counted.
		 */
		if (rq->rq_surplus++ == 0)
			log_warnx("playback %u: the recorder sent a frame "
			    "not asked for; dropped", rq->rq_id);
		web->w_play_surplus++;
		return;
	}
	rq->rq_owed--;
	if ((f = frame_new(m->data + sizeof(cm), n, cm.cm_seq, 0)) == NULL)
		fatal("%s", __func__);
	if (c != NULL && c->c_state == CS_REC) {
		/* The first frame: now the stream starts. */
		if (reply_stream_head(c, "multipart/x-mixed-replace;boundary="
		    WEB_BOUNDARY) == -1) {
			frame_unref(f);
			chanev_compose(&rec_ce, IMSG_REC_PLAY_STOP, rq->rq_id,
			    -1, NULL, 0);
			rq_free(rq);
			return;
		}
		c->c_state = CS_PLAY;
		conn_stream_sndbuf(c);
		conn_set_timeout(c, 30);
		rq->rq_t0 = cm.cm_ts_ns / 1000;
		rq->rq_m0 = proc_now_ns() / 1000;
	}
	rq->rq_q[rq->rq_nq] = f;
	rq->rq_qts[rq->rq_nq] = cm.cm_ts_ns / 1000;
	rq->rq_nq++;
	if (!evtimer_pending(&rq->rq_ev, NULL))
		play_pump(-1, 0, rq);
}

static void
list_item(struct recreq *rq, struct chan_msg *m)
{
	struct rec_file	 rf;
	struct rec_event re;
	struct jsonw	*w = &rq->rq_w;
	char		 url[160], file[64];

	/* recweb_check() checked sizes and strings. */
	if (rq->rq_kind == RQ_LIST) {
		memcpy(&rf, m->data, sizeof(rf));
		snprintf(file, sizeof(file), "%s/%s", rf.rf_day, rf.rf_file);
		snprintf(url, sizeof(url), "/api/recordings/%s/%s",
		    rq->rq_cam, file);
		jsonw_obj_open(w);
		jsonw_kstr(w, "file", file);
		jsonw_key(w, "start");
		jsonw_double(w, rf.rf_start_ms / 1000.0);
		jsonw_key(w, "end");
		jsonw_double(w, rf.rf_end_ms / 1000.0);
		jsonw_kuint(w, "frames", rf.rf_frames);
		jsonw_kuint(w, "bytes", rf.rf_bytes);
		jsonw_kstr(w, "url", url);
		jsonw_key(w, "recording");
		jsonw_bool(w, rf.rf_open);
		jsonw_obj_close(w);
	} else {
		memcpy(&re, m->data, sizeof(re));
		snprintf(url, sizeof(url), "/api/recordings/%s/%s/%s",
		    rq->rq_cam, re.re_day, re.re_thumb);
		jsonw_obj_open(w);
		jsonw_key(w, "start");
		jsonw_double(w, re.re_start_ms / 1000.0);
		jsonw_key(w, "end");
		if (re.re_end_ms == 0)
			jsonw_null(w);
		else
			jsonw_double(w, re.re_end_ms / 1000.0);
		jsonw_key(w, "score");
		jsonw_double(w, re.re_score / 100.0);
		jsonw_kstr(w, "thumbnail", url);
		jsonw_obj_close(w);
	}
	rq->rq_n++;
}

/*
 * What each answer must carry, whether its request still waits or not:
 * NULL, or what is wrong with it.
 */
static const char *
recweb_check(const struct chan_msg *m)
{
	struct rec_file		rf;
	struct rec_event	re;

	if ((m->fd != -1) != (m->hdr.ch_type == IMSG_REC_FD))
		return m->fd != -1 ? "a descriptor it may not pass" :
		    "REC_FD without a descriptor";
	switch (m->hdr.ch_type) {
	case IMSG_REC_FILE:
	case IMSG_REC_FD:
		if (m->len != sizeof(rf))
			return "REC_FILE or REC_FD of a bad size";
		memcpy(&rf, m->data, sizeof(rf));
		if (chan_strfield(rf.rf_day, sizeof(rf.rf_day)) ||
		    chan_strfield(rf.rf_file, sizeof(rf.rf_file)))
			return "REC_FILE or REC_FD with bad strings";
		return NULL;
	case IMSG_REC_EVENT:
		if (m->len != sizeof(re))
			return "REC_EVENT of a bad size";
		memcpy(&re, m->data, sizeof(re));
		if (chan_strfield(re.re_day, sizeof(re.re_day)) ||
		    chan_strfield(re.re_thumb, sizeof(re.re_thumb)))
			return "REC_EVENT with bad strings";
		return NULL;
	case IMSG_REC_PFRAME:
		if (m->len <= sizeof(struct cam_media) ||
		    m->len - sizeof(struct cam_media) > V720_FRAME_MAX)
			return "REC_PFRAME of a bad size";
		return NULL;
	case IMSG_REC_END:
		return m->len == 0 ? NULL : "REC_END with a payload";
	case IMSG_REC_FAIL:
		if (m->len == 0 || memchr(m->data, '\0', m->len) == NULL)
			return "unterminated REC_FAIL";
		return NULL;
	default:
		return "a type it does not send";
	}
}

static void
recweb_dispatch(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct recreq	*rq;
	struct conn	*c;
	struct rec_file	 rf;
	const char	*s;
	size_t		 len;

	if ((s = recweb_check(m)) != NULL) {
		sibling_bad(ce, m, "%s", s);
		return;
	}
	TAILQ_FOREACH(rq, &reqs, rq_entry)
		if (rq->rq_id == m->hdr.ch_peerid)
			break;
	if (rq == NULL) {
		/* Its client left; playbacks were stopped then. */
		if (m->fd != -1)
			close(m->fd);
		return;
	}
	c = rq->rq_conn;
	switch (m->hdr.ch_type) {
	case IMSG_REC_FILE:
	case IMSG_REC_EVENT:
		if (rq->rq_kind != (m->hdr.ch_type == IMSG_REC_FILE ?
		    RQ_LIST : RQ_EVENTS)) {
			sibling_bad(ce, m, "list item for request %u",
			    rq->rq_id);
			return;
		}
		list_item(rq, m);
		break;
	case IMSG_REC_FD:
		if (rq->rq_kind != RQ_FILE) {
			sibling_bad(ce, m, "a file for request %u", rq->rq_id);
			return;
		}
		memcpy(&rf, m->data, sizeof(rf));
		rq_free(rq);
		if (c == NULL) {
			close(m->fd);
			break;
		}
		c->c_state = CS_WRITE;
		file_reply(c, m->fd, &rf);
		conn_update(c);
		break;
	case IMSG_REC_PFRAME:
		if (rq->rq_kind != RQ_PLAY) {
			sibling_bad(ce, m, "a frame for request %u", rq->rq_id);
			return;
		}
		play_frame(rq, m);
		break;
	case IMSG_REC_END:
		if (rq->rq_kind == RQ_PLAY) {
			rq->rq_end = 1;
			rq->rq_owed = 0;
			if (c != NULL && c->c_state == CS_REC) {
				rq_free(rq);
				c->c_state = CS_WRITE;
				reply_error(c, 404, "no recording from then on");
				conn_update(c);
			} else if (rq->rq_nq == 0)
				play_finish(rq);
			break;
		}
		if (rq->rq_kind == RQ_FILE) {
			sibling_bad(ce, m, "REC_END for a file");
			return;
		}
		jsonw_arr_close(&rq->rq_w);
		if (c != NULL) {
			c->c_state = CS_WRITE;
			if ((s = jsonw_result(&rq->rq_w, &len)) == NULL)
				reply_error(c, 500, "cannot build the answer");
			else
				reply_json(c, 200, s, len);
			conn_update(c);
		}
		rq_free(rq);
		break;
	case IMSG_REC_FAIL:
		rq_free(rq);
		if (c != NULL) {
			c->c_state = CS_WRITE;
			reply_error(c, strstr((const char *)m->data, "too many") ?
			    503 : 404, (const char *)m->data);
			conn_update(c);
		}
		break;
	}
}

/* The connection goes: its request is forgotten, a playback stopped. */
void
recweb_detach(struct conn *c)
{
	struct recreq	*rq = c->c_rec;

	if (rq == NULL)
		return;
	c->c_rec = NULL;
	rq->rq_conn = NULL;
	if (rq->rq_kind == RQ_PLAY) {
		if (rec_up && !rq->rq_end)
			chanev_compose(&rec_ce, IMSG_REC_PLAY_STOP, rq->rq_id,
			    -1, NULL, 0);
		rq_free(rq);
	}
	/* Others wait for their answer, which is then dropped. */
}

void
recweb_timeout(struct conn *c)
{
	recweb_detach(c);
	c->c_state = CS_WRITE;
	reply_error(c, 504, "the recorder did not answer in time");
}

void
recweb_free_all(void)
{
	struct recreq	*rq;

	while ((rq = TAILQ_FIRST(&reqs)) != NULL)
		rq_free(rq);
	if (rec_up)
		chanev_clear(&rec_ce);
	rec_up = 0;
}
