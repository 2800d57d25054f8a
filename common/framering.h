/*
 * The frame ring: the engine writes each reassembled JPEG frame once into
 * shared memory, and its consumers (v720-web, the recorder, the rtsp
 * child) map that memory read-only; over its channel each consumer gets a
 * small notice (struct cam_fslot: camera, slot, sequence, length) instead
 * of the bytes.
 *
 * One ring per camera, not one shared ring.  A shared ring would have to
 * hold the worst lag of any consumer at the rate of all cameras together
 * (500 cameras x 10 fps = 5000 frames/s), so one busy camera would evict
 * the frames of the others and its size would follow the camera count;
 * a ring per camera holds FRING_SLOTS frames of that camera whatever the
 * others do, and it is created on the camera's first frame and freed
 * when the camera is forgotten, so an idle camera costs nothing.
 *
 * Layout (all offsets are constants; nothing in the ring is trusted for
 * them): a page of ring header, then FRING_SLOTS slots of FRING_STRIDE
 * bytes, each a page of slot header followed by V720_FRAME_MAX bytes of
 * data.  A slot is V720_FRAME_MAX wide so any frame fits; memfd pages
 * cost memory only once touched, so a slot costs its header page plus
 * the pages of the largest frame written into it: with the usual 25 KB
 * frames about 8 x 32 KB = 256 KB of shared memory per streaming camera
 * (128 MB at 500 cameras), against 8 x 260 KB = 2 MB of address space
 * per camera mapped (1 GB at 500 cameras, in each process that maps
 * them all: a 32-bit build serves fewer cameras).
 *
 * Seqlock: the writer stores the frame's sequence into fs_begin, then
 * the length and bytes, then the sequence into fs_end.  A reader checks
 * fs_end (the frame was completely written), copies the bytes out, then
 * checks fs_begin (no later write had started): a frame overwritten
 * before or while it was read is dropped and counted, never used.  At
 * 10 fps, FRING_SLOTS frames are 800 ms: a consumer that lags more than
 * that loses frames, as it did with a full channel before.
 *
 * Sealing: the engine creates the memfd (memfd_create, ftruncate and mmap
 * are in its seccomp list), maps it read-write, then seals it with
 * F_SEAL_SHRINK | F_SEAL_GROW (a consumer's mapping can never lose its
 * pages under it: no SIGBUS), F_SEAL_FUTURE_WRITE (no new writable
 * mapping or write(2), and a consumer's read-only shared mapping cannot
 * be mprotect()ed writable) and F_SEAL_SEAL.  A consumer receives the fd
 * once per ring (IMSG_CAM_RING), checks the size and the seals before it
 * maps it, and closes it: the mapping stays, the fd does not.
 *
 * Ring bytes are untrusted: a compromised engine can change them at any
 * time.  A consumer only ever copies a bounded length (the notice's,
 * checked against V720_FRAME_MAX and the slot header) out of the mapping
 * and parses the copy; the copy is what it keeps (v720-web's held frame,
 * the recorder's pre-roll), since a slot is overwritten FRING_SLOTS
 * frames later.
 */
#ifndef V720_FRAMERING_H
#define V720_FRAMERING_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define FRING_SLOTS		8
#define FRING_PAGE		4096
#define FRING_STRIDE		(FRING_PAGE + V720_FRAME_MAX)
#define FRING_SIZE		(FRING_PAGE + FRING_SLOTS * FRING_STRIDE)
#define FRING_SEALS		(F_SEAL_SHRINK | F_SEAL_GROW | \
				 F_SEAL_FUTURE_WRITE | F_SEAL_SEAL)

struct fring {
	uint8_t		*fr_base;
	int		 fr_fd;		/* writer only; -1 in a consumer */
	int		 fr_writable;
};

/*
 * Writer (the engine).  fring_put stores frame seq (never 0) in slot
 * seq % FRING_SLOTS and returns that slot; len is at most V720_FRAME_MAX.
 * fring_claim marks that slot as being written (a reader of the frame it
 * held drops it from now on) and returns its V720_FRAME_MAX bytes, to
 * assemble frame seq in place; fring_put with that pointer then only
 * publishes it, nothing is copied.  fring_dupfd gives a descriptor to
 * pass to a consumer (the channel closes it once sent).
 */
struct fring	*fring_create(const char *name);
uint8_t		*fring_claim(struct fring *, uint64_t seq);
uint32_t	 fring_put(struct fring *, uint64_t seq, const void *, size_t);
int		 fring_dupfd(const struct fring *);
void		 fring_free(struct fring *);

/*
 * Reader (a consumer).  fring_attach checks fd (a memfd of FRING_SIZE
 * bytes with FRING_SEALS) and maps it read-only; it does not close fd.
 * NULL and errno on a bad one.  fring_copy copies frame seq of len bytes
 * from slot into dst (at least len bytes): 0, or -1 when the slot no
 * longer (or not yet) holds that frame, or was overwritten during the
 * copy, or its header disagrees with the notice.
 */
struct fring	*fring_attach(int fd);
int		 fring_copy(const struct fring *, uint32_t slot, uint64_t seq,
		    size_t len, void *dst);
/* A notice's numbers against the ring's constants: 0 or -1. */
int		 fring_notice_ok(const struct cam_fslot *);

/* Fuzzing and tests: a reader over any FRING_SIZE bytes. */
void		 fring_wrap(struct fring *, void *base);

#endif
