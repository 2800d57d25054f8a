#!/bin/sh
# The recorder's motion check alone (no sockets): thread CPU time of
# motion_frame() per frame, p50/p99 ms, over camsim's scene mode (a
# static scene, an object crossing it, an IR switch: what the
# integration tests stream, 640x480, quality 80) and over the five scene
# files in turn (a cut every frame).  Also prints the frames' motion
# decisions and the mean changed share per frame, so two versions of the
# motion code can be compared on the same frames (MOTION_C: its .c
# files, e.g. from `git show`, in a directory with motion.h):
#   MOTION_C="/tmp/old/motion.c" sh regress/bench/motion.sh
# Prints figures, never fails on speed.
#   FRAMES=600 ROUNDS=5 sh regress/bench/motion.sh
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${OUT:-/tmp/v720-bench-motion}
src=${MOTION_C:-$top/v720d/recorder/motion.c $top/v720d/recorder/jpegdc.c}
mkdir -p "$out"
cat >"$out/bench_motion.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "motion.h"
#include "scene.h"
#include "benchc.h"

/* nf frames (frame i is jpg[i % n]) at 10 fps, rounds times over. */
static void
run(const char *what, uint8_t **jpg, size_t *len, int n, int nf,
    int rounds)
{
	struct motion m;
	double *t = calloc((size_t)nf * rounds, sizeof(double)), c0;
	double pctsum = 0;
	int i, r, ev, starts = 0, ends = 0, global = 0, k = 0;

	for (r = 0; r < rounds; r++) {
		if (motion_init(&m, 5) == -1)
			exit(1);
		for (i = 0; i < nf; i++) {
			c0 = now(CLOCK_THREAD_CPUTIME_ID);
			ev = motion_frame(&m, jpg[i % n], len[i % n],
			    (uint64_t)i * 100);
			t[k++] = (now(CLOCK_THREAD_CPUTIME_ID) - c0) * 1000;
			if (ev == -1) {
				printf("%s: frame %d does not decode\n", what,
				    i);
				exit(1);
			}
			if (r > 0)
				continue;
			starts += ev == MOTION_START;
			ends += ev == MOTION_END;
			global += m.m_last_global;
			pctsum += m.m_last_pct;
		}
		motion_free(&m);
	}
	qsort(t, k, sizeof(*t), cmp);
	printf("%-22s motion p50 %.3f ms, p99 %.3f ms per frame (%d); "
	    "events %d/%d, global %d, mean changed %.3f %%\n", what,
	    t[k / 2], t[(size_t)k * 99 / 100], k, starts, ends, global,
	    pctsum / nf);
	free(t);
}

int
main(int argc, char **argv)
{
	struct scene_opts so = { .sc_on = 1, .sc_nmotion = 3,
	    .sc_motion_at = { 5, 20, 40 }, .sc_motion_for = 4, .sc_nir = 1,
	    .sc_ir_at = { 30 } };
	const char *top = argv[1];
	int nf = atoi(argv[2]), rounds = atoi(argv[3]), i;
	uint8_t **sc = calloc(nf, sizeof(*sc)), *jpg[5], *rgb;
	size_t *sl = calloc(nf, sizeof(*sl)), len[5];
	char path[1024];

	rgb = malloc(SCENE_W * SCENE_H * 3);
	for (i = 0; i < nf; i++) {
		scene_draw(&so, i / 10.0, rgb);
		sc[i] = scene_jpeg(rgb, SCENE_W, SCENE_H, 80, &sl[i]);
	}
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/regress/data/scene%d.jpg",
		    top, i + 1);
		jpg[i] = slurp(path, &len[i]);
	}
	run("camsim scene", sc, sl, nf, nf, rounds);
	run("five scenes in turn", jpg, len, 5, nf, rounds);
	return 0;
}
C
set -- $src
# shellcheck disable=SC2046 # pkg-config's words wanted
cc -std=c11 -D_GNU_SOURCE -O2 -g -I"$(dirname "$1")" \
    -I"$top/regress/camsim" -I"$top/regress/bench" \
    -o "$out/bench_motion" "$out/bench_motion.c" \
    "$@" "$top/regress/camsim/scene.c" \
    $(pkg-config --libs libjpeg) -lm || exit 1
"$out/bench_motion" "$top" "${FRAMES:-600}" "${ROUNDS:-5}"
