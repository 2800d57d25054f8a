/*
 * A consumer's rings, one per camera (common/framering.h), keyed by
 * camera id: IMSG_CAM_RING maps one (replacing the camera's previous
 * ring, as after an engine restart), IMSG_CAM_RINGGONE unmaps it, and
 * IMSG_CAM_FSLOT is checked against it.  Each returns NULL (or -1) with
 * *why set when the engine sent something malformed, which costs the
 * engine a restart (common/sibling.h), never this process.
 */
#ifndef V720_FRINGTAB_H
#define V720_FRINGTAB_H

#include <sys/tree.h>

#include "chan.h"
#include "framering.h"
#include "msg.h"

struct fringent {
	RB_ENTRY(fringent)	 fe_entry;
	char			 fe_id[V720_ID_MAX];
	struct fring		*fe_ring;
};
RB_HEAD(fringtree, fringent);
int	fringent_cmp(struct fringent *, struct fringent *);
RB_PROTOTYPE(fringtree, fringent, fe_entry, fringent_cmp);

struct fringtab {
	struct fringtree	 ft_rings;
	size_t			 ft_count;
	uint64_t		 ft_frames;	/* copied out */
	uint64_t		 ft_dropped;	/* overwritten before read */
};

void	fringtab_init(struct fringtab *);
void	fringtab_clear(struct fringtab *);	/* the engine went away */
int	fringtab_ring(struct fringtab *, struct chan_msg *, const char **);
int	fringtab_gone(struct fringtab *, struct chan_msg *, const char **);
/*
 * RING and RINGGONE, and a descriptor with anything else (the channel
 * from the engine carries them for RING only): 1 handled, 0 not one of
 * those, -1 malformed with *why set.
 */
int	fringtab_dispatch(struct fringtab *, struct chan_msg *, const char **);
/*
 * An FSLOT notice: its ring and the checked notice in *fs, or NULL with
 * *why set.  The caller copies the frame out with fringtab_copy().
 */
struct fring	*fringtab_notice(struct fringtab *, const struct chan_msg *,
		    struct cam_fslot *, const char **);
/* fring_copy, counting frames and drops: 0 or -1 (dropped). */
int	fringtab_copy(struct fringtab *, const struct fring *,
	    const struct cam_fslot *, void *dst);

#endif
