/*
 * Per camera fan-out inside the rtsp child.  A stream knows the camera's
 * state and packetizes each frame once for all of its sinks: RTP/JPEG
 * (rtpjpeg.c), H.264 through one encoder shared by the camera's H.264
 * sinks and running only while one plays (h264enc.c, rtph264.c), and
 * the camera's A-law audio as PCMA, untouched.  Sinks are the server's
 * PLAYing sessions; the stream never looks inside them.
 */
#ifndef V720_RTSP_STREAM_H
#define V720_RTSP_STREAM_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "rtp.h"

struct stream;
struct stream_sink;

/* Hand a frame to a sink: 0 taken (it refs what it keeps), -1 dropped. */
typedef int stream_deliver_fn(struct stream_sink *, struct rtp_frame *);

struct stream_sink {
	TAILQ_ENTRY(stream_sink) ss_entry;
	int			 ss_h264;	/* H.264 video, else RTP/JPEG */
	int			 ss_video;	/* tracks it set up */
	int			 ss_audio;
	int			 ss_need_idr;	/* skip H.264 until an IDR */
	stream_deliver_fn	*ss_deliver;
	void			*ss_arg;
};

#define STREAM_TRACK_VIDEO	0
#define STREAM_TRACK_AUDIO	1

void		 stream_init(void);
void		 stream_encoder(const char *name);	/* on configure */
/* NULL if the camera is unknown; a reference for a session to hold. */
struct stream	*stream_get(const char *uid);
void		 stream_ref(struct stream *);
void		 stream_unref(struct stream *);
int		 stream_state(const struct stream *);	/* RTSP_CAM_* */
int		 stream_gone(const struct stream *);
const char	*stream_uid(const struct stream *);
const char	*stream_name(const struct stream *);
struct rtp_track *stream_track(struct stream *, int h264, int track);
/*
 * The H.264 fmtp line for the SDP; opens the encoder at the last frame's
 * size (640x480 before any) if it is not running.  0, or -1 with why.
 */
int		 stream_h264_fmtp(struct stream *, char *buf, size_t bufsz,
		    const char **why);
/* PLAY and PAUSE/TEARDOWN: the camera's demand follows the sinks. */
void		 stream_attach(struct stream *, struct stream_sink *);
void		 stream_detach(struct stream *, struct stream_sink *);
/* A sink missed an H.264 frame: it waits for an IDR, asked for soon. */
void		 stream_want_idr(struct stream *, struct stream_sink *);

void		 stream_camera(const char *uid, const char *name, int state);
void		 stream_camera_gone(const char *uid);
void		 stream_frame(const char *uid, const uint8_t *jpeg, size_t len,
		    uint64_t rx_us);
void		 stream_audio(const char *uid, const uint8_t *alaw, size_t len,
		    uint64_t rx_us);
void		 stream_tick(void);	/* every second: idle encoders */
void		 stream_shutdown(void);

/* Counters for the log. */
struct stream_stats {
	uint64_t	frames;		/* video frames fanned out */
	uint64_t	dropped;	/* frames RFC 2435 cannot carry */
	uint64_t	encoded;	/* H.264 access units */
};
void		 stream_stats(struct stream_stats *);

#endif
