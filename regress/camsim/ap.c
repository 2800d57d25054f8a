/*
 * --ap: one camera in AP mode (PROTOCOL.md section 8), serving TCP the
 * way a client such as `v720ctl ap` talks to it: a bare cmd 115 (or 114)
 * header gets the device id, code 501 connects, code 502 carries forward
 * contents (204 join Wi-Fi, 4 base info, ...), answered as in STA mode.
 * The exact replies are in README.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "json.h"
#include "wire.h"
#include "camsim.h"

struct apconn {
	struct cam	*ac_cam;
	int		 ac_fd;
	struct event	 ac_ev;
	struct evbuffer	*ac_in, *ac_out;
	int		 ac_connected;	/* 501 seen */
	struct apconn	*ac_next;
};

static struct apconn	*ap_conns;

static void
ap_close(struct apconn *ac)
{
	struct apconn	**pp;

	for (pp = &ap_conns; *pp != NULL; pp = &(*pp)->ac_next)
		if (*pp == ac) {
			*pp = ac->ac_next;
			break;
		}
	event_del(&ac->ac_ev);
	close(ac->ac_fd);
	evbuffer_free(ac->ac_in);
	evbuffer_free(ac->ac_out);
	free(ac);
}

static void
ap_send(struct apconn *ac, uint16_t cmd, const char *json, size_t len)
{
	uint8_t		h[WIRE_HDR_LEN];
	struct wire_hdr	wh;

	memset(&wh, 0, sizeof(wh));
	wh.wh_len = (uint32_t)len;
	wh.wh_cmd = cmd;
	wire_hdr_encode(&wh, h);
	evbuffer_add(ac->ac_out, h, sizeof(h));
	evbuffer_add(ac->ac_out, json, len);
	/* Answers are small: the socket buffer takes them whole. */
	while (evbuffer_get_length(ac->ac_out) > 0)
		if (evbuffer_write(ac->ac_out, ac->ac_fd) <= 0)
			break;
}

static void
ap_json(struct apconn *ac, const char *p, size_t len)
{
	struct cam	*c = ac->ac_cam;
	struct json_doc	 d;
	char		 ans[2048], msg[2304];
	int64_t		 code, ccode = -1, t;
	int		 ct, n, status;

	if (json_parse(&d, p, len) == -1 ||
	    json_get_int(&d, "code", 0, 100000, &code) == -1) {
		log_debug("ap: bad JSON");
		return;
	}
	if (code == 501) {
		/* {target, token, unixTimer} */
		status = json_find(&d, 0, "target") != -1 &&
		    json_find(&d, 0, "token") != -1 &&
		    json_get_int(&d, "unixTimer", 0, INT64_MAX, &t) == 0 ?
		    200 : 400;
		ac->ac_connected = status == 200;
		n = snprintf(msg, sizeof(msg), "{\"code\": 501, \"status\": %d, "
		    "\"devId\": \"%s\", \"forwardId\": \"%08x\"}", status,
		    c->cam_uid, (unsigned)(rng_next(&c->cam_rng) & 0x7fffffff));
		ap_send(ac, WIRE_CMD_JSON, msg, (size_t)n);
		camlog_event(c, "ap-connect", status == 200 ? "ok" : "bad");
		return;
	}
	if (code != 502 || (ct = json_find(&d, 0, "content")) == -1 ||
	    d.tok[ct].type != JSON_OBJECT ||
	    json_int(&d, json_find(&d, ct, "code"), 0, 100000, &ccode) == -1) {
		n = snprintf(msg, sizeof(msg), "{\"code\": %lld, \"status\": 400}",
		    (long long)code);
		ap_send(ac, WIRE_CMD_JSON, msg, (size_t)n);
		return;
	}
	c->cam_sim->cs_st.st_forwards++;
	camlog_forward(c, (int)ccode, p + d.tok[ct].start,
	    (size_t)(d.tok[ct].end - d.tok[ct].start));
	if ((n = fwd_answer(c, &d, ct, ans, sizeof(ans))) == -1)
		n = snprintf(ans, sizeof(ans), "{\"code\": %lld, \"devTarget\": "
		    "\"%s\", \"status\": 404}", (long long)ccode, c->cam_uid);
	n = snprintf(msg, sizeof(msg), "{\"code\": 502, \"content\": %s}", ans);
	ap_send(ac, WIRE_CMD_JSON, msg, (size_t)n);
	if (ccode == 204 && strstr(ans, "\"status\":200") != NULL)
		camlog_event(c, "wifi", c->cam_wifi);
}

static void
ap_read(int fd, short what, void *arg)
{
	struct apconn	*ac = arg;
	struct wire_hdr	 h;
	uint8_t		*p;
	ssize_t		 n;
	char		 msg[128];
	int		 m, r;

	if ((n = evbuffer_read(ac->ac_in, fd, 16384)) == -1 &&
	    (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		ap_close(ac);
		return;
	}
	while ((r = camsim_nextmsg(ac->ac_in, WIRE_TCP_MAX_PAYLOAD, &h, &p)) == 1) {
		switch (h.wh_cmd) {
		case WIRE_CMD_MOTION_LIVE:
		case WIRE_CMD_MOTION_DIRECT:
			m = snprintf(msg, sizeof(msg), "{\"code\": %d, \"devId\": "
			    "\"%s\", \"status\": 200}", h.wh_cmd,
			    ac->ac_cam->cam_uid);
			ap_send(ac, WIRE_CMD_JSON, msg, (size_t)m);
			break;
		case WIRE_CMD_HEARTBEAT:
			ap_send(ac, WIRE_CMD_HEARTBEAT, "", 0);
			break;
		case WIRE_CMD_JSON:
			ap_json(ac, (char *)p + WIRE_HDR_LEN, h.wh_len);
			break;
		}
		evbuffer_drain(ac->ac_in, WIRE_HDR_LEN + h.wh_len);
	}
	if (r == -1) {
		log_info("ap: bad message length, closing");
		ap_close(ac);
	}
}

static void
ap_accept(int fd, short what, void *arg)
{
	struct cam	*c = arg;
	struct apconn	*ac;
	int		 cfd, one = 1;

	if ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	if ((ac = calloc(1, sizeof(*ac))) == NULL ||
	    (ac->ac_in = evbuffer_new()) == NULL ||
	    (ac->ac_out = evbuffer_new()) == NULL)
		fatal("%s", __func__);
	(void)setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ac->ac_cam = c;
	ac->ac_fd = cfd;
	ac->ac_next = ap_conns;
	ap_conns = ac;
	event_set(&ac->ac_ev, cfd, EV_READ | EV_PERSIST, ap_read, ac);
	event_add(&ac->ac_ev, NULL);
	camlog_event(c, "ap-client", NULL);
}

int
ap_main(struct camsim *cs)
{
	struct event	 lev;
	int		 lfd;

	if ((lfd = camsim_listen(&cs->cs_o.o_addr, 16)) == -1)
		fatal("ap: listen");
	event_set(&lev, lfd, EV_READ | EV_PERSIST, ap_accept, &cs->cs_cams[0]);
	event_add(&lev, NULL);
	log_info("AP mode camera %s listening", cs->cs_cams[0].cam_uid);
	event_dispatch();
	event_del(&lev);
	close(lfd);
	while (ap_conns != NULL)
		ap_close(ap_conns);
	return 0;
}
