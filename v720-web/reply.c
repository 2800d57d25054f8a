/* HTTP answers: status line, headers, body (copied or shared). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jsonw.h"
#include "log.h"
#include "web.h"

/* IMF-fixdate, formatted once a second. */
static const char *
http_date(void)
{
	static char	 buf[40];
	static time_t	 last = -1;
	time_t		 now = time(NULL);
	struct tm	 tm;

	if (now != last && gmtime_r(&now, &tm) != NULL &&
	    strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm) > 0)
		last = now;
	return buf;
}

static void
reply_head(struct conn *c, int status, const char *ctype, size_t len,
    int withlen, const char *extra)
{
	evbuffer_add_printf(c->c_out, "HTTP/1.1 %d %s\r\n"
	    "Date: %s\r\n"
	    "Server: v720-web\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Type: %s\r\n", status, http_status_text(status),
	    http_date(), ctype);
	if (withlen)
		evbuffer_add_printf(c->c_out, "Content-Length: %zu\r\n", len);
	evbuffer_add_printf(c->c_out, "Connection: %s\r\n%s\r\n",
	    c->c_keepalive ? "keep-alive" : "close", extra ? extra : "");
}

/* Queue the answer and start sending it. */
static void
reply_send(struct conn *c)
{
	c->c_state = c->c_keepalive ? CS_WRITE : CS_CLOSE;
	conn_set_timeout(c, WEB_WRITE_TIMEOUT);
	conn_flush(c);
}

void
reply(struct conn *c, int status, const char *ctype, const void *body,
    size_t len, const char *extra)
{
	if (c->c_dying)
		return;
	/* A refused request's body may still be on its way: do not reuse. */
	if (status == 400 || status == 408 || status == 413 || status == 414 ||
	    status == 431 || status == 501 || status == 505)
		c->c_keepalive = 0;
	reply_head(c, status, ctype, len, 1, extra);
	if (c->c_req.method != HTTP_HEAD && len > 0)
		evbuffer_add(c->c_out, body, len);
	log_debug("%s: %s %s -> %d", c->c_peer, http_method_name(c->c_req.method),
	    c->c_req.path ? c->c_req.path : "-", status);
	reply_send(c);
}

void
reply_head_only(struct conn *c, int status, const char *ctype, uint64_t len,
    const char *extra)
{
	if (c->c_dying)
		return;
	reply_head(c, status, ctype, len, 1, extra);
	log_debug("%s: %s %s -> %d", c->c_peer, http_method_name(c->c_req.method),
	    c->c_req.path ? c->c_req.path : "-", status);
	c->c_state = c->c_keepalive ? CS_WRITE : CS_CLOSE;
	conn_set_timeout(c, WEB_WRITE_TIMEOUT);
}

void
reply_json(struct conn *c, int status, const char *json, size_t len)
{
	reply(c, status, "application/json", json, len, NULL);
}

void
reply_error(struct conn *c, int status, const char *msg)
{
	struct jsonw	 w;
	const char	*s;
	size_t		 len;
	const char	*extra = NULL;

	jsonw_init(&w);
	jsonw_obj_open(&w);
	jsonw_kstr(&w, "error", msg);
	jsonw_obj_close(&w);
	if ((s = jsonw_result(&w, &len)) == NULL) {
		s = "{\"error\":\"internal\"}";
		len = strlen(s);
	}
	if (status == 401)
		extra = "WWW-Authenticate: Basic realm=\"v720d\", "
		    "charset=\"UTF-8\"\r\n";
	reply(c, status, "application/json", s, len, extra);
	jsonw_free(&w);
}

void
reply_frame(struct conn *c, struct frame *f)
{
	if (c->c_dying)
		return;
	reply_head(c, 200, "image/jpeg", f->f_len, 1, NULL);
	if (c->c_req.method != HTTP_HEAD &&
	    evbuffer_add_reference(c->c_out, f->f_data, f->f_len,
	    frame_evbuffer_cleanup, frame_ref(f)) == -1) {
		frame_unref(f);
		conn_close(c);
		return;
	}
	reply_send(c);
}

/* Headers of an endless stream; 0, or -1 when nothing more is to be sent. */
int
reply_stream_head(struct conn *c, const char *ctype)
{
	c->c_keepalive = 0;
	reply_head(c, 200, ctype, 0, 0, "Pragma: no-cache\r\n");
	if (c->c_req.method == HTTP_HEAD) {
		reply_send(c);
		return -1;
	}
	return 0;
}
