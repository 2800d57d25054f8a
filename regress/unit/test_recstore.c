/*
 * The recorder's store, in a scratch directory: segments written
 * through record_frame(), the index rebuilt from the files when lost,
 * retention by total size and by age, oldest first.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "../../v720d/recorder/mux.h"
#include "../../v720d/recorder/recorder.h"
#include "../camsim/scene.h"

struct recorder	*rec;
static int64_t	 now_us;
static int	 told_motion = -1;
static char	 dir[64], olddir[256];
static uint8_t	*jpeg;
static size_t	 jlen;

/* The process glue recorder.c would provide. */
int64_t
rec_wall_us(void)
{
	return now_us;
}

void
rec_tell_engine(struct rcam *rc, int motion)
{
	told_motion = motion;
}

static void
setup(void)
{
	struct scene_opts	 so = { .sc_on = 1 };
	uint8_t			*rgb;

	mux_quiet();
	setenv("TZ", "UTC", 1);
	tzset();
	cr_assert_not_null(getcwd(olddir, sizeof(olddir)));
	strlcpy(dir, "/tmp/test_recstore.XXXXXX", sizeof(dir));
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chdir(dir), 0);
	cr_assert_not_null(rec = calloc(1, sizeof(*rec)));
	RB_INIT(&rec->r_cams);
	rec->r_configured = 1;
	rec->r_cfg.cr_segment_s = 10;
	cr_assert_not_null(rgb = malloc(SCENE_W * SCENE_H * 3));
	scene_draw(&so, 0, rgb);
	jpeg = scene_jpeg(rgb, SCENE_W, SCENE_H, 60, &jlen);
	free(rgb);
}

static void
teardown(void)
{
	char	cmd[128];

	store_free_all();
	free(rec);
	free(jpeg);
	cr_assert_eq(chdir(olddir), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

#define DAY0	1796169600000000LL	/* 2026-12-02 00:00:00 UTC */

/* secs seconds of frames at 10 fps from t0 (us). */
static void
feed(struct rcam *rc, int64_t t0, int secs)
{
	int	i;

	for (i = 0; i < secs * 10; i++) {
		now_us = t0 + i * 100000LL;
		record_frame(rc, jpeg, jlen, now_us);
	}
}

static int
nsegs(struct rcam *rc)
{
	struct rseg	*s;
	int		 n = 0;

	TAILQ_FOREACH(s, &rc->rc_segs, s_entry)
		n++;
	return n;
}

Test(recstore, segments_cut_and_named, .init = setup, .fini = teardown)
{
	struct rcam	*rc;
	struct rseg	*s;
	struct stat	 st;

	cr_assert_not_null(rc = rcam_get("CAM1"));
	cr_assert_null(rcam_get("../x"));
	rc->rc_mode = REC_ALWAYS;
	feed(rc, DAY0 + 3600 * 1000000LL, 25);
	record_stop(rc);
	cr_assert_eq(nsegs(rc), 3);
	s = TAILQ_FIRST(&rc->rc_segs);
	cr_assert_str_eq(s->s_day, "2026-12-02");
	cr_assert_str_eq(s->s.file, "01-00-00.mkv");
	cr_assert_eq(s->s.frames, 100);
	cr_assert_eq(stat("CAM1/2026-12-02/01-00-10.mkv", &st), 0);
	cr_assert_eq(stat("CAM1/2026-12-02/01-00-20.mkv", &st), 0);
	cr_assert_eq(stat("CAM1/2026-12-02/index", &st), 0);
}

Test(recstore, index_rebuilt_when_lost, .init = setup, .fini = teardown)
{
	struct rcam	*rc;
	struct rseg	*s;
	uint64_t	 total;

	rc = rcam_get("CAM1");
	rc->rc_mode = REC_ALWAYS;
	feed(rc, DAY0, 25);
	record_stop(rc);
	total = rec->r_total_bytes;
	store_free_all();
	cr_assert_eq(unlink("CAM1/2026-12-02/index"), 0);
	store_scan();
	cr_assert_not_null(rc = rcam_find("CAM1"));
	cr_assert_eq(nsegs(rc), 3);
	s = TAILQ_FIRST(&rc->rc_segs);
	cr_assert_eq(s->s.frames, 100);
	cr_assert_eq(s->s.start_ms, DAY0 / 1000);
	cr_assert_eq(s->s.end_ms, DAY0 / 1000 + 9900);
	cr_assert_eq(rec->r_total_bytes, total);
	cr_assert_eq(access("CAM1/2026-12-02/index", F_OK), 0);
}

Test(recstore, retention_by_size_oldest_first, .init = setup,
    .fini = teardown)
{
	struct rcam	*a, *b;

	a = rcam_get("A");
	b = rcam_get("B");
	a->rc_mode = b->rc_mode = REC_ALWAYS;
	feed(a, DAY0, 20);		/* the oldest two */
	record_stop(a);
	feed(b, DAY0 + 30000000LL, 20);
	record_stop(b);
	cr_assert_eq(nsegs(a) + nsegs(b), 4);
	/* Room for a little over two segments. */
	rec->r_cfg.cr_max_bytes = rec->r_total_bytes / 2 + 1000;
	store_retention();
	cr_assert_eq(nsegs(a), 0);
	cr_assert_eq(nsegs(b), 2);
	cr_assert_leq(rec->r_total_bytes, rec->r_cfg.cr_max_bytes);
	cr_assert_neq(access("A/2026-12-02/00-00-00.mkv", F_OK), 0);
	/* Nothing left of A's day: its directory is gone. */
	cr_assert_neq(access("A/2026-12-02", F_OK), 0);
}

Test(recstore, retention_by_age, .init = setup, .fini = teardown)
{
	struct rcam	*rc;

	rc = rcam_get("A");
	rc->rc_mode = REC_ALWAYS;
	feed(rc, DAY0, 30);
	record_stop(rc);
	rec->r_cfg.cr_keep_s = 3600;
	/* An hour after the second segment ended. */
	now_us = DAY0 + (20 + 3600) * 1000000LL;
	store_retention();
	cr_assert_eq(nsegs(rc), 1);
	cr_assert_str_eq(TAILQ_FIRST(&rc->rc_segs)->s.file, "00-00-20.mkv");
}

/* The scene's 25 s at 10 fps, an object crossing from 10 s for 3 s. */
#define NCROSS	250
static uint8_t	*cross[NCROSS];
static size_t	 crosslen[NCROSS];

static void
crossing_draw(void)
{
	struct scene_opts	 so = { .sc_on = 1, .sc_nmotion = 1,
				    .sc_motion_at = { 10 }, .sc_motion_for = 3 };
	uint8_t			*rgb;
	int			 i;

	cr_assert_not_null(rgb = malloc(SCENE_W * SCENE_H * 3));
	for (i = 0; i < NCROSS; i++) {
		scene_draw(&so, i / 10.0, rgb);
		cross[i] = scene_jpeg(rgb, SCENE_W, SCENE_H, 60, &crosslen[i]);
	}
	free(rgb);
}

static void
crossing_free(void)
{
	int	i;

	for (i = 0; i < NCROSS; i++)
		free(cross[i]);
}

Test(recstore, motion_recording_with_preroll, .init = setup,
    .fini = teardown)
{
	struct rcam		*rc;
	struct rseg		*s;
	struct revt		*e;
	int			 i;

	rc = rcam_get("M");
	rc->rc_mode = REC_MOTION;
	rc->rc_sens = 5;
	rec->r_cfg.cr_segment_s = 300;
	crossing_draw();
	for (i = 0; i < NCROSS; i++) {
		now_us = DAY0 + i * 100000LL;
		record_frame(rc, cross[i], crosslen[i], now_us);
		record_tick(now_us);
	}
	crossing_free();
	cr_assert_eq(told_motion, 0);
	cr_assert_eq(rc->rc_nevents, 1);
	e = TAILQ_FIRST(&rc->rc_events);
	cr_assert(e->e.start_ms >= DAY0 / 1000 + 9900 &&
	    e->e.start_ms <= DAY0 / 1000 + 10500);
	{
		char	path[128];

		snprintf(path, sizeof(path), "M/%s/%s", e->e_day, e->e.thumb);
		cr_assert_eq(access(path, F_OK), 0, "thumbnail %s", path);
	}
	cr_assert_eq(nsegs(rc), 1);
	s = TAILQ_FIRST(&rc->rc_segs);
	/* Pre-roll: it starts about REC_PREROLL_MS before the event. */
	cr_assert(s->s.start_ms <= e->e.start_ms - REC_PREROLL_MS + 200,
	    "segment starts %lld ms before", (long long)(e->e.start_ms -
	    s->s.start_ms));
	/* Post-roll: it goes on after the end. */
	cr_assert_geq(s->s.end_ms, e->e.end_ms + REC_POSTROLL_MS - 200);
	cr_assert(s->s.end_ms <= e->e.end_ms + REC_POSTROLL_MS + 500);
	cr_assert_eq(s->s_open, 0);
}

/*
 * Frames reach the recorder a little after their time (the engine's
 * channel lingers; a busy machine adds more) and their times jitter by a
 * millisecond.  A tick between the last post-roll frames, by the clock
 * already past the post-roll, must not close the file under a frame that
 * still belongs to it: that frame then opened a one-frame file of its own
 * (CI, t-81 under ASan: "3 files for 2 events").  Every jitter pattern
 * in turn: one file per event, all its post-roll in it.
 */
Test(recstore, late_postroll_frames_stay_in_the_event_file, .init = setup,
    .fini = teardown)
{
	struct rcam	*rc;
	struct rseg	*s;
	struct revt	*e;
	int64_t		 us, late = 150000;
	char		 id[16];
	int		 i, p;

	rec->r_cfg.cr_segment_s = 300;
	crossing_draw();
	for (p = 0; p < 7; p++) {
		snprintf(id, sizeof(id), "M%d", p);
		rc = rcam_get(id);
		rc->rc_mode = REC_MOTION;
		rc->rc_sens = 5;
		for (i = 0; i < NCROSS; i++) {
			/* Every seventh frame, from the p-th, 1 ms early. */
			us = DAY0 + i * 100000LL - (i % 7 == p ? 1000 : 0);
			now_us = us + late;
			record_frame(rc, cross[i], crosslen[i], us);
			record_tick(now_us);
		}
		cr_assert_eq(rc->rc_nevents, 1, "pattern %d", p);
		e = TAILQ_FIRST(&rc->rc_events);
		cr_assert_eq(nsegs(rc), 1, "pattern %d: %d files for 1 event",
		    p, nsegs(rc));
		s = TAILQ_FIRST(&rc->rc_segs);
		cr_assert_geq(s->s.end_ms, e->e.end_ms + REC_POSTROLL_MS - 101,
		    "pattern %d: post-roll cut short", p);
		cr_assert_eq(s->s_open, 0, "pattern %d", p);
	}
	crossing_free();
}
