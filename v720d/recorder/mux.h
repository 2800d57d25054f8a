/*
 * Matroska segments through libavformat: the camera's JPEGs are
 * stream-copied into an MJPEG track (never re-encoded), its A-law audio
 * into a second track.  Timestamps are milliseconds from the segment's
 * start, which is also in the file as its creation time (microseconds).
 * Clusters close every MUX_CLUSTER_MS and are flushed at once, so a
 * file cut by kill -9 or power loss plays up to its last second.
 */
#ifndef V720_MUX_H
#define V720_MUX_H

#include <stddef.h>
#include <stdint.h>

#define MUX_CLUSTER_MS		1000

struct mux;

/* Create path (which must not exist); start_us is wall-clock time. */
struct mux	*mux_open(const char *path, int64_t start_us, int width,
		    int height, int audio);
/* Append a frame (or 8 kHz A-law audio) at wall-clock ts_us: 0 or -1. */
int		 mux_video(struct mux *, const uint8_t *, size_t, int64_t ts_us);
int		 mux_audio(struct mux *, const uint8_t *, size_t, int64_t ts_us);
/* Bytes written so far, frames, last frame time. */
uint64_t	 mux_bytes(const struct mux *);
uint64_t	 mux_frames(const struct mux *);
int64_t		 mux_last_us(const struct mux *);
int		 mux_has_audio(const struct mux *);
/* Finish the file (cues, sizes): 0 or -1.  Frees the mux either way. */
int		 mux_close(struct mux *);

/* Reading back: for playback and for rebuilding a lost index. */
struct demux;
struct demux	*demux_open(const char *path);
/* Next video frame: 1 (data valid until the next call), 0 at the end,
 * -1 on error.  ts_us is wall-clock time. */
int		 demux_next(struct demux *, const uint8_t **, size_t *,
		    int64_t *ts_us);
int64_t		 demux_start_us(const struct demux *);
void		 demux_close(struct demux *);

void		 mux_quiet(void);	/* libav logs only errors */

#endif
