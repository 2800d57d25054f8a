/*
 * Recording: segments cut on frame boundaries every `record segment`
 * seconds, motion detection on every frame, and for `record motion`
 * the last seconds kept in memory so an event's file starts before it.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "hist.h"
#include "proc.h"
#include "mux.h"
#include "recorder.h"

static void
pre_drop_first(struct rcam *rc)
{
	rc->rc_prebytes -= rc->rc_pre[0]->pf_len;
	free(rc->rc_pre[0]);
	memmove(&rc->rc_pre[0], &rc->rc_pre[1], (rc->rc_npre - 1) *
	    sizeof(rc->rc_pre[0]));
	rc->rc_npre--;
}

static void
pre_clear(struct rcam *rc)
{
	size_t	i;

	for (i = 0; i < rc->rc_npre; i++)
		free(rc->rc_pre[i]);
	rc->rc_npre = 0;
	rc->rc_prebytes = 0;
}

static void
pre_push(struct rcam *rc, const uint8_t *data, size_t len, int64_t us,
    int audio)
{
	struct pframe	*pf, **np;

	if (len > REC_PREROLL_BYTES)
		return;
	while (rc->rc_npre > 0 && (rc->rc_prebytes + len > REC_PREROLL_BYTES ||
	    rc->rc_pre[0]->pf_us < us - REC_PREROLL_MS * 1000LL))
		pre_drop_first(rc);
	if (rc->rc_npre == rc->rc_precap) {
		if ((np = reallocarray(rc->rc_pre, rc->rc_precap + 32,
		    sizeof(*np))) == NULL)
			return;
		rc->rc_pre = np;
		rc->rc_precap += 32;
	}
	if ((pf = malloc(sizeof(*pf) + len)) == NULL)
		return;
	pf->pf_us = us;
	pf->pf_len = len;
	pf->pf_audio = audio;
	memcpy(pf->pf_data, data, len);
	rc->rc_pre[rc->rc_npre++] = pf;
	rc->rc_prebytes += len;
}

static void
write_failed(struct rcam *rc, const char *what)
{
	int	saved = errno;

	rc->rc_errors++;
	if (saved == ENOSPC || saved == EDQUOT) {
		if (!rec->r_paused)
			log_warnx("recording paused: the disk is full (%s/%s)",
			    rc->rc_id, what);
		rec->r_paused = 1;
	} else
		log_warnx("%s: %s: %s", rc->rc_id, what, strerror(saved));
}

static void
seg_close(struct rcam *rc)
{
	struct rseg	*s = rc->rc_cur;
	struct stat	 st;
	char		 path[320];
	int		 ok;

	if (rc->rc_mux == NULL)
		return;
	s->s.frames = mux_frames(rc->rc_mux);
	ok = mux_close(rc->rc_mux) == 0;
	rc->rc_mux = NULL;
	rc->rc_cur = NULL;
	if (!ok)
		write_failed(rc, s->s.file);
	snprintf(path, sizeof(path), "%s/%s/%s", rc->rc_id, s->s_day,
	    s->s.file);
	if (stat(path, &st) == 0) {
		rec->r_total_bytes += st.st_size - s->s.bytes;
		s->s.bytes = st.st_size;
	}
	s->s_open = 0;
	store_seg_closed(rc, s);
	log_debug("%s closed: %" PRIu64 " frames, %" PRIu64 " bytes", path,
	    s->s.frames, s->s.bytes);
	/* The total grew by a file: the oldest may have to go now. */
	if (rec->r_cfg.cr_max_bytes > 0 &&
	    rec->r_total_bytes > rec->r_cfg.cr_max_bytes)
		store_retention();
}

static int
seg_open(struct rcam *rc, const uint8_t *jpeg, size_t len, int64_t us)
{
	struct rseg	*s;
	char		 day[12], hms[12], name[64], path[320];
	int		 w = 640, h = 480, audio, i;

	if (store_day_of(us, day, sizeof(day), hms, sizeof(hms)) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s", rc->rc_id);
	if ((mkdir(path, 0750) == -1 && errno != EEXIST) ||
	    (snprintf(path, sizeof(path), "%s/%s", rc->rc_id, day),
	    mkdir(path, 0750) == -1 && errno != EEXIST)) {
		write_failed(rc, day);
		return -1;
	}
	(void)jpeg_size(jpeg, len, &w, &h);
	audio = rc->rc_audio_us != 0 &&
	    us - rc->rc_audio_us < REC_AUDIO_RECENT_MS * 1000LL;
	for (i = 0; i < 1000 && strlen(hms) == 8; i++) {
		if (i == 0)
			snprintf(name, sizeof(name), "%s.mkv", hms);
		else
			snprintf(name, sizeof(name), "%s.%d.mkv", hms, i);
		snprintf(path, sizeof(path), "%s/%s/%s", rc->rc_id, day, name);
		if ((rc->rc_mux = mux_open(path, us, w, h, audio)) != NULL ||
		    errno != EEXIST)
			break;
	}
	if (rc->rc_mux == NULL) {
		write_failed(rc, path);
		return -1;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s", __func__);
	strlcpy(s->s_day, day, sizeof(s->s_day));
	strlcpy(s->s.file, name, sizeof(s->s.file));
	s->s.start_ms = s->s.end_ms = us / 1000;
	s->s.bytes = mux_bytes(rc->rc_mux);
	s->s_open = 1;
	rc->rc_cur = s;
	store_add_seg(rc, s);
	log_debug("%s: recording %s%s", rc->rc_id, path,
	    audio ? " with audio" : "");
	return 0;
}

static void
seg_account(struct rcam *rc)
{
	uint64_t	b = mux_bytes(rc->rc_mux);

	rec->r_total_bytes += b - rc->rc_cur->s.bytes;
	rec->r_bytes_written += b - rc->rc_cur->s.bytes;
	rc->rc_cur->s.bytes = b;
	rc->rc_cur->s.frames = mux_frames(rc->rc_mux);
	rc->rc_cur->s.end_ms = mux_last_us(rc->rc_mux) / 1000;
}

static void
put_video(struct rcam *rc, const uint8_t *p, size_t len, int64_t us)
{
	if (mux_video(rc->rc_mux, p, len, us) == -1) {
		write_failed(rc, rc->rc_cur->s.file);
		seg_close(rc);
		return;
	}
	rc->rc_written++;
	seg_account(rc);
}

static void
put_audio(struct rcam *rc, const uint8_t *p, size_t len, int64_t us)
{
	if (mux_audio(rc->rc_mux, p, len, us) == -1) {
		write_failed(rc, rc->rc_cur->s.file);
		seg_close(rc);
	}
}

static void
event_start(struct rcam *rc, const uint8_t *jpeg, size_t len)
{
	struct revt	*e;
	char		 path[320];
	int64_t		 start = rc->rc_motion.m_start_ms;
	int		 fd;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("%s", __func__);
	store_day_of(start * 1000, e->e_day, sizeof(e->e_day), NULL, 0);
	e->e.start_ms = start;
	e->e.score = rc->rc_motion.m_score * 100;
	snprintf(e->e.thumb, sizeof(e->e.thumb), "ev-%" PRId64 ".jpg", start);
	/* The thumbnail is the frame that confirmed the motion, as sent. */
	snprintf(path, sizeof(path), "%s", rc->rc_id);
	mkdir(path, 0750);
	snprintf(path, sizeof(path), "%s/%s", rc->rc_id, e->e_day);
	mkdir(path, 0750);
	snprintf(path, sizeof(path), "%s/%s/%s", rc->rc_id, e->e_day,
	    e->e.thumb);
	if (!rec->r_paused) {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0640)) == -1 || write(fd, jpeg, len) != (ssize_t)len)
			log_warn("%s", path);
		if (fd != -1)
			close(fd);
	}
	store_add_event(rc, e);
	/* store_add_event may have merged it into one it had. */
	TAILQ_FOREACH_REVERSE(e, &rc->rc_events, revts, e_entry)
		if (e->e.start_ms == start)
			break;
	rc->rc_event = e;
	if (e != NULL)
		store_event_changed(rc, e);
	/* From the first frame with motion to the event, both wall clock. */
	hist_add(rec->r_ev_ms, REC_HIST, rec_wall_us() / 1000 > start ?
	    rec_wall_us() / 1000 - start : 0);
	log_info("%s: motion (%.1f%% of the picture)", rc->rc_id,
	    rc->rc_motion.m_score);
	rec_tell_engine(rc, 1);
}

static void
event_end(struct rcam *rc)
{
	struct revt	*e = rc->rc_event;

	rc->rc_until_us = rc->rc_motion.m_end_ms * 1000 +
	    REC_POSTROLL_MS * 1000LL;
	rc->rc_event = NULL;
	if (e != NULL) {
		e->e.end_ms = rc->rc_motion.m_end_ms;
		if (e->e.end_ms < e->e.start_ms)
			e->e.end_ms = e->e.start_ms;
		e->e.score = rc->rc_motion.m_score * 100;
		store_event_changed(rc, e);
		log_info("%s: motion over after %.1f s", rc->rc_id,
		    (e->e.end_ms - e->e.start_ms) / 1000.0);
	}
	rec_tell_engine(rc, 0);
}

static int
wanted(struct rcam *rc, int64_t us)
{
	if (rec->r_paused || !rec->r_configured)
		return 0;
	if (rc->rc_mode == REC_ALWAYS)
		return 1;
	return rc->rc_mode == REC_MOTION && (rc->rc_event != NULL ||
	    us < rc->rc_until_us);
}

void
record_frame(struct rcam *rc, const uint8_t *jpeg, size_t len, int64_t us)
{
	uint64_t	t0;
	size_t		i, first;
	int		r;

	rc->rc_frames++;
	rec->r_frames++;
	rc->rc_last_us = us;
	if (rc->rc_sens > 0) {
		if (!rc->rc_motion_ok) {
			if (motion_init(&rc->rc_motion, rc->rc_sens) == -1)
				fatal("%s: motion_init", __func__);
			rc->rc_motion_ok = 1;
		}
		t0 = proc_now_ns();
		r = motion_frame(&rc->rc_motion, jpeg, len, us / 1000);
		t0 = proc_now_ns() - t0;
		rc->rc_motion_ns += t0;
		hist_add(rec->r_mot_us, REC_HIST, t0 / 1000);
		if (r == MOTION_START)
			event_start(rc, jpeg, len);
		else if (r == MOTION_END)
			event_end(rc);
		else if (rc->rc_event != NULL &&
		    rc->rc_motion.m_score * 100 > rc->rc_event->e.score)
			rc->rc_event->e.score = rc->rc_motion.m_score * 100;
	}
	if (!wanted(rc, us)) {
		seg_close(rc);
		if (rc->rc_mode == REC_MOTION)
			pre_push(rc, jpeg, len, us, 0);
		return;
	}
	if (rc->rc_mux != NULL && us - rc->rc_cur->s.start_ms * 1000 >=
	    (int64_t)rec->r_cfg.cr_segment_s * 1000000)
		seg_close(rc);
	if (rc->rc_mux == NULL) {
		/* Start with the pre-roll's first frame, if there is one. */
		for (first = 0; first < rc->rc_npre; first++)
			if (!rc->rc_pre[first]->pf_audio)
				break;
		if (first < rc->rc_npre) {
			if (seg_open(rc, rc->rc_pre[first]->pf_data,
			    rc->rc_pre[first]->pf_len,
			    rc->rc_pre[first]->pf_us) == -1) {
				pre_clear(rc);
				return;
			}
			for (i = first; i < rc->rc_npre && rc->rc_mux != NULL;
			    i++) {
				if (rc->rc_pre[i]->pf_audio)
					put_audio(rc, rc->rc_pre[i]->pf_data,
					    rc->rc_pre[i]->pf_len,
					    rc->rc_pre[i]->pf_us);
				else
					put_video(rc, rc->rc_pre[i]->pf_data,
					    rc->rc_pre[i]->pf_len,
					    rc->rc_pre[i]->pf_us);
			}
		} else if (seg_open(rc, jpeg, len, us) == -1)
			return;
		pre_clear(rc);
	}
	if (rc->rc_mux != NULL)
		put_video(rc, jpeg, len, us);
}

void
record_audio(struct rcam *rc, const uint8_t *data, size_t len, int64_t us)
{
	rc->rc_audio_us = us;
	if (rc->rc_mux != NULL)
		put_audio(rc, data, len, us);
	else if (rc->rc_mode == REC_MOTION && !rec->r_paused)
		pre_push(rc, data, len, us, 1);
}

void
record_tick(int64_t now_us)
{
	struct rcam	*rc;

	RB_FOREACH(rc, rcamtree, &rec->r_cams) {
		if (rc->rc_motion_ok && motion_tick(&rc->rc_motion,
		    now_us / 1000) == MOTION_END)
			event_end(rc);
		if (rc->rc_mux == NULL)
			continue;
		/*
		 * The post-roll ends by the frames' own times, in
		 * record_frame: frames reach us a little late (the engine's
		 * channel lingers, a busy machine more), and closing here
		 * by the clock let a late post-roll frame open a file of
		 * its own.  Here: the stream stopped, or a pause or reload.
		 */
		if (now_us - rc->rc_last_us > REC_IDLE_CLOSE_MS * 1000LL ||
		    !wanted(rc, rc->rc_last_us))
			seg_close(rc);
	}
}

/* Stop writing everywhere (the disk is full); motion keeps running. */
void
record_pause_all(void)
{
	struct rcam	*rc;

	RB_FOREACH(rc, rcamtree, &rec->r_cams) {
		seg_close(rc);
		pre_clear(rc);
	}
}

void
record_stop(struct rcam *rc)
{
	seg_close(rc);
	if (rc->rc_event != NULL) {
		rc->rc_motion.m_active = 0;
		rc->rc_motion.m_end_ms = rc->rc_motion.m_last_ms;
		event_end(rc);
	}
	pre_clear(rc);
}

void
record_cam_free(struct rcam *rc)
{
	record_stop(rc);
	free(rc->rc_pre);
	rc->rc_pre = NULL;
	rc->rc_precap = 0;
	if (rc->rc_motion_ok)
		motion_free(&rc->rc_motion);
	rc->rc_motion_ok = 0;
}
