/*
 * PTZ (PROTOCOL.md section 11): forward 212 {"motorState":N} over the
 * camera's TCP connection (0 calibrate, 1 right, 2 left, 3 up, 4 down),
 * resent every PTZ_PERIOD_MS while a move is held, as the vendor app
 * does while its button is pressed.  A move holds until "stop", another
 * move, or its deadline: the client refreshes it (v720-web's page every
 * 500 ms) and a client that vanishes mid-press stops the motor within
 * the hold time.  Never over MQTT, where 212 is the PIR mode.
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "proc.h"
#include "model.h"

#define PTZ_PERIOD_MS	80

static void	ptz_run(int, short, void *);

static int
ptz_send(struct camera *cam, int move)
{
	char	extra[32];

	(void)snprintf(extra, sizeof(extra), ",\"motorState\":%d", move);
	return camera_forward(cam, 212, extra);
}

void
ptz_stop(struct camera *cam)
{
	if (cam->cam_ptz_evset)
		evtimer_del(&cam->cam_ptz_ev);
	if (cam->cam_ptz_move != 0)
		log_debug("camera %s: ptz stop", cam->cam_id);
	cam->cam_ptz_move = 0;
}

static void
ptz_arm(struct camera *cam, uint64_t now)
{
	struct timeval	tv;
	uint64_t	d;

	d = cam->cam_ptz_next_ms > now ? cam->cam_ptz_next_ms - now : 0;
	tv.tv_sec = d / 1000;
	tv.tv_usec = (d % 1000) * 1000;
	evtimer_add(&cam->cam_ptz_ev, &tv);
}

static void
ptz_run(int fd, short ev, void *arg)
{
	struct camera	*cam = arg;
	uint64_t	 now = proc_now_ms();

	if (cam->cam_ptz_move == 0)
		return;
	if (cam->cam_conn == NULL || now >= cam->cam_ptz_until_ms) {
		if (cam->cam_conn != NULL)
			log_debug("camera %s: ptz hold expired", cam->cam_id);
		ptz_stop(cam);
		return;
	}
	if (ptz_send(cam, cam->cam_ptz_move) == -1) {
		ptz_stop(cam);
		return;
	}
	/* On a grid from the first, so the timer's lateness does not add up. */
	cam->cam_ptz_next_ms += PTZ_PERIOD_MS;
	if (cam->cam_ptz_next_ms <= now)
		cam->cam_ptz_next_ms = now + PTZ_PERIOD_MS;
	ptz_arm(cam, now);
}

int
ptz_request(struct camera *cam, int move, uint32_t hold_ms, const char **err)
{
	uint64_t	now = proc_now_ms();

	if (move < PTZ_CALIBRATE || move > PTZ_STOP) {
		*err = "bad move";
		return -1;
	}
	if (cam->cam_conn == NULL) {
		ptz_stop(cam);
		*err = "camera offline";
		return -1;
	}
	if (!cam->cam_ptz_evset) {
		evtimer_set(&cam->cam_ptz_ev, ptz_run, cam);
		cam->cam_ptz_evset = 1;
	}
	if (move == PTZ_STOP || move == PTZ_CALIBRATE) {
		ptz_stop(cam);
		if (move == PTZ_CALIBRATE && ptz_send(cam, 0) == -1) {
			*err = "camera offline";
			return -1;
		}
		return 0;
	}
	if (hold_ms < PTZ_PERIOD_MS)
		hold_ms = PTZ_PERIOD_MS;
	if (hold_ms > PTZ_HOLD_MAX_MS)
		hold_ms = PTZ_HOLD_MAX_MS;
	cam->cam_ptz_until_ms = now + hold_ms;
	if (cam->cam_ptz_move == move)
		return 0;	/* a refresh: the resending goes on */
	ptz_stop(cam);
	log_debug("camera %s: ptz move %d for %u ms", cam->cam_id, move,
	    hold_ms);
	cam->cam_ptz_move = move;
	cam->cam_ptz_next_ms = now;
	ptz_run(-1, 0, cam);
	return cam->cam_ptz_move == move ? 0 : (*err = "camera offline", -1);
}
