/*
 * Matroska segments: the JPEGs come back byte for byte with their
 * times, audio has its own track, and a file whose writer died without
 * closing it still reads up to its last cluster.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "../../v720d/recorder/mux.h"
#include "../camsim/scene.h"

#define NFRAMES	40
#define T0	1764653401123456LL	/* wall clock, microseconds */

static uint8_t	*frames[NFRAMES];
static size_t	 lens[NFRAMES];
static char	 dir[64];

static void
setup(void)
{
	struct scene_opts	 so = { .sc_on = 1, .sc_nmotion = 1,
				    .sc_motion_at = { 0 }, .sc_motion_for = 4 };
	uint8_t			*rgb;
	int			 i;

	mux_quiet();
	strlcpy(dir, "/tmp/test_recmux.XXXXXX", sizeof(dir));
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_not_null(rgb = malloc(SCENE_W * SCENE_H * 3));
	for (i = 0; i < NFRAMES; i++) {
		scene_draw(&so, i / 10.0, rgb);
		frames[i] = scene_jpeg(rgb, SCENE_W, SCENE_H, 70, &lens[i]);
	}
	free(rgb);
}

static void
teardown(void)
{
	char	cmd[128];
	int	i;

	for (i = 0; i < NFRAMES; i++)
		free(frames[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

/* Frame i at T0 + 100.5 ms * i (not on the millisecond grid). */
static int64_t
ts(int i)
{
	return T0 + i * 100500LL;
}

static int
readback(const char *path, int expect_min, int exact)
{
	struct demux	*d;
	const uint8_t	*p;
	size_t		 len;
	int64_t		 us;
	int		 n = 0;

	cr_assert_not_null(d = demux_open(path), "demux %s", path);
	cr_assert_eq(demux_start_us(d), T0);
	while (demux_next(d, &p, &len, &us) == 1) {
		cr_assert_lt(n, NFRAMES);
		cr_assert_eq(len, lens[n], "frame %d length", n);
		cr_assert_eq(memcmp(p, frames[n], len), 0, "frame %d bytes", n);
		/* Millisecond timestamps in the file. */
		cr_assert(us > ts(n) - 1000 && us <= ts(n), "frame %d at %lld",
		    n, (long long)(us - ts(n)));
		n++;
	}
	demux_close(d);
	if (exact)
		cr_assert_eq(n, expect_min);
	else
		cr_assert_geq(n, expect_min);
	return n;
}

Test(recmux, frames_byte_identical, .init = setup, .fini = teardown)
{
	struct mux	*m;
	char		 path[128];
	uint8_t		 alaw[512];
	int		 i;

	memset(alaw, 0xd5, sizeof(alaw));
	snprintf(path, sizeof(path), "%s/a.mkv", dir);
	cr_assert_not_null(m = mux_open(path, T0, SCENE_W, SCENE_H, 1));
	cr_assert(mux_has_audio(m));
	cr_assert_null(mux_open(path, T0, SCENE_W, SCENE_H, 0));	/* exists */
	for (i = 0; i < NFRAMES; i++) {
		cr_assert_eq(mux_video(m, frames[i], lens[i], ts(i)), 0);
		cr_assert_eq(mux_audio(m, alaw, sizeof(alaw), ts(i) + 5000), 0);
	}
	cr_assert_eq(mux_frames(m), NFRAMES);
	cr_assert_eq(mux_close(m), 0);
	readback(path, NFRAMES, 1);
	/* ffprobe agrees (when it is there). */
	if (access("/usr/bin/ffprobe", X_OK) == 0) {
		char	cmd[256];

		snprintf(cmd, sizeof(cmd), "ffprobe -v error -show_entries "
		    "stream=codec_name -of csv=p=0 %s | tr '\\n' ' ' | "
		    "grep -qx 'mjpeg pcm_alaw '", path);
		cr_assert_eq(system(cmd), 0, "ffprobe streams");
	}
}

Test(recmux, killed_writer_leaves_playable_file, .init = setup,
    .fini = teardown)
{
	struct mux	*m;
	char		 path[128];
	pid_t		 pid;
	int		 i, st, n;

	snprintf(path, sizeof(path), "%s/k.mkv", dir);
	if ((pid = fork()) == 0) {
		if ((m = mux_open(path, T0, SCENE_W, SCENE_H, 0)) == NULL)
			_exit(1);
		for (i = 0; i < NFRAMES; i++)
			if (mux_video(m, frames[i], lens[i], ts(i)) == -1)
				_exit(1);
		/* kill -9 itself: nothing closed, nothing flushed. */
		raise(SIGKILL);
		_exit(1);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	    "the writer failed before it was killed");
	/* 4 s written: all but the last cluster (at most 1 s) is there. */
	n = readback(path, NFRAMES - 11, 0);
	cr_assert_leq(n, NFRAMES);
}
