/*
 * Audio: the camera's G.711 A-law (or 16-bit PCM) as an endless
 * audio/wav stream, 16-bit little-endian PCM, 8000 Hz, mono.  Each chunk
 * is decoded once and shared by every listener, like video frames.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "wire.h"
#include "codec.h"
#include "web.h"

void
audio_start(struct conn *c, struct cam *cam)
{
	uint8_t	h[WAV_HEADER_LEN];

	if (reply_stream_head(c, "audio/wav") == -1)
		return;
	wav_header(h);
	evbuffer_add(c->c_out, h, sizeof(h));
	c->c_state = CS_AUDIO;
	c->c_cam = cam;
	conn_stream_sndbuf(c);
	TAILQ_INSERT_TAIL(&cam->cam_audio, c, c_camentry);
	conn_set_timeout(c, 30);	/* stall checks */
	log_debug("%s: audio listener of %s", c->c_peer, cam->cam_id);
	cam_viewers_changed(cam);
	conn_flush(c);
}

void
audio_chunk(struct cam *cam, int codec, const uint8_t *data, size_t n)
{
	struct conn	*c, *tmp;
	struct frame	*f;

	cam->cam_audio_chunks++;
	if (TAILQ_EMPTY(&cam->cam_audio) || n == 0)
		return;
	if (codec == WIRE_CMD_ALAW) {
		if ((f = frame_new(NULL, 2 * n, 0, 0)) == NULL) {
			log_warn("%s", __func__);
			return;
		}
		alaw_decode(data, n, f->f_data);
	} else if (codec == WIRE_CMD_PCM) {
		if ((f = frame_new(data, n & ~(size_t)1, 0, 0)) == NULL) {
			log_warn("%s", __func__);
			return;
		}
	} else {
		log_debug("%s: audio codec %d not supported", cam->cam_id, codec);
		return;
	}
	TAILQ_FOREACH_SAFE(c, &cam->cam_audio, c_camentry, tmp) {
		if (evbuffer_get_length(c->c_out) > WEB_AUDIO_BACKLOG) {
			c->c_skipped++;
			continue;
		}
		if (evbuffer_add_reference(c->c_out, f->f_data, f->f_len,
		    frame_evbuffer_cleanup, frame_ref(f)) == -1) {
			frame_unref(f);
			conn_close(c);
			continue;
		}
		c->c_added += f->f_len;
		conn_flush(c);
	}
	frame_unref(f);
}
