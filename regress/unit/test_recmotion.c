/*
 * Motion detection on frames drawn and encoded like camsim's scene
 * mode: a static scene gives nothing, an object crossing gives one
 * event with its start and end, an IR-style switch of the whole
 * picture gives none.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../v720d/recorder/motion.h"
#include "../camsim/scene.h"

#define FPS	10

struct run {
	int		starts, ends;
	uint64_t	start_ms, end_ms;
	double		score;
};

/* Feed seconds [0, secs) of the scene at FPS; the object as so says. */
static void
play(struct scene_opts *so, double secs, int sens, struct run *r)
{
	struct motion	 m;
	uint8_t		*rgb, *jpeg;
	size_t		 len;
	int		 i, n = secs * FPS, ev;

	memset(r, 0, sizeof(*r));
	cr_assert_eq(motion_init(&m, sens), 0);
	cr_assert_not_null(rgb = malloc(SCENE_W * SCENE_H * 3));
	for (i = 0; i <= n + 5 * FPS; i++) {
		double	t = (double)i / FPS;

		scene_draw(so, t, rgb);
		cr_assert_not_null(jpeg = scene_jpeg(rgb, SCENE_W, SCENE_H, 80,
		    &len));
		ev = motion_frame(&m, jpeg, len, (uint64_t)(t * 1000));
		free(jpeg);
		cr_assert_neq(ev, -1);
		if (ev == MOTION_START) {
			r->starts++;
			r->start_ms = m.m_start_ms;
		} else if (ev == MOTION_END) {
			r->ends++;
			r->end_ms = m.m_end_ms;
			r->score = m.m_score;
		}
	}
	cr_assert_eq(m.m_w, SCENE_W / 8);
	cr_assert_eq(m.m_h, SCENE_H / 8);
	free(rgb);
	motion_free(&m);
}

Test(recmotion, static_scene_no_event)
{
	struct scene_opts	so = { .sc_on = 1 };
	struct run		r;

	play(&so, 20, 10, &r);
	cr_assert_eq(r.starts, 0);
}

Test(recmotion, moving_object_one_event)
{
	struct scene_opts	so = { .sc_on = 1, .sc_nmotion = 1,
				    .sc_motion_at = { 4 }, .sc_motion_for = 3 };
	struct run		r;

	play(&so, 12, 5, &r);
	cr_assert_eq(r.starts, 1);
	cr_assert_eq(r.ends, 1);
	/* Truth: 4.0 s to 6.9 s (the last frame with the object). */
	cr_assert(r.start_ms >= 3900 && r.start_ms <= 4500, "start %llu",
	    (unsigned long long)r.start_ms);
	cr_assert(r.end_ms >= 6500 && r.end_ms <= 7500, "end %llu",
	    (unsigned long long)r.end_ms);
	cr_assert_gt(r.score, 1.0);
}

Test(recmotion, two_objects_two_events)
{
	struct scene_opts	so = { .sc_on = 1, .sc_nmotion = 2,
				    .sc_motion_at = { 2, 10 },
				    .sc_motion_for = 2 };
	struct run		r;

	play(&so, 14, 5, &r);
	cr_assert_eq(r.starts, 2);
	cr_assert_eq(r.ends, 2);
}

Test(recmotion, ir_switch_no_event)
{
	struct scene_opts	so = { .sc_on = 1, .sc_nir = 2,
				    .sc_ir_at = { 3, 8 } };
	struct run		r;

	play(&so, 12, 10, &r);
	cr_assert_eq(r.starts, 0);
}

Test(recmotion, garbage_is_refused)
{
	struct motion	m;
	uint8_t		junk[600];
	size_t		i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = i * 7;
	junk[0] = 0xff;
	junk[1] = 0xd8;
	cr_assert_eq(motion_init(&m, 5), 0);
	cr_assert_eq(motion_frame(&m, junk, sizeof(junk), 0), -1);
	cr_assert_eq(motion_frame(&m, junk, 3, 0), -1);
	cr_assert_eq(m.m_bad, 2);
	motion_free(&m);
}

Test(recmotion, jpeg_size_from_sof)
{
	struct scene_opts	 so = { .sc_on = 1 };
	uint8_t			*rgb, *jpeg;
	size_t			 len;
	int			 w = 0, h = 0;

	cr_assert_not_null(rgb = malloc(SCENE_W * SCENE_H * 3));
	scene_draw(&so, 0, rgb);
	jpeg = scene_jpeg(rgb, SCENE_W, SCENE_H, 80, &len);
	cr_assert_eq(jpeg_size(jpeg, len, &w, &h), 0);
	cr_assert_eq(w, SCENE_W);
	cr_assert_eq(h, SCENE_H);
	cr_assert_eq(jpeg_size(jpeg, 20, &w, &h), -1);
	free(jpeg);
	free(rgb);
}
