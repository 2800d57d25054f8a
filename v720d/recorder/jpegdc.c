/* 8x8 block means from a JPEG's DC coefficients; see jpegdc.h. */
#include <sys/types.h>

#include <endian.h>
#include <string.h>

#include "jpegdc.h"

#define MCU_MAXBLK	10	/* blocks in an MCU (ITU T.81 B.2.3) */

struct bits {
	const uint8_t	*b_p, *b_end;
	uint64_t	 b_acc;		/* left-aligned */
	int		 b_n;		/* bits in b_acc */
	int		 b_fake;	/* zero bits appended past the data */
};

/* The s value bits as a signed number (T.81 F.2.2.1, EXTEND). */
static inline int
extend(int v, int s)
{
	return s == 0 || v >= 1 << (s - 1) ? v : v - (1 << s) + 1;
}

/*
 * A DC difference: where its code and value bits fit in JPEGDC_DCV
 * bits, how many bits that is and the difference, in one look-up.
 */
static void
dcv_entry(int32_t *dcv, int code, int l, int s)
{
	int	k, fill;

	if (l + s > JPEGDC_DCV)
		return;
	fill = 1 << (JPEGDC_DCV - l);
	for (k = 0; k < fill; k++)
		dcv[(code << (JPEGDC_DCV - l)) | k] =
		    extend(k >> (JPEGDC_DCV - l - s), s) * 256 + l + s;
}

/*
 * For the AC coefficients, which are skipped: where a code and the
 * value bits after it fit in JPEGDC_SKIP bits, how many bits that is
 * and how far it moves along the block (run + 1; 16 for a run of
 * zeros, ZRL; 64 for the end of the block, EOB).  Where a second one
 * fits in the same bits too, the entry also holds both together, taken
 * when the first does not end the block (about a third fewer look-ups
 * in a camera's frames).
 */
#define SKIP_BITS1(e)	((e) & 15)		/* the first alone */
#define SKIP_ADV1(e)	((e) >> 4 & 127)
#define SKIP_BITS2(e)	((e) >> 11 & 15)	/* both, or the first */
#define SKIP_ADV2(e)	((e) >> 15 & 255)
#define SKIP_ENTRY(b1, a1, b2, a2) \
	((uint32_t)(b1) | (uint32_t)(a1) << 4 | (uint32_t)(b2) << 11 | \
	 (uint32_t)(a2) << 15)

static void
skip_entry(uint16_t *one, int code, int l, int sym)
{
	int	r = sym >> 4, s = sym & 15, adv, k, fill;

	if (l + s > JPEGDC_SKIP)
		return;
	if (s != 0)
		adv = r + 1;
	else
		adv = r == 15 ? 16 : DCTSIZE2;
	fill = 1 << (JPEGDC_SKIP - l);
	for (k = 0; k < fill; k++)
		one[(code << (JPEGDC_SKIP - l)) | k] = adv << 8 | (l + s);
}

/* Each entry of one (adv << 8 | bits), and a second after it if it fits. */
static void
skip_pairs(struct jpegdc_huff *t, const uint16_t *one)
{
	int	i, n1, a1, n2, a2, rest;

	for (i = 0; i < 1 << JPEGDC_SKIP; i++) {
		if (one[i] == 0) {
			t->h_skip[i] = 0;
			continue;
		}
		n1 = one[i] & 0xff;
		a1 = one[i] >> 8;
		t->h_skip[i] = SKIP_ENTRY(n1, a1, n1, a1);
		if (a1 >= DCTSIZE2)
			continue;
		/* The bits after the first, zeros shifted in behind. */
		rest = (i << n1) & ((1 << JPEGDC_SKIP) - 1);
		if (one[rest] == 0 || (one[rest] & 0xff) > JPEGDC_SKIP - n1)
			continue;
		n2 = one[rest] & 0xff;
		a2 = one[rest] >> 8;
		t->h_skip[i] = SKIP_ENTRY(n1, a1, n1 + n2, a1 + a2);
	}
}

/*
 * Canonical codes from the counts per length, checked as libjpeg's
 * jpeg_make_d_derived_tbl checks them.  A table the frame repeats
 * (cameras send the same four every time) is not built again.
 */
static int
huff_build(struct jpegdc_huff *t, const JHUFF_TBL *src, int isdc)
{
	uint16_t one[1 << JPEGDC_SKIP];
	int	 l, i, k, n = 0, code = 0, fill;

	t->h_ok = 0;
	memcpy(t->h_bits, src->bits, sizeof(t->h_bits));
	memcpy(t->h_huffval, src->huffval, sizeof(t->h_huffval));
	memset(t->h_look, 0, sizeof(t->h_look));
	memset(one, 0, sizeof(one));
	if (isdc)
		memset(t->h_dcv, 0, sizeof(*t->h_dcv) << JPEGDC_DCV);
	for (l = 1; l <= 16; l++)
		n += src->bits[l];
	if (n > 256)
		return -1;
	memcpy(t->h_val, src->huffval, n);
	/* A DC value is the size of the difference that follows. */
	for (i = 0; isdc && i < n; i++)
		if (src->huffval[i] > 15)
			return -1;
	n = 0;
	for (l = 1; l <= 16; l++) {
		t->h_maxcode[l] = -1;
		if (src->bits[l] == 0) {
			code <<= 1;
			continue;
		}
		t->h_valoff[l] = n - code;
		for (i = 0; i < src->bits[l]; i++, n++, code++) {
			if (code >= 1 << l)
				return -1;
			if (!isdc)
				skip_entry(one, code, l, src->huffval[n]);
			else
				dcv_entry(t->h_dcv, code, l, src->huffval[n]);
			if (l > JPEGDC_LOOK)
				continue;
			/* Every JPEGDC_LOOK-bit word that starts with it. */
			fill = 1 << (JPEGDC_LOOK - l);
			for (k = 0; k < fill; k++)
				t->h_look[(code << (JPEGDC_LOOK - l)) | k] =
				    l << 8 | src->huffval[n];
		}
		t->h_maxcode[l] = code - 1;
		if (code >= 1 << l)
			return -1;
		code <<= 1;
	}
	if (!isdc)
		skip_pairs(t, one);
	t->h_ok = 1;
	return 0;
}

/*
 * The built table for src: one kept (the same counts and values), or
 * the one used longest ago built again.  NULL for a table libjpeg
 * would refuse.  A frame uses at most 4 tables of a kind, fewer than
 * JPEGDC_TABLES, so none it uses is replaced while it is read.
 */
static const struct jpegdc_huff *
huff_get(struct jpegdc *jd, const JHUFF_TBL *src, int isdc)
{
	struct jpegdc_huff	*tabs = isdc ? jd->jd_dc : jd->jd_ac, *t;
	uint64_t		 age, oldest = 0;
	int			 i, old = 0;

	for (i = 0; i < JPEGDC_TABLES; i++) {
		t = &tabs[i];
		if (t->h_ok && memcmp(t->h_bits, src->bits,
		    sizeof(t->h_bits)) == 0 && memcmp(t->h_huffval,
		    src->huffval, sizeof(t->h_huffval)) == 0) {
			t->h_used = jd->jd_frames;
			return t;
		}
		/* An empty slot first, then the one unused longest. */
		age = t->h_ok ? jd->jd_frames - t->h_used : UINT64_MAX;
		if (age > oldest) {
			oldest = age;
			old = i;
		}
	}
	t = &tabs[old];
	t->h_skip = isdc ? NULL : jd->jd_skip[old];
	t->h_dcv = isdc ? jd->jd_dcv[old] : NULL;
	if (huff_build(t, src, isdc) == -1)
		return NULL;
	t->h_used = jd->jd_frames;
	return t;
}

/*
 * At least 57 bits in the buffer.  Stuffed 0xff 0x00 is one 0xff (and
 * like libjpeg, a run of 0xff before the 0x00 too); a marker or the
 * end of the data gives zeros, counted in b_fake, and stops there.
 */
static void
bits_fill_slow(struct bits *b)
{
	const uint8_t	*q;
	unsigned	 c;

	while (b->b_n <= 56) {
		if (b->b_fake == 0 && b->b_p < b->b_end) {
			c = *b->b_p;
			if (c != 0xff) {
				b->b_p++;
				goto got;
			}
			for (q = b->b_p + 1; q < b->b_end && *q == 0xff; q++)
				;
			if (q < b->b_end && *q == 0x00) {
				b->b_p = q + 1;
				goto got;
			}
			/* A marker: b_p stays on its last 0xff. */
			b->b_p = q - 1;
		}
		c = 0;
		b->b_fake += 8;
got:
		b->b_acc |= (uint64_t)c << (56 - b->b_n);
		b->b_n += 8;
	}
}

/*
 * Most of the time the next 8 bytes hold no 0xff: take as many whole
 * bytes of them as fit at once.
 */
static inline void
bits_fill(struct bits *b)
{
	uint64_t	w;
	int		n;

	if (b->b_n > 32)
		return;
	if (b->b_fake == 0 && b->b_end - b->b_p >= 8) {
		memcpy(&w, b->b_p, sizeof(w));
		w = be64toh(w);
		/* No byte of w is 0xff: none of ~w is zero. */
		if (((~w - 0x0101010101010101ULL) & w &
		    0x8080808080808080ULL) == 0) {
			n = (63 - b->b_n) >> 3;
			b->b_acc |= w >> b->b_n & ~(~0ULL >> (b->b_n + 8 * n));
			b->b_p += n;
			b->b_n += 8 * n;
			return;
		}
	}
	bits_fill_slow(b);
}

static inline int
bits_get(struct bits *b, int n)
{
	int	v;

	if (n == 0)
		return 0;
	v = (int)(b->b_acc >> (64 - n));
	b->b_acc <<= n;
	b->b_n -= n;
	return v;
}

/* One Huffman-coded value, -1 for a code the table does not have. */
static inline int
huff_decode(struct bits *b, const struct jpegdc_huff *t)
{
	int	e, l, code;

	if ((e = t->h_look[b->b_acc >> (64 - JPEGDC_LOOK)]) != 0) {
		b->b_acc <<= e >> 8;
		b->b_n -= e >> 8;
		return e & 0xff;
	}
	for (l = JPEGDC_LOOK + 1; l <= 16; l++) {
		code = (int)(b->b_acc >> (64 - l));
		if (code <= t->h_maxcode[l]) {
			b->b_acc <<= l;
			b->b_n -= l;
			return t->h_val[(code + t->h_valoff[l]) & 0xff];
		}
	}
	return -1;
}

/*
 * After an interval: the rest of the byte is padding, then RSTn (with
 * any 0xff fill before it, as libjpeg allows).  0, or -1 when the
 * marker is not the one due (libjpeg would resynchronise; here the
 * rest of the picture keeps what it held).
 */
static int
bits_restart(struct bits *b, int rst)
{
	const uint8_t	*p = b->b_p;

	while (p + 1 < b->b_end && !(p[0] == 0xff && p[1] != 0x00 &&
	    p[1] != 0xff))
		p++;
	if (p + 1 >= b->b_end || p[1] != 0xd0 + rst)
		return -1;
	b->b_p = p + 2;
	b->b_acc = 0;
	b->b_n = b->b_fake = 0;
	return 0;
}

/*
 * What libjpeg's 1x1 IDCT makes of a DC coefficient: dequantised,
 * divided by 8 rounding, its 10-bit range limit, plus 128.
 */
static inline uint8_t
dc_pixel(int16_t coef, int q)
{
	int	v = (((int)coef * q + 4) >> 3) & 1023;

	if (v >= 512)
		v -= 1024;
	v += 128;
	return v < 0 ? 0 : v > 255 ? 255 : v;
}

int
jpegdc_decode(struct jpegdc *jd, j_decompress_ptr d, uint8_t *out, int w,
    int h)
{
	const struct jpegdc_huff	*dct[MCU_MAXBLK], *act[MCU_MAXBLK];
	const struct jpegdc_huff	*dt, *at;
	jpeg_component_info		*c, *y = &d->comp_info[0];
	JQUANT_TBL			*qt;
	struct bits			 b;
	int				 comp[MCU_MAXBLK], bx[MCU_MAXBLK];
	int				 by[MCU_MAXBLK], pred[MAX_COMPS_IN_SCAN];
	int16_t				 dc[MCU_MAXBLK];
	uint32_t			 e;
	int32_t				 ev;
	int				 ci, nblk = 0, i, k, s, r, v, q, n;
	int				 mcux, mcuy, mx, my, left, rst = 0;

	/* Grey from other colour spaces is not the first component. */
	if ((d->jpeg_color_space != JCS_YCbCr &&
	    d->jpeg_color_space != JCS_GRAYSCALE) ||
	    d->progressive_mode || d->arith_code || d->data_precision != 8 ||
	    d->Ss != 0 || d->Se != DCTSIZE2 - 1 || d->Ah != 0 || d->Al != 0 ||
	    d->comps_in_scan < 1 || d->comps_in_scan > MAX_COMPS_IN_SCAN ||
	    (d->comps_in_scan != d->num_components) ||
	    d->cur_comp_info[0] != y || y->h_samp_factor !=
	    d->max_h_samp_factor || y->v_samp_factor != d->max_v_samp_factor ||
	    d->unread_marker != 0 || y->quant_tbl_no < 0 ||
	    y->quant_tbl_no >= NUM_QUANT_TBLS ||
	    (qt = d->quant_tbl_ptrs[y->quant_tbl_no]) == NULL)
		return -1;
	q = qt->quantval[0];
	jd->jd_frames++;
	/* Each block of the MCU: its component, tables and place. */
	for (ci = 0; ci < d->comps_in_scan; ci++) {
		c = d->cur_comp_info[ci];
		if (c->dc_tbl_no < 0 || c->dc_tbl_no >= NUM_HUFF_TBLS ||
		    c->ac_tbl_no < 0 || c->ac_tbl_no >= NUM_HUFF_TBLS ||
		    d->dc_huff_tbl_ptrs[c->dc_tbl_no] == NULL ||
		    d->ac_huff_tbl_ptrs[c->ac_tbl_no] == NULL ||
		    (dt = huff_get(jd, d->dc_huff_tbl_ptrs[c->dc_tbl_no],
		    1)) == NULL ||
		    (at = huff_get(jd, d->ac_huff_tbl_ptrs[c->ac_tbl_no],
		    0)) == NULL)
			return -1;
		/* One component alone: an MCU is one block. */
		mx = d->comps_in_scan == 1 ? 1 : c->h_samp_factor;
		my = d->comps_in_scan == 1 ? 1 : c->v_samp_factor;
		for (i = 0; i < mx * my; i++) {
			if (nblk == MCU_MAXBLK)
				return -1;
			comp[nblk] = ci;
			bx[nblk] = ci == 0 ? i % mx : -1;
			by[nblk] = ci == 0 ? i / mx : -1;
			dct[nblk] = dt;
			act[nblk] = at;
			nblk++;
		}
	}
	/*
	 * libjpeg sets MCUs_per_row only when it starts decoding: the
	 * counts from the picture size (T.81 A.2).
	 */
	if (d->comps_in_scan == 1) {
		mcux = y->width_in_blocks;
		mcuy = y->height_in_blocks;
		mx = my = 1;
	} else {
		mx = y->h_samp_factor;
		my = y->v_samp_factor;
		mcux = (d->image_width + mx * DCTSIZE - 1) / (mx * DCTSIZE);
		mcuy = (d->image_height + my * DCTSIZE - 1) / (my * DCTSIZE);
	}
	if (mcux < 1 || mcuy < 1 || d->src->bytes_in_buffer == 0)
		return -1;
	memset(&b, 0, sizeof(b));
	b.b_p = d->src->next_input_byte;
	b.b_end = b.b_p + d->src->bytes_in_buffer;
	memset(pred, 0, sizeof(pred));
	left = d->restart_interval;
	for (int row = 0; row < mcuy; row++) {
		for (int col = 0; col < mcux; col++) {
			if (d->restart_interval != 0 && left-- == 0) {
				if (bits_restart(&b, rst) == -1)
					return 0;
				rst = (rst + 1) & 7;
				memset(pred, 0, sizeof(pred));
				left = d->restart_interval - 1;
			}
			for (i = 0; i < nblk; i++) {
				bits_fill(&b);
				if ((ev = dct[i]->h_dcv[b.b_acc >>
				    (64 - JPEGDC_DCV)]) != 0) {
					n = ev & 0xff;
					b.b_acc <<= n;
					b.b_n -= n;
					v = (ev - n) / 256;
				} else {
					if ((s = huff_decode(&b, dct[i])) == -1)
						return 0;
					s &= 15;
					v = extend(bits_get(&b, s), s);
				}
				/* Wraps like libjpeg's on hostile data. */
				pred[comp[i]] = (int)((unsigned)pred[comp[i]] +
				    (unsigned)v);
				dc[i] = (int16_t)pred[comp[i]];
				for (k = 1; k < DCTSIZE2;) {
					bits_fill(&b);
					e = act[i]->h_skip[b.b_acc >>
					    (64 - JPEGDC_SKIP)];
					if (e != 0) {
						/* The second only inside the
						 * block, as one at a time. */
						if (k + SKIP_ADV1(e) < DCTSIZE2) {
							n = SKIP_BITS2(e);
							k += SKIP_ADV2(e);
						} else {
							n = SKIP_BITS1(e);
							k += SKIP_ADV1(e);
						}
						b.b_acc <<= n;
						b.b_n -= n;
						continue;
					}
					if ((s = huff_decode(&b, act[i])) == -1)
						return 0;
					r = s >> 4;
					s &= 15;
					if (s != 0) {
						k += r + 1;
						bits_get(&b, s);
					} else if (r == 15)
						k += 16;
					else
						break;
				}
			}
			/* Past the data: this MCU is not the frame's. */
			if (b.b_n < b.b_fake)
				return 0;
			for (i = 0; i < nblk && comp[i] == 0; i++) {
				int	x = col * mx + bx[i];
				int	yy = row * my + by[i];

				if (x < w && yy < h)
					out[(size_t)yy * w + x] =
					    dc_pixel(dc[i], q);
			}
		}
	}
	return 0;
}
