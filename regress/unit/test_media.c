/*
 * Unit tests of v720d/media.c, reassembly: every arrival order with loss
 * and duplication, straddling trailers, frame order and holding, the frame
 * checks, single-packet frames, pkg_id wrap.
 */
#include "test_media.h"

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
		cr_assert_eq(media_stats(m)->frames_held, 0,
		    "a frame delivered as it completed was not held");
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
	cr_assert_eq(media_stats(m)->frames_held, 1,
	    "the newer frame waited for the older: held");
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
	/* Checked on the fragments: a bad frame takes no ring slot. */
	cr_assert_eq(k.ndst, 0, "%s: asked for a buffer", what);
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

/*
 * The engine's path: a frame of several fragments is assembled in the
 * buffer frame_dst gives (the camera's ring slot), byte-identical, and
 * media keeps no assembly buffer of its own; refused, it uses its own.
 */
Test(media, assembled_in_the_callers_buffer)
{
	static uint8_t j[3][40000];
	struct sink k = { 0 }, o = { 0 };
	struct media *m = media_new(&cbs, &k), *mo = media_new(&cbs_own, &o);
	uint32_t id = 100;
	int i;

	for (i = 0; i < 3; i++) {
		make_jpeg(j[i], sizeof(j[i]) - 1000 * (size_t)i, 20 + i);
		send_frame(m, j[i], sizeof(j[i]) - 1000 * (size_t)i, id, 0, i);
		id += (uint32_t)send_frame(mo, j[i],
		    sizeof(j[i]) - 1000 * (size_t)i, id, 0, i);
	}
	cr_assert_eq(k.nframes, 3);
	cr_assert_eq(k.ndst, 3);
	cr_assert_eq(k.in_place, 3, "%d of 3 frames in place", k.in_place);
	cr_assert_eq(o.nframes, 3);
	cr_assert_eq(o.in_place, 0);
	for (i = 0; i < 3; i++) {
		assert_frame(&k, i, j[i], sizeof(j[i]) - 1000 * (size_t)i);
		assert_frame(&o, i, j[i], sizeof(j[i]) - 1000 * (size_t)i);
	}
	/* media's own assembly buffer (at least 32 KB) was never made */
	cr_assert(media_memory(m) + 32 * 1024 <= media_memory(mo),
	    "%zu bytes against %zu", media_memory(m), media_memory(mo));
	media_free(m);
	media_free(mo);
	sink_clear(&k);
	sink_clear(&o);

	k.refuse = 1;
	m = media_new(&cbs, &k);
	send_frame(m, j[0], sizeof(j[0]), 7, 0, 0);
	cr_assert_eq(k.nframes, 1);
	cr_assert_eq(k.ndst, 1);
	assert_frame(&k, 0, j[0], sizeof(j[0]));
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
