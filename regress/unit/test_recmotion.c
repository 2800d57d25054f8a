/*
 * Motion detection on frames drawn and encoded like camsim's scene
 * mode: a static scene gives nothing, an object crossing gives one
 * event with its start and end, an IR-style switch of the whole
 * picture gives none.  The DC-only reading (jpegdc.c) gives libjpeg's
 * 1/8-scale picture byte for byte, over every layout a camera may send,
 * and so the same events.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../v720d/recorder/jpegdc.h"
#include "../../v720d/recorder/motion.h"
#include "../camsim/scene.h"
#include "testjpeg.h"

#define FPS	10

struct run {
	int		starts, ends;
	uint64_t	start_ms, end_ms;
	double		score;
	double		pct[8 * FPS * 60];	/* each frame's changed share */
	int		npct;
};

/* Feed seconds [0, secs) of the scene at FPS; the object as so says. */
static void
play_with(struct scene_opts *so, double secs, int sens, int libjpeg,
    struct run *r)
{
	struct motion	 m;
	uint8_t		*rgb, *jpeg;
	size_t		 len;
	int		 i, n = secs * FPS, ev;

	memset(r, 0, sizeof(*r));
	cr_assert_eq(motion_init(&m, sens), 0);
	m.m_libjpeg = libjpeg;
	cr_assert_not_null(rgb = malloc(SCENE_W * SCENE_H * 3));
	for (i = 0; i <= n + 5 * FPS; i++) {
		double	t = (double)i / FPS;

		scene_draw(so, t, rgb);
		cr_assert_not_null(jpeg = scene_jpeg(rgb, SCENE_W, SCENE_H, 80,
		    &len));
		ev = motion_frame(&m, jpeg, len, (uint64_t)(t * 1000));
		free(jpeg);
		cr_assert_neq(ev, -1);
		if (r->npct < (int)(sizeof(r->pct) / sizeof(r->pct[0])))
			r->pct[r->npct++] = m.m_last_pct;
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
	/* Every frame through the path asked for. */
	cr_assert_eq(m.m_dconly, libjpeg ? 0 : m.m_frames);
	free(rgb);
	motion_free(&m);
}

static void
play(struct scene_opts *so, double secs, int sens, struct run *r)
{
	play_with(so, secs, sens, 0, r);
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

/* The same events, times, peak score and per-frame shares either way. */
Test(recmotion, dc_only_same_events_as_libjpeg)
{
	struct scene_opts	so = { .sc_on = 1, .sc_nmotion = 2,
				    .sc_motion_at = { 2, 9 }, .sc_motion_for = 3,
				    .sc_nir = 1, .sc_ir_at = { 6 } };
	static struct run	a, b;
	int			i;

	play_with(&so, 14, 5, 0, &a);
	play_with(&so, 14, 5, 1, &b);
	cr_assert_eq(a.starts, 2);
	cr_assert_eq(a.starts, b.starts);
	cr_assert_eq(a.ends, b.ends);
	cr_assert_eq(a.start_ms, b.start_ms);
	cr_assert_eq(a.end_ms, b.end_ms);
	cr_assert_eq(a.score, b.score);
	cr_assert_eq(a.npct, b.npct);
	for (i = 0; i < a.npct; i++)
		cr_assert_eq(a.pct[i], b.pct[i], "frame %d: %f %f", i,
		    a.pct[i], b.pct[i]);
}

/* The 1/8-scale picture of jpeg both ways; whether jpegdc took it. */
static int
same_picture(const uint8_t *jpeg, size_t len, const char *what)
{
	struct motion	a, b;
	int		dc;

	cr_assert_eq(motion_init(&a, 5), 0);
	cr_assert_eq(motion_init(&b, 5), 0);
	b.m_libjpeg = 1;
	cr_assert_eq(motion_decode(&a, jpeg, len), 0, "%s", what);
	cr_assert_eq(motion_decode(&b, jpeg, len), 0, "%s", what);
	cr_assert_eq(a.m_w, b.m_w, "%s", what);
	cr_assert_eq(a.m_h, b.m_h, "%s", what);
	cr_assert_eq(memcmp(a.m_cur, b.m_cur, (size_t)a.m_w * a.m_h), 0,
	    "%s: the pictures differ", what);
	dc = a.m_dconly == 1;
	motion_free(&a);
	motion_free(&b);
	return dc;
}

/* The top left w x h pixels of px. */
static struct tj_pix
crop(const struct tj_pix *px, int w, int h)
{
	struct tj_pix	c = { NULL, w, h };
	int		y;

	cr_assert_not_null(c.rgb = malloc((size_t)w * h * 3));
	for (y = 0; y < h; y++)
		memcpy(c.rgb + (size_t)y * w * 3, px->rgb + (size_t)y *
		    px->w * 3, (size_t)w * 3);
	return c;
}

Test(recmotion, dc_only_matches_libjpeg_every_layout)
{
	static const struct {
		const char	*what;
		struct tj_mk	 mk;
		int		 w, h, dc;	/* 0, 0: the whole scene */
	} lay[] = {
		{ "4:2:0 q80", { .quality = 80 }, 0, 0, 1 },
		{ "4:2:0 q100", { .quality = 100 }, 0, 0, 1 },
		{ "4:2:0 q3", { .quality = 3 }, 0, 0, 1 },
		{ "4:4:4", { .quality = 80, .h = 1, .v = 1 }, 0, 0, 1 },
		{ "4:2:2", { .quality = 80, .h = 2, .v = 1 }, 0, 0, 1 },
		{ "4:4:0", { .quality = 80, .h = 1, .v = 2 }, 0, 0, 1 },
		{ "grey", { .quality = 80, .gray = 1 }, 0, 0, 1 },
		{ "restart 1", { .quality = 80, .restart = 1 }, 0, 0, 1 },
		{ "restart 7", { .quality = 80, .restart = 7 }, 0, 0, 1 },
		{ "optimal tables", { .quality = 90, .optimize = 1 }, 0, 0,
		    1 },
		{ "4:2:0 633x467 restart 5", { .quality = 80, .restart = 5 },
		    633, 467, 1 },
		{ "4:2:2 9x17", { .quality = 80, .h = 2, .v = 1 }, 9, 17, 1 },
		{ "grey 601x3 restart 2", { .quality = 80, .gray = 1,
		    .restart = 2 }, 601, 3, 1 },
		/* Left to libjpeg. */
		{ "progressive", { .quality = 80, .progressive = 1 }, 0, 0,
		    0 },
		{ "a scan per component", { .quality = 80, .multiscan = 1 },
		    0, 0, 0 },
		{ "RGB", { .quality = 80, .rgb = 1 }, 0, 0, 0 },
	};
	struct tj_pix	 px, c;
	uint8_t		*j;
	size_t		 len, i;
	char		 what[64];
	int		 k;

	/* The camera's own frames (the scene files are a V720's). */
	for (k = 1; k <= 5; k++) {
		j = tj_scene(k, &len);
		snprintf(what, sizeof(what), "scene%d.jpg", k);
		cr_assert(same_picture(j, len, what), "%s: not DC-only", what);
		free(j);
	}
	j = tj_scene(3, &len);
	px = tj_decode(j, len);
	free(j);
	for (i = 0; i < sizeof(lay) / sizeof(lay[0]); i++) {
		c = lay[i].w ? crop(&px, lay[i].w, lay[i].h) : px;
		j = tj_make(&c, &lay[i].mk, &len);
		cr_assert_eq(same_picture(j, len, lay[i].what), lay[i].dc,
		    "%s: DC-only %d", lay[i].what, !lay[i].dc);
		free(j);
		if (lay[i].w)
			free(c.rgb);
	}
	free(px.rgb);
}

/*
 * Built tables are kept for every camera of the recorder and found again
 * by their contents: pictures with tables of their own (optimal ones,
 * each crop and quality its own), more than are kept, in turn and round
 * again, are each libjpeg's picture, so a kept table is never another
 * picture's and none a frame uses is replaced while it is read.
 */
Test(recmotion, dc_only_tables_kept_and_replaced)
{
	struct tj_mk	 mk = { .optimize = 1 };
	struct tj_pix	 px, c;
	uint8_t		*j[2 * JPEGDC_TABLES];
	size_t		 len[2 * JPEGDC_TABLES];
	char		 what[64];
	int		 i, round;

	j[0] = tj_scene(4, &len[0]);
	px = tj_decode(j[0], len[0]);
	free(j[0]);
	for (i = 0; i < 2 * JPEGDC_TABLES; i++) {
		c = crop(&px, px.w - 16 * i, px.h - 8 * i);
		mk.quality = 40 + 5 * i;
		j[i] = tj_make(&c, &mk, &len[i]);
		free(c.rgb);
	}
	for (round = 0; round < 2; round++)
		for (i = 0; i < 2 * JPEGDC_TABLES; i++) {
			snprintf(what, sizeof(what), "picture %d, round %d",
			    i, round);
			cr_assert(same_picture(j[i], len[i], what),
			    "%s: not DC-only", what);
		}
	for (i = 0; i < 2 * JPEGDC_TABLES; i++)
		free(j[i]);
	free(px.rgb);
}

/*
 * A frame cut short: the rows it has are read, the rows it lacks keep
 * the previous frame's (no made-up change), and one that ends inside
 * an interval's restart marker is no different.
 */
Test(recmotion, dc_only_truncated_keeps_rows)
{
	struct tj_mk	 mk = { .quality = 80, .restart = 4 };
	struct tj_pix	 px, grey;
	struct motion	 m, full, gm;
	uint8_t		*j, *g;
	size_t		 len, glen, cut, last;
	int		 w, h;

	j = tj_scene(2, &len);
	px = tj_decode(j, len);
	free(j);
	cr_assert_not_null(grey.rgb = malloc((size_t)px.w * px.h * 3));
	memset(grey.rgb, 200, (size_t)px.w * px.h * 3);
	grey.w = px.w;
	grey.h = px.h;
	j = tj_make(&px, &mk, &len);
	g = tj_make(&grey, &mk, &glen);
	cr_assert_eq(motion_init(&full, 5), 0);
	cr_assert_eq(motion_decode(&full, j, len), 0);
	cr_assert_eq(motion_init(&gm, 5), 0);
	cr_assert_eq(motion_decode(&gm, g, glen), 0);
	w = full.m_w;
	h = full.m_h;
	last = (size_t)(h - 1) * w;
	cr_assert_neq(memcmp(full.m_cur, gm.m_cur, w), 0);
	cr_assert_neq(memcmp(full.m_cur + last, gm.m_cur + last, w), 0);
	for (cut = len / 4; cut < len * 9 / 10; cut += len / 5 - 1) {
		cr_assert_eq(motion_init(&m, 5), 0);
		cr_assert_eq(motion_decode(&m, g, glen), 0);
		cr_assert_eq(motion_decode(&m, j, cut), 0);
		cr_assert_eq(m.m_dconly, 2);
		/* The first rows are the frame's, the last the grey's. */
		cr_assert_eq(memcmp(m.m_cur, full.m_cur, w), 0, "cut %zu",
		    cut);
		cr_assert_eq(memcmp(m.m_cur + last, gm.m_cur + last, w), 0,
		    "cut %zu", cut);
		motion_free(&m);
	}
	motion_free(&gm);
	motion_free(&full);
	free(j);
	free(g);
	free(px.rgb);
	free(grey.rgb);
}
