/*
 * One camera's UDP media stream: JPEG reassembly keyed by pkg_id, audio
 * chunks and the cmd 605 confirmations (PROTOCOL.md sections 5-7).
 *
 * Pure: no sockets, no clock, no libevent.  The caller passes every
 * datagram and the time, and gets frames and audio back through callbacks,
 * synchronously, from media_packet() or media_tick().  Callbacks must not
 * call back into the same struct media.
 *
 * Bounds (a hostile camera cannot make this grow): a window of
 * MEDIA_WINDOW pkg_ids, at most MEDIA_BLOCKS_MAX payload blocks of
 * MEDIA_BLOCK bytes, one assembly buffer of at most V720_FRAME_MAX +
 * trailer (made only when the caller's frame_dst gives none),
 * MEDIA_CONFIRM_MAX pending confirmations.  An idle stream holds
 * only struct media itself: the ring and buffers are allocated on the
 * first packet and released by media_reset() or after MEDIA_IDLE_NS
 * without packets.
 *
 * Rules, where PROTOCOL.md leaves a choice:
 * - Frames go out strictly in pkg_id order.  A complete frame behind an
 *   incomplete older one waits up to MEDIA_HOLD_NS for it (resends), then
 *   the older one is dropped (drop_incomplete) and its later fragments are
 *   late.  An id gap holding no fragment at all (lost audio) is not waited
 *   for.  An incomplete frame with nothing complete behind it is dropped
 *   MEDIA_TIMEOUT_NS after its first fragment arrived.
 * - A 255 frame whose last 4 bytes equal (length - 4) has a trailer and
 *   is the rest; otherwise the whole payload must be the JPEG.
 * - Every id received is confirmed, also duplicates, late packets and
 *   junk flags; nothing before the first frame passed on, then an empty
 *   605, then the ids oldest first, at most outsz / 4 per 605 (the rest
 *   in the next); at most MEDIA_CONFIRM_MAX pending, the newest kept.
 * - MEDIA_WINDOW consecutive late packets mean the camera restarted its
 *   counter: the stream starts over from the next packet.
 */
#ifndef V720_MEDIA_H
#define V720_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define MEDIA_WINDOW		512	/* pkg_ids held at once, power of 2 */
#define MEDIA_BLOCK		WIRE_UDP_MAX_PAYLOAD	/* bytes per fragment */
#define MEDIA_BLOCKS_MAX	384	/* > V720_FRAME_MAX / 1004 + slack */
#define MEDIA_CONFIRM_MAX	256	/* ids per 605 and pending at once */
#define MEDIA_TIMEOUT_NS	1000000000ULL	/* incomplete frame given up */
#define MEDIA_HOLD_NS		250000000ULL	/* newer frame waits for an older */
#define MEDIA_IDLE_NS		3000000000ULL	/* release buffers when silent */
/* What one stream can hold at most: ring, blocks, assembly buffer. */
#define MEDIA_MEMORY_MAX	(MEDIA_WINDOW * 64 + \
				 MEDIA_BLOCKS_MAX * MEDIA_BLOCK + \
				 (256 + 1) * 1024 + 4096)

struct media;				/* one camera's media stream state */

struct media_stats {
	uint64_t frames, bytes;		/* frames passed on, their bytes */
	uint64_t drop_incomplete, drop_size, drop_jpeg, drop_toobig;
	uint64_t packets, packets_dup, packets_late, confirms, audio_chunks;
	/* frames that completed, then waited behind an older one (m_hold) */
	uint64_t frames_held;
};

struct media_cb {
	/* A complete, checked JPEG frame (starts FF D8, ends FF D9,
	 * length == size trailer). */
	void (*frame)(void *arg, const uint8_t *jpeg, size_t len,
	    uint64_t ts_ns);
	/* An audio chunk: codec WIRE_CMD_ALAW or WIRE_CMD_PCM, trailer
	 * removed if section 7 says so. */
	void (*audio)(void *arg, uint8_t codec, const uint8_t *data,
	    size_t len, uint64_t ts_ns);
	/*
	 * Optional: where to assemble a frame of several fragments, len
	 * bytes (at most V720_FRAME_MAX), asked only once its checks passed
	 * and always followed by frame() with that buffer; NULL for the
	 * stream's own.  The engine assembles into the camera's ring slot,
	 * so the frame is copied once from its fragments, not twice.
	 */
	uint8_t *(*frame_dst)(void *arg, size_t len);
};

struct media	*media_new(const struct media_cb *cb, void *arg);
void		 media_free(struct media *);
/* A new stream: forget fragments, ids, confirmation state (keeps stats). */
void		 media_reset(struct media *);
/*
 * One UDP datagram from this camera, header already decoded (cmd 1, 4 or
 * 6; others are ignored).  len is the payload actually received; the
 * header's length field is not trusted.  Returns 1 if a frame just ended
 * (the caller should send a 605 now via media_confirm_take), 0 otherwise.
 */
int		 media_packet(struct media *, const struct wire_hdr *,
		    const uint8_t *payload, size_t len, uint64_t now_ns);
/* Expire incomplete frames older than the timeout (call every ~100 ms). */
void		 media_tick(struct media *, uint64_t now_ns);
/*
 * Build the pending 605 payload (u32 LE pkg_ids) into out (outsz bytes);
 * returns 1 and sets *len if a 605 is due (possibly empty: the first one
 * after the first complete frame), 0 if nothing to send.  Call at each
 * frame end and on a 100 ms timer.
 */
int		 media_confirm_take(struct media *, uint8_t *out, size_t outsz,
		    size_t *len);
const struct media_stats *media_stats(const struct media *);
/* Bytes currently held, for bounds tests and the bench. */
size_t		 media_memory(const struct media *);

/*
 * Tuning, mostly for tests: how long an incomplete frame may wait for its
 * missing fragments, and how long a complete newer frame is held back
 * while an older one may still complete (0 = deliver at once, dropping
 * the older).  Defaults MEDIA_TIMEOUT_NS and MEDIA_HOLD_NS.
 */
void		 media_set_timeouts(struct media *, uint64_t timeout_ns,
		    uint64_t hold_ns);

#endif
