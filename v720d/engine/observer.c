/*
 * The model's one way out: the consumers registered at start-up (the
 * web channel, the recorder, RTSP and MQTT children, the control
 * socket) and the relay to cameras without TCP.  camera.c and stream.c
 * call these and know no consumer by name; a new consumer is a file of
 * its own and one cam_observe() in engine.c.
 */
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "chan.h"
#include "log.h"
#include "model.h"
#include "proc.h"

static const struct cam_observer	*obs[CAM_OBSERVERS_MAX];
static size_t				 nobs;
static const struct cam_relay		*relay;

void
cam_observe(const struct cam_observer *o)
{
	if (nobs == CAM_OBSERVERS_MAX)
		fatalx("%s: %s: too many observers", __func__, o->co_name);
	obs[nobs++] = o;
}

/* An observer's slot: its demand and its own state on each camera. */
size_t
obs_slot(const struct cam_observer *o)
{
	size_t	i;

	for (i = 0; i < nobs; i++)
		if (obs[i] == o)
			return i;
	fatalx("%s: %s: not registered", __func__, o->co_name);
}

/*
 * A consumer's own state on a camera (what it told its process, when
 * it last sent it a frame): size zeroed bytes made on the first call,
 * freed with the camera (cam_private_free), so a consumer keeps no
 * table of cameras of its own.  NULL if there is no memory for it.
 */
void *
cam_private(struct camera *cam, const struct cam_observer *o, size_t size)
{
	size_t	i = obs_slot(o);

	if (cam->cam_private[i] == NULL &&
	    (cam->cam_private[i] = calloc(1, size)) == NULL)
		log_warn("%s: %s", __func__, o->co_name);
	return cam->cam_private[i];
}

/*
 * The same without making it: NULL if the consumer has none yet.  Not
 * const, as strchr's is not: the memory is the consumer's own.
 */
void *
cam_private_get(const struct camera *cam, const struct cam_observer *o)
{
	return cam->cam_private[obs_slot(o)];
}

void
cam_private_free(struct camera *cam)
{
	size_t	i;

	for (i = 0; i < CAM_OBSERVERS_MAX; i++) {
		free(cam->cam_private[i]);
		cam->cam_private[i] = NULL;
	}
}

void
cam_relay_set(const struct cam_relay *r)
{
	relay = r;
}

void
obs_state(struct camera *cam)
{
	size_t	i;

	for (i = 0; i < nobs; i++)
		if (obs[i]->co_state != NULL)
			obs[i]->co_state(cam);
}

void
obs_gone(const struct ctl_id *cid)
{
	size_t	i;

	for (i = 0; i < nobs; i++)
		if (obs[i]->co_gone != NULL)
			obs[i]->co_gone(cid);
}

/*
 * At 500 cameras a batch of datagrams completes several frames: one
 * write and one wakeup of each consumer for all of them, not one each.
 * A frame waits for the rest of its batch at most OBS_HOLD_US (model.h):
 * a batch of 64 datagrams can take a few hundred microseconds (more when
 * the engine is preempted), and the frame done first should not pay for
 * all of it.
 */
static int		batching;
static uint64_t		batch_frame_ns;	/* first frame held, or 0 */

/*
 * A frame of several fragments is assembled straight into the ring slot
 * it will be published in, so obs_frame() copies nothing more.
 */
uint8_t *
obs_frame_buf(struct camera *cam, uint64_t seq)
{
	return ringout_claim(cam, seq);
}

/*
 * Every frame of every camera passes here, once: it is written into the
 * camera's ring (ringout.c), the one copy v720-web, the recorder and the
 * rtsp child read (unless it was assembled there: obs_frame_buf); each
 * observer gets the bytes and the ring's notice.
 */
void
obs_frame(struct camera *cam, const struct cam_frame *f)
{
	struct cam_frame	g = *f;
	struct cam_fslot	fs;
	size_t			i;

	g.cf_fslot = NULL;
	if (ringout_put(cam, f->cf_cm, f->cf_data, f->cf_len, &fs) == 0)
		g.cf_fslot = &fs;
	for (i = 0; i < nobs; i++)
		if (obs[i]->co_frame != NULL)
			obs[i]->co_frame(cam, &g);
	if (batching && batch_frame_ns == 0)
		batch_frame_ns = proc_now_ns();
}

void
obs_audio(struct camera *cam, const struct cam_frame *f)
{
	size_t	i;

	for (i = 0; i < nobs; i++)
		if (obs[i]->co_audio != NULL)
			obs[i]->co_audio(cam, f);
}

void
obs_batch_begin(void)
{
	batching = 1;
	chanev_hold();
}

int
obs_batching(void)
{
	return batching;
}

void
obs_batch_end(void)
{
	size_t	i;

	batching = 0;
	batch_frame_ns = 0;
	chanev_release();
	for (i = 0; i < nobs; i++)
		if (obs[i]->co_flushed != NULL)
			obs[i]->co_flushed();
}

/* The batch's first frame waited long enough: send what is held. */
int
obs_batch_due(void)
{
	return batch_frame_ns != 0 &&
	    proc_now_ns() - batch_frame_ns >= OBS_HOLD_US * 1000ULL;
}

/* Without a relay a camera without TCP is offline and out of reach. */
int
relay_forward(struct camera *cam, int code, const char *extra)
{
	if (relay == NULL)
		return -1;
	return relay->cr_forward(cam, code, extra);
}

uint8_t
relay_idle_state(const struct camera *cam)
{
	if (relay == NULL)
		return CAM_OFFLINE;
	return relay->cr_idle_state(cam);
}
