/*
 * The engine's side of the frame rings (common/framering.h): each
 * camera's frames are written once into its ring, made on its first
 * frame and freed when the camera is forgotten; each consumer (v720-web,
 * the recorder, the rtsp child) gets the ring's descriptor once, before
 * its first notice of that camera, and a notice per frame it wants.
 * A consumer's channel registers here when it comes up: a new consumer
 * process is sent every ring again as it needs them.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <string.h>

#include "chan.h"
#include "framering.h"
#include "log.h"
#include "msg.h"
#include "model.h"

static struct chanev	*ringout_ce[RINGOUT_NCONSUMERS];

/* A consumer's channel is new (or gone: NULL): it has no ring yet. */
void
ringout_consumer(int who, struct chanev *ce)
{
	struct camera	*cam;

	ringout_ce[who] = ce;
	RB_FOREACH(cam, camera_tree, &model->m_cameras)
		cam->cam_ring_sent &= ~(1U << who);
}

/* What a consumer's channel cost so far, for the stats: 0 when not up. */
void
ringout_writes(int who, unsigned long long *n, unsigned long long *us)
{
	const struct chanev	*ce = ringout_ce[who];

	*n = ce != NULL ? ce->c.nwrites : 0;
	*us = ce != NULL ? ce->c.write_ns / 1000 : 0;
}

#define RINGOUT_MEMFD	"v720-frames"

/*
 * Where the camera's frame seq is assembled (fring_claim), so that
 * ringout_put() of those bytes copies nothing; NULL without a ring (the
 * frame then goes through media's own buffer, and ringout_put() counts
 * and logs the failure once).
 */
uint8_t *
ringout_claim(struct camera *cam, uint64_t seq)
{
	if (cam->cam_ring == NULL &&
	    (cam->cam_ring = fring_create(RINGOUT_MEMFD)) == NULL)
		return NULL;
	return fring_claim(cam->cam_ring, seq);
}

/*
 * Write the frame into the camera's ring (unless it was assembled there:
 * ringout_claim) and fill the notice for it: 0, or -1 when the camera
 * has no ring and none can be made (memory or descriptors short; the
 * frame is lost for every consumer).
 */
int
ringout_put(struct camera *cam, const struct cam_media *cm,
    const uint8_t *jpeg, size_t len, struct cam_fslot *fs)
{
	if (cam->cam_ring == NULL &&
	    (cam->cam_ring = fring_create(RINGOUT_MEMFD)) == NULL) {
		if (cam->cam_info.ci_drop_backlog++ % 100 == 0)
			log_warn("%s: %s: frame ring", __func__, cam->cam_id);
		return -1;
	}
	memset(fs, 0, sizeof(*fs));
	fs->fs_media = *cm;
	fs->fs_len = len;
	fs->fs_slot = fring_put(cam->cam_ring, cm->cm_seq, jpeg, len);
	return 0;
}

/*
 * The notice to one consumer, the ring's descriptor first if it has not
 * had it.  -1 when its channel is up but has more than max queued (the
 * consumer is behind: the frame is not announced to it) or refuses.
 */
int
ringout_notice(int who, struct camera *cam, const struct cam_fslot *fs,
    size_t max)
{
	struct chanev	*ce = ringout_ce[who];
	struct ctl_id	 cid;
	int		 fd;

	if (ce == NULL || cam->cam_ring == NULL)
		return -1;
	if (max != 0 && chan_queued(&ce->c) > max)
		return -1;
	if ((cam->cam_ring_sent & (1U << who)) == 0) {
		memset(&cid, 0, sizeof(cid));
		strlcpy(cid.id, cam->cam_id, sizeof(cid.id));
		if ((fd = fring_dupfd(cam->cam_ring)) == -1) {
			log_warn("%s: %s", __func__, cam->cam_id);
			return -1;
		}
		/* The channel closes fd once sent, or at once on failure. */
		if (chanev_compose(ce, IMSG_CAM_RING, 0, fd, &cid,
		    sizeof(cid)) == -1)
			return -1;
		cam->cam_ring_sent |= 1U << who;
	}
	return chanev_compose(ce, IMSG_CAM_FSLOT, 0, -1, fs, sizeof(*fs));
}

/* The camera is forgotten: every consumer that maps its ring unmaps it. */
void
ringout_free(struct camera *cam)
{
	struct ctl_id	cid;
	int		who;

	if (cam->cam_ring == NULL)
		return;
	memset(&cid, 0, sizeof(cid));
	strlcpy(cid.id, cam->cam_id, sizeof(cid.id));
	for (who = 0; who < RINGOUT_NCONSUMERS; who++)
		if (ringout_ce[who] != NULL &&
		    (cam->cam_ring_sent & (1U << who)))
			(void)chanev_compose(ringout_ce[who],
			    IMSG_CAM_RINGGONE, 0, -1, &cid, sizeof(cid));
	fring_free(cam->cam_ring);
	cam->cam_ring = NULL;
	cam->cam_ring_sent = 0;
}
