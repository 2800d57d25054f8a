/*
 * libFuzzer target: what a consumer does with ring bytes a compromised
 * engine wrote (common/framering.c, common/fringtab.c).  The input is a
 * notice (struct cam_fslot) followed by the bytes of the slot it names:
 * header page first, then data.  Checked besides ASan/UBSan: a notice
 * fringtab_notice refuses never reaches fring_copy, and a copy that
 * succeeds is exactly the notice's length of the slot's data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "framering.h"
#include "fringtab.h"

static uint8_t	*mem;
static uint8_t	 dst[V720_FRAME_MAX + 1];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fringtab		 ft;
	struct fring		 fr, *r;
	struct fringent		 fe;
	struct cam_fslot	 fs;
	struct chan_msg		 m;
	const char		*why;
	size_t			 n, off;

	if (mem == NULL && (mem = calloc(1, FRING_SIZE)) == NULL)
		abort();
	if (size < sizeof(fs))
		return 0;
	fring_wrap(&fr, mem);
	memset(&fe, 0, sizeof(fe));
	fe.fe_ring = &fr;
	memcpy(&fs, data, sizeof(fs));
	memcpy(fe.fe_id, fs.fs_media.cm_id, sizeof(fe.fe_id));
	fe.fe_id[sizeof(fe.fe_id) - 1] = '\0';
	fringtab_init(&ft);
	RB_INSERT(fringtree, &ft.ft_rings, &fe);

	/* The slot's bytes, wherever its number points within the ring. */
	off = FRING_PAGE + (size_t)(fs.fs_slot % FRING_SLOTS) * FRING_STRIDE;
	n = size - sizeof(fs);
	if (n > FRING_STRIDE)
		n = FRING_STRIDE;
	memset(mem + off, 0, FRING_STRIDE);
	memcpy(mem + off, data + sizeof(fs), n);

	memset(&m, 0, sizeof(m));
	m.data = data;
	m.len = sizeof(fs);
	m.fd = -1;
	why = NULL;
	if ((r = fringtab_notice(&ft, &m, &fs, &why)) == NULL) {
		if (why == NULL)
			abort();
		return 0;
	}
	if (fs.fs_slot >= FRING_SLOTS || fs.fs_len > V720_FRAME_MAX)
		abort();
	dst[fs.fs_len] = 0xa5;
	if (fringtab_copy(&ft, r, &fs, dst) == 0 &&
	    (memcmp(dst, mem + off + FRING_PAGE, fs.fs_len) != 0 ||
	    dst[fs.fs_len] != 0xa5))
		abort();
	return 0;
}
