/* Scene mode: frames drawn and encoded by camsim; see scene.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "scene.h"

int
scene_object(const struct scene_opts *so, double t, double *pos)
{
	int	i;

	for (i = 0; i < so->sc_nmotion; i++)
		if (t >= so->sc_motion_at[i] &&
		    t < so->sc_motion_at[i] + so->sc_motion_for) {
			if (pos != NULL)
				*pos = (t - so->sc_motion_at[i]) /
				    so->sc_motion_for;
			return 1;
		}
	return 0;
}

/* Each --ir-at toggles: night from the first, day again at the second. */
int
scene_ir(const struct scene_opts *so, double t)
{
	int	i, ir = 0;

	for (i = 0; i < so->sc_nir; i++)
		if (t >= so->sc_ir_at[i])
			ir = !ir;
	return ir;
}

static void
rect(uint8_t *rgb, int x0, int y0, int w, int h, int r, int g, int b)
{
	int	x, y;
	uint8_t	*p;

	for (y = y0; y < y0 + h; y++) {
		if (y < 0 || y >= SCENE_H)
			continue;
		for (x = x0; x < x0 + w; x++) {
			if (x < 0 || x >= SCENE_W)
				continue;
			p = rgb + 3 * ((size_t)y * SCENE_W + x);
			p[0] = r;
			p[1] = g;
			p[2] = b;
		}
	}
}

void
scene_draw(const struct scene_opts *so, double t, uint8_t *rgb)
{
	double	pos;
	int	x, y, v;
	uint8_t	*p;

	/* Sky to ground, a house, a door, a path: a porch, roughly. */
	for (y = 0; y < SCENE_H; y++)
		for (x = 0; x < SCENE_W; x++) {
			p = rgb + 3 * ((size_t)y * SCENE_W + x);
			if (y < SCENE_H / 2) {
				p[0] = 110 + y / 8;
				p[1] = 150 + y / 8;
				p[2] = 210;
			} else {
				p[0] = 70 + (x / 40) % 2 * 6;
				p[1] = 120;
				p[2] = 60;
			}
		}
	rect(rgb, 380, 120, 200, 180, 170, 90, 70);
	rect(rgb, 450, 200, 50, 100, 80, 50, 30);
	rect(rgb, 420, 300, 110, 180, 150, 140, 130);
	rect(rgb, 60, 60, 60, 60, 240, 230, 120);
	if (scene_object(so, t, &pos)) {
		/* Someone walking across, left to right. */
		x = 20 + (int)(pos * (SCENE_W - SCENE_OBJ - 40));
		rect(rgb, x, 260, SCENE_OBJ, SCENE_OBJ, 30, 30, 160);
	}
	if (scene_ir(so, t))
		for (y = 0; y < SCENE_H * SCENE_W; y++) {
			p = rgb + 3 * (size_t)y;
			v = (p[0] * 3 + p[1] * 6 + p[2]) / 10;
			/* IR: grey, and the lamp makes it much brighter. */
			v = v < 128 ? 255 - v : v;
			p[0] = p[1] = p[2] = v;
		}
}

uint8_t *
scene_jpeg(const uint8_t *rgb, int w, int h, int quality, size_t *len)
{
	struct jpeg_compress_struct	 c;
	struct jpeg_error_mgr		 err;
	unsigned char			*out = NULL;
	unsigned long			 outlen = 0;
	JSAMPROW			 row;
	uint8_t				*r;

	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, &outlen);
	c.image_width = w;
	c.image_height = h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		row = (JSAMPROW)(uintptr_t)(rgb + (size_t)c.next_scanline * w * 3);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	/* libjpeg's buffer is malloc'd: hand out our own copy. */
	if ((r = malloc(outlen)) != NULL) {
		memcpy(r, out, outlen);
		*len = outlen;
	}
	free(out);
	return r;
}

int
scene_times(const char *s, double *t, int *n)
{
	char	*end;
	double	 v;

	*n = 0;
	while (*s != '\0') {
		if (*n >= SCENE_MAX_TIMES)
			return -1;
		v = strtod(s, &end);
		if (end == s || v < 0 || v > 1e6)
			return -1;
		t[(*n)++] = v;
		s = end;
		if (*s == ',')
			s++;
		else if (*s != '\0')
			return -1;
	}
	return *n > 0 ? 0 : -1;
}
