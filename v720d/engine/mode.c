/*
 * Stream mode (PROTOCOL.md section 11): forward content 1 asks for audio
 * only, 2 for video only, 3 for both.  Only audio listeners: 1; audio
 * listeners and anyone who wants video (MJPEG viewers, snapshots, a
 * started stream, "stream always"): 3; nobody listening to audio: 2.
 * A camera that records, or that a consumer wants with sound and picture
 * (cd_full: RTSP clients PLAY it), always gets 3.
 * The mode follows the listeners on the running stream, without a new
 * data channel, so no viewer notices the switch.
 */
#include <sys/types.h>

#include "log.h"
#include "model.h"

int
mode_wanted(const struct camera *cam)
{
	int	audio, video;

	/* Recordings and RTSP (cd_full) keep the sound with the picture. */
	if (cam->cam_record != REC_OFF || cam->cam_want.cd_full)
		return 3;
	audio = cam->cam_want.cd_audio > 0;
	video = cam->cam_want.cd_viewers > cam->cam_want.cd_audio ||
	    cam->cam_manual || cam->cam_snapwait > 0 ||
	    cam->cam_info.ci_stream_always;
	if (audio && !video)
		return 1;
	return audio ? 3 : 2;
}

void
mode_update(struct camera *cam, uint64_t now)
{
	static const char *const names[] = { "off", "audio only",
	    "video only", "audio and video" };
	int	m;

	if (cam->cam_ss != SS_STREAMING || (m = mode_wanted(cam)) ==
	    cam->cam_mode)
		return;
	if (camera_forward(cam, m, NULL) == -1)
		return;
	log_info("camera %s: stream mode %s", cam->cam_id, names[m]);
	/* Video back: the watchdog gives it the time of a new stream. */
	if (!(cam->cam_mode & 2) && (m & 2))
		cam->cam_last_frame_ms = now;
	cam->cam_mode = m;
}
