#!/bin/sh
# The RTSP child's media work per camera, alone (no sockets): H.264
# encode cost per frame (JPEG decode + libx264, thread CPU time, p50/p99
# ms) and CPU % per camera at 10 fps for 640x480 pictures: camsim's
# scene mode (a static scene with a moving object, what the integration
# tests stream) and the five scene files in turn (a cut every frame, the
# worst case); the bit rate; RTP/JPEG cost per frame (strict parse and
# packets) for the camera's standard-table frames and for a frame with
# optimal Huffman tables (made by ffmpeg), which is transcoded.
# Prints figures, never fails on speed.
#   FRAMES=300 ENCODER=libx264 sh regress/bench/h264.sh
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${OUT:-/tmp/v720-bench-h264}
mkdir -p "$out"
cat >"$out/bench_h264.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtpjpeg.h"
#include "rtph264.h"
#include "h264enc.h"
#include "scene.h"
#include "benchc.h"

static size_t nalbytes, npkts;

static void
pkt(void *arg, const uint8_t *h, size_t hl, const uint8_t *d, size_t dl,
    int last)
{
	npkts++;
}

static void
nal(void *arg, const uint8_t *n, size_t len, int last)
{
	nalbytes += len;
	rtph264_packetize(n, len, 1400, last, pkt, NULL);
}

/* Encode nf frames (frame i is jpg[i % n]) at 10 fps. */
static void
encode(const char *what, const char *enc, uint8_t **jpg, size_t *len,
    int n, int nf)
{
	struct h264enc *e;
	char err[256];
	double *t = calloc(nf, sizeof(double)), c0, c1, p0;
	int i;

	if ((e = h264enc_open(enc, 640, 480, 10, 2, err, sizeof(err))) ==
	    NULL) {
		printf("%s: %s\n", enc, err);
		exit(1);
	}
	nalbytes = npkts = 0;
	p0 = now(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < nf; i++) {
		c0 = now(CLOCK_THREAD_CPUTIME_ID);
		if (h264enc_frame(e, jpg[i % n], len[i % n], i * 100, 0, nal,
		    NULL) == -1)
			exit(1);
		c1 = now(CLOCK_THREAD_CPUTIME_ID);
		t[i] = (c1 - c0) * 1000;
	}
	p0 = now(CLOCK_PROCESS_CPUTIME_ID) - p0;
	qsort(t, nf, sizeof(*t), cmp);
	printf("%-26s %s: encode p50 %.2f ms, p99 %.2f ms per frame; "
	    "%.1f %% of a core per camera at 10 fps; %.0f kbit/s; "
	    "%.1f RTP packets per frame\n", what, enc, t[nf / 2],
	    t[nf * 99 / 100], p0 / nf * 10 * 100, nalbytes * 8.0 / nf * 10 /
	    1000, (double)npkts / nf);
	free(t);
	h264enc_close(e);
}

static void
rtpjpeg(const char *what, const uint8_t *j, size_t len, int nf)
{
	struct rtpjpeg rj;
	const char *why;
	double c0 = now(CLOCK_THREAD_CPUTIME_ID);
	int i, tc = 0;

	npkts = 0;
	for (i = 0; i < nf; i++) {
		if (rtpjpeg_prepare(&rj, j, len, &why) == -1) {
			printf("%s: %s\n", what, why);
			exit(1);
		}
		tc = rj.rj_transcoded;
		rtpjpeg_packetize(&rj, 1400, pkt, NULL);
		rtpjpeg_clear(&rj);
	}
	printf("%-26s RTP/JPEG %.3f ms per frame (%s), %zu packets\n", what,
	    (now(CLOCK_THREAD_CPUTIME_ID) - c0) * 1000 / nf,
	    tc ? "transcoded" : "as sent", npkts / nf);
}

int
main(int argc, char **argv)
{
	struct scene_opts so = { .sc_on = 1, .sc_nmotion = 1,
	    .sc_motion_at = { 5 }, .sc_motion_for = 10 };
	const char *top = argv[1], *enc = argv[2], *opt = argv[3];
	int nf = atoi(argv[4]), i, ns = nf < 300 ? nf : 300;
	uint8_t **sc = calloc(ns, sizeof(*sc)), *jpg[5], *rgb, *o;
	size_t *sl = calloc(ns, sizeof(*sl)), len[5], ol;
	char path[1024];

	rgb = malloc(SCENE_W * SCENE_H * 3);
	for (i = 0; i < ns; i++) {
		scene_draw(&so, i / 10.0, rgb);
		sc[i] = scene_jpeg(rgb, SCENE_W, SCENE_H, 70, &sl[i]);
	}
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/regress/data/scene%d.jpg",
		    top, i + 1);
		jpg[i] = slurp(path, &len[i]);
	}
	encode("camsim scene, motion", enc, sc, sl, ns, nf);
	encode("five scenes in turn", enc, jpg, len, 5, nf);
	rtpjpeg("scene1.jpg", jpg[0], len[0], 1000);
	o = slurp(opt, &ol);
	rtpjpeg("optimal Huffman (ffmpeg)", o, ol, 200);
	return 0;
}
C
ffmpeg -loglevel error -y -i "$top/regress/data/scene1.jpg" -q:v 4 \
    -pix_fmt yuvj420p "$out/optimal.jpg" || exit 1
# shellcheck disable=SC2046 # pkg-config's words wanted
cc -std=c11 -D_GNU_SOURCE -O2 -g -I"$top/v720d/rtsp" -I"$top/regress/camsim" \
    -I"$top/regress/bench" \
    -o "$out/bench_h264" "$out/bench_h264.c" "$top/v720d/rtsp/h264enc.c" \
    "$top/v720d/rtsp/rtph264.c" "$top/v720d/rtsp/rtpjpeg.c" \
    "$top/regress/camsim/scene.c" \
    $(pkg-config --libs libavcodec libavutil libjpeg) -lm || exit 1
"$out/bench_h264" "$top" "${ENCODER:-libx264}" "$out/optimal.jpg" \
    "${FRAMES:-300}"
