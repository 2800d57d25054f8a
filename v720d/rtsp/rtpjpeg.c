/* RTP/JPEG (RFC 2435): strict parse, lossless transcode, packets. */
#include <sys/types.h>

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "rtpjpeg.h"

/*
 * The Huffman tables RFC 2435 receivers assume (JPEG Annex K.3, also
 * RFC 2435 appendix B): code counts per length 1..16, then the symbols.
 */
static const uint8_t dc_lum_bits[16] = { 0, 1, 5, 1, 1, 1, 1, 1, 1 };
static const uint8_t dc_chr_bits[16] = { 0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
static const uint8_t dc_vals[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
static const uint8_t ac_lum_bits[16] = {
	0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d };
static const uint8_t ac_lum_vals[162] = {
	0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41,
	0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91,
	0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24,
	0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a,
	0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38,
	0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53,
	0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66,
	0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79,
	0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93,
	0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
	0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
	0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
	0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1,
	0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2,
	0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa };
static const uint8_t ac_chr_bits[16] = {
	0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77 };
static const uint8_t ac_chr_vals[162] = {
	0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12,
	0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14,
	0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15,
	0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17,
	0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37,
	0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a,
	0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65,
	0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
	0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a,
	0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3,
	0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5,
	0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
	0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9,
	0xda, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2,
	0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa };

/* What a Huffman table slot holds. */
enum huff {
	H_UNDEF = 0,		/* not defined (MJPEG: the standard one) */
	H_LUM,			/* the standard luminance table */
	H_CHR,			/* the standard chrominance table */
	H_OTHER,
};

struct comp {
	int		 c_id, c_h, c_v, c_tq;
	int		 c_scanned;
};

struct jp {
	const uint8_t	*p;
	size_t		 len, pos;
	const char	*why;
	int		 sof;
	int		 w, h, ncomp;
	struct comp	 comp[3];
	uint8_t		 qt[4][64];
	int		 qtdef[4];	/* 0, 1 = 8-bit, 2 = 16-bit */
	enum huff	 huff[2][4];	/* [DC/AC][slot] */
	unsigned	 dri;
	int		 adobe_rgb;	/* APP14 "Adobe" says RGB */
	int		 nscans;
	int		 std;		/* first scan: all three, std tables */
	const uint8_t	*scan;
	size_t		 scanlen;
	/* The tables and interval as they were at the first scan. */
	uint8_t		 qt_lum[64], qt_chr[64];
	unsigned	 scan_dri;
	int		 qt_bad;
};

static int
fail(struct jp *jp, const char *why)
{
	jp->why = why;
	return -1;
}

static enum huff
huff_kind(int ac, const uint8_t *bits, const uint8_t *vals, size_t n)
{
	const uint8_t	*lb, *lv, *cb, *cv;
	size_t		 ln;

	if (ac) {
		lb = ac_lum_bits, lv = ac_lum_vals;
		cb = ac_chr_bits, cv = ac_chr_vals;
		ln = sizeof(ac_lum_vals);
	} else {
		lb = dc_lum_bits, lv = dc_vals;
		cb = dc_chr_bits, cv = dc_vals;
		ln = sizeof(dc_vals);
	}
	if (n != ln)
		return H_OTHER;
	if (memcmp(bits, lb, 16) == 0 && memcmp(vals, lv, n) == 0)
		return H_LUM;
	if (memcmp(bits, cb, 16) == 0 && memcmp(vals, cv, n) == 0)
		return H_CHR;
	return H_OTHER;
}

static int
seg_dht(struct jp *jp, const uint8_t *s, size_t n)
{
	size_t	 i, cnt;
	int	 tc, th;

	while (n > 0) {
		if (n < 17)
			return fail(jp, "short DHT segment");
		tc = s[0] >> 4;
		th = s[0] & 0x0f;
		if (tc > 1 || th > 3)
			return fail(jp, "bad Huffman table class or slot");
		for (cnt = 0, i = 1; i <= 16; i++)
			cnt += s[i];
		if (cnt == 0 || cnt > 256 || (tc == 0 && cnt > 16) ||
		    n < 17 + cnt)
			return fail(jp, "bad Huffman table size");
		for (i = 0; tc == 0 && i < cnt; i++)
			if (s[17 + i] > 15)
				return fail(jp, "bad DC Huffman symbol");
		jp->huff[tc][th] = huff_kind(tc, s + 1, s + 17, cnt);
		s += 17 + cnt;
		n -= 17 + cnt;
	}
	return 0;
}

static int
seg_dqt(struct jp *jp, const uint8_t *s, size_t n)
{
	int	 pq, tq, i;

	while (n > 0) {
		pq = s[0] >> 4;
		tq = s[0] & 0x0f;
		if (pq > 1 || tq > 3)
			return fail(jp, "bad quantization table");
		if (n < 1 + 64 * (size_t)(pq + 1))
			return fail(jp, "short DQT segment");
		for (i = 0; i < 64; i++) {
			/* 16-bit tables: not baseline, kept to say so. */
			jp->qt[tq][i] = pq ? s[2 + 2 * i] : s[1 + i];
			if ((pq ? s[1 + 2 * i] | s[2 + 2 * i] : s[1 + i]) == 0)
				return fail(jp, "quantization value 0");
		}
		jp->qtdef[tq] = pq + 1;
		s += 1 + 64 * (pq + 1);
		n -= 1 + 64 * (pq + 1);
	}
	return 0;
}

static int
seg_sof(struct jp *jp, const uint8_t *s, size_t n)
{
	int	 i, j;

	if (jp->sof)
		return fail(jp, "second frame header");
	jp->sof = 1;
	if (n < 6)
		return fail(jp, "short SOF segment");
	if (s[0] != 8)
		return fail(jp, "not 8-bit samples");
	jp->h = s[1] << 8 | s[2];
	jp->w = s[3] << 8 | s[4];
	jp->ncomp = s[5];
	if (jp->w == 0 || jp->h == 0)
		return fail(jp, "zero width or height (DNL not supported)");
	if (jp->w > RTPJPEG_MAXDIM || jp->h > RTPJPEG_MAXDIM)
		return fail(jp, "larger than 2040 pixels (RFC 2435 limit)");
	if (jp->ncomp != 3)
		return fail(jp, "not 3 components");
	if (n != 6 + 3 * 3)
		return fail(jp, "bad SOF length");
	for (i = 0; i < 3; i++) {
		jp->comp[i].c_id = s[6 + 3 * i];
		jp->comp[i].c_h = s[7 + 3 * i] >> 4;
		jp->comp[i].c_v = s[7 + 3 * i] & 0x0f;
		jp->comp[i].c_tq = s[8 + 3 * i];
		if (jp->comp[i].c_tq > 3)
			return fail(jp, "bad quantization table slot");
		for (j = 0; j < i; j++)
			if (jp->comp[j].c_id == jp->comp[i].c_id)
				return fail(jp, "duplicate component id");
	}
	if (jp->comp[0].c_h != 2 || (jp->comp[0].c_v != 1 &&
	    jp->comp[0].c_v != 2) || jp->comp[1].c_h != 1 ||
	    jp->comp[1].c_v != 1 || jp->comp[2].c_h != 1 ||
	    jp->comp[2].c_v != 1)
		return fail(jp, "sampling neither 4:2:2 nor 4:2:0");
	return 0;
}

/*
 * The entropy-coded data from jp->pos up to the next marker that is not
 * RSTn: stuffed bytes, fill bytes and the restart sequence are checked.
 * Leaves jp->pos at that marker's 0xff.
 */
static int
scan_data(struct jp *jp)
{
	const uint8_t	*p = jp->p, *q;
	size_t		 i = jp->pos, mcus, nrst = 0;
	int		 mw, mh;

	mw = 8 * jp->comp[0].c_h;
	mh = 8 * jp->comp[0].c_v;
	mcus = (size_t)((jp->w + mw - 1) / mw) * ((jp->h + mh - 1) / mh);
	for (;;) {
		if ((q = memchr(p + i, 0xff, jp->len - i)) == NULL)
			return fail(jp, "truncated in entropy-coded data");
		i = q - p;
		while (i + 1 < jp->len && p[i + 1] == 0xff)
			i++;		/* fill bytes */
		if (i + 1 >= jp->len)
			return fail(jp, "truncated in entropy-coded data");
		if (p[i + 1] == 0x00) {
			i += 2;
			continue;
		}
		if (p[i + 1] < 0xd0 || p[i + 1] > 0xd7)
			break;
		if (jp->dri == 0)
			return fail(jp, "restart marker without DRI");
		if (p[i + 1] != 0xd0 + nrst % 8)
			return fail(jp, "restart markers out of sequence");
		if (++nrst * jp->dri >= mcus)
			return fail(jp, "more restart markers than MCUs");
		i += 2;
	}
	jp->pos = i;
	return 0;
}

static int
seg_sos(struct jp *jp, const uint8_t *s, size_t n)
{
	int	 ns, i, j, last = -1, td[3], ta[3], ci[3];

	if (!jp->sof)
		return fail(jp, "scan before frame header");
	if (n < 1 || (ns = s[0]) < 1 || ns > 3 || n != 4 + 2 * (size_t)ns)
		return fail(jp, "bad SOS length");
	for (i = 0; i < ns; i++) {
		for (j = 0; j < 3; j++)
			if (jp->comp[j].c_id == s[1 + 2 * i])
				break;
		/* The scan's order is the frame's (ITU T.81 B.2.3). */
		if (j == 3 || j <= last)
			return fail(jp, "bad scan component");
		last = ci[i] = j;
		td[i] = s[2 + 2 * i] >> 4;
		ta[i] = s[2 + 2 * i] & 0x0f;
		if (td[i] > 3 || ta[i] > 3)
			return fail(jp, "bad Huffman table slot");
		if ((td[i] > 1 && jp->huff[0][td[i]] == H_UNDEF) ||
		    (ta[i] > 1 && jp->huff[1][ta[i]] == H_UNDEF))
			return fail(jp, "undefined Huffman table");
		if (jp->qtdef[jp->comp[j].c_tq] == 0)
			return fail(jp, "undefined quantization table");
		if (jp->qtdef[jp->comp[j].c_tq] == 2)
			return fail(jp, "16-bit quantization table");
		jp->comp[j].c_scanned = 1;
	}
	if (s[1 + 2 * ns] != 0 || s[2 + 2 * ns] != 63 || s[3 + 2 * ns] != 0)
		return fail(jp, "not a sequential scan");
	if (jp->nscans++ == 0) {
		/*
		 * Undefined slots 0 and 1 are the standard luminance and
		 * chrominance tables, as in MJPEG (and libjpeg-turbo).
		 */
		jp->std = ns == 3;
		for (i = 0; i < ns; i++) {
			enum huff dc = jp->huff[0][td[i]];
			enum huff ac = jp->huff[1][ta[i]];
			enum huff want = ci[i] == 0 ? H_LUM : H_CHR;

			if (dc == H_UNDEF && td[i] < 2)
				dc = td[i] == 0 ? H_LUM : H_CHR;
			if (ac == H_UNDEF && ta[i] < 2)
				ac = ta[i] == 0 ? H_LUM : H_CHR;
			if (dc != want || ac != want)
				jp->std = 0;
		}
		jp->scan_dri = jp->dri;
		memcpy(jp->qt_lum, jp->qt[jp->comp[0].c_tq], 64);
		memcpy(jp->qt_chr, jp->qt[jp->comp[1].c_tq], 64);
		if (jp->qtdef[jp->comp[1].c_tq] == 0 ||
		    jp->qtdef[jp->comp[2].c_tq] == 0 ||
		    memcmp(jp->qt[jp->comp[1].c_tq],
		    jp->qt[jp->comp[2].c_tq], 64) != 0)
			jp->qt_bad = 1;
		jp->scan = jp->p + jp->pos;
	} else
		jp->std = 0;
	if (scan_data(jp) == -1)
		return -1;
	if (jp->nscans == 1)
		jp->scanlen = jp->p + jp->pos - jp->scan;
	return 0;
}

/* Walk the whole JPEG, SOI to EOI, checking every segment. */
static int
parse(struct jp *jp, const uint8_t *p, size_t len)
{
	const uint8_t	*s;
	size_t		 n;
	int		 m, i;

	memset(jp, 0, sizeof(*jp));
	jp->p = p;
	jp->len = len;
	if (len < 4 || p[0] != 0xff || p[1] != 0xd8)
		return fail(jp, "not a JPEG (no SOI)");
	jp->pos = 2;
	for (;;) {
		if (jp->pos >= len || p[jp->pos] != 0xff)
			return fail(jp, jp->pos >= len ? "truncated (no EOI)" :
			    "garbage between segments");
		while (jp->pos < len && p[jp->pos] == 0xff)
			jp->pos++;
		if (jp->pos >= len)
			return fail(jp, "truncated (no EOI)");
		m = p[jp->pos++];
		if (m == 0xd9)
			break;
		if (m == 0x00 || m == 0x01 || m == 0xd8 ||
		    (m >= 0xd0 && m <= 0xd7))
			return fail(jp, "marker out of place");
		if (jp->pos + 2 > len)
			return fail(jp, "truncated segment length");
		n = p[jp->pos] << 8 | p[jp->pos + 1];
		if (n < 2 || n > len - jp->pos)
			return fail(jp, "segment length past the end");
		s = p + jp->pos + 2;
		n -= 2;
		jp->pos += 2 + n;
		switch (m) {
		case 0xc0:
			if (seg_sof(jp, s, n) == -1)
				return -1;
			break;
		case 0xc1:
			return fail(jp, "extended sequential JPEG");
		case 0xc2:
		case 0xc6:
		case 0xca:
		case 0xce:
			return fail(jp, "progressive JPEG");
		case 0xc3:
		case 0xc7:
		case 0xcb:
		case 0xcf:
			return fail(jp, "lossless JPEG");
		case 0xc5:
		case 0xcd:
			return fail(jp, "hierarchical JPEG");
		case 0xc9:
		case 0xcc:
			return fail(jp, "arithmetic coding");
		case 0xc4:
			if (seg_dht(jp, s, n) == -1)
				return -1;
			break;
		case 0xdb:
			if (seg_dqt(jp, s, n) == -1)
				return -1;
			break;
		case 0xdd:
			if (n != 2)
				return fail(jp, "bad DRI length");
			jp->dri = s[0] << 8 | s[1];
			break;
		case 0xda:
			jp->pos = s + n - p;
			if (seg_sos(jp, s, n) == -1)
				return -1;
			break;
		case 0xee:
			/* Adobe's transform 0: the components are R, G, B. */
			if (n >= 12 && memcmp(s, "Adobe", 5) == 0 && s[11] == 0)
				jp->adobe_rgb = 1;
			break;
		default:
			if ((m >= 0xe0 && m <= 0xef) || m == 0xfe)
				break;	/* APPn, COM */
			return fail(jp, "unknown or unsupported marker");
		}
	}
	if (jp->nscans == 0)
		return fail(jp, "no scan");
	for (i = 0; i < 3; i++)
		if (!jp->comp[i].c_scanned)
			return fail(jp, "component missing from the scans");
	if (jp->qt_bad)
		return fail(jp, "chroma quantization tables differ");
	/* RFC 2435 is YCbCr; so is a JPEG unless it says otherwise. */
	if (jp->adobe_rgb || (jp->comp[0].c_id == 'R' &&
	    jp->comp[1].c_id == 'G' && jp->comp[2].c_id == 'B'))
		return fail(jp, "RGB components, not YCbCr");
	if (jp->scanlen == 0)
		return fail(jp, "empty scan");
	if (jp->scanlen > RTPJPEG_MAXSCAN)
		return fail(jp, "scan larger than 16 MB");
	return 0;
}

struct jerr {
	struct jpeg_error_mgr	 pub;
	jmp_buf			 jb;
	int			 warned;
};

static void
jerr_exit(j_common_ptr cinfo)
{
	longjmp(((struct jerr *)cinfo->err)->jb, 1);
}

static void
jerr_emit(j_common_ptr cinfo, int level)
{
	/* A warning is corrupt data: never carry a guess. */
	if (level < 0)
		((struct jerr *)cinfo->err)->warned = 1;
}

/*
 * Re-encode the entropy coding with the standard tables: the same DCT
 * coefficients, quantization tables, sampling and restart interval.
 */
static int
transcode(const uint8_t *jpeg, size_t len, uint8_t **out, size_t *outlen,
    const char **why)
{
	struct jpeg_decompress_struct	 d;
	struct jpeg_compress_struct	 c;
	struct jerr			 de, ce;
	jvirt_barray_ptr		*coef;
	unsigned char			*buf = NULL;
	unsigned long			 blen = 0;

	memset(&d, 0, sizeof(d));
	memset(&c, 0, sizeof(c));
	memset(&de, 0, sizeof(de));
	memset(&ce, 0, sizeof(ce));
	d.err = jpeg_std_error(&de.pub);
	de.pub.error_exit = jerr_exit;
	de.pub.emit_message = jerr_emit;
	c.err = jpeg_std_error(&ce.pub);
	ce.pub.error_exit = jerr_exit;
	ce.pub.emit_message = jerr_emit;
	if (setjmp(de.jb) || setjmp(ce.jb)) {
		jpeg_destroy_compress(&c);
		jpeg_destroy_decompress(&d);
		free(buf);
		*why = "does not decode";
		return -1;
	}
	jpeg_create_decompress(&d);
	jpeg_create_compress(&c);
	jpeg_mem_src(&d, jpeg, len);
	if (jpeg_read_header(&d, TRUE) != JPEG_HEADER_OK)
		longjmp(de.jb, 1);
	if ((coef = jpeg_read_coefficients(&d)) == NULL || de.warned)
		longjmp(de.jb, 1);
	jpeg_mem_dest(&c, &buf, &blen);
	jpeg_copy_critical_parameters(&d, &c);
	c.optimize_coding = FALSE;
	c.restart_interval = d.restart_interval;
	c.write_JFIF_header = FALSE;
	c.write_Adobe_marker = FALSE;
	jpeg_write_coefficients(&c, coef);
	jpeg_finish_compress(&c);
	jpeg_finish_decompress(&d);
	if (de.warned || ce.warned)
		longjmp(de.jb, 1);
	jpeg_destroy_compress(&c);
	jpeg_destroy_decompress(&d);
	*out = buf;
	*outlen = blen;
	return 0;
}

static void
fill(struct rtpjpeg *rj, const struct jp *jp)
{
	rj->rj_type = jp->comp[0].c_v == 2 ? RTPJPEG_TYPE_420 :
	    RTPJPEG_TYPE_422;
	if (jp->scan_dri > 0)
		rj->rj_type += RTPJPEG_TYPE_DRI;
	rj->rj_width = (jp->w + 7) / 8;
	rj->rj_height = (jp->h + 7) / 8;
	rj->rj_dri = jp->scan_dri;
	memcpy(rj->rj_qt, jp->qt_lum, 64);
	memcpy(rj->rj_qt + 64, jp->qt_chr, 64);
	rj->rj_qtlen = 128;
	rj->rj_scan = jp->scan;
	rj->rj_scanlen = jp->scanlen;
}

int
rtpjpeg_prepare(struct rtpjpeg *rj, const uint8_t *jpeg, size_t len,
    const char **why)
{
	struct jp	 jp;
	uint8_t		*out;
	size_t		 outlen;

	memset(rj, 0, sizeof(*rj));
	if (parse(&jp, jpeg, len) == -1) {
		*why = jp.why;
		return -1;
	}
	if (jp.std) {
		fill(rj, &jp);
		return 0;
	}
	if (transcode(jpeg, len, &out, &outlen, why) == -1)
		return -1;
	if (parse(&jp, out, outlen) == -1 || !jp.std) {
		/* Cannot happen with libjpeg's own output; never carry it. */
		free(out);
		*why = "transcoded JPEG not carriable";
		return -1;
	}
	fill(rj, &jp);
	rj->rj_owned = out;
	rj->rj_ownedlen = outlen;
	rj->rj_transcoded = 1;
	return 0;
}

void
rtpjpeg_clear(struct rtpjpeg *rj)
{
	free(rj->rj_owned);
	memset(rj, 0, sizeof(*rj));
}

size_t
rtpjpeg_packetize(const struct rtpjpeg *rj, size_t maxpayload,
    rtp_emit_fn *emit, void *arg)
{
	uint8_t	 hdr[RTPJPEG_MAXHDR];
	size_t	 off = 0, n, chunk, count = 0;

	if (maxpayload < RTPJPEG_MAXHDR + 1 || rj->rj_scanlen == 0 ||
	    rj->rj_scanlen > RTPJPEG_MAXSCAN)
		return 0;
	while (off < rj->rj_scanlen) {
		hdr[0] = 0;			/* type-specific */
		hdr[1] = off >> 16;
		hdr[2] = off >> 8;
		hdr[3] = off;
		hdr[4] = rj->rj_type;
		hdr[5] = RTPJPEG_Q;
		hdr[6] = rj->rj_width;
		hdr[7] = rj->rj_height;
		n = 8;
		if (rj->rj_type & RTPJPEG_TYPE_DRI) {
			/* F = L = 1, count 0x3fff: packets need not align. */
			hdr[n++] = rj->rj_dri >> 8;
			hdr[n++] = rj->rj_dri;
			hdr[n++] = 0xff;
			hdr[n++] = 0xff;
		}
		if (off == 0) {
			hdr[n++] = 0;		/* MBZ */
			hdr[n++] = 0;		/* precision: 8-bit tables */
			hdr[n++] = rj->rj_qtlen >> 8;
			hdr[n++] = rj->rj_qtlen;
			memcpy(hdr + n, rj->rj_qt, rj->rj_qtlen);
			n += rj->rj_qtlen;
		}
		chunk = maxpayload - n;
		if (chunk > rj->rj_scanlen - off)
			chunk = rj->rj_scanlen - off;
		emit(arg, hdr, n, rj->rj_scan + off, chunk,
		    off + chunk == rj->rj_scanlen);
		off += chunk;
		count++;
	}
	return count;
}
