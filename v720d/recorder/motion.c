/* Motion detection at 1/8 scale; see motion.h. */
#include <sys/types.h>

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "jpegdc.h"
#include "motion.h"

struct dec {
	struct jpeg_decompress_struct	 d;
	struct jpeg_error_mgr		 err;
	jmp_buf				 jb;
};

/* Built Huffman tables, shared by the cameras of the process (jpegdc.h). */
static struct jpegdc	jd;

static void
dec_error_exit(j_common_ptr cinfo)
{
	struct dec	*dc = (struct dec *)cinfo;

	longjmp(dc->jb, 1);
}

static void
dec_emit_message(j_common_ptr cinfo, int level)
{
	/* Corrupt-data warnings: the frame is used as far as it decodes. */
}

int
motion_init(struct motion *m, int sens)
{
	struct dec	*dc;

	memset(m, 0, sizeof(*m));
	if ((dc = calloc(1, sizeof(*dc))) == NULL)
		return -1;
	dc->d.err = jpeg_std_error(&dc->err);
	dc->err.error_exit = dec_error_exit;
	dc->err.emit_message = dec_emit_message;
	if (setjmp(dc->jb)) {
		free(dc);
		return -1;
	}
	jpeg_create_decompress(&dc->d);
	m->m_dec = dc;
	motion_set_sensitivity(m, sens);
	return 0;
}

void
motion_free(struct motion *m)
{
	struct dec	*dc = m->m_dec;

	if (dc != NULL) {
		jpeg_destroy_decompress(&dc->d);
		free(dc);
	}
	free(m->m_bg);
	free(m->m_cur);
	memset(m, 0, sizeof(*m));
}

void
motion_set_sensitivity(struct motion *m, int sens)
{
	m->m_sens = sens < 1 ? 1 : sens > 10 ? 10 : sens;
}

int
motion_decode(struct motion *m, const uint8_t *jpeg, size_t len)
{
	struct dec	*dc = m->m_dec;
	JSAMPROW	 row;
	uint8_t		*nb;
	int		 w, h;

	if (dc == NULL || len < 4 || len > 16 * 1024 * 1024)
		return -1;
	if (setjmp(dc->jb)) {
		jpeg_abort_decompress(&dc->d);
		return -1;
	}
	jpeg_mem_src(&dc->d, jpeg, len);
	if (jpeg_read_header(&dc->d, TRUE) != JPEG_HEADER_OK) {
		jpeg_abort_decompress(&dc->d);
		return -1;
	}
	dc->d.scale_num = 1;
	dc->d.scale_denom = 8;
	dc->d.out_color_space = JCS_GRAYSCALE;
	dc->d.dct_method = JDCT_IFAST;
	dc->d.do_fancy_upsampling = FALSE;
	dc->d.do_block_smoothing = FALSE;
	jpeg_calc_output_dimensions(&dc->d);
	w = dc->d.output_width;
	h = dc->d.output_height;
	if (w < 1 || h < 1 || (size_t)w * h > MOTION_MAXPIX) {
		jpeg_abort_decompress(&dc->d);
		return -1;
	}
	if (w != m->m_w || h != m->m_h) {
		/* A new picture size: start over with its background. */
		if ((nb = realloc(m->m_cur, (size_t)w * h)) == NULL) {
			jpeg_abort_decompress(&dc->d);
			return -1;
		}
		m->m_cur = nb;
		free(m->m_bg);
		if ((m->m_bg = calloc((size_t)w * h, sizeof(*m->m_bg))) ==
		    NULL) {
			m->m_w = m->m_h = 0;
			jpeg_abort_decompress(&dc->d);
			return -1;
		}
		m->m_w = w;
		m->m_h = h;
		m->m_have_bg = 0;
	}
	/* The DC coefficients alone when the layout allows (jpegdc.h). */
	if (!m->m_libjpeg && jpegdc_decode(&jd, &dc->d, m->m_cur, w, h) ==
	    0) {
		m->m_dconly++;
		jpeg_abort_decompress(&dc->d);
		return 0;
	}
	jpeg_start_decompress(&dc->d);
	while (dc->d.output_scanline < dc->d.output_height) {
		row = m->m_cur + (size_t)dc->d.output_scanline * w;
		if (jpeg_read_scanlines(&dc->d, &row, 1) != 1)
			break;
	}
	/* A truncated frame leaves its last rows as they were. */
	jpeg_abort_decompress(&dc->d);
	return 0;
}

/* Per-pixel difference threshold and the changed share for motion. */
static int
pix_threshold(int sens)
{
	return 8 + (10 - sens) * 3;
}

static double
min_pct(int sens)
{
	return 0.15 * (11 - sens);
}

static int
event_end(struct motion *m)
{
	m->m_active = 0;
	m->m_end_ms = m->m_last_ms;
	return MOTION_END;
}

int
motion_frame(struct motion *m, const uint8_t *jpeg, size_t len,
    uint64_t ts)
{
	size_t		 i, n, changed = 0;
	int64_t		 sum_cur = 0, sum_bg = 0;
	int		 thr, d, shift, moving;
	uint16_t	*bg;
	uint8_t		*cur;
	double		 pct;

	if (motion_decode(m, jpeg, len) == -1) {
		m->m_bad++;
		return motion_tick(m, ts) == MOTION_END ? MOTION_END : -1;
	}
	m->m_frames++;
	n = (size_t)m->m_w * m->m_h;
	bg = m->m_bg;
	cur = m->m_cur;
	m->m_last_global = 0;
	m->m_last_pct = 0;
	if (!m->m_have_bg) {
		for (i = 0; i < n; i++)
			bg[i] = cur[i] << 8;
		m->m_have_bg = 1;
		return MOTION_NONE;
	}
	/* Exposure drift: compare around the mean, not the raw levels. */
	for (i = 0; i < n; i++) {
		sum_cur += cur[i];
		sum_bg += bg[i] >> 8;
	}
	shift = (int)((sum_cur - sum_bg) / (int64_t)n);
	thr = pix_threshold(m->m_sens);
	for (i = 0; i < n; i++) {
		d = (int)cur[i] - (bg[i] >> 8) - shift;
		if (d < 0)
			d = -d;
		if (d > thr) {
			changed++;
			/* Slowly, so something that stays becomes background. */
			bg[i] += ((cur[i] << 8) - bg[i]) / 128;
		} else
			bg[i] += ((cur[i] << 8) - bg[i]) / 16;
	}
	pct = 100.0 * changed / n;
	m->m_last_pct = pct;
	if (pct > MOTION_GLOBAL_PCT || shift > 48 || shift < -48) {
		/* IR switching, exposure jumps: a new background. */
		for (i = 0; i < n; i++)
			bg[i] = cur[i] << 8;
		m->m_global++;
		m->m_last_global = 1;
		m->m_holdoff_ms = ts + MOTION_HOLDOFF_MS;
		m->m_run = 0;
		return motion_tick(m, ts);
	}
	moving = pct >= min_pct(m->m_sens) && ts >= m->m_holdoff_ms;
	if (!moving) {
		m->m_run = 0;
		return motion_tick(m, ts);
	}
	if (m->m_run++ == 0)
		m->m_run_start_ms = ts;
	if (m->m_active) {
		m->m_last_ms = ts;
		if (pct > m->m_score)
			m->m_score = pct;
		return MOTION_NONE;
	}
	if (m->m_run < MOTION_CONFIRM)
		return MOTION_NONE;
	m->m_active = 1;
	m->m_start_ms = m->m_run_start_ms;
	m->m_last_ms = ts;
	m->m_end_ms = 0;
	m->m_score = pct;
	return MOTION_START;
}

int
motion_tick(struct motion *m, uint64_t now)
{
	if (m->m_active && now >= m->m_last_ms + MOTION_QUIET_MS)
		return event_end(m);
	return MOTION_NONE;
}

/* Width and height from the first SOF marker, walking the segments. */
int
jpeg_size(const uint8_t *p, size_t len, int *w, int *h)
{
	size_t		off = 2, seg;
	uint8_t		mk;

	if (len < 4 || p[0] != 0xff || p[1] != 0xd8)
		return -1;
	while (off + 4 <= len) {
		if (p[off] != 0xff)
			return -1;
		mk = p[off + 1];
		if (mk == 0xff) {
			off++;
			continue;
		}
		if (mk == 0xd8 || mk == 0x01 || (mk >= 0xd0 && mk <= 0xd7)) {
			off += 2;
			continue;
		}
		seg = (size_t)p[off + 2] << 8 | p[off + 3];
		if (seg < 2 || off + 2 + seg > len)
			return -1;
		if (mk >= 0xc0 && mk <= 0xcf && mk != 0xc4 && mk != 0xc8 &&
		    mk != 0xcc) {
			if (seg < 7)
				return -1;
			*h = p[off + 5] << 8 | p[off + 6];
			*w = p[off + 7] << 8 | p[off + 8];
			return *w > 0 && *h > 0 ? 0 : -1;
		}
		if (mk == 0xda || mk == 0xd9)
			return -1;
		off += 2 + seg;
	}
	return -1;
}
