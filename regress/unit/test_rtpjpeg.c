/*
 * RTP/JPEG (RFC 2435): what a client rebuilds from the packets decodes
 * to exactly the pixels of the camera's JPEG.  The receiver here is
 * written from the RFC, as a client does it: the JPEG header is rebuilt
 * from type, size, DRI and the in-band tables with the standard Huffman
 * tables (taken from libjpeg, not from the module under test).
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include <criterion/criterion.h>

#include "../../v720d/rtsp/rtpjpeg.h"
#include "testjpeg.h"

#define MAXPKT	4096

struct pkts {
	uint8_t	*buf[MAXPKT];
	size_t	 len[MAXPKT];
	int	 last[MAXPKT];
	size_t	 n, maxpayload;
};

static void
collect(void *arg, const uint8_t *hdr, size_t hdrlen, const uint8_t *data,
    size_t datalen, int last)
{
	struct pkts	*p = arg;

	cr_assert_lt(p->n, MAXPKT);
	cr_assert_leq(hdrlen + datalen, p->maxpayload,
	    "packet %zu: %zu bytes > %zu", p->n, hdrlen + datalen,
	    p->maxpayload);
	cr_assert_gt(datalen, 0);
	cr_assert_not_null(p->buf[p->n] = malloc(hdrlen + datalen));
	memcpy(p->buf[p->n], hdr, hdrlen);
	memcpy(p->buf[p->n] + hdrlen, data, datalen);
	p->len[p->n] = hdrlen + datalen;
	p->last[p->n] = last;
	p->n++;
}

static void
pkts_free(struct pkts *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		free(p->buf[i]);
	p->n = 0;
}

struct out {
	uint8_t	*b;
	size_t	 n, cap;
};

static void
put(struct out *o, const void *p, size_t n)
{
	if (o->n + n > o->cap) {
		o->cap = (o->n + n) * 2;
		cr_assert_not_null(o->b = realloc(o->b, o->cap));
	}
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void
put16(struct out *o, unsigned v)
{
	uint8_t	b[2] = { v >> 8, v };

	put(o, b, 2);
}

static void
put_dht(struct out *o, int cls, int slot, const JHUFF_TBL *t)
{
	int	i, n = 0;

	for (i = 1; i <= 16; i++)
		n += t->bits[i];
	put16(o, 0xffc4);
	put16(o, 2 + 1 + 16 + n);
	put(o, (uint8_t[]){ cls << 4 | slot }, 1);
	put(o, t->bits + 1, 16);
	put(o, t->huffval, n);
}

/*
 * The client's side of RFC 2435: check the headers of every packet,
 * reassemble by fragment offset, rebuild the JPEG.
 */
static uint8_t *
depacketize(const struct pkts *p, size_t *len)
{
	struct jpeg_compress_struct	 c;
	struct jpeg_error_mgr		 je;
	struct out			 o = { 0 };
	const uint8_t			*h;
	uint8_t				 type = 0, w = 0, hh = 0, qt[128];
	unsigned			 dri = 0, off, expect = 0;
	size_t				 i, n;

	cr_assert_gt(p->n, 0);
	struct out scan = { 0 };
	for (i = 0; i < p->n; i++) {
		h = p->buf[i];
		n = 8;
		cr_assert_eq(p->last[i], i == p->n - 1, "marker on %zu", i);
		cr_assert_eq(h[0], 0);
		off = h[1] << 16 | h[2] << 8 | h[3];
		cr_assert_eq(off, expect, "fragment offset");
		if (i == 0) {
			type = h[4], w = h[6], hh = h[7];
			cr_assert(type == 0 || type == 1 || type == 64 ||
			    type == 65, "type %d", type);
		}
		cr_assert_eq(h[4], type);
		cr_assert_eq(h[5], 255, "Q");
		cr_assert_eq(h[6], w);
		cr_assert_eq(h[7], hh);
		if (type >= 64) {
			if (i == 0)
				dri = h[8] << 8 | h[9];
			cr_assert_eq((unsigned)(h[8] << 8 | h[9]), dri);
			cr_assert_gt(dri, 0);
			cr_assert_eq(h[10], 0xff, "F, L, count");
			cr_assert_eq(h[11], 0xff);
			n += 4;
		}
		if (off == 0) {
			cr_assert_eq(h[n], 0);
			cr_assert_eq(h[n + 1], 0, "8-bit tables");
			cr_assert_eq(h[n + 2] << 8 | h[n + 3], 128);
			memcpy(qt, h + n + 4, 128);
			n += 4 + 128;
		}
		cr_assert_gt(p->len[i], n);
		put(&scan, h + n, p->len[i] - n);
		expect += p->len[i] - n;
	}

	/* The standard Huffman tables, as libjpeg knows them. */
	memset(&c, 0, sizeof(c));
	c.err = jpeg_std_error(&je);
	jpeg_create_compress(&c);
	c.in_color_space = JCS_RGB;
	c.input_components = 3;
	jpeg_set_defaults(&c);

	put16(&o, 0xffd8);
	put16(&o, 0xffdb);
	put16(&o, 2 + 2 * 65);
	put(&o, (uint8_t[]){ 0 }, 1);
	put(&o, qt, 64);
	put(&o, (uint8_t[]){ 1 }, 1);
	put(&o, qt + 64, 64);
	if (dri) {
		put16(&o, 0xffdd);
		put16(&o, 4);
		put16(&o, dri);
	}
	put16(&o, 0xffc0);
	put16(&o, 17);
	put(&o, (uint8_t[]){ 8 }, 1);
	put16(&o, hh * 8);
	put16(&o, w * 8);
	put(&o, (uint8_t[]){ 3, 1, (type & 1) ? 0x22 : 0x21, 0,
	    2, 0x11, 1, 3, 0x11, 1 }, 10);
	put_dht(&o, 0, 0, c.dc_huff_tbl_ptrs[0]);
	put_dht(&o, 1, 0, c.ac_huff_tbl_ptrs[0]);
	put_dht(&o, 0, 1, c.dc_huff_tbl_ptrs[1]);
	put_dht(&o, 1, 1, c.ac_huff_tbl_ptrs[1]);
	jpeg_destroy_compress(&c);
	put16(&o, 0xffda);
	put16(&o, 12);
	put(&o, (uint8_t[]){ 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0 }, 10);
	put(&o, scan.b, scan.n);
	put16(&o, 0xffd9);
	free(scan.b);
	*len = o.n;
	return o.b;
}

/*
 * Packetize, depacketize, decode both: the same pixels.  Returns
 * whether the module transcoded.  want_type < 0: any.
 */
static int
roundtrip(const uint8_t *jpeg, size_t len, size_t maxpayload, int want_type)
{
	struct rtpjpeg	 rj;
	struct pkts	 p = { .maxpayload = maxpayload };
	struct tj_pix	 a, b;
	const char	*why = NULL;
	uint8_t		*rebuilt;
	size_t		 rlen, np;
	int		 tc;

	cr_assert_eq(rtpjpeg_prepare(&rj, jpeg, len, &why), 0, "why: %s", why);
	if (want_type >= 0)
		cr_assert_eq(rj.rj_type, want_type);
	np = rtpjpeg_packetize(&rj, maxpayload, collect, &p);
	cr_assert_eq(np, p.n);
	rebuilt = depacketize(&p, &rlen);
	a = tj_decode(jpeg, len);
	b = tj_decode(rebuilt, rlen);
	cr_assert_eq(a.w, b.w);
	cr_assert_eq(a.h, b.h);
	cr_assert(memcmp(a.rgb, b.rgb, (size_t)a.w * a.h * 3) == 0,
	    "pixels differ");
	tc = rj.rj_transcoded;
	free(a.rgb);
	free(b.rgb);
	free(rebuilt);
	pkts_free(&p);
	rtpjpeg_clear(&rj);
	return tc;
}

Test(rtpjpeg, scenes_exact_pixels)
{
	size_t	 len, mp[] = { RTPJPEG_MAXHDR + 1, 500, 1400, 65000 };
	uint8_t	*j;
	int	 k, i;

	for (k = 1; k <= 5; k++) {
		j = tj_scene(k, &len);
		for (i = 0; i < 4; i++)
			cr_assert_eq(roundtrip(j, len, mp[i], 1), 0,
			    "scene%d has the standard tables: no transcode", k);
		free(j);
	}
}

Test(rtpjpeg, restart_markers)
{
	struct tj_mk	 m = { .quality = 70, .h = 2, .v = 2, .restart = 3 };
	uint8_t		*j;
	size_t		 len;

	j = tj_make_scene(2, &m, &len);
	cr_assert_eq(roundtrip(j, len, 1400, 65), 0);
	cr_assert_eq(roundtrip(j, len, RTPJPEG_MAXHDR + 1, 65), 0);
	free(j);
	m.h = 2, m.v = 1, m.restart = 40;
	j = tj_make_scene(3, &m, &len);
	cr_assert_eq(roundtrip(j, len, 1000, 64), 0);
	free(j);
}

/* A DRI after the scan does not apply to it (ITU T.81 B.2.4.4). */
Test(rtpjpeg, dri_after_scan)
{
	uint8_t	*j, *c;
	size_t	 len;

	j = tj_scene(5, &len);
	cr_assert_not_null(c = malloc(len + 6));
	memcpy(c, j, len - 2);
	memcpy(c + len - 2, "\xff\xdd\x00\x04\x00\x01\xff\xd9", 8);
	cr_assert_eq(roundtrip(c, len + 6, 1400, 1), 0);
	free(c);
	free(j);
}

Test(rtpjpeg, sampling_422)
{
	struct tj_mk	 m = { .quality = 80, .h = 2, .v = 1 };
	uint8_t		*j;
	size_t		 len;

	j = tj_make_scene(4, &m, &len);
	cr_assert_eq(roundtrip(j, len, 1400, 0), 0);
	free(j);
}

Test(rtpjpeg, optimized_huffman_transcoded)
{
	struct tj_mk	 m = { .quality = 75, .h = 2, .v = 2, .optimize = 1 };
	uint8_t		*j;
	size_t		 len;

	j = tj_make_scene(1, &m, &len);
	cr_assert_eq(roundtrip(j, len, 1400, 1), 1, "transcoded");
	free(j);
	/* With restart markers and 4:2:2: both kept through the transcode. */
	m.h = 2, m.v = 1, m.restart = 7;
	j = tj_make_scene(5, &m, &len);
	cr_assert_eq(roundtrip(j, len, 1400, 64), 1, "transcoded");
	free(j);
	/* Non-interleaved scans (baseline allows them, RFC 2435 not). */
	m = (struct tj_mk){ .quality = 60, .h = 2, .v = 2, .multiscan = 1 };
	j = tj_make_scene(2, &m, &len);
	cr_assert_eq(roundtrip(j, len, 1400, 1), 1, "transcoded");
	free(j);
}

/* A frame that cannot be carried: -1 and a reason containing want. */
static void
refuse(const uint8_t *j, size_t len, const char *want)
{
	struct rtpjpeg	 rj;
	const char	*why = NULL;

	cr_assert_eq(rtpjpeg_prepare(&rj, j, len, &why), -1,
	    "accepted, wanted \"%s\"", want);
	cr_assert_not_null(why);
	if (want != NULL)
		cr_assert_not_null(strstr(why, want),
		    "why \"%s\", wanted \"%s\"", why, want);
	rtpjpeg_clear(&rj);
}

/* Offset of the first marker m's length field. */
static size_t
find_marker(const uint8_t *j, size_t len, uint8_t m)
{
	size_t	i;

	for (i = 2; i + 1 < len; i++)
		if (j[i] == 0xff && j[i + 1] == m)
			return i + 2;
	cr_assert_fail("marker %02x not found", m);
	return 0;
}

Test(rtpjpeg, hostile)
{
	struct tj_mk	 m = { .quality = 70, .h = 2, .v = 2 };
	uint8_t		*j, *c;
	size_t		 len, i, sof, sos;

	j = tj_scene(1, &len);
	cr_assert_not_null(c = malloc(len + 16));

	/* Every truncation fails, none reads past the end (valgrind, ASan). */
	for (i = 0; i < len; i += (i < 700 ? 1 : 61)) {
		uint8_t *t = malloc(i ? i : 1);

		memcpy(t, j, i);
		refuse(t, i, NULL);
		free(t);
	}

	sof = find_marker(j, len, 0xc0);
	memcpy(c, j, len);
	c[sof + 2] = 12;
	refuse(c, len, "8-bit");
	memcpy(c, j, len);
	c[sof + 3] = 0x0f, c[sof + 4] = 0xa0;		/* 4000 high */
	refuse(c, len, "2040");
	memcpy(c, j, len);
	c[sof + 5] = 0xff, c[sof + 6] = 0xff;		/* 65535 wide */
	refuse(c, len, "2040");
	memcpy(c, j, len);
	c[sof + 3] = 0, c[sof + 4] = 0;
	refuse(c, len, "zero");
	memcpy(c, j, len);
	c[sof - 1] = 0xc1;
	refuse(c, len, "extended");
	memcpy(c, j, len);
	c[sof - 1] = 0xc9;
	refuse(c, len, "arithmetic");
	memcpy(c, j, len);
	c[sof + 9] = 0x11;				/* luma 1x1: 4:4:4 */
	refuse(c, len, "sampling");
	memcpy(c, j, len);
	c[sof + 16] = 0;				/* Cr's table 1 -> 0 */
	refuse(c, len, "chroma");
	memcpy(c, j, len);
	c[sof + 10] = 3;				/* undefined table 3 */
	refuse(c, len, "quantization table");
	memcpy(c, j, len);
	c[sof] = 0xff;				/* length past the end */
	refuse(c, len, "past the end");

	/* Markers out of place. */
	memcpy(c, j, len);
	c[3] = 0x01;				/* TEM instead of APP0 */
	refuse(c, len, "marker");
	memcpy(c, j, len);
	c[3] = 0xd3;					/* RST outside a scan */
	refuse(c, len, "marker");
	memcpy(c, j, len);
	c[3] = 0xf3;					/* JPG3 */
	refuse(c, len, "marker");
	memcpy(c, j, len);
	c[2] = 0x00;					/* not a marker */
	refuse(c, len, "garbage");
	sos = find_marker(j, len, 0xda);
	memcpy(c, j, len);
	i = sos + 12 + 1000;
	c[i] = 0xff, c[i + 1] = 0xd8;		/* SOI inside the scan */
	refuse(c, len, "marker");
	memcpy(c, j, len);
	c[i] = 0xff, c[i + 1] = 0xd0;			/* RST without DRI */
	refuse(c, len, "restart");
	memcpy(c, j, len);
	c[sos + 2] = 4;					/* Ns 4 */
	refuse(c, len, "SOS");
	memcpy(c, j, len);
	c[sos + 10] = 1;				/* Se 63 -> 1 */
	refuse(c, len, "sequential");
	memcpy(c, j, len);
	c[sos + 3] = 9;					/* no such component */
	refuse(c, len, "component");
	memcpy(c, j, len);
	c[len - 1] = 0xd8;				/* no EOI */
	refuse(c, len, NULL);
	refuse((const uint8_t *)"", 0, "SOI");
	free(j);

	/* Progressive, 4 components, grayscale, 4:4:4. */
	m.progressive = 1;
	j = tj_make_scene(1, &m, &len);
	refuse(j, len, "progressive");
	free(j);
	m = (struct tj_mk){ .quality = 70, .cmyk = 1 };
	j = tj_make_scene(2, &m, &len);
	refuse(j, len, "3 components");
	free(j);
	m = (struct tj_mk){ .quality = 70, .gray = 1 };
	j = tj_make_scene(3, &m, &len);
	refuse(j, len, "3 components");
	free(j);
	m = (struct tj_mk){ .quality = 70, .h = 1, .v = 1 };
	j = tj_make_scene(3, &m, &len);
	refuse(j, len, "sampling");
	free(j);
	m = (struct tj_mk){ .quality = 70, .h = 2, .v = 2, .rgb = 1 };
	j = tj_make_scene(4, &m, &len);
	refuse(j, len, "RGB");
	/* Adobe now says YCbCr: the component ids still say RGB. */
	i = find_marker(j, len, 0xee);
	j[i + 2 + 11] = 1;
	refuse(j, len, "RGB");
	free(j);
	free(c);
}

/* Restart markers out of order: a fake camera's, refused. */
Test(rtpjpeg, restart_sequence)
{
	struct tj_mk	 m = { .quality = 70, .h = 2, .v = 2, .restart = 2 };
	uint8_t		*j;
	size_t		 len, i;
	int		 n = 0;

	j = tj_make_scene(1, &m, &len);
	for (i = find_marker(j, len, 0xda); i + 1 < len; i++)
		if (j[i] == 0xff && j[i + 1] >= 0xd0 && j[i + 1] <= 0xd7 &&
		    ++n == 5) {
			j[i + 1] = 0xd0 + (j[i + 1] - 0xd0 + 3) % 8;
			break;
		}
	cr_assert_eq(n, 5);
	refuse(j, len, "sequence");
	free(j);
}

static void
nop(void *arg, const uint8_t *h, size_t hl, const uint8_t *d, size_t dl,
    int last)
{
	(*(int *)arg)++;
}

Test(rtpjpeg, maxpayload_too_small)
{
	struct rtpjpeg	 rj;
	const char	*why;
	uint8_t		*j;
	size_t		 len;
	int		 n = 0;

	j = tj_scene(1, &len);
	cr_assert_eq(rtpjpeg_prepare(&rj, j, len, &why), 0);
	cr_assert_eq(rtpjpeg_packetize(&rj, RTPJPEG_MAXHDR, nop, &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_gt(rtpjpeg_packetize(&rj, RTPJPEG_MAXHDR + 1, nop, &n), 0);
	rtpjpeg_clear(&rj);
	free(j);
}
