/* JPEG helpers for the RTSP media unit tests; see testjpeg.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include <criterion/criterion.h>

#include "testjpeg.h"

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	uint8_t	*b;
	long	 n;

	cr_assert_not_null(f = fopen(path, "rb"), "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	cr_assert_not_null(b = malloc(n));
	cr_assert_eq(fread(b, 1, n, f), (size_t)n);
	fclose(f);
	*len = n;
	return b;
}

uint8_t *
tj_scene(int k, size_t *len)
{
	char	path[256];

	snprintf(path, sizeof(path), "%s/regress/data/scene%d.jpg", TOP, k);
	return slurp(path, len);
}

struct tj_pix
tj_decode(const uint8_t *jpeg, size_t len)
{
	struct jpeg_decompress_struct	 d;
	struct jpeg_error_mgr		 je;
	struct tj_pix			 px;
	JSAMPROW			 row;

	memset(&d, 0, sizeof(d));
	d.err = jpeg_std_error(&je);
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, jpeg, len);
	cr_assert_eq(jpeg_read_header(&d, TRUE), JPEG_HEADER_OK);
	d.out_color_space = JCS_RGB;
	jpeg_start_decompress(&d);
	px.w = d.output_width;
	px.h = d.output_height;
	cr_assert_not_null(px.rgb = malloc((size_t)px.w * px.h * 3));
	while (d.output_scanline < d.output_height) {
		row = px.rgb + (size_t)d.output_scanline * px.w * 3;
		jpeg_read_scanlines(&d, &row, 1);
	}
	cr_assert_eq(je.num_warnings, 0, "decoder warnings");
	jpeg_finish_decompress(&d);
	jpeg_destroy_decompress(&d);
	return px;
}

uint8_t *
tj_make(const struct tj_pix *px, const struct tj_mk *m, size_t *len)
{
	struct jpeg_compress_struct	 c;
	struct jpeg_error_mgr		 je;
	static jpeg_scan_info		 scans[3];
	unsigned char			*buf = NULL;
	unsigned long			 blen = 0;
	uint8_t				*row;
	int				 i, x;

	memset(&c, 0, sizeof(c));
	c.err = jpeg_std_error(&je);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &buf, &blen);
	c.image_width = px->w;
	c.image_height = px->h;
	c.input_components = m->cmyk ? 4 : 3;
	c.in_color_space = m->cmyk ? JCS_CMYK : JCS_RGB;
	jpeg_set_defaults(&c);
	if (m->gray)
		jpeg_set_colorspace(&c, JCS_GRAYSCALE);
	if (m->rgb)
		jpeg_set_colorspace(&c, JCS_RGB);	/* Adobe, 'R' 'G' 'B' */
	jpeg_set_quality(&c, m->quality, TRUE);
	if (!m->cmyk && !m->gray && m->h > 0) {
		c.comp_info[0].h_samp_factor = m->h;
		c.comp_info[0].v_samp_factor = m->v;
	}
	c.restart_interval = m->restart;
	c.optimize_coding = m->optimize;
	if (m->progressive)
		jpeg_simple_progression(&c);
	if (m->multiscan) {
		for (i = 0; i < 3; i++) {
			scans[i].comps_in_scan = 1;
			scans[i].component_index[0] = i;
			scans[i].Ss = 0;
			scans[i].Se = 63;
			scans[i].Ah = scans[i].Al = 0;
		}
		c.scan_info = scans;
		c.num_scans = 3;
	}
	jpeg_start_compress(&c, TRUE);
	cr_assert_not_null(row = malloc((size_t)px->w * 4));
	while (c.next_scanline < c.image_height) {
		const uint8_t *s = px->rgb +
		    (size_t)c.next_scanline * px->w * 3;

		/* CMYK input: the RGB plus a fourth channel. */
		for (x = 0; x < px->w; x++) {
			if (m->cmyk) {
				memcpy(row + 4 * x, s + 3 * x, 3);
				row[4 * x + 3] = s[3 * x];
			} else
				memcpy(row + 3 * x, s + 3 * x, 3);
		}
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	*len = blen;
	return buf;
}

uint8_t *
tj_make_scene(int k, const struct tj_mk *m, size_t *len)
{
	struct tj_pix	 px;
	uint8_t		*j, *out;
	size_t		 n;

	j = tj_scene(k, &n);
	px = tj_decode(j, n);
	free(j);
	out = tj_make(&px, m, len);
	free(px.rgb);
	return out;
}

