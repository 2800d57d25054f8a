/*
 * WebSocket connections (RFC 6455) after the opening handshake: client
 * frames read from the connection's input (whole frames, each at most
 * WS_FRAME_MAX, a message at most WS_MSG_MAX), control frames answered
 * (ping with pong, close with close), protocol errors closed with their
 * code.  Binary messages go to talk.c as 16-bit PCM, only as fast as the
 * talk's window allows: a client that sends faster than real time fills
 * its own socket buffers, nobody else's.  Timeouts: no whole frame for
 * WS_IDLE_TIMEOUT seconds (slowloris) closes the connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "wsproto.h"
#include "web.h"

#define WS_OUT_MAX	(64 * 1024)	/* unsent bytes to one client */
#define WS_CLOSE_WAIT	5		/* s: our close frame going out */

static void
ws_send(struct conn *c, int op, const void *p, size_t n)
{
	uint8_t	hdr[WS_HDR_MAX];
	size_t	hl;

	if (c->c_dying)
		return;
	if (evbuffer_get_length(c->c_out) > WS_OUT_MAX) {
		log_debug("%s: websocket client does not read, closing",
		    c->c_peer);
		conn_close(c);
		return;
	}
	hl = ws_frame_header(hdr, op, n);
	evbuffer_add(c->c_out, hdr, hl);
	if (n > 0)
		evbuffer_add(c->c_out, p, n);
	conn_flush(c);
}

void
ws_send_text(struct conn *c, const char *text)
{
	ws_send(c, WS_OP_TEXT, text, strlen(text));
}

/* Our close frame; the connection closes once it is out. */
void
ws_close(struct conn *c, int code, const char *reason)
{
	uint8_t	p[WS_CONTROL_MAX];
	size_t	n = 0, rl;

	if (c->c_dying || c->c_state != CS_WS)
		return;
	talk_detach(c);
	if (code != 1005) {
		p[0] = code >> 8;
		p[1] = code & 0xff;
		n = 2;
		if (reason != NULL) {
			rl = strlen(reason);
			if (rl > sizeof(p) - 2)
				rl = sizeof(p) - 2;
			/* Keep whole UTF-8 characters (ours are ASCII). */
			while (rl > 0 && !ws_utf8_valid((const uint8_t *)reason,
			    rl))
				rl--;
			memcpy(p + 2, reason, rl);
			n += rl;
		}
	}
	log_debug("%s: websocket closed, %d %s", c->c_peer, code,
	    reason ? reason : "");
	c->c_state = CS_CLOSE;
	conn_set_timeout(c, WS_CLOSE_WAIT);
	ws_send(c, WS_OP_CLOSE, p, n);
}

/* The 101 answer: from now on the connection speaks frames. */
void
ws_accept_conn(struct conn *c, const char *accept)
{
	evbuffer_add_printf(c->c_out, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
	c->c_keepalive = 0;
	c->c_state = CS_WS;
	c->c_ws_frag = 0;
	c->c_ws_msg = 0;
	conn_stream_sndbuf(c);
	conn_set_timeout(c, WS_IDLE_TIMEOUT);
	log_debug("%s: websocket open on %s", c->c_peer, c->c_req.path);
	conn_flush(c);
}

/* One whole frame at the front of the input; 1 done, 0 wait, -1 gone. */
static int
ws_frame(struct conn *c, const struct ws_frame *f)
{
	uint8_t		 buf[WS_FRAME_MAX];
	size_t		 n = f->wf_len;
	int		 r, code;

	switch (f->wf_op) {
	case WS_OP_CONT:
	case WS_OP_TEXT:
	case WS_OP_BINARY:
		if ((f->wf_op == WS_OP_CONT) != (c->c_ws_frag != 0)) {
			ws_close(c, WS_CLOSE_PROTOCOL, f->wf_op == WS_OP_CONT ?
			    "continuation without a message" :
			    "new message inside a fragmented one");
			return -1;
		}
		if (f->wf_op == WS_OP_TEXT || c->c_ws_frag == WS_OP_TEXT) {
			ws_close(c, WS_CLOSE_UNSUPPORTED, "binary messages of "
			    "16-bit PCM only");
			return -1;
		}
		if (c->c_ws_msg + n > WS_MSG_MAX) {
			ws_close(c, WS_CLOSE_TOO_BIG, "message too big");
			return -1;
		}
		if (n > talk_ws_room(c))
			return 0;	/* the talk's credit will call again */
		evbuffer_drain(c->c_in, f->wf_hdrlen);
		evbuffer_remove(c->c_in, buf, n);
		ws_unmask(buf, n, f->wf_mask, 0);
		c->c_ws_msg = f->wf_fin ? 0 : c->c_ws_msg + n;
		c->c_ws_frag = f->wf_fin ? 0 : WS_OP_BINARY;
		if (n > 0)
			talk_ws_data(c, buf, n);
		return c->c_dying || c->c_state != CS_WS ? -1 : 1;
	case WS_OP_PING:
	case WS_OP_PONG:
	case WS_OP_CLOSE:
		evbuffer_drain(c->c_in, f->wf_hdrlen);
		evbuffer_remove(c->c_in, buf, n);
		ws_unmask(buf, n, f->wf_mask, 0);
		if (f->wf_op == WS_OP_PING) {
			ws_send(c, WS_OP_PONG, buf, n);
			return c->c_dying ? -1 : 1;
		}
		if (f->wf_op == WS_OP_PONG)
			return 1;
		if ((r = ws_close_payload(buf, n, &code)) < 0) {
			ws_close(c, -r, "bad close frame");
			return -1;
		}
		/* The talker is done: play what is queued, then stop. */
		talk_ws_end(c);
		ws_close(c, code, NULL);
		return -1;
	}
	ws_close(c, WS_CLOSE_PROTOCOL, "bad opcode");
	return -1;
}

/* From conn_process() and the talk's credits: frames that can go. */
void
ws_read(struct conn *c)
{
	struct ws_frame	 f;
	const uint8_t	*p;
	size_t		 n;
	int		 r;

	while (!c->c_dying && c->c_state == CS_WS) {
		if ((n = evbuffer_get_length(c->c_in)) == 0)
			break;
		if ((p = evbuffer_pullup(c->c_in, n < WS_HDR_MAX ? n :
		    WS_HDR_MAX)) == NULL) {
			conn_close(c);
			return;
		}
		r = ws_frame_parse(p, n < WS_HDR_MAX ? n : WS_HDR_MAX,
		    WS_FRAME_MAX, &f);
		if (r < 0) {
			ws_close(c, -r, r == -WS_CLOSE_TOO_BIG ?
			    "frame too big" : "protocol error");
			return;
		}
		if (r == 0 || n < f.wf_hdrlen + f.wf_len)
			break;
		if ((r = ws_frame(c, &f)) <= 0)
			break;
		conn_set_timeout(c, WS_IDLE_TIMEOUT);
	}
	/* Gone without a close frame: the talk is cut off. */
	if (!c->c_dying && c->c_state == CS_WS && c->c_eof)
		conn_close(c);
}

void
ws_timeout(struct conn *c)
{
	ws_close(c, WS_CLOSE_POLICY, "no frame for too long");
}
