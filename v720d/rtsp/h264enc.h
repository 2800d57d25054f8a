/*
 * H.264 from the camera's JPEGs through libavcodec: each JPEG is decoded
 * by libjpeg-turbo to YCbCr (4:2:2 is averaged down to 4:2:0, and JPEG's
 * full range mapped to the video range: yuv420p is what browsers and
 * Home Assistant take) and encoded at once: no B-frames, no lookahead,
 * one thread, a key frame every gop_s seconds and whenever asked;
 * libx264 makes Constrained Baseline, the profile WebRTC requires.
 * libx264 by default; h264_v4l2m2m or h264_vaapi by name where this
 * libavcodec and the machine have them.
 */
#ifndef V720_H264ENC_H
#define V720_H264ENC_H

#include <stddef.h>
#include <stdint.h>

#define H264ENC_DEFAULT		"libx264"
#define H264ENC_MAXDIM		4096
#define H264ENC_MAXPARAM	256	/* longest SPS or PPS kept */

struct h264enc;

/*
 * The name of a usable encoder: want if this libavcodec has it and it
 * opens (at a small size), else NULL with why (the caller logs it and
 * may fall back to libx264).
 */
const char	*h264enc_find(const char *want, char *why, size_t whylen);
struct h264enc	*h264enc_open(const char *encoder, int width, int height,
		    int fps, int gop_s, char *err, size_t errlen);

/* A NAL unit without start code; last_in_au on the access unit's last. */
typedef void h264_nal_fn(void *arg, const uint8_t *nal, size_t len,
    int last_in_au);
/*
 * Encode one JPEG taken at pts_ms: 0 (the NAL units, if the encoder gave
 * any, went to nal_fn; SPS and PPS come before every IDR), or -1 if the
 * JPEG does not decode, its size differs from the open size or the
 * encoder fails.  force_idr makes this frame an IDR.
 */
int		 h264enc_frame(struct h264enc *, const uint8_t *jpeg,
		    size_t len, int64_t pts_ms, int force_idr,
		    h264_nal_fn *nal_fn, void *arg);
/* The SPS and PPS for the SDP: 0, or -1 while they are not known yet. */
int		 h264enc_params(struct h264enc *, const uint8_t **sps,
		    size_t *spslen, const uint8_t **pps, size_t *ppslen);
void		 h264enc_close(struct h264enc *);

/* The size in a JPEG's frame header: 0, or -1 if it has none. */
int		 jpeg_dims(const uint8_t *jpeg, size_t len, int *w, int *h);

#endif
