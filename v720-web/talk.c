/*
 * Talk-back from v720-web: POST /api/cameras/{id}/talk with a WAV body
 * (8000 Hz, mono, 16-bit PCM).  The body is not read whole: its samples
 * go to the camera engine as they arrive, never more than TALK_WINDOW
 * bytes ahead of what the engine has played, so a long file costs no
 * more memory than a short one and the client's upload is paced by TCP.
 * The answer, 200 {"seconds": N}, comes once the engine has sent the
 * last sample to the camera.  One talker per camera: a second gets 409.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "log.h"
#include "proc.h"
#include "wav.h"
#include "wsproto.h"
#include "web.h"

enum tl_state {
	TL_HEAD,	/* reading the WAV head */
	TL_STARTING,	/* IMSG_TALK_START sent */
	TL_RUNNING,	/* sending samples */
	TL_ENDING,	/* IMSG_TALK_END sent, waiting for DONE */
	TL_DRAIN,	/* refused: reading the rest of the body, then answer */
};

/*
 * tl_cam is set exactly while the talker is its camera's cam_talker:
 * cam_forget() frees a camera nobody talks on, so a refused talker that
 * only drains its body lets go of the camera at once.
 */
struct talker {
	struct conn	*tl_conn;
	struct cam	*tl_cam;
	uint32_t	 tl_session;
	enum tl_state	 tl_state;
	uint64_t	 tl_left;	/* body bytes still to read */
	uint64_t	 tl_data;	/* sample bytes still to send */
	uint64_t	 tl_sent;	/* PCM bytes sent to the engine */
	uint64_t	 tl_consumed;	/* ... and played */
	int		 tl_code;	/* TL_DRAIN: the answer */
	char		 tl_msg[160];
	int		 tl_ws;		/* over a WebSocket */
	uint8_t		 tl_odd;	/* WebSocket: half a sample */
	int		 tl_hasodd;
};

static uint32_t	session_seq;

static void	talk_input(struct conn *);

static int
talk_msg(struct talker *t, uint32_t type, const void *data, size_t len)
{
	struct talk_req	tr;
	struct iovec	iov[2];

	if (!web->w_engine_up || t->tl_cam == NULL)
		return -1;
	memset(&tr, 0, sizeof(tr));
	strlcpy(tr.tr_id, t->tl_cam->cam_id, sizeof(tr.tr_id));
	tr.tr_session = t->tl_session;
	iov[0].iov_base = &tr;
	iov[0].iov_len = sizeof(tr);
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;
	return chanev_composev(&web->w_engine, type, 0, -1, iov,
	    len > 0 ? 2 : 1);
}

static void
talk_release(struct talker *t)
{
	if (t->tl_cam != NULL && t->tl_cam->cam_talker == t)
		t->tl_cam->cam_talker = NULL;
	if (t->tl_conn != NULL)
		t->tl_conn->c_talk = NULL;
	free(t);
}

/* Answer and forget the talk; the connection closes after the answer. */
static void
talk_reply(struct talker *t, int status, const char *msg, double seconds)
{
	struct conn	*c = t->tl_conn;
	struct jsonw	 w;
	const char	*s;
	char		 text[sizeof(t->tl_msg)];
	size_t		 len;

	/* msg may be t's own. */
	strlcpy(text, msg != NULL ? msg : "", sizeof(text));
	talk_release(t);
	c->c_state = CS_WRITE;
	c->c_keepalive = 0;
	if (status != 200) {
		reply_error(c, status, text);
		return;
	}
	jsonw_init(&w);
	jsonw_obj_open(&w);
	jsonw_key(&w, "seconds");
	jsonw_double(&w, seconds);
	jsonw_obj_close(&w);
	if ((s = jsonw_result(&w, &len)) == NULL)
		reply_error(c, 500, "cannot build the answer");
	else
		reply_json(c, 200, s, len);
	jsonw_free(&w);
}

/* Refuse, but read the rest of the body first so the answer arrives. */
static void
talk_refuse(struct talker *t, int code, const char *msg)
{
	if (t->tl_state == TL_STARTING || t->tl_state == TL_RUNNING)
		(void)talk_msg(t, IMSG_TALK_ABORT, NULL, 0);
	t->tl_state = TL_DRAIN;
	t->tl_code = code;
	strlcpy(t->tl_msg, msg, sizeof(t->tl_msg));
	if (t->tl_cam->cam_talker == t)
		t->tl_cam->cam_talker = NULL;
	t->tl_cam = NULL;
	talk_input(t->tl_conn);
}

int
talk_streamed_body(const struct http_req *r)
{
	return r->method == HTTP_POST && api_is_talk(r->path);
}

void
talk_post(struct conn *c, struct cam *cam)
{
	struct talker	*t;

	c->c_keepalive = 0;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		reply_error(c, 500, "out of memory");
		return;
	}
	t->tl_conn = c;
	t->tl_cam = cam;
	t->tl_left = c->c_req.content_length;
	t->tl_session = ++session_seq;
	c->c_talk = t;
	c->c_state = CS_TALK;
	conn_set_timeout(c, WEB_TALK_TIMEOUT);
	if (c->c_req.expect_continue && c->c_req.minor >= 1 &&
	    evbuffer_get_length(c->c_in) < t->tl_left)
		evbuffer_add_printf(c->c_out, "HTTP/1.1 100 Continue\r\n\r\n");
	if (cam->cam_talker != NULL) {
		talk_refuse(t, 409, "somebody is already talking on this "
		    "camera");
		return;
	}
	cam->cam_talker = t;
	talk_input(c);
}

/* Body bytes at hand, at most the body's rest. */
static size_t
talk_avail(struct conn *c, struct talker *t)
{
	size_t	n = evbuffer_get_length(c->c_in);

	return n < t->tl_left ? n : t->tl_left;
}

static void
talk_head(struct conn *c, struct talker *t)
{
	struct wav_info	 wi;
	const uint8_t	*p;
	char		 err[160];
	size_t		 n = talk_avail(c, t);
	int		 r;

	if (n > WAV_HEAD_MAX + 8)
		n = WAV_HEAD_MAX + 8;
	if ((p = evbuffer_pullup(c->c_in, n)) == NULL && n > 0) {
		talk_refuse(t, 500, "out of memory");
		return;
	}
	r = wav_parse(p, n, n == t->tl_left, &wi, err, sizeof(err));
	if (r == WAV_MORE)
		return;
	if (r != WAV_OK) {
		talk_refuse(t, 415, err);
		return;
	}
	evbuffer_drain(c->c_in, wi.wi_data_off);
	t->tl_left -= wi.wi_data_off;
	t->tl_data = wi.wi_data_len < t->tl_left ? wi.wi_data_len :
	    t->tl_left;
	t->tl_data &= ~(uint64_t)1;	/* whole samples */
	if (talk_msg(t, IMSG_TALK_START, NULL, 0) == -1) {
		talk_refuse(t, 503, "camera engine unavailable");
		return;
	}
	t->tl_state = TL_STARTING;
}

/* Samples to the engine, within the window; then the rest is skipped. */
static void
talk_samples(struct conn *c, struct talker *t)
{
	uint8_t		 buf[TALK_CHUNK_MAX];
	size_t		 n, room;

	for (;;) {
		room = TALK_WINDOW - (t->tl_sent - t->tl_consumed);
		n = talk_avail(c, t);
		if (n > t->tl_data)
			n = t->tl_data;
		if (n > room)
			n = room;
		if (n > sizeof(buf))
			n = sizeof(buf);
		n &= ~(size_t)1;
		if (n == 0)
			break;
		evbuffer_remove(c->c_in, buf, n);
		if (talk_msg(t, IMSG_TALK_DATA, buf, n) == -1) {
			talk_refuse(t, 503, "camera engine unavailable");
			return;
		}
		t->tl_left -= n;
		t->tl_data -= n;
		t->tl_sent += n;
	}
	if (t->tl_data > 0)
		return;
	n = talk_avail(c, t);
	evbuffer_drain(c->c_in, n);
	t->tl_left -= n;
	if (t->tl_left > 0)
		return;
	if (talk_msg(t, IMSG_TALK_END, NULL, 0) == -1) {
		talk_refuse(t, 503, "camera engine unavailable");
		return;
	}
	t->tl_state = TL_ENDING;
}

static void
talk_input(struct conn *c)
{
	struct talker	*t = c->c_talk;
	size_t		 n, before;

	if (t == NULL)
		return;
	before = evbuffer_get_length(c->c_in);
	switch (t->tl_state) {
	case TL_HEAD:
		talk_head(c, t);
		if (c->c_talk == t && t->tl_state == TL_STARTING)
			break;
		return;
	case TL_RUNNING:
		talk_samples(c, t);
		break;
	case TL_DRAIN:
		n = talk_avail(c, t);
		evbuffer_drain(c->c_in, n);
		t->tl_left -= n;
		if (t->tl_left == 0)
			talk_reply(t, t->tl_code, t->tl_msg, 0);
		return;
	default:
		break;
	}
	if (c->c_talk == t && evbuffer_get_length(c->c_in) != before)
		conn_set_timeout(c, WEB_TALK_TIMEOUT);
}

/* From conn_process(): new body bytes. */
void
talk_read(struct conn *c)
{
	struct talker	*t = c->c_talk;

	if (t == NULL)
		return;
	talk_input(c);
	if (c->c_talk == t && c->c_eof && t->tl_left > 0 &&
	    evbuffer_get_length(c->c_in) < t->tl_left) {
		/* The client gave up in the middle of its body. */
		if (t->tl_state != TL_HEAD && t->tl_state != TL_DRAIN)
			(void)talk_msg(t, IMSG_TALK_ABORT, NULL, 0);
		talk_release(t);
		conn_close(c);
	}
}

void
talk_timeout(struct conn *c)
{
	struct talker	*t = c->c_talk;

	if (t == NULL) {
		conn_close(c);
		return;
	}
	if (t->tl_state == TL_DRAIN || t->tl_state == TL_HEAD ||
	    (t->tl_state == TL_RUNNING && t->tl_left > 0 &&
	    t->tl_sent - t->tl_consumed < TALK_WINDOW)) {
		/* The client stopped sending. */
		if (t->tl_state == TL_RUNNING)
			(void)talk_msg(t, IMSG_TALK_ABORT, NULL, 0);
		talk_reply(t, 408, "request timeout", 0);
		return;
	}
	(void)talk_msg(t, IMSG_TALK_ABORT, NULL, 0);
	talk_reply(t, 504, "the camera engine did not play the audio in "
	    "time", 0);
}

/* The connection goes away (conn_close). */
void
talk_detach(struct conn *c)
{
	struct talker	*t = c->c_talk;

	if (t == NULL)
		return;
	if (t->tl_state != TL_HEAD && t->tl_state != TL_DRAIN)
		(void)talk_msg(t, IMSG_TALK_ABORT, NULL, 0);
	t->tl_conn = NULL;
	c->c_talk = NULL;
	talk_release(t);
}

/*
 * IMSG_TALK_STATUS from the engine: 0, or -1 if it cannot be (more played
 * than sent, an unknown event).
 */
int
talk_status(const struct talk_status *ts)
{
	struct cam	*cam;
	struct talker	*t;
	struct conn	*c;
	char		 msg[sizeof(ts->ts_msg)];

	if ((cam = cam_find(ts->ts_id)) == NULL ||
	    (t = cam->cam_talker) == NULL ||
	    t->tl_session != ts->ts_session)
		return 0;	/* it went away meanwhile */
	if ((ts->ts_event == TALK_EV_CREDIT && ts->ts_consumed > t->tl_sent) ||
	    ts->ts_event < TALK_EV_STARTED || ts->ts_event > TALK_EV_FAIL)
		return -1;
	if ((c = t->tl_conn) == NULL) {
		/* A WebSocket talker that hung up: its rest plays out. */
		if (ts->ts_event == TALK_EV_DONE || ts->ts_event == TALK_EV_FAIL)
			talk_release(t);
		return 0;
	}
	switch (ts->ts_event) {
	case TALK_EV_STARTED:
		if (t->tl_state == TL_STARTING)
			t->tl_state = TL_RUNNING;
		if (t->tl_ws)
			ws_send_text(c, "{\"event\":\"talking\"}");
		break;
	case TALK_EV_CREDIT:
		if (ts->ts_consumed > t->tl_consumed && !t->tl_ws)
			conn_set_timeout(c, WEB_TALK_TIMEOUT);
		t->tl_consumed = ts->ts_consumed;
		break;
	case TALK_EV_DONE:
		if (t->tl_ws)
			break;	/* only after talk_ws_end(), detached */
		talk_reply(t, 200, NULL, ts->ts_samples / 8000.0);
		return 0;
	case TALK_EV_FAIL:
		strlcpy(msg, ts->ts_msg[0] ? ts->ts_msg : "talk-back failed",
		    sizeof(msg));
		if (t->tl_ws) {
			talk_release(t);
			/* 4000 + the HTTP status: 4409 busy, 4503 offline. */
			ws_close(c, ts->ts_code >= 400 && ts->ts_code < 600 ?
			    4000 + ts->ts_code : WS_CLOSE_ERROR, msg);
			return 0;
		}
		talk_refuse(t, ts->ts_code >= 400 && ts->ts_code < 600 ?
		    ts->ts_code : 500, msg);
		return 0;
	}
	if (c->c_dying || c->c_talk != t)
		return 0;
	if (t->tl_ws)
		ws_read(c);
	else
		talk_input(c);
	if (!c->c_dying)
		conn_update(c);
	return 0;
}

/*
 * GET /api/cameras/{id}/talk with an RFC 6455 opening handshake: the
 * viewer page's push-to-talk.  The talk lasts as long as the WebSocket;
 * its binary messages are the samples.
 */
void
talk_ws(struct conn *c, struct cam *cam)
{
	struct http_req	*r = &c->c_req;
	struct talker	*t;
	char		 accept[WS_ACCEPT_LEN + 1];
	static const char need_ws[] =
	    "{\"error\":\"a WebSocket upgrade is required here\"}";
	static const char need_13[] =
	    "{\"error\":\"WebSocket version 13 only\"}";

	c->c_keepalive = 0;
	if (r->method != HTTP_GET || !r->upgrade_ws || !r->conn_upgrade) {
		reply(c, 426, "application/json", need_ws, strlen(need_ws),
		    "Upgrade: websocket\r\nConnection: Upgrade\r\n");
		return;
	}
	if (r->ws_version != 13) {
		reply(c, 426, "application/json", need_13, strlen(need_13),
		    "Sec-WebSocket-Version: 13\r\n");
		return;
	}
	if (ws_accept(r->ws_key, accept) == -1) {
		reply_error(c, 400, "bad Sec-WebSocket-Key");
		return;
	}
	if (cam->cam_talker != NULL) {
		/* A page sees close codes, not the status of a refused
		 * handshake: open, then close with 4409. */
		ws_accept_conn(c, accept);
		ws_close(c, 4409, "somebody is already talking on this camera");
		return;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		reply_error(c, 500, "out of memory");
		return;
	}
	t->tl_conn = c;
	t->tl_cam = cam;
	t->tl_ws = 1;
	t->tl_session = ++session_seq;
	if (talk_msg(t, IMSG_TALK_START, NULL, 0) == -1) {
		free(t);
		reply_error(c, 503, "camera engine unavailable");
		return;
	}
	t->tl_state = TL_STARTING;
	c->c_talk = t;
	cam->cam_talker = t;
	ws_accept_conn(c, accept);
}

/* PCM bytes a WebSocket may hand over now. */
size_t
talk_ws_room(struct conn *c)
{
	struct talker	*t = c->c_talk;

	if (t == NULL || t->tl_state != TL_RUNNING)
		return 0;
	return TALK_WINDOW - (t->tl_sent - t->tl_consumed) -
	    (t->tl_hasodd ? 1 : 0);
}

void
talk_ws_data(struct conn *c, const uint8_t *p, size_t n)
{
	struct talker	*t = c->c_talk;
	uint8_t		 buf[TALK_CHUNK_MAX];
	size_t		 k, have;

	if (t == NULL)
		return;
	while (n > 0 || t->tl_hasodd) {
		have = 0;
		if (t->tl_hasodd) {
			buf[have++] = t->tl_odd;
			t->tl_hasodd = 0;
		}
		k = n < sizeof(buf) - have ? n : sizeof(buf) - have;
		memcpy(buf + have, p, k);
		have += k;
		p += k;
		n -= k;
		if (have & 1) {
			t->tl_odd = buf[--have];
			t->tl_hasodd = 1;
		}
		if (have == 0)
			break;
		if (talk_msg(t, IMSG_TALK_DATA, buf, have) == -1) {
			talk_release(t);
			ws_close(c, WS_CLOSE_ERROR, "camera engine "
			    "unavailable");
			return;
		}
		t->tl_sent += have;
	}
}

/* The WebSocket closed cleanly: what is queued still plays. */
void
talk_ws_end(struct conn *c)
{
	struct talker	*t = c->c_talk;

	if (t == NULL)
		return;
	if (t->tl_state == TL_STARTING || t->tl_state == TL_RUNNING) {
		if (talk_msg(t, IMSG_TALK_END, NULL, 0) == 0) {
			t->tl_state = TL_ENDING;
			t->tl_conn = NULL;
			c->c_talk = NULL;
			return;
		}
	}
	talk_detach(c);
}

/* The engine went away: every talk fails. */
void
talk_engine_gone(void)
{
	struct cam	*cam;

	struct talker	*t;
	struct conn	*c;

	RB_FOREACH(cam, camtree, &web->w_cams) {
		if ((t = cam->cam_talker) == NULL || t->tl_state == TL_DRAIN)
			continue;
		if ((c = t->tl_conn) == NULL)
			talk_release(t);
		else if (t->tl_ws) {
			talk_release(t);
			ws_close(c, WS_CLOSE_ERROR, "camera engine restarted");
		} else
			talk_refuse(t, 503, "camera engine restarted");
	}
}
