/*
 * The camera's clock (PROTOCOL.md section 11): during a stream, every
 * CLOCK_PERIOD_MS a cmd 101 ping and {"code":54,"timerStamp":"<ms>"} on
 * the stream's UDP association, as the vendor app does; the camera
 * answers {"code":55,"timerStamp":<its ms>}.  Each answer to our last 54
 * gives an offset, camera clock minus ours at the midpoint of the round
 * trip; of the last CLOCK_WINDOW the one with the shortest round trip is
 * the estimate (the least queueing), shown as clock_offset_ms.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "log.h"
#include "proc.h"
#include "model.h"

#define CLOCK_PERIOD_MS	2000
#define CLOCK_WINDOW	8
#define CLOCK_LATE_MS	1500	/* an answer later than this is ignored */

static int64_t
realtime_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
clock_tick(struct camera *cam, uint64_t now)
{
	char	js[64];
	int	n;

	if (now < cam->cam_clk_next_ms)
		return;
	/* On a grid from the first, so the timer's lateness does not add up. */
	cam->cam_clk_next_ms += CLOCK_PERIOD_MS;
	if (cam->cam_clk_next_ms <= now)
		cam->cam_clk_next_ms = now + CLOCK_PERIOD_MS;
	cam->cam_clk_sent_rt = realtime_ms();
	cam->cam_clk_sent_ns = proc_now_ns();
	n = snprintf(js, sizeof(js), "{\"code\":54,\"timerStamp\":\"%lld\"}",
	    (long long)cam->cam_clk_sent_rt);
	if (n < 0 || (size_t)n >= sizeof(js))
		return;
	(void)udp_send(cam, WIRE_CMD_PING, NULL, 0);
	if (udp_send(cam, WIRE_CMD_JSON, js, n) == 0)
		cam->cam_clk_waiting = 1;
}

/* A code 55 from the camera's media peer. */
void
clock_answer(struct camera *cam, const uint8_t *p, size_t len)
{
	struct json_doc	*d;
	struct cam_info	*ci = &cam->cam_info;
	uint64_t	 rtt_ns;
	int64_t		 ts, off, best;
	uint32_t	 brtt;
	unsigned	 i, n;
	int		 t;

	if (!cam->cam_clk_waiting)
		return;		/* not ours, or a duplicate */
	rtt_ns = proc_now_ns() - cam->cam_clk_sent_ns;
	if (rtt_ns > CLOCK_LATE_MS * 1000000ULL)
		return;
	if ((d = malloc(sizeof(*d))) == NULL)
		return;
	if (json_parse(d, (const char *)p, len) == -1 ||
	    ((t = json_find(d, 0, "timerStamp")) == -1 &&
	    (t = json_find(d, 0, "timeStamp")) == -1) ||
	    json_int(d, t, 1, INT64_MAX / 2, &ts) == -1) {
		free(d);
		log_debug("camera %s: code 55 without a time", cam->cam_id);
		return;
	}
	free(d);
	cam->cam_clk_waiting = 0;
	off = ts - (cam->cam_clk_sent_rt + (int64_t)(rtt_ns / 2000000));
	i = cam->cam_clk_n++ % CLOCK_WINDOW;
	cam->cam_clk_off[i] = off;
	cam->cam_clk_rtt[i] = rtt_ns / 1000 > UINT32_MAX ? UINT32_MAX :
	    rtt_ns / 1000;
	n = cam->cam_clk_n < CLOCK_WINDOW ? cam->cam_clk_n : CLOCK_WINDOW;
	best = cam->cam_clk_off[0];
	brtt = cam->cam_clk_rtt[0];
	for (i = 1; i < n; i++)
		if (cam->cam_clk_rtt[i] < brtt) {
			brtt = cam->cam_clk_rtt[i];
			best = cam->cam_clk_off[i];
		}
	if (!ci->ci_clock_known || ci->ci_clock_offset_ms != best) {
		if (!ci->ci_clock_known || llabs(ci->ci_clock_offset_ms -
		    best) > 1000)
			log_info("camera %s: clock %+lld ms from ours",
			    cam->cam_id, (long long)best);
		ci->ci_clock_known = 1;
		ci->ci_clock_offset_ms = best;
		cam->cam_dirty = 1;
	}
}
