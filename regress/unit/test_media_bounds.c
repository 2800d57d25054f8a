/*
 * Unit tests of v720d/media.c, bounds and the rest: hostile input against
 * the memory bound, the block pool, the 605 builder, audio, idle memory,
 * a camera restarting its counter.
 */
#include "test_media.h"

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
		cr_assert_eq(wire_get32(out + 4 * i), (uint32_t)(0x01020304 + i));
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

/* More fragments held than there are blocks: the oldest run gives way. */
Test(media, block_pool_exhausted)
{
	uint8_t j[3000];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	struct pkt p = { .cmd = WIRE_CMD_JPEG, .len = WIRE_MEDIA_PAYLOAD };
	size_t full;
	uint32_t id;

	memset(p.data, 0x11, p.len);
	for (id = 0; id <= MEDIA_BLOCKS_MAX + 10; id++) {
		p.id = id;
		p.flag = id == 0 || id == 300 ? WIRE_FLAG_FIRST :
		    WIRE_FLAG_MIDDLE;
		feed(m, &p, 0);
		cr_assert(media_memory(m) <= MEDIA_MEMORY_MAX);
	}
	cr_assert_eq(media_stats(m)->drop_incomplete, 1);
	full = media_memory(m);
	/* The surplus blocks go back at the next tick. */
	media_tick(m, MS);
	cr_assert(media_memory(m) < full - 200 * MEDIA_BLOCK);
	/* The stream goes on, once the newer run is given up too. */
	make_jpeg(j, sizeof(j), 17);
	send_frame(m, j, sizeof(j), id, 2 * MS, 1);
	media_tick(m, 2 * MS + MEDIA_HOLD_NS);
	cr_assert_eq(k.nframes, 1);
	cr_assert_eq(media_stats(m)->drop_incomplete, 2);
	assert_frame(&k, 0, j, sizeof(j));
	media_free(m);
	sink_clear(&k);
}

Test(media, tiny_and_oversized_packets)
{
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	struct pkt p = { .cmd = WIRE_CMD_JPEG, .flag = WIRE_FLAG_FIRST,
	    .id = 5, .len = 1 };

	/* 3 bytes in all: not even a trailer. */
	feed(m, &p, 0);
	p.flag = WIRE_FLAG_LAST;
	p.id = 6;
	p.len = 2;
	cr_assert_eq(feed(m, &p, 0), 1);
	cr_assert_eq(media_stats(m)->drop_size, 1);
	/* More than a datagram can carry is not looked at. */
	p.id = 7;
	cr_assert_eq(media_packet(m, &(struct wire_hdr){ .wh_cmd =
	    WIRE_CMD_JPEG, .wh_msg_flag = WIRE_FLAG_SINGLE, .wh_pkg_id = 7 },
	    p.data, MEDIA_BLOCK + 1, 0), 0);
	cr_assert_eq(media_stats(m)->packets, 2);
	media_free(m);
	sink_clear(&k);
}

/*
 * An older frame of which only the first fragment came, then a whole newer
 * frame j2 at time now.
 */
static void
stalled_then_newer(struct media *m, uint8_t *j2, size_t n, uint64_t now)
{
	uint8_t j1[3000];
	int n1;

	make_jpeg(j1, sizeof(j1), 18);
	make_jpeg(j2, n, 19);
	n1 = split_std(pk, j1, sizeof(j1), 40);
	feed(m, &pk[0], 0);
	send_frame(m, j2, n, 40 + n1, now, 0);
}

/* Without a hold, a newer frame goes at once and the older is dropped. */
Test(media, no_hold)
{
	uint8_t j2[3000];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);

	media_set_timeouts(m, MEDIA_TIMEOUT_NS, 0);
	stalled_then_newer(m, j2, sizeof(j2), MS);
	cr_assert_eq(k.nframes, 1);
	assert_frame(&k, 0, j2, sizeof(j2));
	cr_assert_eq(media_stats(m)->drop_incomplete, 1);
	media_free(m);
	sink_clear(&k);
}

/* A held frame waits no longer than the older run's timeout. */
Test(media, hold_ends_at_timeout)
{
	uint8_t j2[3000];
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);

	media_set_timeouts(m, 100 * MS, 10 * MEDIA_HOLD_NS);
	stalled_then_newer(m, j2, sizeof(j2), 50 * MS);
	media_tick(m, 99 * MS);
	cr_assert_eq(k.nframes, 0);
	media_tick(m, 100 * MS);
	cr_assert_eq(k.nframes, 1);
	assert_frame(&k, 0, j2, sizeof(j2));
	media_free(m);
	sink_clear(&k);
}

/* Every block held by newer ids: an older fragment finds no room. */
Test(media, no_room_for_older)
{
	struct sink k = { 0 };
	struct media *m = media_new(&cbs, &k);
	struct pkt p = { .cmd = WIRE_CMD_JPEG, .flag = WIRE_FLAG_MIDDLE,
	    .len = 100 };
	uint32_t id;

	for (id = 1000; id < 1000 + MEDIA_BLOCKS_MAX; id++) {
		p.id = id;
		feed(m, &p, 0);
	}
	p.id = 990;
	feed(m, &p, 0);
	cr_assert_eq(media_stats(m)->packets_late, 1);
	cr_assert(media_memory(m) <= MEDIA_MEMORY_MAX);
	/* An empty audio chunk (only a trailer saying 0) is not passed on. */
	p.cmd = WIRE_CMD_ALAW;
	p.id = 2000;
	p.len = 4;
	memset(p.data, 0, 4);
	feed(m, &p, 0);
	cr_assert_eq(k.naudio, 0);
	media_free(m);
	sink_clear(&k);
}
