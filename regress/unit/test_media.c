/*
 * Unit tests of v720d/media.c: reassembly under every arrival order, loss
 * and duplication; the frame checks; ordering and timeouts; pkg_id wrap;
 * hostile input against the memory bound; the 605 builder; audio.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "msg.h"
#include "wire.h"
#include "../../v720d/media.h"

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
};

static void
on_frame(void *arg, const uint8_t *jpeg, size_t len, uint64_t ts)
{
	struct sink *k = arg;

	/* Whatever goes out must pass the checks, whatever came in. */
	cr_assert(len >= 4 && len <= V720_FRAME_MAX);
	cr_assert(jpeg[0] == 0xff && jpeg[1] == 0xd8);
	cr_assert(jpeg[len - 2] == 0xff && jpeg[len - 1] == 0xd9);
	if (k->nframes < MAXOUT) {
		k->frame[k->nframes] = malloc(len);
		memcpy(k->frame[k->nframes], jpeg, len);
		k->len[k->nframes] = len;
		k->ts[k->nframes] = ts;
	}
	k->nframes++;
}

static void
on_audio(void *arg, uint8_t codec, const uint8_t *data, size_t len,
    uint64_t ts)
{
	struct sink *k = arg;

	k->naudio++;
	k->codec = codec;
	k->alen = len;
	memcpy(k->audio, data, len);
}

static const struct media_cb cbs = { on_frame, on_audio };

static void
sink_clear(struct sink *k)
{
	int i;

	for (i = 0; i < k->nframes && i < MAXOUT; i++)
		free(k->frame[i]);
	memset(k, 0, sizeof(*k));
}

/* A fake baseline JPEG: FF D8, n - 4 bytes of body, FF D9. */
static size_t
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
static int
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
static int
split_std(struct pkt *p, const uint8_t *jpeg, size_t n, uint32_t id)
{
	size_t lens[MAXPKT];
	int i, k = (int)((n + 4 + WIRE_MEDIA_PAYLOAD - 1) / WIRE_MEDIA_PAYLOAD);

	cr_assert(k <= MAXPKT);
	for (i = 0; i < k; i++)
		lens[i] = WIRE_MEDIA_PAYLOAD;
	return split(p, jpeg, n, id, lens, k);
}

static int
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
static int
send_frame(struct media *m, const uint8_t *jpeg, size_t n, uint32_t id,
    uint64_t now, int reverse)
{
	int i, np = split_std(pk, jpeg, n, id);

	for (i = 0; i < np; i++)
		feed(m, &pk[reverse ? np - 1 - i : i], now);
	return np;
}

static void
assert_frame(const struct sink *k, int i, const uint8_t *jpeg, size_t n)
{
	cr_assert(k->nframes > i);
	cr_assert_eq(k->len[i], n, "frame %d: %zu bytes, want %zu", i,
	    k->len[i], n);
	cr_assert(memcmp(k->frame[i], jpeg, n) == 0, "frame %d differs", i);
}

/* Next permutation of a[0..n) in lexicographic order; 0 after the last. */
static int
next_perm(int *a, int n)
{
	int i, j, t;

	for (i = n - 2; i >= 0 && a[i] >= a[i + 1]; i--)
		;
	if (i < 0)
		return 0;
	for (j = n - 1; a[j] <= a[i]; j--)
		;
	t = a[i], a[i] = a[j], a[j] = t;
	for (i++, j = n - 1; i < j; i++, j--)
		t = a[i], a[i] = a[j], a[j] = t;
	return 1;
}

/*
 * Splits of a frame into 2-4 fragments: the JPEG's length and the lengths
 * of all fragments but the last.  The wire carries length + 4 bytes; a
 * last fragment of 1-3 bytes means the trailer straddles the last two.
 */
static const struct {
	size_t	jlen;
	int	n;
	size_t	lens[3];
} splits[] = {
	{ 1000, 2, { 600 } },		/* trailer inside the last */
	{ 1000, 2, { 1001 } },		/* last holds 3 bytes of trailer */
	{ 1000, 2, { 1003 } },		/* 1 byte */
	{ 1000, 2, { 1000 } },		/* exactly the trailer */
	{ 3000, 3, { 1000, 1000 } },
	{ 2500, 3, { 1250, 1252 } },	/* 2 bytes */
	{ 2500, 3, { 1250, 1251 } },	/* 3 bytes */
	{ 3000, 4, { 1000, 1000, 1003 } },	/* 1 byte */
	{ 3000, 4, { 700, 800, 900 } },
	{ 3000, 4, { 1, 1500, 1500 } },	/* 3 bytes, a 1-byte first */
};
#define NSPLITS	((int)(sizeof(splits) / sizeof(splits[0])))

static int
split_case(int c, const uint8_t *jpeg, uint32_t id)
{
	return split(pk, jpeg, splits[c].jlen, id, splits[c].lens,
	    splits[c].n);
}

Test(media, every_order_with_duplicates)
{
	uint8_t jpeg[3000];
	struct sink k = { 0 };
	struct media *m;
	int c, n, i, ord[4], nperm = 0;

	for (c = 0; c < NSPLITS; c++) {
		make_jpeg(jpeg, splits[c].jlen, 1);
		n = split_case(c, jpeg, 1000);
		for (i = 0; i < n; i++)
			ord[i] = i;
		do {
			/* Plain, then every packet twice, then one repeat. */
			int mode;

			for (mode = 0; mode < 3; mode++) {
				m = media_new(&cbs, &k);
				for (i = 0; i < n; i++) {
					feed(m, &pk[ord[i]], i * MS);
					if (mode == 1)
						feed(m, &pk[ord[i]], i * MS);
				}
				if (mode == 2)
					feed(m, &pk[ord[0]], n * MS);
				cr_assert_eq(k.nframes, 1, "split %d mode %d",
				    c, mode);
				assert_frame(&k, 0, jpeg, splits[c].jlen);
				cr_assert_eq(media_stats(m)->packets_dup +
				    media_stats(m)->packets_late,
				    mode == 0 ? 0 : mode == 1 ? (unsigned)n : 1);
				media_free(m);
				sink_clear(&k);
				nperm++;
			}
		} while (next_perm(ord, n));
	}
	cr_assert(nperm > 100);
}

Test(media, every_order_with_one_lost)
{
	uint8_t jpeg[3000];
	struct sink k = { 0 };
	struct media *m;
	int c, n, i, lost, ord[4];

	for (c = 0; c < NSPLITS; c++) {
		make_jpeg(jpeg, splits[c].jlen, 2);
		n = split_case(c, jpeg, 77);
		for (lost = 0; lost < n; lost++) {
			for (i = 0; i < n; i++)
				ord[i] = i;
			do {
				m = media_new(&cbs, &k);
				for (i = 0; i < n; i++)
					if (ord[i] != lost)
						feed(m, &pk[ord[i]], 0);
				cr_assert_eq(k.nframes, 0);
				media_tick(m, MEDIA_TIMEOUT_NS / 2);
				cr_assert_eq(media_stats(m)->drop_incomplete, 0);
				media_tick(m, MEDIA_TIMEOUT_NS);
				cr_assert_eq(media_stats(m)->drop_incomplete, 1);
				/*
				 * The resend comes too late: no frame.  It is
				 * late unless it was the 252: nothing says
				 * where a run without its end stops.
				 */
				feed(m, &pk[lost], MEDIA_TIMEOUT_NS + MS);
				cr_assert_eq(k.nframes, 0);
				cr_assert_eq(media_stats(m)->packets_late,
				    lost != n - 1);
				media_free(m);
			} while (next_perm(ord, n));
		}
	}
}

/*
 * Two frames of 2 fragments each, all 24 orders: always in id order.  Both
 * go out, unless the older frame had not a single fragment in when the
 * newer completed: then nothing says it exists (an empty gap is lost audio
 * as often as not, and is not waited for), and it is late when it comes.
 */
Test(media, two_frames_every_order)
{
	uint8_t j1[2400], j2[2000];
	size_t lens[1] = { 1200 };
	struct sink k = { 0 };
	struct media *m;
	struct pkt both[4];
	int i, ord[4] = { 0, 1, 2, 3 }, f1seen, f2done, unseen;

	make_jpeg(j1, sizeof(j1), 3);
	make_jpeg(j2, sizeof(j2), 4);
	split(pk, j1, sizeof(j1), 500, lens, 2);
	memcpy(both, pk, 2 * sizeof(*pk));
	split(pk, j2, sizeof(j2), 502, lens, 2);
	memcpy(both + 2, pk, 2 * sizeof(*pk));
	do {
		m = media_new(&cbs, &k);
		/* A frame before, so the stream is under way. */
		split(pk, j2, sizeof(j2), 498, lens, 2);
		feed(m, &pk[0], 0);
		feed(m, &pk[1], 0);
		f1seen = f2done = unseen = 0;
		for (i = 0; i < 4; i++) {
			f1seen |= ord[i] < 2;
			f2done += ord[i] >= 2;
			if (f2done == 2 && !f1seen)
				unseen = 1;
			feed(m, &both[ord[i]], i * MS);
		}
		cr_assert_eq(k.nframes, unseen ? 2 : 3);
		if (unseen)
			assert_frame(&k, 1, j2, sizeof(j2));
		else {
			assert_frame(&k, 1, j1, sizeof(j1));
			assert_frame(&k, 2, j2, sizeof(j2));
		}
		media_free(m);
		sink_clear(&k);
	} while (next_perm(ord, 4));
}

/* A newer frame waits for an older one only for the hold time. */
Test(media, order_hold_and_late)
{
	uint8_t j1[5000], j2[5000];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	struct pkt f1[8], f2[8];
	int n1, n2, i;

	make_jpeg(j1, sizeof(j1), 5);
	make_jpeg(j2, sizeof(j2), 6);
	n1 = split_std(pk, j1, sizeof(j1), 10);
	memcpy(f1, pk, n1 * sizeof(*pk));
	n2 = split_std(pk, j2, sizeof(j2), 10 + n1);
	memcpy(f2, pk, n2 * sizeof(*pk));

	for (i = 0; i < n1; i++)
		if (i != 2)
			feed(m, &f1[i], 0);
	for (i = 0; i < n2; i++)
		feed(m, &f2[i], 10 * MS);
	cr_assert_eq(k.nframes, 0, "newer frame must wait for the older");
	media_tick(m, 10 * MS + MEDIA_HOLD_NS - 1);
	cr_assert_eq(k.nframes, 0);
	media_tick(m, 10 * MS + MEDIA_HOLD_NS);
	cr_assert_eq(k.nframes, 1);
	assert_frame(&k, 0, j2, sizeof(j2));
	cr_assert_eq(k.ts[0], 10 * MS);
	cr_assert_eq(media_stats(m)->drop_incomplete, 1);
	/* The older frame's missing piece: late, never delivered. */
	feed(m, &f1[2], 400 * MS);
	cr_assert_eq(k.nframes, 1);
	cr_assert_eq(media_stats(m)->packets_late, 1);
	media_free(m);
	sink_clear(&k);
}

/* A lost audio id between frames does not hold the next frame. */
Test(media, gap_without_data_not_held)
{
	uint8_t j1[1500];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	int n;

	make_jpeg(j1, sizeof(j1), 7);
	n = send_frame(m, j1, sizeof(j1), 100, 0, 0);
	send_frame(m, j1, sizeof(j1), 100 + n + 1, MS, 0);
	cr_assert_eq(k.nframes, 2);
	cr_assert_eq(media_stats(m)->drop_incomplete, 0);
	media_free(m);
	sink_clear(&k);
}

static void
expect_drop(const uint8_t *jpeg, size_t n, int bad, const char *what)
{
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	const struct media_stats *st = media_stats(m);
	int np, i;

	np = split_std(pk, jpeg, n, 4000);
	if (bad == 1)		/* size trailer one too many */
		pk[np - 1].data[pk[np - 1].len - 4]++;
	for (i = 0; i < np; i++)
		feed(m, &pk[i], 0);
	cr_assert_eq(k.nframes, 0, "%s passed", what);
	if (bad == 1)
		cr_assert_eq(st->drop_size, 1, "%s", what);
	else if (bad == 2)
		cr_assert_eq(st->drop_jpeg, 1, "%s", what);
	else
		cr_assert_eq(st->drop_toobig, 1, "%s", what);
	cr_assert_eq(st->drop_size + st->drop_jpeg + st->drop_toobig +
	    st->drop_incomplete, 1);
	cr_assert_eq(media_memory(m) <= MEDIA_MEMORY_MAX, 1);
	media_free(m);
}

Test(media, checks)
{
	static uint8_t j[V720_FRAME_MAX + 2];

	make_jpeg(j, 20000, 8);
	expect_drop(j, 20000, 1, "trailer mismatch");
	j[0] = 0;
	expect_drop(j, 20000, 2, "no FF D8");
	make_jpeg(j, 20000, 8);
	j[19999] = 0xd8;
	expect_drop(j, 20000, 2, "no FF D9");
	make_jpeg(j, V720_FRAME_MAX + 1, 9);
	expect_drop(j, V720_FRAME_MAX + 1, 3, "oversized");
}

Test(media, largest_frame)
{
	static uint8_t j[V720_FRAME_MAX];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);

	make_jpeg(j, sizeof(j), 10);
	send_frame(m, j, sizeof(j), 0xfffffff0, 0, 1);	/* wraps, too */
	cr_assert_eq(k.nframes, 1);
	assert_frame(&k, 0, j, sizeof(j));
	cr_assert(media_memory(m) <= MEDIA_MEMORY_MAX);
	media_free(m);
	sink_clear(&k);
}

Test(media, single_packet_frames)
{
	uint8_t j[600];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	struct pkt p = { .cmd = WIRE_CMD_JPEG, .flag = WIRE_FLAG_SINGLE };

	make_jpeg(j, sizeof(j), 11);
	/* With a trailer. */
	memcpy(p.data, j, sizeof(j));
	wire_put32(p.data + sizeof(j), sizeof(j));
	p.len = sizeof(j) + 4;
	p.id = 1;
	cr_assert_eq(feed(m, &p, 0), 1);
	/* Without one: the whole payload is the JPEG. */
	p.len = sizeof(j);
	p.id = 2;
	feed(m, &p, 0);
	/* A wrong trailer: not a JPEG either way. */
	wire_put32(p.data + sizeof(j), sizeof(j) + 1);
	p.len = sizeof(j) + 4;
	p.id = 3;
	feed(m, &p, 0);
	/* Garbage. */
	memset(p.data, 0x55, 100);
	p.len = 100;
	p.id = 4;
	feed(m, &p, 0);
	cr_assert_eq(k.nframes, 2);
	assert_frame(&k, 0, j, sizeof(j));
	assert_frame(&k, 1, j, sizeof(j));
	cr_assert_eq(media_stats(m)->drop_jpeg, 2);
	media_free(m);
	sink_clear(&k);
}

/* Frames across the u32 wrap of pkg_id, in and out of order. */
Test(media, pkg_id_wrap)
{
	uint8_t j[4000];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	uint32_t id = 0xfffffff0;
	int f;

	make_jpeg(j, sizeof(j), 12);
	for (f = 0; f < 8; f++)
		id += send_frame(m, j, sizeof(j), id, f * 100 * MS, f % 2);
	cr_assert_eq(k.nframes, 8);
	cr_assert_eq(media_stats(m)->drop_incomplete, 0);
	media_free(m);
	sink_clear(&k);
}

/* A hostile camera: random everything, the memory stays bounded. */
Test(media, hostile_random_input)
{
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	struct pkt p;
	uint8_t out[4 * MEDIA_CONFIRM_MAX];
	size_t len, max = 0;
	uint32_t base = 0;
	uint64_t now = 0;
	long i;

	srandom(42);
	for (i = 0; i < 300000; i++) {
		p.cmd = random() % 8 == 0 ? WIRE_CMD_ALAW : WIRE_CMD_JPEG;
		p.flag = 250 + random() % 6;
		/* Mostly near a moving base, sometimes anywhere. */
		p.id = random() % 16 == 0 ? (uint32_t)random() * 2 :
		    base + (uint32_t)(random() % 2048);
		if (random() % 64 == 0)
			base = p.id;
		p.len = random() % (MEDIA_BLOCK + 1);
		memset(p.data, (int)(random() & 0xff), p.len);
		if (p.len >= 2 && random() % 2)
			p.data[0] = 0xff, p.data[1] = 0xd8;
		feed(m, &p, now);
		now += 50000;
		if (i % 100 == 0) {
			media_tick(m, now);
			media_confirm_take(m, out, sizeof(out), &len);
			cr_assert(len <= sizeof(out));
		}
		if (media_memory(m) > max)
			max = media_memory(m);
	}
	cr_assert(max <= MEDIA_MEMORY_MAX, "%zu > %d", max, MEDIA_MEMORY_MAX);
	cr_assert(media_stats(m)->packets == 300000);
	media_free(m);
	sink_clear(&k);
}

Test(media, confirmations)
{
	uint8_t j[3000], out[4 * MEDIA_CONFIRM_MAX];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	struct pkt p;
	size_t len;
	int n, i;

	make_jpeg(j, sizeof(j), 13);
	n = split_std(pk, j, sizeof(j), 0x01020304);
	feed(m, &pk[0], 0);
	cr_assert_eq(media_confirm_take(m, out, sizeof(out), &len), 0,
	    "nothing before the first frame");
	for (i = 1; i < n; i++)
		cr_assert_eq(feed(m, &pk[i], 0), i == n - 1);
	cr_assert_eq(k.nframes, 1);
	/* The first one is empty. */
	cr_assert_eq(media_confirm_take(m, out, sizeof(out), &len), 1);
	cr_assert_eq(len, 0);
	/* Then the ids, LE, in arrival order. */
	cr_assert_eq(media_confirm_take(m, out, sizeof(out), &len), 1);
	cr_assert_eq(len, 4 * (size_t)n);
	cr_assert(out[0] == 0x04 && out[1] == 0x03 && out[2] == 0x02 &&
	    out[3] == 0x01);
	for (i = 0; i < n; i++)
		cr_assert_eq(wire_get32(out + 4 * i), 0x01020304 + i);
	cr_assert_eq(media_confirm_take(m, out, sizeof(out), &len), 0);
	/* A duplicate is confirmed again. */
	feed(m, &pk[1], MS);
	cr_assert_eq(media_confirm_take(m, out, sizeof(out), &len), 1);
	cr_assert_eq(len, 4);
	cr_assert_eq(wire_get32(out), 0x01020305);
	cr_assert_eq(media_stats(m)->confirms, 3);

	/* Bounded: 300 pending, the newest 256 kept, 100 per small take. */
	p.cmd = WIRE_CMD_ALAW;
	p.flag = WIRE_FLAG_SINGLE;
	p.len = 10;
	memset(p.data, 0xd5, p.len);
	for (i = 0; i < 300; i++) {
		p.id = 0x01020400 + i;
		feed(m, &p, 2 * MS);
	}
	cr_assert_eq(media_confirm_take(m, out, 400, &len), 1);
	cr_assert_eq(len, 400);
	cr_assert_eq(wire_get32(out), 0x01020400 + 300 - MEDIA_CONFIRM_MAX);
	cr_assert_eq(media_confirm_take(m, out, sizeof(out), &len), 1);
	cr_assert_eq(len, 4 * (MEDIA_CONFIRM_MAX - 100));
	cr_assert_eq(wire_get32(out + len - 4), 0x01020400 + 299);
	cr_assert_eq(media_confirm_take(m, out, 3, &len), 0);

	/* A reset starts over: nothing until a frame, then empty again. */
	media_reset(m);
	feed(m, &p, 3 * MS);
	cr_assert_eq(media_confirm_take(m, out, sizeof(out), &len), 0);
	cr_assert_eq(media_stats(m)->confirms, 5, "stats kept");
	media_free(m);
	sink_clear(&k);
}

Test(media, audio)
{
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	struct pkt p = { .cmd = WIRE_CMD_ALAW, .flag = WIRE_FLAG_SINGLE };

	/* Last 4 bytes == length - 4: a trailer. */
	memset(p.data, 0xd5, 320);
	wire_put32(p.data + 320, 320);
	p.len = 324;
	p.id = 7;
	cr_assert_eq(feed(m, &p, 5), 0);
	cr_assert_eq(k.naudio, 1);
	cr_assert_eq(k.alen, 320);
	cr_assert_eq(k.codec, WIRE_CMD_ALAW);
	/* Otherwise the whole payload. */
	wire_put32(p.data + 320, 321);
	p.id = 8;
	p.cmd = WIRE_CMD_PCM;
	feed(m, &p, 6);
	cr_assert_eq(k.naudio, 2);
	cr_assert_eq(k.alen, 324);
	cr_assert_eq(k.codec, WIRE_CMD_PCM);
	cr_assert(memcmp(k.audio, p.data, 324) == 0);
	/* A duplicate is not played twice. */
	feed(m, &p, 7);
	cr_assert_eq(k.naudio, 2);
	cr_assert_eq(media_stats(m)->packets_dup, 1);
	cr_assert_eq(media_stats(m)->audio_chunks, 2);
	/* Other commands are not media. */
	p.cmd = WIRE_CMD_JSON;
	p.id = 9;
	feed(m, &p, 8);
	cr_assert_eq(media_stats(m)->packets, 3);
	media_free(m);
	sink_clear(&k);
}

/* Audio ids between frames do not disturb the frames. */
Test(media, audio_between_frames)
{
	uint8_t j[2500];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	struct pkt a = { .cmd = WIRE_CMD_ALAW, .flag = WIRE_FLAG_SINGLE,
	    .len = 160 };
	uint32_t id = 1;
	int f, n, i;

	make_jpeg(j, sizeof(j), 14);
	for (f = 0; f < 5; f++) {
		n = split_std(pk, j, sizeof(j), id);
		a.id = id + n;
		feed(m, &a, f * MS);	/* audio before the frame's fragments */
		for (i = 0; i < n; i++)
			feed(m, &pk[i], f * MS);
		id += n + 1;
	}
	cr_assert_eq(k.nframes, 5);
	cr_assert_eq(k.naudio, 5);
	cr_assert_eq(media_stats(m)->drop_incomplete, 0);
	media_free(m);
	sink_clear(&k);
}

Test(media, idle_memory)
{
	uint8_t j[25000];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	size_t idle = media_memory(m);
	int n;

	cr_assert(idle < 4096, "idle stream holds %zu bytes", idle);
	make_jpeg(j, sizeof(j), 15);
	n = send_frame(m, j, sizeof(j), 9, 0, 0);
	cr_assert_eq(k.nframes, 1);
	cr_assert(media_memory(m) > idle);
	media_tick(m, MEDIA_IDLE_NS - 1);
	cr_assert(media_memory(m) > idle);
	media_tick(m, MEDIA_IDLE_NS);
	cr_assert_eq(media_memory(m), idle);
	/* The stream goes on after the pause. */
	send_frame(m, j, sizeof(j), 9 + n, MEDIA_IDLE_NS + MS, 0);
	cr_assert_eq(k.nframes, 2);
	media_reset(m);
	cr_assert_eq(media_memory(m), idle);
	cr_assert_eq(media_stats(m)->frames, 2);
	media_free(m);
	sink_clear(&k);
}

/* A camera that restarts its counter is followed after a while. */
Test(media, counter_restart)
{
	uint8_t j[1500];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	uint32_t id = 100000;
	int f;

	make_jpeg(j, sizeof(j), 16);
	send_frame(m, j, sizeof(j), id, 0, 0);
	/* 2 fragments a frame: late for MEDIA_WINDOW packets, then taken. */
	for (id = 0, f = 0; f < MEDIA_WINDOW; f++)
		id += send_frame(m, j, sizeof(j), id, 0, 0);
	cr_assert_eq(media_stats(m)->packets_late, MEDIA_WINDOW);
	cr_assert_eq(k.nframes, 1 + MEDIA_WINDOW / 2);
	media_free(m);
	sink_clear(&k);
}
