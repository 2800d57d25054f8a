/* The frame ring: one writer, read-only mappings; see framering.h. */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "framering.h"



/*
 * A slot's header page.  Only the writer's view of it is trusted; a
 * reader compares, never indexes or sizes anything, with what it finds.
 */
struct fring_slot {
	_Atomic uint64_t fs_begin;	/* seq before the bytes are written */
	_Atomic uint64_t fs_end;	/* seq once they all are */
	_Atomic uint32_t fs_len;
	uint32_t	 fs_pad;
};

_Static_assert(sizeof(struct fring_slot) <= FRING_PAGE, "slot header");
_Static_assert(FRING_STRIDE % FRING_PAGE == 0, "slot data page-aligned");

static struct fring_slot *
fring_slot(const struct fring *fr, uint32_t slot)
{
	return (struct fring_slot *)(void *)(fr->fr_base + FRING_PAGE +
	    (size_t)slot * FRING_STRIDE);
}

static uint8_t *
fring_data(const struct fring *fr, uint32_t slot)
{
	return fr->fr_base + FRING_PAGE + (size_t)slot * FRING_STRIDE +
	    FRING_PAGE;
}

struct fring *
fring_create(const char *name)
{
	struct fring	*fr;
	void		*p;
	int		 fd, saved;

	if ((fr = calloc(1, sizeof(*fr))) == NULL)
		return NULL;
	if ((fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING)) == -1)
		goto fail;
	if (ftruncate(fd, FRING_SIZE) == -1)
		goto fail;
	/*
	 * The writable mapping first: F_SEAL_FUTURE_WRITE refuses new ones
	 * but keeps this one, and every consumer's is read-only for good.
	 */
	if ((p = mmap(NULL, FRING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0)) == MAP_FAILED)
		goto fail;
	fr->fr_base = p;
	if (fcntl(fd, F_ADD_SEALS, FRING_SEALS) == -1)
		goto fail;
	fr->fr_fd = fd;
	fr->fr_writable = 1;
	return fr;
 fail:
	saved = errno;
	if (fr->fr_base != NULL)
		munmap(fr->fr_base, FRING_SIZE);
	if (fd != -1)
		close(fd);
	free(fr);
	errno = saved;
	return NULL;
}

uint8_t *
fring_claim(struct fring *fr, uint64_t seq)
{
	uint32_t		 slot = seq % FRING_SLOTS;
	struct fring_slot	*s = fring_slot(fr, slot);

	atomic_store_explicit(&s->fs_begin, seq, memory_order_relaxed);
	/* The begin mark is visible before any byte of the new frame. */
	atomic_thread_fence(memory_order_release);
	return fring_data(fr, slot);
}

uint32_t
fring_put(struct fring *fr, uint64_t seq, const void *data, size_t len)
{
	uint32_t		 slot = seq % FRING_SLOTS;
	struct fring_slot	*s = fring_slot(fr, slot);
	uint8_t			*dst;

	if (len > V720_FRAME_MAX)
		len = V720_FRAME_MAX;	/* callers never pass more */
	dst = fring_claim(fr, seq);
	atomic_store_explicit(&s->fs_len, (uint32_t)len,
	    memory_order_relaxed);
	if (data != dst)
		memcpy(dst, data, len);
	atomic_store_explicit(&s->fs_end, seq, memory_order_release);
	return slot;
}

int
fring_dupfd(const struct fring *fr)
{
	/* fcntl, not dup: the engine's seccomp list has fcntl already. */
	return fcntl(fr->fr_fd, F_DUPFD_CLOEXEC, 0);
}

void
fring_free(struct fring *fr)
{
	if (fr == NULL)
		return;
	if (fr->fr_base != NULL)
		munmap(fr->fr_base, FRING_SIZE);
	if (fr->fr_fd != -1)
		close(fr->fr_fd);
	free(fr);
}

struct fring *
fring_attach(int fd)
{
	struct fring	*fr;
	struct stat	 st;
	void		*p;
	int		 seals;

	/* Not a memfd (F_GET_SEALS fails), unsealed or the wrong size. */
	if ((seals = fcntl(fd, F_GET_SEALS)) == -1)
		return NULL;
	if ((seals & FRING_SEALS) != FRING_SEALS) {
		errno = EPERM;
		return NULL;
	}
	if (fstat(fd, &st) == -1)
		return NULL;
	if (!S_ISREG(st.st_mode) || st.st_size != FRING_SIZE) {
		errno = EINVAL;
		return NULL;
	}
	if ((fr = calloc(1, sizeof(*fr))) == NULL)
		return NULL;
	if ((p = mmap(NULL, FRING_SIZE, PROT_READ, MAP_SHARED, fd, 0)) ==
	    MAP_FAILED) {
		free(fr);
		return NULL;
	}
	fr->fr_base = p;
	fr->fr_fd = -1;
	return fr;
}

void
fring_wrap(struct fring *fr, void *base)
{
	fr->fr_base = base;
	fr->fr_fd = -1;
	fr->fr_writable = 0;
}

int
fring_notice_ok(const struct cam_fslot *fs)
{
	return fs->fs_slot < FRING_SLOTS && fs->fs_len > 0 &&
	    fs->fs_len <= V720_FRAME_MAX && fs->fs_media.cm_seq != 0 &&
	    fs->fs_media.cm_seq % FRING_SLOTS == fs->fs_slot ? 0 : -1;
}

int
fring_copy(const struct fring *fr, uint32_t slot, uint64_t seq, size_t len,
    void *dst)
{
	struct fring_slot	*s;

	if (slot >= FRING_SLOTS || len > V720_FRAME_MAX || seq == 0)
		return -1;
	s = fring_slot(fr, slot);
	if (atomic_load_explicit(&s->fs_end, memory_order_acquire) != seq ||
	    atomic_load_explicit(&s->fs_len, memory_order_relaxed) != len)
		return -1;
	memcpy(dst, fring_data(fr, slot), len);
	/* The copy is done before begin is looked at again. */
	atomic_thread_fence(memory_order_acquire);
	if (atomic_load_explicit(&s->fs_begin, memory_order_relaxed) != seq)
		return -1;
	return 0;
}
