/*
 * Helpers shared by the media unit tests (test_media.c, test_media_bounds.c):
 * fake JPEGs, splitting a frame into datagrams, feeding them, and a sink
 * that keeps what the callbacks passed on.
 */
#ifndef TEST_MEDIA_H
#define TEST_MEDIA_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "msg.h"
#include "wire.h"
#include "../../v720d/engine/media.h"

#define MS		1000000ULL
#define MAXPKT		320
#define MAXOUT		8

struct pkt {
	uint16_t	cmd;
	uint8_t		flag;
	uint32_t	id;
	size_t		len;
	uint8_t		data[MEDIA_BLOCK];
};

/* What the callbacks saw. */
struct sink {
	int		nframes;
	size_t		len[MAXOUT];
	uint8_t		*frame[MAXOUT];
	uint64_t	ts[MAXOUT];
	int		naudio;
	uint8_t		codec;
	size_t		alen;
	uint8_t		audio[MEDIA_BLOCK];
	/* frame_dst: the buffer it gives, asked, refused, frames in it */
	uint8_t		*dst;
	int		ndst, refuse, in_place;
};

static inline void
on_frame(void *arg, const uint8_t *jpeg, size_t len, uint64_t ts)
{
	struct sink *k = arg;

	/* Whatever goes out must pass the checks, whatever came in. */
	cr_assert(len >= 4 && len <= V720_FRAME_MAX);
	cr_assert(jpeg[0] == 0xff && jpeg[1] == 0xd8);
	cr_assert(jpeg[len - 2] == 0xff && jpeg[len - 1] == 0xd9);
	if (k->dst != NULL && jpeg == k->dst)
		k->in_place++;
	if (k->nframes < MAXOUT) {
		k->frame[k->nframes] = malloc(len);
		memcpy(k->frame[k->nframes], jpeg, len);
		k->len[k->nframes] = len;
		k->ts[k->nframes] = ts;
	}
	k->nframes++;
}

static inline void
on_audio(void *arg, uint8_t codec, const uint8_t *data, size_t len,
    uint64_t ts)
{
	struct sink *k = arg;

	k->naudio++;
	k->codec = codec;
	k->alen = len;
	memcpy(k->audio, data, len);
}

/*
 * As the engine's ring slot: V720_FRAME_MAX bytes, unless refused.  The
 * previous frame's bytes stay in it (as in a slot), so a frame that is
 * not completely assembled there shows.
 */
static inline uint8_t *
on_frame_dst(void *arg, size_t len)
{
	struct sink *k = arg;

	cr_assert(len >= 4 && len <= V720_FRAME_MAX);
	k->ndst++;
	if (k->refuse)
		return NULL;
	if (k->dst == NULL) {
		cr_assert((k->dst = malloc(V720_FRAME_MAX)) != NULL);
		memset(k->dst, 0xa5, V720_FRAME_MAX);
	}
	return k->dst;
}

/* The engine's callbacks, and without frame_dst (media's own buffer). */
static const struct media_cb cbs = { on_frame, on_audio, on_frame_dst };
static const struct media_cb cbs_own = { on_frame, on_audio, NULL };

static inline void
sink_clear(struct sink *k)
{
	int i;

	for (i = 0; i < k->nframes && i < MAXOUT; i++)
		free(k->frame[i]);
	free(k->dst);
	memset(k, 0, sizeof(*k));
}

/* A fake baseline JPEG: FF D8, n - 4 bytes of body, FF D9. */
static inline size_t
make_jpeg(uint8_t *out, size_t n, unsigned seed)
{
	size_t i;

	out[0] = 0xff;
	out[1] = 0xd8;
	for (i = 2; i < n - 2; i++)
		out[i] = (uint8_t)(seed * 131 + i * 7);
	out[n - 2] = 0xff;
	out[n - 1] = 0xd9;
	return n;
}

/*
 * Split jpeg + LE32 size trailer into packets of the given lengths
 * (the last takes the rest) starting at id; returns the packet count.
 */
static inline int
split(struct pkt *p, const uint8_t *jpeg, size_t n, uint32_t id,
    const size_t *lens, int npkt)
{
	static uint8_t buf[V720_FRAME_MAX + 8 + 2 * MEDIA_BLOCK];
	size_t off = 0, total = n + 4;
	int i;

	memcpy(buf, jpeg, n);
	wire_put32(buf + n, (uint32_t)n);
	for (i = 0; i < npkt; i++) {
		p[i].cmd = WIRE_CMD_JPEG;
		p[i].id = id + (uint32_t)i;
		p[i].len = i == npkt - 1 ? total - off : lens[i];
		cr_assert(p[i].len <= MEDIA_BLOCK);
		memcpy(p[i].data, buf + off, p[i].len);
		off += p[i].len;
		p[i].flag = npkt == 1 ? WIRE_FLAG_SINGLE : i == 0 ?
		    WIRE_FLAG_FIRST : i == npkt - 1 ? WIRE_FLAG_LAST :
		    WIRE_FLAG_MIDDLE;
	}
	return npkt;
}

/* A frame of n bytes cut into 1004-byte fragments. */
static inline int
split_std(struct pkt *p, const uint8_t *jpeg, size_t n, uint32_t id)
{
	size_t lens[MAXPKT];
	int i, k = (int)((n + 4 + WIRE_MEDIA_PAYLOAD - 1) / WIRE_MEDIA_PAYLOAD);

	cr_assert(k <= MAXPKT);
	for (i = 0; i < k; i++)
		lens[i] = WIRE_MEDIA_PAYLOAD;
	return split(p, jpeg, n, id, lens, k);
}

static inline int
feed(struct media *m, const struct pkt *p, uint64_t now)
{
	struct wire_hdr h;

	memset(&h, 0, sizeof(h));
	h.wh_len = (uint32_t)p->len;
	h.wh_cmd = p->cmd;
	h.wh_msg_flag = p->flag;
	h.wh_pkg_id = p->id;
	return media_packet(m, &h, p->data, p->len, now);
}

static struct pkt pk[MAXPKT + 8];

/* A whole frame in 1004-byte fragments, in order or reversed. */
static inline int
send_frame(struct media *m, const uint8_t *jpeg, size_t n, uint32_t id,
    uint64_t now, int reverse)
{
	int i, np = split_std(pk, jpeg, n, id);

	for (i = 0; i < np; i++)
		feed(m, &pk[reverse ? np - 1 - i : i], now);
	return np;
}

static inline void
assert_frame(const struct sink *k, int i, const uint8_t *jpeg, size_t n)
{
	cr_assert(k->nframes > i);
	cr_assert_eq(k->len[i], n, "frame %d: %zu bytes, want %zu", i,
	    k->len[i], n);
	cr_assert(memcmp(k->frame[i], jpeg, n) == 0, "frame %d differs", i);
}

#endif
