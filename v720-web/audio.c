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
#include "web.h"

/* G.711 A-law to 16-bit linear PCM (ITU-T G.711, table 1a/1b values). */
static const int16_t alaw_tab[256] = {
	 -5504, -5248, -6016, -5760, -4480, -4224, -4992, -4736,
	 -7552, -7296, -8064, -7808, -6528, -6272, -7040, -6784,
	 -2752, -2624, -3008, -2880, -2240, -2112, -2496, -2368,
	 -3776, -3648, -4032, -3904, -3264, -3136, -3520, -3392,
	-22016,-20992,-24064,-23040,-17920,-16896,-19968,-18944,
	-30208,-29184,-32256,-31232,-26112,-25088,-28160,-27136,
	-11008,-10496,-12032,-11520, -8960, -8448, -9984, -9472,
	-15104,-14592,-16128,-15616,-13056,-12544,-14080,-13568,
	  -344,  -328,  -376,  -360,  -280,  -264,  -312,  -296,
	  -472,  -456,  -504,  -488,  -408,  -392,  -440,  -424,
	   -88,   -72,  -120,  -104,   -24,    -8,   -56,   -40,
	  -216,  -200,  -248,  -232,  -152,  -136,  -184,  -168,
	 -1376, -1312, -1504, -1440, -1120, -1056, -1248, -1184,
	 -1888, -1824, -2016, -1952, -1632, -1568, -1760, -1696,
	  -688,  -656,  -752,  -720,  -560,  -528,  -624,  -592,
	  -944,  -912, -1008,  -976,  -816,  -784,  -880,  -848,
	  5504,  5248,  6016,  5760,  4480,  4224,  4992,  4736,
	  7552,  7296,  8064,  7808,  6528,  6272,  7040,  6784,
	  2752,  2624,  3008,  2880,  2240,  2112,  2496,  2368,
	  3776,  3648,  4032,  3904,  3264,  3136,  3520,  3392,
	 22016, 20992, 24064, 23040, 17920, 16896, 19968, 18944,
	 30208, 29184, 32256, 31232, 26112, 25088, 28160, 27136,
	 11008, 10496, 12032, 11520,  8960,  8448,  9984,  9472,
	 15104, 14592, 16128, 15616, 13056, 12544, 14080, 13568,
	   344,   328,   376,   360,   280,   264,   312,   296,
	   472,   456,   504,   488,   408,   392,   440,   424,
	    88,    72,   120,   104,    24,     8,    56,    40,
	   216,   200,   248,   232,   152,   136,   184,   168,
	  1376,  1312,  1504,  1440,  1120,  1056,  1248,  1184,
	  1888,  1824,  2016,  1952,  1632,  1568,  1760,  1696,
	   688,   656,   752,   720,   560,   528,   624,   592,
	   944,   912,  1008,   976,   816,   784,   880,   848,
};

int16_t
alaw_to_pcm(uint8_t a)
{
	return alaw_tab[a];
}

/* A streaming WAV header: RIFF and data sizes at their maximum. */
void
wav_header(uint8_t h[44])
{
	memcpy(h, "RIFF", 4);
	wire_put32(h + 4, 0xffffffffU);
	memcpy(h + 8, "WAVEfmt ", 8);
	wire_put32(h + 16, 16);		/* fmt chunk size */
	wire_put16(h + 20, 1);		/* PCM */
	wire_put16(h + 22, 1);		/* mono */
	wire_put32(h + 24, 8000);	/* sample rate */
	wire_put32(h + 28, 16000);	/* byte rate */
	wire_put16(h + 32, 2);		/* block align */
	wire_put16(h + 34, 16);		/* bits per sample */
	memcpy(h + 36, "data", 4);
	wire_put32(h + 40, 0xffffffffU - 36);
}

void
audio_start(struct conn *c, struct cam *cam)
{
	uint8_t	h[44];

	if (reply_stream_head(c, "audio/wav") == -1)
		return;
	wav_header(h);
	evbuffer_add(c->c_out, h, sizeof(h));
	c->c_state = CS_AUDIO;
	c->c_cam = cam;
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
	size_t		 i;
	uint8_t		*p;
	int16_t		 s;

	cam->cam_audio_chunks++;
	if (TAILQ_EMPTY(&cam->cam_audio) || n == 0)
		return;
	if (codec == WIRE_CMD_ALAW) {
		if ((f = frame_new(NULL, 2 * n, 0, 0)) == NULL) {
			log_warn("%s", __func__);
			return;
		}
		for (p = f->f_data, i = 0; i < n; i++, p += 2) {
			s = alaw_tab[data[i]];
			p[0] = (uint16_t)s & 0xff;
			p[1] = (uint16_t)s >> 8;
		}
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
