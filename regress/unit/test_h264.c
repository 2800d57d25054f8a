/*
 * H.264 from the camera's JPEGs (h264enc.c) and its RTP packets
 * (rtph264.c): libavcodec's own h264 decoder, fed what an RFC 6184
 * client reassembles, shows the scene at 640x480 within 30 dB PSNR of
 * the JPEG as libjpeg decodes it; SPS and PPS precede every IDR; a
 * forced IDR comes on the very next frame; the encoder starts no thread.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/base64.h>

#include <criterion/criterion.h>

#include "../../v720d/rtsp/h264enc.h"
#include "../../v720d/rtsp/rtph264.h"
#include "testjpeg.h"

#define W	640
#define H	480
#define MAXNAL	64

struct au {
	uint8_t	*nal[MAXNAL];
	size_t	 len[MAXNAL];
	int	 last[MAXNAL];
	int	 n;
	int	 frame;
};

static uint8_t	*jpg[5];
static size_t	 jlen[5];

static void
setup(void)
{
	int	k;

	for (k = 0; k < 5; k++)
		jpg[k] = tj_scene(k + 1, &jlen[k]);
}

static void
teardown(void)
{
	int	k;

	for (k = 0; k < 5; k++)
		free(jpg[k]);
}

static void
on_nal(void *arg, const uint8_t *nal, size_t len, int last)
{
	struct au	*a = arg;

	cr_assert_lt(a->n, MAXNAL);
	cr_assert_gt(len, 0);
	cr_assert(nal[0] != 0 || len < 3 || nal[1] != 0, "start code left in");
	cr_assert_not_null(a->nal[a->n] = malloc(len));
	memcpy(a->nal[a->n], nal, len);
	a->len[a->n] = len;
	a->last[a->n] = last;
	a->n++;
}

static void
au_free(struct au *a)
{
	int	i;

	for (i = 0; i < a->n; i++)
		free(a->nal[i]);
	a->n = 0;
}

static int
au_has(const struct au *a, int type)
{
	int	i;

	for (i = 0; i < a->n; i++)
		if ((a->nal[i][0] & 0x1f) == type)
			return i;
	return -1;
}

static uint8_t
clamp(double v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)(v + 0.5);
}

/* PSNR of a decoded yuv420p (video range, BT.601) frame against RGB. */
static double
psnr(const AVFrame *f, const uint8_t *rgb)
{
	double	 se = 0, y, cb, cr, px[3];
	int	 i, j, k;

	cr_assert_eq(f->format, AV_PIX_FMT_YUV420P);
	cr_assert_eq(f->width, W);
	cr_assert_eq(f->height, H);
	for (j = 0; j < H; j++)
		for (i = 0; i < W; i++) {
			y = 1.164 * (f->data[0][j * f->linesize[0] + i] - 16);
			cb = f->data[1][j / 2 * f->linesize[1] + i / 2] - 128;
			cr = f->data[2][j / 2 * f->linesize[2] + i / 2] - 128;
			px[0] = clamp(y + 1.596 * cr);
			px[1] = clamp(y - 0.392 * cb - 0.813 * cr);
			px[2] = clamp(y + 2.017 * cb);
			for (k = 0; k < 3; k++) {
				double d = px[k] - rgb[(j * W + i) * 3 + k];
				se += d * d;
			}
		}
	se /= (double)W * H * 3;
	return se == 0 ? 99 : 10 * log10(255.0 * 255.0 / se);
}

struct dec {
	AVCodecContext	*ctx;
	AVPacket	*pkt;
	AVFrame		*frm;
};

static void
dec_open(struct dec *d)
{
	const AVCodec	*c;

	cr_assert_not_null(c = avcodec_find_decoder(AV_CODEC_ID_H264));
	cr_assert_not_null(d->ctx = avcodec_alloc_context3(c));
	d->ctx->thread_count = 1;
	cr_assert_eq(avcodec_open2(d->ctx, c, NULL), 0);
	cr_assert_not_null(d->pkt = av_packet_alloc());
	cr_assert_not_null(d->frm = av_frame_alloc());
}

static void
dec_close(struct dec *d)
{
	avcodec_free_context(&d->ctx);
	av_packet_free(&d->pkt);
	av_frame_free(&d->frm);
}

/* One access unit in Annex B to the decoder: 1 if a frame came out. */
static int
dec_au(struct dec *d, const struct au *a)
{
	size_t	 n = 0;
	int	 i;

	for (i = 0; i < a->n; i++)
		n += 4 + a->len[i];
	cr_assert_eq(av_new_packet(d->pkt, n), 0);
	for (n = 0, i = 0; i < a->n; i++) {
		memcpy(d->pkt->data + n, "\0\0\0\1", 4);
		memcpy(d->pkt->data + n + 4, a->nal[i], a->len[i]);
		n += 4 + a->len[i];
	}
	cr_assert_eq(avcodec_send_packet(d->ctx, d->pkt), 0);
	av_packet_unref(d->pkt);
	return avcodec_receive_frame(d->ctx, d->frm) == 0;
}

static int
nthreads(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	cr_assert_not_null(d = opendir("/proc/self/task"));
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Each AU: last_in_au on its last NAL only; SPS, PPS before an IDR. */
static void
check_au(const struct au *a, int want_idr)
{
	int	i, idr, sps, pps;

	cr_assert_gt(a->n, 0, "no access unit for a frame");
	for (i = 0; i < a->n; i++)
		cr_assert_eq(a->last[i], i == a->n - 1, "last_in_au on %d",
		    i);
	idr = au_has(a, 5);
	if (want_idr >= 0)
		cr_assert_eq(idr >= 0, want_idr, "frame %d: IDR %d, wanted %d",
		    a->frame, idr, want_idr);
	if (idr >= 0) {
		sps = au_has(a, 7);
		pps = au_has(a, 8);
		cr_assert(sps >= 0 && sps < idr, "SPS before the IDR");
		cr_assert(pps >= 0 && pps < idr, "PPS before the IDR");
	} else
		cr_assert_eq(au_has(a, 1) >= 0, 1, "a non-IDR slice");
}

TestSuite(h264, .init = setup, .fini = teardown);

Test(h264, encode_decode_psnr)
{
	struct h264enc	*e;
	struct dec	 d = { 0 };
	struct au	 a = { 0 };
	char		 err[256];
	const uint8_t	*sps, *pps;
	size_t		 spslen, ppslen;
	uint8_t		*rgb;
	double		 p, pmin = 99;
	int		 f, th0, decoded = 0;

	th0 = nthreads();
	e = h264enc_open("libx264", W, H, 10, 2, err, sizeof(err));
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(h264enc_params(e, &sps, &spslen, &pps, &ppslen), 0,
	    "SPS and PPS known after open");
	cr_assert_eq(sps[0] & 0x1f, 7);
	cr_assert_eq(pps[0] & 0x1f, 8);
	/* Constrained Baseline: what every WebRTC browser decodes (RFC 7742). */
	cr_assert_eq(sps[1], 66, "profile_idc %d", sps[1]);
	cr_assert(sps[2] & 0x40, "constraint_set1_flag");
	dec_open(&d);
	/*
	 * 10 fps, a key frame every 2 s.  Frames 0-29 show one scene: IDRs
	 * at 0, at 7 (forced) and 2 s after that, at 27.  Then all five
	 * scenes in turn (x264 may cut to an IDR at a scene change).
	 */
	for (f = 0; f < 45; f++) {
		int k = f < 30 ? 0 : f % 5;

		cr_assert_eq(h264enc_frame(e, jpg[k], jlen[k],
		    1000 + f * 100, f == 7, on_nal, &a), 0);
		check_au(&a, f == 0 || f == 7 || f == 27 ? 1 : f < 30 ? 0 : -1);
		if (f == 0) {
			int s = au_has(&a, 7), q = au_has(&a, 8);

			cr_assert_eq(a.len[s], spslen);
			cr_assert(memcmp(a.nal[s], sps, spslen) == 0);
			cr_assert_eq(a.len[q], ppslen);
			cr_assert(memcmp(a.nal[q], pps, ppslen) == 0);
		}
		if (dec_au(&d, &a)) {
			decoded++;
			rgb = tj_decode(jpg[k], jlen[k]).rgb;
			p = psnr(d.frm, rgb);
			pmin = p < pmin ? p : pmin;
			free(rgb);
		}
		au_free(&a);
		a.frame++;
	}
	cr_assert_eq(decoded, 45, "every frame decoded at once");
	cr_log_info("H.264 PSNR min %.1f dB", pmin);
	cr_assert_gt(pmin, 30.0, "PSNR %.1f dB", pmin);
	cr_assert_eq(nthreads(), th0, "the encoder started threads");
	dec_close(&d);
	h264enc_close(e);
}

/* 4:2:2 (averaged to 4:2:0) and 4:4:4 (the general path). */
Test(h264, other_samplings)
{
	struct h264enc	*e;
	struct dec	 d = { 0 };
	struct au	 a = { 0 };
	char		 err[256];
	struct tj_pix	 px;
	struct tj_mk	 m = { .quality = 85 };
	uint8_t		*j, *ref;
	size_t		 len;
	int		 s, samp[2][2] = { { 2, 1 }, { 1, 1 } };
	double		 p;

	px = tj_decode(jpg[2], jlen[2]);
	for (s = 0; s < 2; s++) {
		e = h264enc_open("libx264", W, H, 10, 2, err, sizeof(err));
		cr_assert_not_null(e, "%s", err);
		dec_open(&d);
		m.h = samp[s][0];
		m.v = samp[s][1];
		j = tj_make(&px, &m, &len);
		cr_assert_eq(h264enc_frame(e, j, len, 0, 0, on_nal, &a), 0);
		check_au(&a, 1);
		cr_assert(dec_au(&d, &a));
		ref = tj_decode(j, len).rgb;
		p = psnr(d.frm, ref);
		cr_log_info("sampling %dx%d: %.1f dB", samp[s][0], samp[s][1],
		    p);
		cr_assert_gt(p, 30.0, "sampling %dx%d: PSNR %.1f dB",
		    samp[s][0], samp[s][1], p);
		free(ref);
		free(j);
		au_free(&a);
		dec_close(&d);
		h264enc_close(e);
	}
	free(px.rgb);
}

Test(h264, refuses)
{
	struct h264enc	*e;
	struct au	 a = { 0 };
	char		 err[256];
	uint8_t		 junk[300];
	int		 w, h;

	cr_assert_null(h264enc_open("nosuchcodec", W, H, 10, 2, err,
	    sizeof(err)));
	cr_assert_not_null(strstr(err, "nosuchcodec"));
	cr_assert_null(h264enc_open("mjpeg", W, H, 10, 2, err, sizeof(err)),
	    "not H.264");
	cr_assert_null(h264enc_open("libx264", 641, H, 10, 2, err,
	    sizeof(err)));
	cr_assert_null(h264enc_open("libx264", 100000, H, 10, 2, err,
	    sizeof(err)));
	cr_assert_null(h264enc_find("nosuchcodec", err, sizeof(err)));
	cr_assert_str_eq(h264enc_find("libx264", err, sizeof(err)),
	    "libx264");
	cr_assert_str_eq(h264enc_find(NULL, err, sizeof(err)), "libx264");

	e = h264enc_open("libx264", 320, 240, 10, 2, err, sizeof(err));
	cr_assert_not_null(e, "%s", err);
	/* A 640x480 frame on a 320x240 encoder; garbage; a cut frame. */
	cr_assert_eq(h264enc_frame(e, jpg[0], jlen[0], 0, 0, on_nal, &a), -1);
	memset(junk, 0xff, sizeof(junk));
	cr_assert_eq(h264enc_frame(e, junk, sizeof(junk), 0, 0, on_nal, &a),
	    -1);
	cr_assert_eq(h264enc_frame(e, jpg[0], 100, 0, 0, on_nal, &a), -1);
	cr_assert_eq(a.n, 0);
	h264enc_close(e);

	cr_assert_eq(jpeg_dims(jpg[0], jlen[0], &w, &h), 0);
	cr_assert_eq(w, W);
	cr_assert_eq(h, H);
	cr_assert_eq(jpeg_dims(junk, sizeof(junk), &w, &h), -1);
	cr_assert_eq(jpeg_dims(jpg[0], 3, &w, &h), -1);
}

struct rtp {
	size_t	 maxpayload;
	uint8_t	 buf[1 << 20];
	size_t	 len;
	int	 infu, done, npkt, marker;
	struct au out;
};

/* An RFC 6184 receiver: single NAL units and FU-A, nothing else. */
static void
on_pkt(void *arg, const uint8_t *hdr, size_t hdrlen, const uint8_t *data,
    size_t datalen, int last)
{
	struct rtp	*r = arg;
	uint8_t		 p[1 << 16];
	size_t		 n = hdrlen + datalen;

	cr_assert_leq(n, r->maxpayload);
	cr_assert_eq(r->marker, 0, "packet after the marker");
	memcpy(p, hdr, hdrlen);
	memcpy(p + hdrlen, data, datalen);
	r->npkt++;
	r->marker = last;
	if ((p[0] & 0x1f) != RTPH264_FU_A) {
		cr_assert_eq(r->infu, 0);
		on_nal(&r->out, p, n, last);
		return;
	}
	cr_assert_gt(n, 2);
	if (p[1] & 0x80) {
		cr_assert_eq(r->infu, 0, "S while in a fragment");
		r->infu = 1;
		r->buf[0] = (p[0] & 0xe0) | (p[1] & 0x1f);
		r->len = 1;
	}
	cr_assert_eq(r->infu, 1, "fragment without S");
	cr_assert_eq(p[1] & 0x20, 0, "R bit");
	memcpy(r->buf + r->len, p + 2, n - 2);
	r->len += n - 2;
	if (p[1] & 0x40) {
		r->infu = 0;
		on_nal(&r->out, r->buf, r->len, last);
	} else
		cr_assert_eq(last, 0, "marker inside a fragmented NAL");
}

Test(h264, rtp_fua_reassembles)
{
	struct h264enc	*e;
	struct dec	 d = { 0 };
	struct au	 a = { 0 };
	static struct rtp r;
	char		 err[256];
	size_t		 mp[] = { 3, 100, 1200 };
	int		 f, i, m, fu = 0;

	e = h264enc_open("libx264", W, H, 10, 2, err, sizeof(err));
	cr_assert_not_null(e, "%s", err);
	for (m = 0; m < 3; m++) {
		dec_open(&d);
		for (f = 0; f < 6; f++) {
			cr_assert_eq(h264enc_frame(e, jpg[f % 5], jlen[f % 5],
			    m * 1000 + f * 100, f == 0, on_nal, &a), 0);
			memset(&r, 0, sizeof(r));
			r.maxpayload = mp[m];
			for (i = 0; i < a.n; i++)
				cr_assert_eq((int)rtph264_packetize(a.nal[i],
				    a.len[i], mp[m], a.last[i], on_pkt, &r) > 0,
				    1);
			cr_assert_eq(r.marker, 1, "marker on the AU's last");
			cr_assert_eq(r.out.n, a.n);
			for (i = 0; i < a.n; i++) {
				cr_assert_eq(r.out.len[i], a.len[i]);
				cr_assert(memcmp(r.out.nal[i], a.nal[i],
				    a.len[i]) == 0, "NAL %d differs", i);
				fu += a.len[i] > mp[m];
			}
			cr_assert(dec_au(&d, &r.out), "decodes from RTP");
			au_free(&r.out);
			au_free(&a);
		}
		dec_close(&d);
	}
	cr_assert_gt(fu, 0, "some NAL units went as FU-A");
	h264enc_close(e);
	cr_assert_eq(rtph264_packetize((const uint8_t *)"\x65", 1, 2, 1,
	    on_pkt, &r), 0, "maxpayload 2");
	cr_assert_eq(rtph264_packetize((const uint8_t *)"", 0, 1200, 1,
	    on_pkt, &r), 0, "empty NAL");
}

Test(h264, fmtp)
{
	struct h264enc	*e;
	const uint8_t	*sps, *pps;
	size_t		 spslen, ppslen;
	char		 err[256], buf[RTPH264_FMTPLEN], want[16], *s, *c;
	uint8_t		 dec[300];

	e = h264enc_open("libx264", W, H, 10, 2, err, sizeof(err));
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(h264enc_params(e, &sps, &spslen, &pps, &ppslen), 0);
	cr_assert_eq(rtph264_fmtp(sps, spslen, pps, ppslen, buf,
	    sizeof(buf)), 0);
	snprintf(want, sizeof(want), "%02X%02X%02X", sps[1], sps[2], sps[3]);
	cr_assert_not_null(strstr(buf, "packetization-mode=1;"));
	cr_assert_not_null(s = strstr(buf, "profile-level-id="));
	cr_assert(strncmp(s + 17, want, 6) == 0, "%s", buf);
	cr_assert_not_null(s = strstr(buf, ";sprop-parameter-sets="));
	s += 22;
	cr_assert_not_null(c = strchr(s, ','));
	*c = '\0';
	cr_assert_eq(av_base64_decode(dec, s, sizeof(dec)), (int)spslen);
	cr_assert(memcmp(dec, sps, spslen) == 0);
	cr_assert_eq(av_base64_decode(dec, c + 1, sizeof(dec)), (int)ppslen);
	cr_assert(memcmp(dec, pps, ppslen) == 0);
	cr_assert_eq(rtph264_fmtp(sps, spslen, pps, ppslen, buf, 40), -1);
	cr_assert_eq(rtph264_fmtp(sps, 3, pps, ppslen, buf, sizeof(buf)), -1);
	cr_assert_eq(rtph264_fmtp(pps, ppslen, sps, spslen, buf,
	    sizeof(buf)), -1, "SPS and PPS swapped");
	h264enc_close(e);
}
