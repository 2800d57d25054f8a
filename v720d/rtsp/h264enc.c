/* H.264 from the camera's JPEGs: libjpeg-turbo, then libavcodec. */
#include <sys/types.h>

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
#include <libavutil/hwcontext.h>
#include <libavutil/opt.h>

#include "h264enc.h"

#define NAL_IDR		5
#define NAL_SPS		7
#define NAL_PPS		8
#define FIND_W		320	/* the size h264enc_find tries */
#define FIND_H		240

struct jdec {
	struct jpeg_decompress_struct	 d;
	struct jpeg_error_mgr		 err;
	jmp_buf				 jb;
};

struct h264enc {
	AVCodecContext	*ctx;
	AVFrame		*frame;		/* what the encoder gets */
	AVFrame		*sw;		/* for hardware encoders: the upload */
	AVPacket	*pkt;
	AVBufferRef	*hwdev;
	struct jdec	*jd;
	int		 w, h, gop_ms;
	enum AVPixelFormat swfmt;	/* yuv420p or nv12 */
	uint8_t		*raw[3];	/* libjpeg-turbo's planes, padded */
	size_t		 rawstride[3];
	uint8_t		*row2;		/* two YCbCr rows, other samplings */
	uint8_t		 lut_y[256], lut_c[256];
	uint8_t		 sps[H264ENC_MAXPARAM], pps[H264ENC_MAXPARAM];
	size_t		 spslen, ppslen;
	int64_t		 last_pts, last_idr;
	int		 have_idr;
};

static void
jdec_exit(j_common_ptr cinfo)
{
	longjmp(((struct jdec *)cinfo)->jb, 1);
}

static void
jdec_emit(j_common_ptr cinfo, int level)
{
	/* Corrupt-data warnings: encode what decodes, like a viewer shows. */
}

static void
seterr(char *err, size_t errlen, const char *what, int averr)
{
	char	buf[AV_ERROR_MAX_STRING_SIZE];

	if (averr != 0) {
		av_strerror(averr, buf, sizeof(buf));
		snprintf(err, errlen, "%s: %s", what, buf);
	} else
		snprintf(err, errlen, "%s", what);
}

/* The next NAL unit of Annex B data at *p: its start, or NULL at the end. */
static const uint8_t *
nal_next(const uint8_t **p, const uint8_t *end, size_t *len)
{
	const uint8_t	*s = *p, *n;

	for (;;) {
		if (end - s < 3)
			return NULL;
		if (s[0] == 0 && s[1] == 0 && s[2] == 1)
			break;
		s++;
	}
	s += 3;
	for (n = s; end - n >= 3; n++)
		if (n[0] == 0 && n[1] == 0 && (n[2] == 1 || n[2] == 0))
			break;
	if (end - n < 3)
		n = end;
	*len = n - s;
	*p = n;
	return s;
}

static void
keep_param(struct h264enc *e, const uint8_t *nal, size_t len)
{
	if (len == 0 || len > H264ENC_MAXPARAM)
		return;
	if ((nal[0] & 0x1f) == NAL_SPS) {
		memcpy(e->sps, nal, len);
		e->spslen = len;
	} else if ((nal[0] & 0x1f) == NAL_PPS) {
		memcpy(e->pps, nal, len);
		e->ppslen = len;
	}
}

/* SPS and PPS from the global header (Annex B or avcC), if any. */
static void
params_from_extradata(struct h264enc *e)
{
	const uint8_t	*x = e->ctx->extradata, *end, *nal, *p;
	size_t		 n, len, i, cnt;

	if (x == NULL || e->ctx->extradata_size < 4)
		return;
	n = e->ctx->extradata_size;
	end = x + n;
	if (x[0] != 1) {
		for (p = x; (nal = nal_next(&p, end, &len)) != NULL;)
			keep_param(e, nal, len);
		return;
	}
	/* avcC: 5 bytes, SPS count, (length, SPS)..., PPS count, ... */
	p = x + 5;
	for (i = 0; i < 2 && p < end; i++) {
		cnt = *p++ & (i == 0 ? 0x1f : 0xff);
		while (cnt-- > 0 && end - p >= 2) {
			len = p[0] << 8 | p[1];
			if ((size_t)(end - p - 2) < len)
				return;
			keep_param(e, p + 2, len);
			p += 2 + len;
		}
	}
}

static int
has_fmt(const AVCodec *c, enum AVPixelFormat f)
{
	const enum AVPixelFormat	*p;

	if (c->pix_fmts == NULL)
		return f == AV_PIX_FMT_YUV420P;
	for (p = c->pix_fmts; *p != AV_PIX_FMT_NONE; p++)
		if (*p == f)
			return 1;
	return 0;
}

/* A hardware encoder (h264_vaapi) gets NV12 surfaces uploaded. */
static int
hw_setup(struct h264enc *e, enum AVHWDeviceType type, enum AVPixelFormat hw,
    char *err, size_t errlen)
{
	AVBufferRef		*fr;
	AVHWFramesContext	*fc;
	int			 r;

	if ((r = av_hwdevice_ctx_create(&e->hwdev, type, NULL, NULL, 0)) < 0) {
		seterr(err, errlen, "no hardware encoder device", r);
		return -1;
	}
	if ((fr = av_hwframe_ctx_alloc(e->hwdev)) == NULL) {
		seterr(err, errlen, "out of memory", 0);
		return -1;
	}
	fc = (AVHWFramesContext *)fr->data;
	fc->format = hw;
	fc->sw_format = AV_PIX_FMT_NV12;
	fc->width = e->w;
	fc->height = e->h;
	fc->initial_pool_size = 4;
	if ((r = av_hwframe_ctx_init(fr)) < 0) {
		av_buffer_unref(&fr);
		seterr(err, errlen, "hardware frames", r);
		return -1;
	}
	e->ctx->hw_frames_ctx = fr;
	e->ctx->pix_fmt = hw;
	e->swfmt = AV_PIX_FMT_NV12;
	return 0;
}

static int
open_codec(struct h264enc *e, const AVCodec *c, int fps, int gop_s,
    char *err, size_t errlen)
{
	AVCodecContext	*x;
	int		 r, i;

	if ((x = e->ctx = avcodec_alloc_context3(c)) == NULL) {
		seterr(err, errlen, "out of memory", 0);
		return -1;
	}
	x->width = e->w;
	x->height = e->h;
	x->time_base = (AVRational){ 1, 1000 };
	x->framerate = (AVRational){ fps, 1 };
	x->gop_size = fps * gop_s;
	x->max_b_frames = 0;
	/* No encoder threads: keeps the child's seccomp list short. */
	x->thread_count = 1;
	/* SPS and PPS in extradata at open, for the SDP. */
	x->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	/* JPEG's BT.601 colours, mapped to the video range below. */
	x->colorspace = AVCOL_SPC_SMPTE170M;
	x->color_range = AVCOL_RANGE_MPEG;
	/* Quality for fixed-rate encoders: about 0.15 bit per pixel. */
	x->bit_rate = (int64_t)e->w * e->h * fps * 15 / 100;
	if (strcmp(c->name, "libx264") == 0) {
		av_opt_set(x->priv_data, "preset", "veryfast", 0);
		av_opt_set(x->priv_data, "tune", "zerolatency", 0);
		av_opt_set(x->priv_data, "forced-idr", "1", 0);
		av_opt_set(x->priv_data, "crf", "23", 0);
		/*
		 * Constrained Baseline: go2rtc and Home Assistant pass it
		 * on to WebRTC, where only that profile is every browser's
		 * (RFC 7742); High costs some tablets the picture.
		 */
		av_opt_set(x->priv_data, "profile", "baseline", 0);
		x->bit_rate = 0;
	}
	if (has_fmt(c, AV_PIX_FMT_YUV420P))
		x->pix_fmt = e->swfmt = AV_PIX_FMT_YUV420P;
	else if (has_fmt(c, AV_PIX_FMT_NV12))
		x->pix_fmt = e->swfmt = AV_PIX_FMT_NV12;
	else if (has_fmt(c, AV_PIX_FMT_VAAPI)) {
		if (hw_setup(e, AV_HWDEVICE_TYPE_VAAPI, AV_PIX_FMT_VAAPI, err,
		    errlen) == -1)
			return -1;
	} else {
		seterr(err, errlen, "encoder takes no yuv420p or nv12", 0);
		return -1;
	}
	if ((r = avcodec_open2(x, c, NULL)) < 0) {
		seterr(err, errlen, "cannot open the encoder", r);
		return -1;
	}
	if ((e->frame = av_frame_alloc()) == NULL ||
	    (e->pkt = av_packet_alloc()) == NULL)
		goto nomem;
	if (e->hwdev != NULL) {
		if ((e->sw = av_frame_alloc()) == NULL)
			goto nomem;
		e->sw->format = AV_PIX_FMT_NV12;
		e->sw->width = e->w;
		e->sw->height = e->h;
		if (av_frame_get_buffer(e->sw, 0) < 0)
			goto nomem;
	} else {
		e->frame->format = x->pix_fmt;
		e->frame->width = e->w;
		e->frame->height = e->h;
		if (av_frame_get_buffer(e->frame, 0) < 0)
			goto nomem;
	}
	/* Full range (JPEG) to video range, BT.601. */
	for (i = 0; i < 256; i++) {
		e->lut_y[i] = 16 + (i * 219 + 127) / 255;
		e->lut_c[i] = 16 + (i * 224 + 127) / 255;
	}
	params_from_extradata(e);
	return 0;
nomem:
	seterr(err, errlen, "out of memory", 0);
	return -1;
}

struct h264enc *
h264enc_open(const char *encoder, int width, int height, int fps, int gop_s,
    char *err, size_t errlen)
{
	struct h264enc	*e;
	const AVCodec	*c;
	size_t		 w16, h16;
	int		 i;

	av_log_set_level(AV_LOG_ERROR);		/* x264's banner and notes */
	if (width < 16 || height < 16 || width > H264ENC_MAXDIM ||
	    height > H264ENC_MAXDIM || width % 2 || height % 2) {
		snprintf(err, errlen, "size %dx%d not encodable", width,
		    height);
		return NULL;
	}
	if (fps < 1 || fps > 60 || gop_s < 1 || gop_s > 60) {
		snprintf(err, errlen, "bad rate %d or key frame interval %d",
		    fps, gop_s);
		return NULL;
	}
	if ((c = avcodec_find_encoder_by_name(encoder)) == NULL ||
	    c->id != AV_CODEC_ID_H264) {
		snprintf(err, errlen, "no H.264 encoder \"%s\" in libavcodec",
		    encoder);
		return NULL;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		seterr(err, errlen, "out of memory", 0);
		return NULL;
	}
	e->w = width;
	e->h = height;
	e->gop_ms = gop_s * 1000;
	e->last_pts = INT64_MIN;
	w16 = (width + 15) & ~15;
	h16 = (height + 15) & ~15;
	/* Room for 4:2:0 and 4:2:2 (chroma as tall as luma). */
	e->rawstride[0] = w16;
	e->rawstride[1] = e->rawstride[2] = w16 / 2;
	for (i = 0; i < 3; i++)
		if ((e->raw[i] = malloc(e->rawstride[i] * h16)) == NULL)
			goto nomem;
	if ((e->row2 = malloc((size_t)width * 3 * 2)) == NULL ||
	    (e->jd = calloc(1, sizeof(*e->jd))) == NULL)
		goto nomem;
	e->jd->d.err = jpeg_std_error(&e->jd->err);
	e->jd->err.error_exit = jdec_exit;
	e->jd->err.emit_message = jdec_emit;
	if (setjmp(e->jd->jb)) {
		free(e->jd);
		e->jd = NULL;
		goto nomem;
	}
	jpeg_create_decompress(&e->jd->d);
	if (open_codec(e, c, fps, gop_s, err, errlen) == -1) {
		h264enc_close(e);
		return NULL;
	}
	return e;
nomem:
	seterr(err, errlen, "out of memory", 0);
	h264enc_close(e);
	return NULL;
}

void
h264enc_close(struct h264enc *e)
{
	int	i;

	if (e == NULL)
		return;
	avcodec_free_context(&e->ctx);
	av_frame_free(&e->frame);
	av_frame_free(&e->sw);
	av_packet_free(&e->pkt);
	av_buffer_unref(&e->hwdev);
	if (e->jd != NULL) {
		jpeg_destroy_decompress(&e->jd->d);
		free(e->jd);
	}
	for (i = 0; i < 3; i++)
		free(e->raw[i]);
	free(e->row2);
	free(e);
}

/*
 * Chroma plane c (1 = Cb, 2 = Cr) into the frame: its own plane or
 * NV12's interleaved one.  A tall (4:2:2) plane has twice the rows:
 * they are averaged in pairs (4:2:2 to 4:2:0).
 */
static void
put_chroma(struct h264enc *e, AVFrame *f, int c, const uint8_t *src,
    size_t stride, int tall)
{
	int		 cw = (e->w + 1) / 2, ch = (e->h + 1) / 2, x, y;
	const uint8_t	*a, *b;
	uint8_t		*d;

	for (y = 0; y < ch; y++) {
		a = src + (size_t)(tall ? 2 * y : y) * stride;
		b = tall && 2 * y + 1 < e->h ? a + stride : a;
		if (e->swfmt == AV_PIX_FMT_NV12) {
			d = f->data[1] + (size_t)y * f->linesize[1] + (c - 1);
			for (x = 0; x < cw; x++)
				d[2 * x] = e->lut_c[(a[x] + b[x] + 1) >> 1];
		} else {
			d = f->data[c] + (size_t)y * f->linesize[c];
			for (x = 0; x < cw; x++)
				d[x] = e->lut_c[(a[x] + b[x] + 1) >> 1];
		}
	}
}

static void
put_luma(struct h264enc *e, AVFrame *f, const uint8_t *src, size_t stride)
{
	int	 x, y;
	uint8_t	*d;

	for (y = 0; y < e->h; y++) {
		d = f->data[0] + (size_t)y * f->linesize[0];
		for (x = 0; x < e->w; x++)
			d[x] = e->lut_y[src[(size_t)y * stride + x]];
	}
}

/* 4:2:0 or 4:2:2 straight from the DCT: no colour conversion. */
static void
decode_raw(struct h264enc *e, AVFrame *f, int tall)
{
	struct jpeg_decompress_struct	*d = &e->jd->d;
	JSAMPROW			 rows[3][16];
	JSAMPARRAY			 planes[3];
	JDIMENSION			 line;
	int				 c, i, step;

	d->raw_data_out = TRUE;
	d->do_fancy_upsampling = FALSE;
	jpeg_start_decompress(d);
	step = d->max_v_samp_factor * DCTSIZE;
	for (c = 0; c < 3; c++)
		planes[c] = rows[c];
	for (line = 0; line < d->output_height; line += step) {
		for (c = 0; c < 3; c++) {
			int n = d->comp_info[c].v_samp_factor * DCTSIZE;
			/* 4:2:2's chroma is as tall as its luma. */
			size_t r0 = c == 0 || tall ? line : line / 2;

			for (i = 0; i < n; i++)
				rows[c][i] = e->raw[c] + (r0 + i) *
				    e->rawstride[c];
		}
		jpeg_read_raw_data(d, planes, step);
	}
	jpeg_finish_decompress(d);
	put_luma(e, f, e->raw[0], e->rawstride[0]);
	put_chroma(e, f, 1, e->raw[1], e->rawstride[1], tall);
	put_chroma(e, f, 2, e->raw[2], e->rawstride[2], tall);
}

/* Any other sampling: full YCbCr rows, chroma averaged over 2x2. */
static void
decode_rows(struct h264enc *e, AVFrame *f)
{
	struct jpeg_decompress_struct	*d = &e->jd->d;
	JSAMPROW			 r;
	uint8_t				*a = e->row2, *b = e->row2 + e->w * 3;
	uint8_t				*dy, *dc[3];
	int				 x, y, c;

	d->out_color_space = JCS_YCbCr;
	jpeg_start_decompress(d);
	for (y = 0; y < e->h; y += 2) {
		r = a;
		jpeg_read_scanlines(d, &r, 1);
		if (y + 1 < e->h) {
			r = b;
			jpeg_read_scanlines(d, &r, 1);
		} else
			memcpy(b, a, e->w * 3);
		for (c = 0; c < 2 && y + c < e->h; c++) {
			dy = f->data[0] + (size_t)(y + c) * f->linesize[0];
			for (x = 0; x < e->w; x++)
				dy[x] = e->lut_y[(c ? b : a)[3 * x]];
		}
		for (c = 1; c < 3; c++) {
			if (e->swfmt == AV_PIX_FMT_NV12)
				dc[c] = f->data[1] + (size_t)(y / 2) *
				    f->linesize[1] + (c - 1);
			else
				dc[c] = f->data[c] + (size_t)(y / 2) *
				    f->linesize[c];
			for (x = 0; x < e->w; x += 2) {
				int x1 = x + 1 < e->w ? x + 1 : x;
				int s = a[3 * x + c] + a[3 * x1 + c] +
				    b[3 * x + c] + b[3 * x1 + c];

				dc[c][e->swfmt == AV_PIX_FMT_NV12 ? x : x / 2] =
				    e->lut_c[(s + 2) >> 2];
			}
		}
	}
	jpeg_finish_decompress(d);
}

static int
decode(struct h264enc *e, AVFrame *f, const uint8_t *jpeg, size_t len)
{
	struct jpeg_decompress_struct	*d = &e->jd->d;
	jpeg_component_info		*ci;

	if (setjmp(e->jd->jb)) {
		jpeg_abort_decompress(d);
		return -1;
	}
	jpeg_mem_src(d, jpeg, len);
	if (jpeg_read_header(d, TRUE) != JPEG_HEADER_OK ||
	    (int)d->image_width != e->w || (int)d->image_height != e->h ||
	    d->num_components != 3 || d->jpeg_color_space != JCS_YCbCr) {
		jpeg_abort_decompress(d);
		return -1;
	}
	ci = d->comp_info;
	if (ci[0].h_samp_factor == 2 && ci[1].h_samp_factor == 1 &&
	    ci[1].v_samp_factor == 1 && ci[2].h_samp_factor == 1 &&
	    ci[2].v_samp_factor == 1 && (ci[0].v_samp_factor == 2 ||
	    ci[0].v_samp_factor == 1))
		decode_raw(e, f, ci[0].v_samp_factor == 1);
	else
		decode_rows(e, f);
	return 0;
}

/*
 * One encoded packet's NAL units to nal_fn, the stored SPS and PPS in
 * front of an IDR that comes without them.
 */
static void
emit_packet(struct h264enc *e, const AVPacket *pkt, h264_nal_fn *nal_fn,
    void *arg)
{
	const uint8_t	*p = pkt->data, *end = pkt->data + pkt->size;
	const uint8_t	*nal, *next;
	size_t		 len, nlen;
	int		 sps = 0, pps = 0, t;

	nal = nal_next(&p, end, &len);
	while (nal != NULL) {
		next = nal_next(&p, end, &nlen);
		t = nal[0] & 0x1f;
		if (t == NAL_SPS || t == NAL_PPS) {
			keep_param(e, nal, len);
			sps |= t == NAL_SPS;
			pps |= t == NAL_PPS;
		}
		if (t == NAL_IDR) {
			if (!sps && e->spslen > 0)
				nal_fn(arg, e->sps, e->spslen, 0);
			if (!pps && e->ppslen > 0)
				nal_fn(arg, e->pps, e->ppslen, 0);
			sps = pps = 1;
			e->have_idr = 1;
			e->last_idr = e->last_pts;
		}
		if (len > 0)
			nal_fn(arg, nal, len, next == NULL);
		nal = next;
		len = nlen;
	}
}

int
h264enc_frame(struct h264enc *e, const uint8_t *jpeg, size_t len,
    int64_t pts_ms, int force_idr, h264_nal_fn *nal_fn, void *arg)
{
	AVFrame	*f = e->hwdev != NULL ? e->sw : e->frame;
	int	 r;

	if (av_frame_make_writable(f) < 0 || decode(e, f, jpeg, len) == -1)
		return -1;
	if (e->hwdev != NULL) {
		av_frame_unref(e->frame);
		if (av_hwframe_get_buffer(e->ctx->hw_frames_ctx, e->frame,
		    0) < 0 || av_hwframe_transfer_data(e->frame, f, 0) < 0)
			return -1;
	}
	/* The encoder wants strictly increasing times. */
	if (e->last_pts != INT64_MIN && pts_ms <= e->last_pts)
		pts_ms = e->last_pts + 1;
	e->last_pts = pts_ms;
	e->frame->pts = pts_ms;
	if (force_idr || !e->have_idr || pts_ms - e->last_idr >= e->gop_ms) {
		e->frame->pict_type = AV_PICTURE_TYPE_I;
		e->frame->key_frame = 1;
	} else {
		e->frame->pict_type = AV_PICTURE_TYPE_NONE;
		e->frame->key_frame = 0;
	}
	if (avcodec_send_frame(e->ctx, e->frame) < 0)
		return -1;
	while ((r = avcodec_receive_packet(e->ctx, e->pkt)) == 0) {
		emit_packet(e, e->pkt, nal_fn, arg);
		av_packet_unref(e->pkt);
	}
	return r == AVERROR(EAGAIN) ? 0 : -1;
}

int
h264enc_params(struct h264enc *e, const uint8_t **sps, size_t *spslen,
    const uint8_t **pps, size_t *ppslen)
{
	if (e->spslen == 0 || e->ppslen == 0)
		return -1;
	*sps = e->sps;
	*spslen = e->spslen;
	*pps = e->pps;
	*ppslen = e->ppslen;
	return 0;
}

const char *
h264enc_find(const char *want, char *why, size_t whylen)
{
	struct h264enc	*e;
	const char	*name;

	if (want == NULL)
		want = H264ENC_DEFAULT;
	if ((e = h264enc_open(want, FIND_W, FIND_H, 10, 2, why,
	    whylen)) == NULL)
		return NULL;
	name = avcodec_find_encoder_by_name(want)->name;
	h264enc_close(e);
	return name;
}

int
jpeg_dims(const uint8_t *jpeg, size_t len, int *w, int *h)
{
	struct jdec	 jd;

	memset(&jd, 0, sizeof(jd));
	jd.d.err = jpeg_std_error(&jd.err);
	jd.err.error_exit = jdec_exit;
	jd.err.emit_message = jdec_emit;
	if (setjmp(jd.jb)) {
		jpeg_destroy_decompress(&jd.d);
		return -1;
	}
	jpeg_create_decompress(&jd.d);
	jpeg_mem_src(&jd.d, jpeg, len);
	if (jpeg_read_header(&jd.d, TRUE) != JPEG_HEADER_OK)
		longjmp(jd.jb, 1);
	*w = jd.d.image_width;
	*h = jd.d.image_height;
	jpeg_destroy_decompress(&jd.d);
	return 0;
}
