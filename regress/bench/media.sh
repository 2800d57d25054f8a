#!/bin/sh
# Micro-benchmark of v720d/engine/media.c alone (no sockets): CPU per packet and
# per 1000 frames for 25 KB frames in 1004-byte fragments, in order and
# with reordering, duplicates and loss; memory per idle and per streaming
# camera.  Prints figures, never fails on speed.
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${OUT:-/tmp/v720-bench-media}
mkdir -p "$out"
cat >"$out/bench_media.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wire.h"
#include "media.h"

static unsigned long nframes;
static void fr(void *a, const uint8_t *j, size_t n, uint64_t t) { nframes++; }
static const struct media_cb cb = { fr, NULL };
static uint8_t jpeg[25000], pkt[64][WIRE_MEDIA_PAYLOAD];
static size_t plen[64];
static int npkt;

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One run: nf frames; permille reorder (adjacent swap), dup and loss. */
static void
run(const char *what, int nf, int reorder, int dup, int loss)
{
	struct media *m = media_new(&cb, NULL);
	struct wire_hdr h = { .wh_cmd = WIRE_CMD_JPEG };
	uint8_t out[4 * MEDIA_CONFIRM_MAX];
	uint64_t now = 0;
	uint32_t id = 1;
	unsigned long npk = 0;
	size_t len, peak = 0;
	double t0 = cpu(), t;
	int f, i, k, o[64];

	nframes = 0;
	srandom(1);
	for (f = 0; f < nf; f++) {
		for (i = 0; i < npkt; i++)
			o[i] = i;
		for (i = 0; i + 1 < npkt; i++)
			if (random() % 1000 < reorder)
				k = o[i], o[i] = o[i + 1], o[i + 1] = k;
		for (i = 0; i < npkt; i++) {
			k = o[i];
			if (random() % 1000 < loss)
				continue;
			h.wh_pkg_id = id + k;
			h.wh_msg_flag = k == 0 ? 250 : k == npkt - 1 ? 252 : 251;
			for (int d = random() % 1000 < dup ? 2 : 1; d > 0; d--) {
				npk++;
				if (media_packet(m, &h, pkt[k], plen[k], now))
					media_confirm_take(m, out, sizeof(out), &len);
			}
		}
		id += npkt;
		now += 100000000ULL;	/* 10 fps */
		media_tick(m, now);
		media_confirm_take(m, out, sizeof(out), &len);
		if (media_memory(m) > peak)
			peak = media_memory(m);
	}
	t = cpu() - t0;
	printf("%-28s %6.0f ns/packet  %.4f CPU-s/1000 frames  %lu/%d frames"
	    "  peak %zu KB\n", what, t * 1e9 / npk, t * 1000 / nf, nframes,
	    nf, peak / 1024);
	media_free(m);
}

/* Random ids (near a moving base), flags and lengths: the worst case. */
static void
hostile(int n)
{
	struct media *m = media_new(&cb, NULL);
	struct wire_hdr h = { .wh_cmd = WIRE_CMD_JPEG };
	uint8_t out[4 * MEDIA_CONFIRM_MAX];
	uint32_t base = 0;
	uint64_t now = 0;
	size_t len, peak = 0;
	double t0 = cpu(), t;
	int i;

	srandom(2);
	for (i = 0; i < n; i++) {
		h.wh_pkg_id = base + random() % 2048;
		if (random() % 64 == 0)
			base = h.wh_pkg_id;
		h.wh_msg_flag = 250 + random() % 6;
		media_packet(m, &h, pkt[1], random() % WIRE_MEDIA_PAYLOAD, now);
		now += 100000;
		if (i % 1000 == 0) {
			media_tick(m, now);
			media_confirm_take(m, out, sizeof(out), &len);
		}
		if (media_memory(m) > peak)
			peak = media_memory(m);
	}
	t = cpu() - t0;
	printf("%-28s %6.0f ns/packet  peak %zu KB (bound %d KB)\n",
	    "hostile random", t * 1e9 / n, peak / 1024,
	    MEDIA_MEMORY_MAX / 1024);
	media_free(m);
}

int
main(void)
{
	struct media *ms[500];
	struct wire_hdr h = { .wh_cmd = WIRE_CMD_JPEG };
	uint8_t wire[sizeof(jpeg) + 4];
	size_t idle, stream = 0, off;
	int i, j;

	jpeg[0] = 0xff, jpeg[1] = 0xd8;
	for (i = 2; i < (int)sizeof(jpeg) - 2; i++)
		jpeg[i] = i * 7;
	jpeg[sizeof(jpeg) - 2] = 0xff, jpeg[sizeof(jpeg) - 1] = 0xd9;
	memcpy(wire, jpeg, sizeof(jpeg));
	wire_put32(wire + sizeof(jpeg), sizeof(jpeg));
	for (off = 0; off < sizeof(wire); off += plen[npkt++]) {
		plen[npkt] = sizeof(wire) - off < WIRE_MEDIA_PAYLOAD ?
		    sizeof(wire) - off : WIRE_MEDIA_PAYLOAD;
		memcpy(pkt[npkt], wire + off, plen[npkt]);
	}
	printf("frame %zu bytes in %d fragments\n", sizeof(jpeg), npkt);
	run("in order", 20000, 0, 0, 0);
	run("reorder 5% dup 2%", 20000, 50, 20, 0);
	run("reorder 5% dup 2% loss 1%", 20000, 50, 20, 10);
	hostile(500000);

	/* Memory: 500 idle streams, then each after one frame. */
	for (i = 0; i < 500; i++)
		ms[i] = media_new(&cb, NULL);
	idle = media_memory(ms[0]);
	for (i = 0; i < 500; i++) {
		for (j = 0; j < npkt; j++) {
			h.wh_pkg_id = 1 + j;
			h.wh_msg_flag = j == 0 ? 250 : j == npkt - 1 ? 252 : 251;
			media_packet(ms[i], &h, pkt[j], plen[j], 0);
		}
		stream += media_memory(ms[i]);
		media_tick(ms[i], MEDIA_IDLE_NS);
	}
	printf("memory per idle camera %zu bytes; streaming %zu KB;"
	    " after idle %zu bytes\n", idle, stream / 500 / 1024,
	    media_memory(ms[0]));
	for (i = 0; i < 500; i++)
		media_free(ms[i]);
	return 0;
}
C
cc -std=c11 -D_GNU_SOURCE -O2 -g -I"$top/common" -I"$top/v720d/engine" \
    -o "$out/bench_media" "$out/bench_media.c" "$top/v720d/engine/media.c" \
    "$top/common/wire.c" || exit 1
"$out/bench_media"
