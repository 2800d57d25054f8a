/*
 * The engine's side of the engine<->recorder channel: the frames and
 * audio of cameras that record go to the recorder, never at the cost
 * of the cameras or the viewers (past REC_ENGINE_QUEUE_MAX queued,
 * frames are dropped and counted in ci_drop_rec); motion state comes
 * back into the camera object; v720ctl's recording and event lists are
 * relayed both ways.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "log.h"
#include "msg.h"
#include "sibling.h"
#include "peer.h"

#define REC_ENGINE_QUEUE_MAX	(8 * 1024 * 1024)

static struct chanev	rec_ce;
static int		rec_up;

static void	recpeer_dispatch(struct chanev *, struct chan_msg *, void *);
static void	recpeer_closed(struct chanev *, void *);

int
recpeer_up(void)
{
	return rec_up;
}

void
recpeer_new(struct chan_msg *m)
{
	struct camera	*cam;

	if (rec_up)
		chanev_clear(&rec_ce);
	if (sibling_open(&rec_ce, m, IMSG_CAM_FSLOT, recpeer_dispatch,
	    recpeer_closed, NULL) == -1)
		fatal("recorder channel");
	rec_ce.c.nofds = 1;	/* descriptors go to v720-web only */
	chanev_linger(&rec_ce, REC_LINGER_MS);
	rec_up = 1;
	ringout_consumer(RINGOUT_REC, &rec_ce);
	log_debug("recorder channel up");
	/* Motion state is the new recorder's to tell. */
	RB_FOREACH(cam, camera_tree, &model->m_cameras)
		if (cam->cam_info.ci_motion) {
			cam->cam_info.ci_motion = 0;
			camera_changed(cam);
		}
}

static void
recpeer_closed(struct chanev *ce, void *arg)
{
	struct camera	*cam;

	log_debug("recorder channel closed");
	chanev_clear(&rec_ce);
	rec_up = 0;
	ringout_consumer(RINGOUT_REC, NULL);
	RB_FOREACH(cam, camera_tree, &model->m_cameras)
		if (cam->cam_info.ci_motion || cam->cam_info.ci_recording) {
			cam->cam_info.ci_motion = 0;
			cam->cam_info.ci_recording = 0;
			camera_changed(cam);
		}
}

void
recpeer_free(void)
{
	if (rec_up)
		chanev_clear(&rec_ce);
	rec_up = 0;
	ringout_consumer(RINGOUT_REC, NULL);
}

/*
 * Where the recorder's answers go: the control socket's client, set by
 * engine.c (recpeer_replies), so that control.c calls down into this
 * file and nothing here calls back up into control.c.
 */
static recpeer_reply_fn	 reply_fn;

void
recpeer_replies(recpeer_reply_fn fn)
{
	reply_fn = fn;
}

static void
reply_to(uint32_t client, uint32_t type, const void *p, size_t len)
{
	if (reply_fn != NULL)
		reply_fn(client, type, p, len);
}

/* v720ctl show recordings|events: 0, or -1 without a recorder. */
int
recpeer_ctl(uint32_t type, uint32_t client, const char *id)
{
	struct rec_req	rr;

	if (!rec_up)
		return -1;
	memset(&rr, 0, sizeof(rr));
	strlcpy(rr.rr_id, id, sizeof(rr.rr_id));
	return chanev_compose(&rec_ce, type, client, -1, &rr, sizeof(rr));
}

static void
recpeer_dispatch(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct rec_motion	 rm;
	struct camera		*cam;
	size_t			 need;

	switch (m->hdr.ch_type) {
	case IMSG_REC_MOTION:
		if (peer_msg(ce, m, &rm, sizeof(rm)) == -1)
			return;
		if ((cam = camera_find(rm.rm_id)) == NULL)
			break;
		if (cam->cam_info.ci_motion != (rm.rm_motion != 0) ||
		    cam->cam_info.ci_recording != (rm.rm_recording != 0)) {
			cam->cam_info.ci_motion = rm.rm_motion != 0;
			cam->cam_info.ci_recording = rm.rm_recording != 0;
			camera_changed(cam);	/* published at once */
		}
		break;
	case IMSG_REC_FILE:
	case IMSG_REC_EVENT:
		need = m->hdr.ch_type == IMSG_REC_FILE ?
		    sizeof(struct rec_file) : sizeof(struct rec_event);
		if (m->len != need) {
			sibling_bad(ce, m, "%zu bytes, not %zu", m->len, need);
			return;
		}
		reply_to(m->hdr.ch_peerid, m->hdr.ch_type, m->data,
		    m->len);
		break;
	case IMSG_REC_END:
		reply_to(m->hdr.ch_peerid, IMSG_CTL_END, NULL, 0);
		break;
	case IMSG_REC_FAIL:
		if (m->len == 0 || memchr(m->data, '\0', m->len) == NULL) {
			sibling_bad(ce, m, "unterminated REC_FAIL");
			return;
		}
		reply_to(m->hdr.ch_peerid, IMSG_CTL_FAIL, m->data,
		    m->len);
		break;
	default:
		sibling_bad(ce, m, "a type it does not send");
		return;
	}
}

/* A frame of a recording camera, in its ring: announce it or count a drop. */
static void
recpeer_frame(struct camera *cam, const struct cam_frame *f)
{
	if (!rec_up || cam->cam_record == REC_OFF)
		return;
	if ((f->cf_fslot == NULL || ringout_notice(RINGOUT_REC, cam,
	    f->cf_fslot, REC_ENGINE_QUEUE_MAX) == -1) &&
	    cam->cam_info.ci_drop_rec++ % 100 == 0)
		log_warnx("%s: recorder behind, %llu frames not recorded",
		    cam->cam_id, (unsigned long long)cam->cam_info.ci_drop_rec);
}

/* Audio goes on the channel (small, and the ring holds frames only); a
 * chunk the full queue cannot take is lost, as a camera's late one is. */
static void
recpeer_audio(struct camera *cam, const struct cam_frame *f)
{
	if (!rec_up || cam->cam_record == REC_OFF)
		return;
	(void)peer_media_out(&rec_ce, REC_ENGINE_QUEUE_MAX, IMSG_CAM_AUDIO,
	    f->cf_cm, f->cf_data, f->cf_len);
}

const struct cam_observer recpeer_observer = {
	"recorder", NULL, NULL, recpeer_frame, recpeer_audio, NULL
};
