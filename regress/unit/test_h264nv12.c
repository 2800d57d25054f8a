/*
 * The NV12 pictures h264enc.c makes for hardware encoders (h264_vaapi
 * uploads NV12 surfaces, some h264_v4l2m2m take only NV12): the same
 * samples as the yuv420p picture libx264 gets, chroma interleaved, for
 * 4:2:0, 4:2:2 and 4:4:4 JPEGs.  No hardware here, so the module's own
 * static functions are compiled into this test and called directly.
 */
#include "../../v720d/rtsp/h264enc.c"

#include <criterion/criterion.h>

#include "testjpeg.h"

static void
compare(struct h264enc *e, const uint8_t *j, size_t len)
{
	AVFrame	*a = e->frame, *b;
	int	 x, y;

	cr_assert_not_null(b = av_frame_alloc());
	b->format = AV_PIX_FMT_NV12;
	b->width = e->w;
	b->height = e->h;
	cr_assert_eq(av_frame_get_buffer(b, 0), 0);
	cr_assert_eq(e->swfmt, AV_PIX_FMT_YUV420P);
	cr_assert_eq(decode(e, a, j, len), 0);
	e->swfmt = AV_PIX_FMT_NV12;
	cr_assert_eq(decode(e, b, j, len), 0);
	e->swfmt = AV_PIX_FMT_YUV420P;
	for (y = 0; y < e->h; y++)
		cr_assert(memcmp(a->data[0] + y * a->linesize[0],
		    b->data[0] + y * b->linesize[0], e->w) == 0, "Y row %d", y);
	for (y = 0; y < e->h / 2; y++)
		for (x = 0; x < e->w / 2; x++) {
			cr_assert_eq(b->data[1][y * b->linesize[1] + 2 * x],
			    a->data[1][y * a->linesize[1] + x]);
			cr_assert_eq(b->data[1][y * b->linesize[1] + 2 * x + 1],
			    a->data[2][y * a->linesize[2] + x]);
		}
	av_frame_free(&b);
}

Test(h264nv12, same_samples_as_yuv420p)
{
	struct h264enc	*e;
	struct tj_mk	 m = { .quality = 80 };
	struct tj_pix	 px;
	char		 err[256];
	uint8_t		*j;
	size_t		 len;
	int		 s, samp[3][2] = { { 2, 2 }, { 2, 1 }, { 1, 1 } };

	e = h264enc_open("libx264", 640, 480, 10, 2, err, sizeof(err));
	cr_assert_not_null(e, "%s", err);
	j = tj_scene(3, &len);
	px = tj_decode(j, len);
	free(j);
	for (s = 0; s < 3; s++) {
		m.h = samp[s][0];
		m.v = samp[s][1];
		j = tj_make(&px, &m, &len);
		compare(e, j, len);
		free(j);
	}
	free(px.rgb);
	h264enc_close(e);
}
