/* A consumer's frame rings by camera; see fringtab.h. */
#include <sys/types.h>
#include <sys/tree.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "fringtab.h"

/* Beyond any camera count the engine serves: a flood is malformed. */
#define FRINGTAB_MAX	4096

int
fringent_cmp(struct fringent *a, struct fringent *b)
{
	return strcmp(a->fe_id, b->fe_id);
}


RB_GENERATE(fringtree, fringent, fe_entry, fringent_cmp);

void
fringtab_init(struct fringtab *ft)
{
	memset(ft, 0, sizeof(*ft));
	RB_INIT(&ft->ft_rings);
}

static void
fringtab_del(struct fringtab *ft, struct fringent *fe)
{
	RB_REMOVE(fringtree, &ft->ft_rings, fe);
	fring_free(fe->fe_ring);
	free(fe);
	ft->ft_count--;
}

void
fringtab_clear(struct fringtab *ft)
{
	struct fringent	*fe;

	while ((fe = RB_MIN(fringtree, &ft->ft_rings)) != NULL)
		fringtab_del(ft, fe);
}

/* A struct ctl_id payload naming a camera: 0, or -1. */
static int
fringtab_id(const struct chan_msg *m, struct fringent *key)
{
	struct ctl_id	cid;

	if (m->len != sizeof(cid))
		return -1;
	memcpy(&cid, m->data, sizeof(cid));
	if (chan_strfield(cid.id, sizeof(cid.id)) == -1 || cid.id[0] == '\0')
		return -1;
	memcpy(key->fe_id, cid.id, sizeof(key->fe_id));
	return 0;
}

int
fringtab_ring(struct fringtab *ft, struct chan_msg *m, const char **why)
{
	struct fringent	 key, *fe;
	struct fring	*fr;

	*why = NULL;
	if (m->fd == -1 || fringtab_id(m, &key) == -1) {
		if (m->fd != -1)
			close(m->fd);
		m->fd = -1;
		*why = "CAM_RING without a camera or a descriptor";
		return -1;
	}
	/* Mapped or not, the descriptor is not kept: the mapping is. */
	fr = fring_attach(m->fd);
	close(m->fd);
	m->fd = -1;
	if (fr == NULL) {
		*why = errno == ENOMEM ? NULL : "CAM_RING not a sealed ring";
		if (*why == NULL)
			log_warn("%s: %s", __func__, key.fe_id);
		return -1;
	}
	if ((fe = RB_FIND(fringtree, &ft->ft_rings, &key)) != NULL) {
		/* A new engine's ring for the camera: the old one goes. */
		fring_free(fe->fe_ring);
		fe->fe_ring = fr;
		return 0;
	}
	if (ft->ft_count >= FRINGTAB_MAX) {
		fring_free(fr);
		*why = "CAM_RING past the ring limit";
		return -1;
	}
	if ((fe = calloc(1, sizeof(*fe))) == NULL) {
		log_warn("%s", __func__);
		fring_free(fr);
		return -1;
	}
	memcpy(fe->fe_id, key.fe_id, sizeof(fe->fe_id));
	fe->fe_ring = fr;
	RB_INSERT(fringtree, &ft->ft_rings, fe);
	ft->ft_count++;
	return 0;
}

int
fringtab_gone(struct fringtab *ft, struct chan_msg *m, const char **why)
{
	struct fringent	 key, *fe;

	*why = NULL;
	if (fringtab_id(m, &key) == -1) {
		*why = "CAM_RINGGONE without a camera";
		return -1;
	}
	if ((fe = RB_FIND(fringtree, &ft->ft_rings, &key)) == NULL) {
		*why = "CAM_RINGGONE of a camera without a ring";
		return -1;
	}
	fringtab_del(ft, fe);
	return 0;
}

struct fring *
fringtab_notice(struct fringtab *ft, const struct chan_msg *m,
    struct cam_fslot *fs, const char **why)
{
	struct fringent	 key, *fe;

	if (m->len != sizeof(*fs)) {
		*why = "CAM_FSLOT of the wrong size";
		return NULL;
	}
	memcpy(fs, m->data, sizeof(*fs));
	if (chan_strfield(fs->fs_media.cm_id, sizeof(fs->fs_media.cm_id)) ==
	    -1 || fring_notice_ok(fs) == -1) {
		*why = "CAM_FSLOT out of bounds";
		return NULL;
	}
	memcpy(key.fe_id, fs->fs_media.cm_id, sizeof(key.fe_id));
	if ((fe = RB_FIND(fringtree, &ft->ft_rings, &key)) == NULL) {
		/* The ring comes first on the same channel, always. */
		*why = "CAM_FSLOT of a camera without a ring";
		return NULL;
	}
	return fe->fe_ring;
}

int
fringtab_copy(struct fringtab *ft, const struct fring *fr,
    const struct cam_fslot *fs, void *dst)
{
	if (fring_copy(fr, fs->fs_slot, fs->fs_media.cm_seq, fs->fs_len,
	    dst) == -1) {
		if (ft->ft_dropped++ % 100 == 0)
			log_warnx("%s: behind the engine, %llu frames "
			    "overwritten before they were read",
			    fs->fs_media.cm_id,
			    (unsigned long long)ft->ft_dropped);
		return -1;
	}
	ft->ft_frames++;
	return 0;
}

int
fringtab_dispatch(struct fringtab *ft, struct chan_msg *m, const char **why)
{
	*why = NULL;
	switch (m->hdr.ch_type) {
	case IMSG_CAM_RING:
		/* A ring the engine sent that could not be mapped here
		 * (memory short) was logged: not the engine's fault. */
		if (fringtab_ring(ft, m, why) == -1 && *why != NULL)
			return -1;
		return 1;
	case IMSG_CAM_RINGGONE:
		return fringtab_gone(ft, m, why) == -1 ? -1 : 1;
	default:
		if (m->fd != -1) {
			close(m->fd);
			m->fd = -1;
			*why = "a descriptor with a message that takes none";
			return -1;
		}
		return 0;
	}
}
