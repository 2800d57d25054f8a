/*
 * Answers for v720-web and v720ctl (through the engine): the list of a
 * camera's recordings and events, a read-only descriptor of a segment
 * or thumbnail (v720-web, chrooted elsewhere, cannot open them), and
 * playback: frames read back from the segments in batches the web asks
 * for, so a slow client never makes us buffer a recording.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mux.h"
#include "recorder.h"

struct play {
	TAILQ_ENTRY(play)	 p_entry;
	struct chanev		*p_ce;
	uint32_t		 p_peerid;
	char			 p_id[V720_ID_MAX];
	struct demux		*p_dx;
	int64_t			 p_from_ms;
	int64_t			 p_seg_start_ms;	/* current segment */
	char			 p_day[12], p_file[INDEX_FILE_MAX];
};
TAILQ_HEAD(plays, play);

static struct plays	plays = TAILQ_HEAD_INITIALIZER(plays);
static size_t		nplays;

static void
fail(struct chanev *ce, uint32_t peerid, const char *why)
{
	chanev_compose(ce, IMSG_REC_FAIL, peerid, -1, why, strlen(why) + 1);
}

static void
send_list(struct chanev *ce, uint32_t peerid, struct rcam *rc)
{
	struct rseg	*s;
	struct rec_file	 rf;

	if (rc != NULL)
		TAILQ_FOREACH(s, &rc->rc_segs, s_entry) {
			memset(&rf, 0, sizeof(rf));
			strlcpy(rf.rf_id, rc->rc_id, sizeof(rf.rf_id));
			strlcpy(rf.rf_day, s->s_day, sizeof(rf.rf_day));
			strlcpy(rf.rf_file, s->s.file, sizeof(rf.rf_file));
			rf.rf_start_ms = s->s.start_ms;
			rf.rf_end_ms = s->s.end_ms;
			rf.rf_frames = s->s.frames;
			rf.rf_bytes = s->s.bytes;
			rf.rf_open = s->s_open;
			if (chanev_compose(ce, IMSG_REC_FILE, peerid, -1, &rf,
			    sizeof(rf)) == -1)
				break;
		}
	chanev_compose(ce, IMSG_REC_END, peerid, -1, NULL, 0);
}

static void
send_events(struct chanev *ce, uint32_t peerid, struct rcam *rc)
{
	struct revt	*e;
	struct rec_event re;

	/* Newest first, as the API lists them. */
	if (rc != NULL)
		TAILQ_FOREACH_REVERSE(e, &rc->rc_events, revts, e_entry) {
			memset(&re, 0, sizeof(re));
			strlcpy(re.re_id, rc->rc_id, sizeof(re.re_id));
			strlcpy(re.re_day, e->e_day, sizeof(re.re_day));
			strlcpy(re.re_thumb, e->e.thumb, sizeof(re.re_thumb));
			re.re_start_ms = e->e.start_ms;
			re.re_end_ms = e == rc->rc_event ? 0 : e->e.end_ms;
			re.re_score = e->e.score;
			if (chanev_compose(ce, IMSG_REC_EVENT, peerid, -1, &re,
			    sizeof(re)) == -1)
				break;
		}
	chanev_compose(ce, IMSG_REC_END, peerid, -1, NULL, 0);
}

static void
send_fd(struct chanev *ce, uint32_t peerid, struct rcam *rc,
    const struct rec_req *rr)
{
	struct rec_file	 rf;
	struct rseg	*s;
	struct revt	*e;
	struct stat	 st;
	char		 path[320];
	int		 fd, known = 0;

	memset(&rf, 0, sizeof(rf));
	if (rc != NULL && index_valid_segname(rr->rr_file)) {
		TAILQ_FOREACH(s, &rc->rc_segs, s_entry)
			if (strcmp(s->s_day, rr->rr_day) == 0 &&
			    strcmp(s->s.file, rr->rr_file) == 0) {
				known = 1;
				rf.rf_start_ms = s->s.start_ms;
				rf.rf_end_ms = s->s.end_ms;
				rf.rf_frames = s->s.frames;
				rf.rf_open = s->s_open;
				break;
			}
	} else if (rc != NULL && index_valid_thumbname(rr->rr_file)) {
		TAILQ_FOREACH(e, &rc->rc_events, e_entry)
			if (strcmp(e->e_day, rr->rr_day) == 0 &&
			    strcmp(e->e.thumb, rr->rr_file) == 0) {
				known = 1;
				rf.rf_start_ms = e->e.start_ms;
				break;
			}
	}
	if (!known) {
		fail(ce, peerid, "no such recording");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", rc->rc_id, rr->rr_day,
	    rr->rr_file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
	    fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		if (fd != -1)
			close(fd);
		fail(ce, peerid, "no such recording");
		return;
	}
	strlcpy(rf.rf_id, rc->rc_id, sizeof(rf.rf_id));
	strlcpy(rf.rf_day, rr->rr_day, sizeof(rf.rf_day));
	strlcpy(rf.rf_file, rr->rr_file, sizeof(rf.rf_file));
	rf.rf_bytes = st.st_size;
	chanev_compose(ce, IMSG_REC_FD, peerid, fd, &rf, sizeof(rf));
}

static void
play_free(struct play *p)
{
	TAILQ_REMOVE(&plays, p, p_entry);
	nplays--;
	if (p->p_dx != NULL)
		demux_close(p->p_dx);
	free(p);
}

static struct play *
play_find(struct chanev *ce, uint32_t peerid)
{
	struct play	*p;

	TAILQ_FOREACH(p, &plays, p_entry)
		if (p->p_ce == ce && p->p_peerid == peerid)
			return p;
	return NULL;
}

/* Open the first segment after the current one that reaches p_from_ms. */
static int
play_next_seg(struct play *p)
{
	struct rcam	*rc;
	struct rseg	*s;
	char		 path[320];

	if (p->p_dx != NULL) {
		demux_close(p->p_dx);
		p->p_dx = NULL;
	}
	if ((rc = rcam_find(p->p_id)) == NULL)
		return -1;
	TAILQ_FOREACH(s, &rc->rc_segs, s_entry) {
		if (s->s.start_ms <= p->p_seg_start_ms ||
		    (s->s.end_ms < p->p_from_ms && !s->s_open))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", rc->rc_id, s->s_day,
		    s->s.file);
		p->p_seg_start_ms = s->s.start_ms;
		if ((p->p_dx = demux_open(path)) != NULL)
			return 0;
		log_warnx("playback: cannot read %s", path);
	}
	return -1;
}

static void
play_more(struct play *p)
{
	struct cam_media cm;
	struct iovec	 iov[2];
	const uint8_t	*data;
	size_t		 len;
	int64_t		 us;
	int		 sent = 0, r;

	while (sent < REC_PLAY_BATCH) {
		if (p->p_dx == NULL && play_next_seg(p) == -1)
			goto end;
		if ((r = demux_next(p->p_dx, &data, &len, &us)) != 1) {
			demux_close(p->p_dx);
			p->p_dx = NULL;
			continue;
		}
		if (us / 1000 < p->p_from_ms || len > V720_FRAME_MAX)
			continue;
		memset(&cm, 0, sizeof(cm));
		strlcpy(cm.cm_id, p->p_id, sizeof(cm.cm_id));
		cm.cm_seq = sent;
		cm.cm_ts_ns = us * 1000;	/* wall clock */
		cm.cm_codec = 1;
		iov[0].iov_base = &cm;
		iov[0].iov_len = sizeof(cm);
		iov[1].iov_base = (void *)(uintptr_t)data;
		iov[1].iov_len = len;
		if (chanev_composev(p->p_ce, IMSG_REC_PFRAME, p->p_peerid, -1,
		    iov, 2) == -1)
			goto end;
		sent++;
	}
	return;
end:
	chanev_compose(p->p_ce, IMSG_REC_END, p->p_peerid, -1, NULL, 0);
	play_free(p);
}

/* 0, or -1 if peerid is playing already. */
static int
play_start(struct chanev *ce, uint32_t peerid, const struct rec_req *rr)
{
	struct play	*p;

	if (play_find(ce, peerid) != NULL)
		return -1;
	if (nplays >= REC_MAX_PLAYS) {
		fail(ce, peerid, "too many playbacks");
		return 0;
	}
	if (rcam_find(rr->rr_id) == NULL) {
		fail(ce, peerid, "no recordings");
		return 0;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("%s", __func__);
	p->p_ce = ce;
	p->p_peerid = peerid;
	strlcpy(p->p_id, rr->rr_id, sizeof(p->p_id));
	p->p_from_ms = rr->rr_from_ms;
	p->p_seg_start_ms = INT64_MIN;
	TAILQ_INSERT_TAIL(&plays, p, p_entry);
	nplays++;
	play_more(p);
	return 0;
}

/*
 * A request from v720-web or the engine (for v720ctl): NULL, or what is
 * wrong with it (the caller reports the sender).
 */
const char *
play_request(struct chanev *ce, struct chan_msg *m)
{
	struct rec_req	 rr;
	struct play	*p;
	uint32_t	 id = m->hdr.ch_peerid;
	int		 web = ce == &rec->r_web;

	switch (m->hdr.ch_type) {
	case IMSG_REC_PLAY_MORE:
	case IMSG_REC_PLAY_STOP:
		if (!web || m->len != 0)
			return "bad playback message";
		if ((p = play_find(ce, id)) == NULL)
			return NULL;	/* it ended meanwhile */
		if (m->hdr.ch_type == IMSG_REC_PLAY_STOP)
			play_free(p);
		else
			play_more(p);
		return NULL;
	}
	if (m->len != sizeof(rr))
		return "request of a bad size";
	memcpy(&rr, m->data, sizeof(rr));
	if (chan_strfield(rr.rr_id, sizeof(rr.rr_id)) ||
	    chan_strfield(rr.rr_day, sizeof(rr.rr_day)) ||
	    chan_strfield(rr.rr_file, sizeof(rr.rr_file)))
		return "request with unterminated strings";
	switch (m->hdr.ch_type) {
	case IMSG_REC_LIST:
		send_list(ce, id, rcam_find(rr.rr_id));
		break;
	case IMSG_REC_EVENTS:
		send_events(ce, id, rcam_find(rr.rr_id));
		break;
	case IMSG_REC_OPEN:
		if (!web)
			return "open from the engine";
		send_fd(ce, id, rcam_find(rr.rr_id), &rr);
		break;
	case IMSG_REC_PLAY:
		if (!web)
			return "playback from the engine";
		if (play_start(ce, id, &rr) == -1)
			return "the same playback twice";
		break;
	default:
		return "a type it does not send";
	}
	return NULL;
}

void
play_peer_gone(struct chanev *ce)
{
	struct play	*p, *next;

	TAILQ_FOREACH_SAFE(p, &plays, p_entry, next)
		if (p->p_ce == ce)
			play_free(p);
}

void
play_free_all(void)
{
	struct play	*p;

	while ((p = TAILQ_FIRST(&plays)) != NULL)
		play_free(p);
}
