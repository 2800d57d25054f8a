/*
 * The frame ring (common/framering.c) and a consumer's table of rings
 * (common/fringtab.c): what a consumer can and cannot do with its
 * mapping, frames overwritten before or while they are read, a consumer
 * that falls behind, one that restarts, and a camera that leaves.
 */
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "framering.h"
#include "fringtab.h"

/* A frame whose every byte says which frame it is. */
static size_t
mkframe(uint8_t *b, uint64_t seq)
{
	size_t	len = 1000 + (seq * 7919) % 30000;

	memset(b, (int)(seq & 0xff), len);
	memcpy(b, &seq, sizeof(seq));
	return len;
}

static int
isframe(const uint8_t *b, size_t len, uint64_t seq)
{
	uint64_t	s;
	size_t		i;

	memcpy(&s, b, sizeof(s));
	if (s != seq)
		return 0;
	for (i = sizeof(s); i < len; i++)
		if (b[i] != (uint8_t)(seq & 0xff))
			return 0;
	return 1;
}

static size_t
frame_len(uint64_t seq)
{
	return 1000 + (seq * 7919) % 30000;
}

/* The engine's ring and a consumer's mapping of it, as over a channel. */
static struct fring *
consumer(struct fring *w)
{
	struct fring	*r;
	int		 fd;

	cr_assert_neq(fd = fring_dupfd(w), -1);
	r = fring_attach(fd);
	cr_assert_not_null(r, "attach: %s", strerror(errno));
	close(fd);
	return r;
}

/* How many mappings of the test's memfd rings this process has. */
static int
mappings(const char *name)
{
	FILE	*f;
	char	 line[512];
	int	 n = 0;

	cr_assert_not_null(f = fopen("/proc/self/maps", "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, name) != NULL)
			n++;
	fclose(f);
	return n;
}

Test(framering, consumer_cannot_write)
{
	struct fring	*w, *r;
	int		 fd;
	uint8_t		 b[8] = { 0 };

	cr_assert_not_null(w = fring_create("fr-ro"));
	r = consumer(w);
	/* The mapping cannot be made writable, nor a writable one made. */
	cr_assert_eq(mprotect(r->fr_base, FRING_PAGE, PROT_READ | PROT_WRITE),
	    -1);
	cr_assert_eq(errno, EACCES);
	cr_assert_neq(fd = fring_dupfd(w), -1);
	cr_assert_eq(mmap(NULL, FRING_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0), MAP_FAILED);
	cr_assert_eq(errno, EPERM);
	/* Nor written, shrunk (SIGBUS in every reader), grown or unsealed. */
	cr_assert_eq(pwrite(fd, b, sizeof(b), FRING_PAGE), -1);
	cr_assert_eq(ftruncate(fd, FRING_PAGE), -1);
	cr_assert_eq(ftruncate(fd, FRING_SIZE * 2), -1);
	cr_assert_eq(fcntl(fd, F_ADD_SEALS, 0), -1);
	cr_assert_eq(fcntl(fd, F_GET_SEALS) & FRING_SEALS, FRING_SEALS);
	close(fd);
	/* The engine's own mapping still writes, and the reader sees it. */
	memcpy(b, "frame-1", 8);
	cr_assert_eq(fring_put(w, 1, b, sizeof(b)), 1);
	memset(b, 0, sizeof(b));
	cr_assert_eq(fring_copy(r, 1, 1, sizeof(b), b), 0);
	cr_assert_str_eq((char *)b, "frame-1");
	fring_free(r);
	fring_free(w);
}

Test(framering, attach_refuses_what_is_not_a_sealed_ring)
{
	int	 p[2], fd;
	char	 path[] = "/tmp/frXXXXXX";

	cr_assert_eq(pipe(p), 0);
	cr_assert_null(fring_attach(p[0]));
	close(p[0]);
	close(p[1]);
	/* A file of the right size: no seals. */
	cr_assert_neq(fd = mkstemp(path), -1);
	unlink(path);
	cr_assert_eq(ftruncate(fd, FRING_SIZE), 0);
	cr_assert_null(fring_attach(fd));
	close(fd);
	/* A memfd of the right size, unsealed: its owner could shrink it. */
	cr_assert_neq(fd = memfd_create("fr", MFD_ALLOW_SEALING), -1);
	cr_assert_eq(ftruncate(fd, FRING_SIZE), 0);
	cr_assert_null(fring_attach(fd));
	cr_assert_eq(errno, EPERM);
	/* Sealed, but smaller than a ring: reads past it would fault. */
	cr_assert_eq(ftruncate(fd, FRING_SIZE - FRING_PAGE), 0);
	cr_assert_eq(fcntl(fd, F_ADD_SEALS, FRING_SEALS), 0);
	cr_assert_null(fring_attach(fd));
	cr_assert_eq(errno, EINVAL);
	close(fd);
}

Test(framering, overwritten_before_read_is_dropped)
{
	struct fring	*w, *r;
	static uint8_t	 b[V720_FRAME_MAX], o[V720_FRAME_MAX];
	uint64_t	 seq;
	size_t		 len;

	cr_assert_not_null(w = fring_create("fr-ow"));
	r = consumer(w);
	len = mkframe(b, 3);
	cr_assert_eq(fring_put(w, 3, b, len), 3);
	cr_assert_eq(fring_copy(r, 3, 3, len, o), 0);
	cr_assert(isframe(o, len, 3));
	/* Not yet written, or the length the notice says is not there. */
	cr_assert_eq(fring_copy(r, 4, 4, len, o), -1);
	cr_assert_eq(fring_copy(r, 3, 3, len - 1, o), -1);
	/* Frame 3 + FRING_SLOTS takes its slot: 3 is gone. */
	seq = 3 + FRING_SLOTS;
	len = mkframe(b, seq);
	cr_assert_eq(fring_put(w, seq, b, len), 3);
	cr_assert_eq(fring_copy(r, 3, 3, frame_len(3), o), -1);
	cr_assert_eq(fring_copy(r, 3, seq, len, o), 0);
	cr_assert(isframe(o, len, seq));
	fring_free(r);
	fring_free(w);
}

/*
 * Assembled in place (the engine's path for a frame of several
 * fragments): from fring_claim the slot's old frame is gone for readers,
 * even if the new one is never finished (a frame that fails its checks
 * later); fring_put of the claimed bytes publishes them as they are.
 */
Test(framering, assembled_in_place)
{
	struct fring	*w, *r;
	static uint8_t	 b[V720_FRAME_MAX], o[V720_FRAME_MAX];
	uint8_t		*dst;
	uint64_t	 seq = 5 + FRING_SLOTS;
	size_t		 len;

	cr_assert_not_null(w = fring_create("fr-claim"));
	r = consumer(w);
	len = mkframe(b, 5);
	cr_assert_eq(fring_put(w, 5, b, len), 5);
	cr_assert_not_null(dst = fring_claim(w, seq));
	/* Half assembled: neither the old frame nor the new one reads. */
	mkframe(b, seq);
	memcpy(dst, b, frame_len(seq) / 2);
	cr_assert_eq(fring_copy(r, 5, 5, len, o), -1);
	cr_assert_eq(fring_copy(r, 5, seq, frame_len(seq), o), -1);
	memcpy(dst, b, frame_len(seq));
	cr_assert_eq(fring_put(w, seq, dst, frame_len(seq)), 5);
	cr_assert_eq(fring_copy(r, 5, seq, frame_len(seq), o), 0);
	cr_assert(isframe(o, frame_len(seq), seq));
	/* A later frame claims the slot: the one published is gone. */
	cr_assert_eq(fring_claim(w, seq + FRING_SLOTS), dst);
	cr_assert_eq(fring_copy(r, 5, seq, frame_len(seq), o), -1);
	fring_free(r);
	fring_free(w);
}

/*
 * Overwritten during the copy: the writer has marked the slot's start
 * for a newer frame after the reader saw the old frame's end mark.  The
 * ring is plain memory here so the test can stop the writer half way.
 */
Test(framering, overwritten_during_read_is_dropped)
{
	struct fring	 w, r;
	uint8_t		*mem, o[64];
	uint64_t	 newer = 5 + FRING_SLOTS;

	cr_assert_not_null(mem = calloc(1, FRING_SIZE));
	fring_wrap(&w, mem);
	fring_wrap(&r, mem);
	memset(o, 0xaa, sizeof(o));
	fring_put(&w, 5, o, sizeof(o));
	cr_assert_eq(fring_copy(&r, 5, 5, sizeof(o), o), 0);
	/* fs_begin is the slot header's first word. */
	memcpy(mem + FRING_PAGE + 5 * FRING_STRIDE, &newer, sizeof(newer));
	cr_assert_eq(fring_copy(&r, 5, 5, sizeof(o), o), -1);
	free(mem);
}

/*
 * A writer that never waits and a reader that copies whatever the notice
 * names: every copy that succeeds is the frame it names, byte for byte,
 * and the ones that fail are counted, not used.
 */
struct race {
	struct fring	*w;
	_Atomic uint64_t last;
	_Atomic int	 stop;
};

static void *
race_writer(void *arg)
{
	struct race	*rc = arg;
	static uint8_t	 b[V720_FRAME_MAX];
	uint64_t	 seq;
	size_t		 len;

	for (seq = 1; !atomic_load(&rc->stop); seq++) {
		len = mkframe(b, seq);
		fring_put(rc->w, seq, b, len);
		atomic_store(&rc->last, seq);
	}
	return NULL;
}

Test(framering, torn_frames_are_never_used)
{
	struct race	 rc = { 0 };
	struct fring	*r;
	pthread_t	 t;
	static uint8_t	 o[V720_FRAME_MAX];
	uint64_t	 seq, ok = 0, dropped = 0;
	int		 i;

	cr_assert_not_null(rc.w = fring_create("fr-race"));
	r = consumer(rc.w);
	cr_assert_eq(pthread_create(&t, NULL, race_writer, &rc), 0);
	while (atomic_load(&rc.last) == 0)
		sched_yield();
	for (i = 0; i < 200000 && (ok < 1000 || dropped < 10); i++) {
		seq = atomic_load(&rc.last);
		/* The newest frame, or one a few frames older. */
		seq -= seq > (uint64_t)(i % 4) ? (uint64_t)(i % 4) : 0;
		if (fring_copy(r, seq % FRING_SLOTS, seq, frame_len(seq),
		    o) == 0) {
			cr_assert(isframe(o, frame_len(seq), seq),
			    "frame %llu torn", (unsigned long long)seq);
			ok++;
		} else
			dropped++;
	}
	atomic_store(&rc.stop, 1);
	pthread_join(t, NULL);
	cr_assert_gt(ok, 0);
	fring_free(r);
	fring_free(rc.w);
}

Test(framering, consumer_behind_gets_the_newest_slots)
{
	struct fring	*w, *r;
	static uint8_t	 b[V720_FRAME_MAX], o[V720_FRAME_MAX];
	uint64_t	 seq;
	int		 got = 0, lost = 0;

	cr_assert_not_null(w = fring_create("fr-behind"));
	r = consumer(w);
	/* 20 frames written before the consumer reads any notice. */
	for (seq = 1; seq <= 20; seq++)
		fring_put(w, seq, b, mkframe(b, seq));
	for (seq = 1; seq <= 20; seq++) {
		if (fring_copy(r, seq % FRING_SLOTS, seq, frame_len(seq),
		    o) == 0) {
			cr_assert(isframe(o, frame_len(seq), seq));
			cr_assert_gt(seq, 20 - FRING_SLOTS);
			got++;
		} else {
			cr_assert_leq(seq, 20 - FRING_SLOTS);
			lost++;
		}
	}
	cr_assert_eq(got, FRING_SLOTS);
	cr_assert_eq(lost, 20 - FRING_SLOTS);
	fring_free(r);
	fring_free(w);
}

Test(framering, consumer_restart_maps_the_ring_again)
{
	struct fring	*w, *r;
	static uint8_t	 b[V720_FRAME_MAX], o[V720_FRAME_MAX];
	size_t		 len;

	cr_assert_not_null(w = fring_create("fr-restart"));
	r = consumer(w);
	len = mkframe(b, 1);
	fring_put(w, 1, b, len);
	cr_assert_eq(fring_copy(r, 1, 1, len, o), 0);
	fring_free(r);		/* the consumer dies: its mapping goes */
	cr_assert_eq(mappings("memfd:fr-restart"), 1);
	/* Its successor gets a new fd of the same ring and what is in it. */
	r = consumer(w);
	cr_assert_eq(mappings("memfd:fr-restart"), 2);
	cr_assert_eq(fring_copy(r, 1, 1, len, o), 0);
	cr_assert(isframe(o, len, 1));
	len = mkframe(b, 2);
	fring_put(w, 2, b, len);
	cr_assert_eq(fring_copy(r, 2, 2, len, o), 0);
	cr_assert(isframe(o, len, 2));
	fring_free(r);
	fring_free(w);
}

/* IMSG_CAM_RING / FSLOT / RINGGONE as a consumer's dispatch sees them. */
static struct chan_msg
msg(const void *data, size_t len, int fd)
{
	struct chan_msg	m;

	memset(&m, 0, sizeof(m));
	m.data = data;
	m.len = len;
	m.fd = fd;
	return m;
}

static struct cam_fslot
notice(const char *id, uint64_t seq, size_t len)
{
	struct cam_fslot	fs;

	memset(&fs, 0, sizeof(fs));
	strlcpy(fs.fs_media.cm_id, id, sizeof(fs.fs_media.cm_id));
	fs.fs_media.cm_seq = seq;
	fs.fs_slot = seq % FRING_SLOTS;
	fs.fs_len = len;
	return fs;
}

Test(framering, camera_that_leaves)
{
	struct fringtab		 ft;
	struct fring		*w, *r;
	struct ctl_id		 cid = { .id = "cam-a" };
	struct cam_fslot	 fs, got;
	struct chan_msg		 m;
	static uint8_t		 b[V720_FRAME_MAX], o[V720_FRAME_MAX];
	const char		*why;
	size_t			 len;

	fringtab_init(&ft);
	cr_assert_not_null(w = fring_create("fr-leave"));
	len = mkframe(b, 9);
	fring_put(w, 9, b, len);
	fs = notice("cam-a", 9, len);
	/* A notice before the ring is refused. */
	m = msg(&fs, sizeof(fs), -1);
	cr_assert_null(fringtab_notice(&ft, &m, &got, &why));
	cr_assert_not_null(why);
	m = msg(&cid, sizeof(cid), fring_dupfd(w));
	cr_assert_eq(fringtab_ring(&ft, &m, &why), 0);
	cr_assert_eq(m.fd, -1, "the fd is closed once mapped");
	cr_assert_eq(mappings("memfd:fr-leave"), 2);
	m = msg(&fs, sizeof(fs), -1);
	cr_assert_not_null(r = fringtab_notice(&ft, &m, &got, &why));
	cr_assert_eq(fringtab_copy(&ft, r, &got, o), 0);
	cr_assert(isframe(o, len, 9));
	/* The camera leaves: its ring is unmapped, its notices refused. */
	m = msg(&cid, sizeof(cid), -1);
	cr_assert_eq(fringtab_gone(&ft, &m, &why), 0);
	cr_assert_eq(mappings("memfd:fr-leave"), 1);
	m = msg(&fs, sizeof(fs), -1);
	cr_assert_null(fringtab_notice(&ft, &m, &got, &why));
	cr_assert_str_eq(why, "CAM_FSLOT of a camera without a ring");
	m = msg(&cid, sizeof(cid), -1);
	cr_assert_eq(fringtab_gone(&ft, &m, &why), -1);
	fring_free(w);
	cr_assert_eq(mappings("memfd:fr-leave"), 0);
	fringtab_clear(&ft);
}

Test(framering, malformed_from_the_engine)
{
	struct fringtab		 ft;
	struct fring		*w;
	struct ctl_id		 cid = { .id = "cam-b" };
	struct cam_fslot	 fs, got;
	struct chan_msg		 m;
	const char		*why;
	int			 p[2];
	uint8_t			 big[sizeof(fs) + 1] = { 0 };

	fringtab_init(&ft);
	cr_assert_not_null(w = fring_create("fr-bad"));
	/* RING: no fd, a pipe, an unterminated camera. */
	m = msg(&cid, sizeof(cid), -1);
	cr_assert_eq(fringtab_ring(&ft, &m, &why), -1);
	cr_assert_not_null(why);
	cr_assert_eq(pipe(p), 0);
	close(p[1]);
	m = msg(&cid, sizeof(cid), p[0]);
	cr_assert_eq(fringtab_ring(&ft, &m, &why), -1);
	cr_assert_not_null(why);
	memset(big, 'x', sizeof(big));
	m = msg(big, sizeof(cid), fring_dupfd(w));
	cr_assert_eq(fringtab_ring(&ft, &m, &why), -1);
	cr_assert_eq(m.fd, -1, "closed whatever came with it");
	m = msg(&cid, sizeof(cid), fring_dupfd(w));
	cr_assert_eq(fringtab_ring(&ft, &m, &why), 0);
	/* FSLOT: sizes, slots and lengths out of bounds. */
	fs = notice("cam-b", 1, 100);
	m = msg(big, sizeof(big), -1);
	cr_assert_null(fringtab_notice(&ft, &m, &got, &why));
	fs.fs_slot = FRING_SLOTS;
	m = msg(&fs, sizeof(fs), -1);
	cr_assert_null(fringtab_notice(&ft, &m, &got, &why));
	fs = notice("cam-b", 1, V720_FRAME_MAX + 1);
	cr_assert_null(fringtab_notice(&ft, &m, &got, &why));
	fs = notice("cam-b", 1, 0);
	cr_assert_null(fringtab_notice(&ft, &m, &got, &why));
	fs = notice("cam-b", 0, 100);
	cr_assert_null(fringtab_notice(&ft, &m, &got, &why));
	fs = notice("cam-b", 1, 100);
	fs.fs_slot = 2;
	cr_assert_null(fringtab_notice(&ft, &m, &got, &why));
	fs = notice("cam-b", 1, 100);
	cr_assert_not_null(fringtab_notice(&ft, &m, &got, &why));
	fringtab_clear(&ft);
	fring_free(w);
}

Test(framering, descriptor_only_with_a_ring)
{
	struct fringtab		 ft;
	struct ctl_id		 cid = { .id = "cam-c" };
	struct chan_msg		 m;
	const char		*why;
	int			 p[2];

	fringtab_init(&ft);
	cr_assert_eq(pipe(p), 0);
	close(p[1]);
	/* Any other message with a descriptor: malformed, fd closed. */
	m = msg(&cid, sizeof(cid), p[0]);
	m.hdr.ch_type = IMSG_CAM_STATE;
	cr_assert_eq(fringtab_dispatch(&ft, &m, &why), -1);
	cr_assert_eq(m.fd, -1);
	cr_assert_eq(fcntl(p[0], F_GETFD), -1, "the descriptor is closed");
	m = msg(&cid, sizeof(cid), -1);
	m.hdr.ch_type = IMSG_CAM_STATE;
	cr_assert_eq(fringtab_dispatch(&ft, &m, &why), 0);
	m.hdr.ch_type = IMSG_CAM_RINGGONE;
	cr_assert_eq(fringtab_dispatch(&ft, &m, &why), -1, "no such ring");
	fringtab_clear(&ft);
}
