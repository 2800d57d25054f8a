/*
 * Talk-back (PROTOCOL.md section 11): 16-bit PCM from one talker per
 * camera (v720-web or a v720ctl client) becomes G.711 A-law and goes to
 * the camera as cmd 4 datagrams on the stream's UDP association
 * (msg_flag 0, deal_flag 1, the session's forward id, pkg_id counting
 * up), in real time.  A talk keeps the stream wanted, so it starts one
 * if none runs, and waits for it before the first packet.
 *
 * Pacing: each datagram carries TALK_PKT_SAMPLES (40 ms) and leaves at
 * t0 + (samples sent since t0) / 8000 s on the monotonic clock, so timer
 * lateness never adds up.  t0 is set when playing starts, again after
 * the talker let the queue run dry (live microphones), and after a
 * stall of the whole process rather than sending a burst.
 *
 * Flow control: the talker may have TALK_WINDOW PCM bytes unconsumed;
 * the queue holds exactly that much as A-law, so it is bounded, and the
 * credit (bytes consumed) goes back as packets leave.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "log.h"
#include "proc.h"
#include "wire.h"
#include "alaw.h"
#include "model.h"

#define TALK_PKT_SAMPLES	320	/* 40 ms a datagram */
#define TALK_QUEUE		(TALK_WINDOW / 2)	/* A-law bytes */
#define TALK_PREBUF		1280	/* 160 ms queued before playing */
#define TALK_WAIT_MS		15000	/* for the stream to come up */
#define TALK_STALL_MS		10000	/* talker silent and queue empty */
#define TALK_POLL_MS		50	/* while waiting */
#define TALK_BURST		4	/* late packets sent in one go */
#define TALK_LATE_NS		(200 * 1000000ULL)	/* then start over */
#define NS_PER_SAMPLE		(1000000000ULL / 8000)

struct talk {
	struct camera	*tk_cam;
	void		*tk_ctl;	/* control client, NULL: v720-web */
	talk_report	*tk_report;	/* how it goes, to tk_ctl */
	uint32_t	 tk_session;
	uint8_t		 tk_q[TALK_QUEUE];
	size_t		 tk_head, tk_len;
	int		 tk_ended;	/* IMSG_TALK_END came */
	int		 tk_playing;	/* tk_t0 is valid */
	int		 tk_played;	/* a packet went out */
	uint64_t	 tk_t0_ns;
	uint64_t	 tk_since_t0;	/* samples sent since tk_t0 */
	uint64_t	 tk_samples;	/* samples sent, ever */
	uint64_t	 tk_received;	/* PCM bytes, ever */
	uint64_t	 tk_reported;	/* consumed last told */
	uint64_t	 tk_wait_ms;	/* waiting for the stream since */
	uint64_t	 tk_input_ms;	/* last data */
	struct event	 tk_ev;
};

static void	talk_run(int, short, void *);

static void
talk_status(struct talk *t, int ev, int code, const char *msg)
{
	struct talk_status	ts;

	memset(&ts, 0, sizeof(ts));
	strlcpy(ts.ts_id, t->tk_cam->cam_id, sizeof(ts.ts_id));
	ts.ts_session = t->tk_session;
	ts.ts_event = ev;
	ts.ts_code = code;
	ts.ts_consumed = 2 * t->tk_samples;
	ts.ts_samples = t->tk_samples;
	if (msg != NULL)
		strlcpy(ts.ts_msg, msg, sizeof(ts.ts_msg));
	t->tk_reported = ts.ts_consumed;
	t->tk_report(t->tk_ctl, &ts);
}

void
talk_free(struct camera *cam)
{
	struct talk	*t = cam->cam_talk;

	if (t == NULL)
		return;
	evtimer_del(&t->tk_ev);
	cam->cam_talk = NULL;
	free(t);
}

/* Gone: the stream may now be unwanted (the idle timeout starts). */
static void
talk_drop(struct camera *cam)
{
	talk_free(cam);
	stream_update(cam, proc_now_ms());
}

static void
talk_finish(struct talk *t, int code, const char *msg)
{
	struct camera	*cam = t->tk_cam;

	if (code == 0) {
		log_info("camera %s: talk-back done, %.2f s", cam->cam_id,
		    t->tk_samples / 8000.0);
		talk_status(t, TALK_EV_DONE, 0, NULL);
	} else {
		log_warnx("camera %s: talk-back ended: %s", cam->cam_id, msg);
		talk_status(t, TALK_EV_FAIL, code, msg);
	}
	talk_drop(cam);
}

int
talk_start(struct camera *cam, talk_report *report, void *ctl,
    uint32_t session, int *code, const char **err)
{
	struct talk	*t;

	if (cam->cam_conn == NULL) {
		*code = 503;
		*err = "camera offline";
		return -1;
	}
	if (cam->cam_talk != NULL) {
		*code = 409;
		*err = "somebody is already talking on this camera";
		return -1;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		*code = 500;
		*err = "out of memory";
		return -1;
	}
	t->tk_cam = cam;
	t->tk_ctl = ctl;
	t->tk_report = report;
	t->tk_session = session;
	t->tk_wait_ms = t->tk_input_ms = proc_now_ms();
	evtimer_set(&t->tk_ev, talk_run, t);
	cam->cam_talk = t;
	log_info("camera %s: talk-back from %s", cam->cam_id,
	    ctl == NULL ? "the web" : "a control client");
	talk_status(t, TALK_EV_STARTED, 0, NULL);
	stream_update(cam, proc_now_ms());
	talk_run(-1, 0, t);
	return 0;
}

static struct talk *
talk_find(void *ctl, const char *id, uint32_t session)
{
	struct camera	*cam;

	if ((cam = camera_find(id)) == NULL || cam->cam_talk == NULL ||
	    cam->cam_talk->tk_ctl != ctl ||
	    cam->cam_talk->tk_session != session)
		return NULL;
	return cam->cam_talk;
}

int
talk_data(void *ctl, const char *id, uint32_t session, const uint8_t *p,
    size_t len)
{
	struct talk	*t;
	size_t		 n, pos, k, room;
	uint8_t		 a[TALK_CHUNK_MAX / 2];

	if (len == 0 || len > TALK_CHUNK_MAX || (len & 1))
		return -1;
	/* A talk that ended meanwhile: its last data is still coming. */
	if ((t = talk_find(ctl, id, session)) == NULL || t->tk_ended)
		return 0;
	n = len / 2;
	if (t->tk_len + n > TALK_QUEUE)
		return -1;	/* over the window: the talker is broken */
	alaw_encode(p, n, a);
	pos = (t->tk_head + t->tk_len) % TALK_QUEUE;
	room = TALK_QUEUE - pos;
	k = n < room ? n : room;
	memcpy(t->tk_q + pos, a, k);
	memcpy(t->tk_q, a + k, n - k);
	t->tk_len += n;
	t->tk_received += len;
	t->tk_input_ms = proc_now_ms();
	if (!t->tk_playing)
		talk_run(-1, 0, t);
	return 0;
}

void
talk_end(void *ctl, const char *id, uint32_t session)
{
	struct talk	*t;

	if ((t = talk_find(ctl, id, session)) == NULL || t->tk_ended)
		return;
	t->tk_ended = 1;
	if (!t->tk_playing)
		talk_run(-1, 0, t);
}

void
talk_abort(void *ctl, const char *id, uint32_t session)
{
	struct talk	*t;

	if ((t = talk_find(ctl, id, session)) == NULL)
		return;
	log_info("camera %s: talk-back stopped by the talker after %.2f s",
	    id, t->tk_samples / 8000.0);
	talk_drop(t->tk_cam);
}

/*
 * A talk message (IMSG_TALK_*: a struct talk_req, and for DATA its PCM)
 * from ctl, v720-web's (NULL) or a control client's, whose talk reports
 * to report: 0; 1 if a start is refused, *ts the refusal to send it; -1
 * with *why if the sender is at fault (its caller makes it pay).
 */
int
talk_msg(void *ctl, talk_report *report, uint32_t type, const uint8_t *p,
    size_t len, struct talk_status *ts, const char **why)
{
	struct talk_req	 tr;
	struct camera	*cam;
	const char	*err;
	int		 code;

	if (len < sizeof(tr) || (type != IMSG_TALK_DATA && len != sizeof(tr))) {
		*why = "talk message of a wrong size";
		return -1;
	}
	memcpy(&tr, p, sizeof(tr));
	if (chan_strfield(tr.tr_id, sizeof(tr.tr_id))) {
		*why = "unterminated camera id";
		return -1;
	}
	switch (type) {
	case IMSG_TALK_START:
		if ((cam = camera_find(tr.tr_id)) == NULL) {
			code = 404;
			err = "unknown camera";
		} else if (talk_start(cam, report, ctl, tr.tr_session, &code,
		    &err) == 0)
			return 0;
		memset(ts, 0, sizeof(*ts));
		strlcpy(ts->ts_id, tr.tr_id, sizeof(ts->ts_id));
		ts->ts_session = tr.tr_session;
		ts->ts_event = TALK_EV_FAIL;
		ts->ts_code = code;
		strlcpy(ts->ts_msg, err, sizeof(ts->ts_msg));
		return 1;
	case IMSG_TALK_DATA:
		if (talk_data(ctl, tr.tr_id, tr.tr_session, p + sizeof(tr),
		    len - sizeof(tr)) == -1) {
			*why = "talk data beyond its window";
			return -1;
		}
		return 0;
	case IMSG_TALK_END:
		talk_end(ctl, tr.tr_id, tr.tr_session);
		return 0;
	default:
		talk_abort(ctl, tr.tr_id, tr.tr_session);
		return 0;
	}
}

/* The web channel (ctl NULL) or a control client went away. */
void
talk_owner_gone(void *ctl)
{
	struct camera	*cam;

	RB_FOREACH(cam, camera_tree, &model->m_cameras)
		if (cam->cam_talk != NULL && cam->cam_talk->tk_ctl == ctl)
			talk_drop(cam);
}

/* One datagram of n A-law bytes from the head of the queue. */
static void
talk_send(struct talk *t, size_t n)
{
	struct camera	*cam = t->tk_cam;
	struct wire_hdr	 h;
	uint8_t		 buf[WIRE_HDR_LEN + TALK_PKT_SAMPLES];
	size_t		 k;

	wire_hdr_server(&h, WIRE_CMD_ALAW, n);
	h.wh_msg_flag = 0;
	h.wh_deal_flag = 1;
	h.wh_pkg_id = cam->cam_talk_pkg++;
	wire_hdr_encode(&h, buf);
	k = TALK_QUEUE - t->tk_head;
	if (k > n)
		k = n;
	memcpy(buf + WIRE_HDR_LEN, t->tk_q + t->tk_head, k);
	memcpy(buf + WIRE_HDR_LEN + k, t->tk_q, n - k);
	t->tk_head = (t->tk_head + n) % TALK_QUEUE;
	t->tk_len -= n;
	t->tk_since_t0 += n;
	t->tk_samples += n;
	t->tk_played = 1;
	if (sendto(cam->cam_udpfd, buf, WIRE_HDR_LEN + n, MSG_DONTWAIT,
	    (struct sockaddr *)&cam->cam_peer, cam->cam_peerlen) == -1)
		log_debug("camera %s: talk sendto: %s", cam->cam_id,
		    strerror(errno));
}

static void
talk_arm(struct talk *t, uint64_t ns)
{
	struct timeval	tv;

	tv.tv_sec = ns / 1000000000ULL;
	tv.tv_usec = (ns % 1000000000ULL) / 1000;
	evtimer_add(&t->tk_ev, &tv);
}

static void
talk_run(int fd, short ev, void *arg)
{
	struct talk	*t = arg;
	struct camera	*cam = t->tk_cam;
	uint64_t	 now = proc_now_ns(), now_ms = now / 1000000, due;
	size_t		 n;
	int		 i;

	evtimer_del(&t->tk_ev);
	if (cam->cam_conn == NULL) {
		talk_finish(t, 503, "camera went offline");
		return;
	}
	if (cam->cam_ss != SS_STREAMING || !cam->cam_peer_known ||
	    cam->cam_udpfd == -1) {
		/* No stream (yet, or it is being restarted): wait. */
		if (t->tk_playing) {
			t->tk_playing = 0;
			t->tk_wait_ms = now_ms;
		}
		if (now_ms - t->tk_wait_ms > TALK_WAIT_MS) {
			talk_finish(t, 504, "the camera's stream did not "
			    "start");
			return;
		}
		talk_arm(t, TALK_POLL_MS * 1000000ULL);
		return;
	}
	if (!t->tk_playing) {
		if (t->tk_len == 0 && t->tk_ended) {
			talk_finish(t, 0, NULL);
			return;
		}
		if (t->tk_len < TALK_PREBUF && !t->tk_ended) {
			if (now_ms - t->tk_input_ms > TALK_STALL_MS) {
				talk_finish(t, 408, "no audio from the talker");
				return;
			}
			/* talk_data() and talk_end() call again. */
			talk_arm(t, TALK_POLL_MS * 1000000ULL);
			return;
		}
		t->tk_playing = 1;
		t->tk_t0_ns = now;
		t->tk_since_t0 = 0;
	}
	for (i = 0; i < TALK_BURST; i++) {
		due = t->tk_t0_ns + t->tk_since_t0 * NS_PER_SAMPLE;
		if (due > now)
			break;
		if (t->tk_len == 0) {
			if (t->tk_ended) {
				talk_finish(t, 0, NULL);
				return;
			}
			/* Ran dry: buffer again before going on. */
			t->tk_playing = 0;
			break;
		}
		n = t->tk_len < TALK_PKT_SAMPLES ? t->tk_len :
		    TALK_PKT_SAMPLES;
		talk_send(t, n);
	}
	if (2 * t->tk_samples != t->tk_reported)
		talk_status(t, TALK_EV_CREDIT, 0, NULL);
	if (!t->tk_playing) {
		talk_arm(t, TALK_POLL_MS * 1000000ULL);
		return;
	}
	due = t->tk_t0_ns + t->tk_since_t0 * NS_PER_SAMPLE;
	if (due + TALK_LATE_NS < now) {
		/* The process stood still: go on from now, no burst. */
		log_debug("camera %s: talk-back %llu ms late, re-anchored",
		    cam->cam_id, (unsigned long long)(now - due) / 1000000);
		t->tk_t0_ns = now;
		t->tk_since_t0 = 0;
		due = now;
	}
	talk_arm(t, due > now ? due - now : 0);
}
