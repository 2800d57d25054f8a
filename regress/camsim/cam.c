/*
 * One camera's control side: HTTP bootstrap (PROTOCOL.md section 1), the
 * TCP connection with registration and heartbeats (section 4), framing of
 * what the server sends, and reconnection with backoff.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "json.h"
#include "proc.h"
#include "wire.h"
#include "camsim.h"

#define BOOT_MAX	65536		/* bootstrap answer bound */
#define TCP_IN_MAX	65536		/* a server message bound */
#define REGISTER_MS	10000		/* wait this long for code 101 */

static void	cam_timer_cb(int, short, void *);
static void	boot_cb(int, short, void *);
static void	tcp_connect(struct cam *);
static void	tcp_read_cb(int, short, void *);
static void	tcp_write_cb(int, short, void *);
static void	tcp_flush(struct cam *);
static void	hb_cb(int, short, void *);

void
cam_init(struct camsim *cs, struct cam *c, int idx)
{
	size_t	plen = strlen(cs->cs_o.o_uidpfx);
	char	tmp[64];

	memset(c, 0, sizeof(*c));
	c->cam_sim = cs;
	c->cam_idx = idx;
	if (cs->cs_o.o_ncams == 1 && plen == CAMSIM_UID_LEN)
		strlcpy(c->cam_uid, cs->cs_o.o_uidpfx, sizeof(c->cam_uid));
	else {
		/*
		 * PREFIX + zero-padded index: 0800c + 0000001.  main()
		 * checked that the prefix leaves room; the width is kept
		 * within the uid anyway, so it is never negative (a
		 * left-justified field of 2^32 - n bytes).
		 */
		int	width = plen < CAMSIM_UID_LEN ?
		    (int)(CAMSIM_UID_LEN - plen) : 0;

		snprintf(tmp, sizeof(tmp), "%s%0*d", cs->cs_o.o_uidpfx,
		    width, idx + 1);
		strlcpy(c->cam_uid, tmp, sizeof(c->cam_uid));
	}
	rng_seed(&c->cam_rng, cs->cs_o.o_seed, (uint64_t)idx + 1);
	c->cam_hfd = c->cam_fd = c->cam_ufd = -1;
	c->cam_pkg = cs->cs_o.o_pkg_start;
	evtimer_set(&c->cam_timer, cam_timer_cb, c);
	evtimer_set(&c->cam_hb, hb_cb, c);
	fwd_defaults(c);
	media_init(c);
	delay_init(c);
	if ((c->cam_in = evbuffer_new()) == NULL ||
	    (c->cam_out = evbuffer_new()) == NULL ||
	    (c->cam_hbuf = evbuffer_new()) == NULL ||
	    (c->cam_frame = malloc(cs->cs_maxjpeg)) == NULL)
		fatal("%s", __func__);
}

void
cam_free(struct cam *c)
{
	cam_drop(c, NULL, -2);
	mqtt_cam_free(c);
	evbuffer_free(c->cam_in);
	evbuffer_free(c->cam_out);
	evbuffer_free(c->cam_hbuf);
	free(c->cam_frame);
}

void
cam_start(struct cam *c, int delay_ms)
{
	c->cam_state = CAM_IDLE;
	evtimer_del(&c->cam_timer);
	camsim_timer(&c->cam_timer, delay_ms);
}

/*
 * A non-blocking socket, bound to --source if given: a camera that moved
 * to another address (DHCP) on one loopback.
 */
int
cam_socket(struct camsim *cs, int type)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	if (cs->cs_o.o_source.s_addr == INADDR_ANY)
		return fd;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = cs->cs_o.o_source;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		log_warn("bind --source");
		close(fd);
		return -1;
	}
	return fd;
}

/* Start the HTTP bootstrap exchange. */
static void
boot_start(struct cam *c)
{
	struct camsim	*cs = c->cam_sim;

	if ((c->cam_hfd = cam_socket(cs, SOCK_STREAM)) == -1) {
		cam_drop(c, "bootstrap socket", -1);
		return;
	}
	if (connect(c->cam_hfd, (struct sockaddr *)&cs->cs_o.o_addr,
	    sizeof(cs->cs_o.o_addr)) == -1 && errno != EINPROGRESS) {
		cam_drop(c, "bootstrap connect", -1);
		return;
	}
	c->cam_state = CAM_BOOT;
	c->cam_hsent = 0;
	evbuffer_drain(c->cam_hbuf, evbuffer_get_length(c->cam_hbuf));
	event_set(&c->cam_hev, c->cam_hfd, EV_WRITE, boot_cb, c);
	event_add(&c->cam_hev, NULL);
	camsim_timer(&c->cam_timer, REGISTER_MS);
}

static void
boot_request(struct cam *c)
{
	static const char	 az[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	char			 rnd[7], tok[11];
	int			 i;

	for (i = 0; i < 6; i++)
		rnd[i] = az[rng_below(&c->cam_rng, 26)];
	rnd[6] = '\0';
	for (i = 0; i < 10; i++)
		tok[i] = "0123456789abcdef"[rng_below(&c->cam_rng, 16)];
	tok[10] = '\0';
	/* The 56... family asks getDevInfo and nothing else (section 10). */
	if (c->cam_sim->cs_o.o_firmware) {
		evbuffer_add_printf(c->cam_hbuf,
		    "POST /app/api/ApiSysDevices/getDevInfo?devicesCode=%s"
		    "&random=%s&token=%s HTTP/1.1\r\nHost: %s\r\n"
		    "version: 202411051530\r\n\r\n", c->cam_uid, rnd, tok,
		    CAMSIM_DOMAIN);
		return;
	}
	/* PROTOCOL.md section 1: no body, no Content-Length. */
	evbuffer_add_printf(c->cam_hbuf,
	    "POST /app/api/ApiServer/getA9ConfCheck?devicesCode=%s&random=%s"
	    "&token=%s HTTP/1.1\r\nHost: %s\r\nversion: %s\r\n\r\n",
	    c->cam_uid, rnd, tok, CAMSIM_DOMAIN, CAMSIM_FIRMWARE);
}

/* Parse a complete answer; 1 done, 0 need more, -1 bad. */
static int
boot_parse(struct cam *c, int eof)
{
	struct json_doc	 d;
	char		*p, *end, *cl, host[64];
	size_t		 len, hlen, blen;
	int64_t		 port, clen = -1;
	int		 data;

	len = evbuffer_get_length(c->cam_hbuf);
	p = (char *)evbuffer_pullup(c->cam_hbuf, -1);
	if (p == NULL || (end = memmem(p, len, "\r\n\r\n", 4)) == NULL)
		return eof ? -1 : 0;
	hlen = (size_t)(end - p) + 4;
	if (len < 12 || memcmp(p, "HTTP/1.", 7) != 0 ||
	    memcmp(p + 8, " 200", 4) != 0)
		return -1;
	if ((cl = memmem(p, hlen, "\r\nContent-Length:", 17)) != NULL ||
	    (cl = memmem(p, hlen, "\r\ncontent-length:", 17)) != NULL)
		clen = strtoll(cl + 17, NULL, 10);
	blen = len - hlen;
	if (clen >= 0 && blen < (size_t)clen)
		return eof ? -1 : 0;
	if (clen < 0 && !eof)
		return 0;
	if (clen >= 0)
		blen = (size_t)clen;
	if (json_parse(&d, p + hlen, blen) == -1 ||
	    (data = json_find(&d, 0, "data")) == -1)
		return -1;
	if (c->cam_sim->cs_o.o_firmware) {
		/* {"code":200,...,"data":{"userInfo_state":1}} */
		if (json_get_int(&d, "code", 0, 1000, &port) == -1 ||
		    port != 200 || d.tok[data].type != JSON_OBJECT)
			return -1;
		return 1;
	}
	if (json_int(&d, json_find(&d, data, "tcpPort"), 1, 65535, &port) == -1 ||
	    json_str(&d, json_find(&d, data, "host"), host, sizeof(host)) == -1)
		return -1;
	if (json_str(&d, json_find(&d, data, "pwd"), c->cam_pwd,
	    sizeof(c->cam_pwd)) == -1)
		c->cam_pwd[0] = '\0';
	memset(&c->cam_srv, 0, sizeof(c->cam_srv));
	c->cam_srv.sin_family = AF_INET;
	c->cam_srv.sin_port = htons((uint16_t)port);
	/* A name we cannot resolve here: use the bootstrap server's address. */
	if (inet_pton(AF_INET, host, &c->cam_srv.sin_addr) != 1)
		c->cam_srv.sin_addr = c->cam_sim->cs_o.o_addr.sin_addr;
	return 1;
}

static void
boot_close(struct cam *c)
{
	if (c->cam_hfd != -1) {
		event_del(&c->cam_hev);
		close(c->cam_hfd);
		c->cam_hfd = -1;
	}
}

static void
boot_cb(int fd, short what, void *arg)
{
	struct cam	*c = arg;
	int		 err = 0, r;
	socklen_t	 sl = sizeof(err);
	ssize_t		 n;

	if (!c->cam_hsent) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) == -1 ||
		    err != 0) {
			cam_drop(c, "bootstrap connect failed", -1);
			return;
		}
		boot_request(c);
		if (evbuffer_write(c->cam_hbuf, fd) == -1 ||
		    evbuffer_get_length(c->cam_hbuf) != 0) {
			cam_drop(c, "bootstrap write", -1);
			return;
		}
		c->cam_hsent = 1;
		event_set(&c->cam_hev, fd, EV_READ | EV_PERSIST, boot_cb, c);
		event_add(&c->cam_hev, NULL);
		return;
	}
	n = evbuffer_read(c->cam_hbuf, fd, 4096);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1 || evbuffer_get_length(c->cam_hbuf) > BOOT_MAX) {
		cam_drop(c, "bootstrap read", -1);
		return;
	}
	if ((r = boot_parse(c, n == 0)) == 0)
		return;
	if (r == -1) {
		cam_drop(c, "bad bootstrap answer", -1);
		return;
	}
	/* The camera closes the connection after the answer. */
	boot_close(c);
	if (c->cam_sim->cs_o.o_firmware) {
		/* MQTT only from here on: no TCP registration. */
		evtimer_del(&c->cam_timer);
		camlog_event(c, "devinfo", NULL);
		c->cam_state = CAM_ONLINE;
		c->cam_backoff = 0;
		mqtt_cam_start(c, 0);
		return;
	}
	camlog_event(c, "bootstrap", c->cam_pwd);
	tcp_connect(c);
}

static void
tcp_connect(struct cam *c)
{
	int	one = 1;

	if ((c->cam_fd = cam_socket(c->cam_sim, SOCK_STREAM)) == -1) {
		cam_drop(c, "socket", -1);
		return;
	}
	(void)setsockopt(c->cam_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->cam_fd, (struct sockaddr *)&c->cam_srv,
	    sizeof(c->cam_srv)) == -1 && errno != EINPROGRESS) {
		cam_drop(c, "connect", -1);
		return;
	}
	c->cam_state = CAM_CONNECT;
	event_set(&c->cam_rev, c->cam_fd, EV_READ | EV_PERSIST, tcp_read_cb, c);
	event_set(&c->cam_wev, c->cam_fd, EV_WRITE, tcp_write_cb, c);
	evtimer_set(&c->cam_split, tcp_write_cb, c);
	event_add(&c->cam_wev, NULL);
	evtimer_del(&c->cam_timer);
	camsim_timer(&c->cam_timer, REGISTER_MS);
}

static void
cam_register(struct cam *c)
{
	char	buf[256];
	int	n;

	/* Byte layout of frame 37 of vectors/capture-tcp.txt, spaces and all. */
	n = snprintf(buf, sizeof(buf), "{\"code\": 100, \"uid\": \"%s\", "
	    "\"token\": \"%s\" ,\"domain\": \"%s\"}", c->cam_uid, c->cam_pwd,
	    CAMSIM_DOMAIN);
	c->cam_state = CAM_REGISTER;
	event_add(&c->cam_rev, NULL);
	cam_send_json(c, buf, (size_t)n);
}

static void
cam_timer_cb(int fd, short what, void *arg)
{
	struct cam	*c = arg;
	struct camsim	*cs = c->cam_sim;

	switch (c->cam_state) {
	case CAM_IDLE:
		if (cs->cs_o.o_firmware && !cs->cs_o.o_bootstrap) {
			c->cam_state = CAM_ONLINE;
			mqtt_cam_start(c, 0);
		} else if (cs->cs_o.o_bootstrap)
			boot_start(c);
		else {
			c->cam_srv = cs->cs_o.o_addr;
			strlcpy(c->cam_pwd, cs->cs_o.o_token, sizeof(c->cam_pwd));
			tcp_connect(c);
		}
		break;
	case CAM_BOOT:
		cam_drop(c, "bootstrap timeout", -1);
		break;
	case CAM_CONNECT:
	case CAM_REGISTER:
		cam_drop(c, "no code 101", -1);
		break;
	default:
		break;
	}
}

static void
hb_cb(int fd, short what, void *arg)
{
	struct cam	*c = arg;
	uint8_t		 h[WIRE_HDR_LEN];
	struct wire_hdr	 wh;

	memset(&wh, 0, sizeof(wh));
	wh.wh_cmd = WIRE_CMD_HEARTBEAT;
	wire_hdr_encode(&wh, h);
	cam_send_raw(c, h, sizeof(h));
	camsim_timer(&c->cam_hb, (long)(c->cam_sim->cs_o.o_heartbeat * 1000));
}

/* One complete JSON message from the server (after --latency). */
void
cam_tcp_json(struct cam *c, const char *p, size_t len)
{
	struct json_doc	 d;
	int64_t		 code;

	if (json_parse(&d, p, len) == -1 ||
	    json_get_int(&d, "code", 0, 100000, &code) == -1) {
		log_debug("%s: unparsable JSON from server", c->cam_uid);
		return;
	}
	switch (code) {
	case 101:
		if (c->cam_state != CAM_REGISTER)
			break;
		c->cam_state = CAM_ONLINE;
		c->cam_backoff = 0;
		c->cam_sim->cs_st.st_registers++;
		evtimer_del(&c->cam_timer);
		camsim_timer(&c->cam_hb, (long)(c->cam_sim->cs_o.o_heartbeat * 1000));
		camlog_event(c, "registered", NULL);
		break;
	case 11:
		media_nat(c, p, len);
		break;
	case 301:
		fwd_handle(c, p, len);
		break;
	default:
		/* 53 (device status) and anything else: nothing to do. */
		break;
	}
}

static void
tcp_read_cb(int fd, short what, void *arg)
{
	struct cam	*c = arg;
	struct wire_hdr	 h;
	uint8_t		*p;
	ssize_t		 n;
	int		 r;

	n = evbuffer_read(c->cam_in, fd, 16384);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		cam_drop(c, n == 0 ? "server closed" : "read error", -1);
		return;
	}
	while ((r = camsim_nextmsg(c->cam_in, TCP_IN_MAX, &h, &p)) == 1) {
		if (h.wh_cmd == WIRE_CMD_JSON && !delay_push(c, DELAY_TCP,
		    (char *)p + WIRE_HDR_LEN, h.wh_len))
			cam_tcp_json(c, (char *)p + WIRE_HDR_LEN, h.wh_len);
		if (c->cam_fd != fd)
			return;		/* dropped while handling */
		evbuffer_drain(c->cam_in, WIRE_HDR_LEN + h.wh_len);
	}
	if (r == -1)
		cam_drop(c, "bad message length", -1);
}

static void
tcp_write_cb(int fd, short what, void *arg)
{
	struct cam	*c = arg;
	int		 err = 0;
	socklen_t	 sl = sizeof(err);

	if (c->cam_state == CAM_CONNECT) {
		if (getsockopt(c->cam_fd, SOL_SOCKET, SO_ERROR, &err, &sl) == -1 ||
		    err != 0) {
			cam_drop(c, "connect failed", -1);
			return;
		}
		cam_register(c);
		return;
	}
	c->cam_wpending = 0;
	tcp_flush(c);
}

static void
tcp_flush(struct cam *c)
{
	struct camsim	*cs = c->cam_sim;
	size_t		 avail = evbuffer_get_length(c->cam_out), n;
	int		 r;

	if (c->cam_fd == -1 || c->cam_state == CAM_CONNECT ||
	    c->cam_state == CAM_DEAD || avail == 0)
		return;
	n = cs->cs_o.o_split_tcp ? fault_split(&c->cam_rng, avail) : avail;
	r = evbuffer_write_atmost(c->cam_out, c->cam_fd, (ssize_t)n);
	if (r == -1 && errno != EAGAIN && errno != EINTR) {
		cam_drop(c, "write error", -1);
		return;
	}
	if (evbuffer_get_length(c->cam_out) == 0)
		return;
	c->cam_wpending = 1;
	if (cs->cs_o.o_split_tcp && r > 0)
		/* Separate segments: the next piece a moment later. */
		camsim_timer(&c->cam_split, rng_below(&c->cam_rng, 3));
	else
		event_add(&c->cam_wev, NULL);
}

void
cam_send_raw(struct cam *c, const void *p, size_t len)
{
	struct camsim	*cs = c->cam_sim;

	if (c->cam_fd == -1 || c->cam_state == CAM_DEAD)
		return;
	evbuffer_add(c->cam_out, p, len);
	if (c->cam_wpending || c->cam_state == CAM_CONNECT)
		return;
	if (cs->cs_o.o_split_tcp) {
		/* Coalesce: whatever else is queued in the next ms goes too. */
		c->cam_wpending = 1;
		camsim_timer(&c->cam_split, rng_below(&c->cam_rng, 2));
	} else
		tcp_flush(c);
}

int
cam_send_json(struct cam *c, const char *json, size_t len)
{
	struct camsim	*cs = c->cam_sim;
	uint8_t		 h[WIRE_HDR_LEN], *g;
	struct wire_hdr	 wh;
	size_t		 glen;

	if (cs->cs_o.o_garbage > 0 &&
	    rng_unit(&c->cam_rng) < cs->cs_o.o_garbage &&
	    (g = malloc(65536)) != NULL) {
		glen = garbage_make(&c->cam_rng, garbage_pick(&c->cam_rng, 1,
		    cs->cs_o.o_garbage_hard), 1, g, 65536);
		cam_send_raw(c, g, glen);
		cs->cs_st.st_garbage++;
		free(g);
	}
	memset(&wh, 0, sizeof(wh));
	wh.wh_len = (uint32_t)len;
	wh.wh_cmd = WIRE_CMD_JSON;
	wire_hdr_encode(&wh, h);
	cam_send_raw(c, h, sizeof(h));
	cam_send_raw(c, json, len);
	return 0;
}

/*
 * Close everything and come back after delay_ms (-1: backoff, -2: never,
 * as at exit).
 */
void
cam_drop(struct cam *c, const char *why, int delay_ms)
{
	struct camsim	*cs = c->cam_sim;
	int		 base;

	if (why != NULL)
		log_info("%s: %s", c->cam_uid, why);
	boot_close(c);
	media_close(c);
	evtimer_del(&c->cam_hb);
	evtimer_del(&c->cam_timer);
	if (c->cam_fd != -1) {
		event_del(&c->cam_rev);
		event_del(&c->cam_wev);
		evtimer_del(&c->cam_split);
		close(c->cam_fd);
		c->cam_fd = -1;
	}
	c->cam_wpending = 0;
	delay_clear(c, DELAY_TCP);
	evbuffer_drain(c->cam_in, evbuffer_get_length(c->cam_in));
	evbuffer_drain(c->cam_out, evbuffer_get_length(c->cam_out));
	if (why != NULL)
		camlog_event(c, "drop", why);
	if (delay_ms == -2 || c->cam_state == CAM_DEAD)
		return;
	cs->cs_st.st_reconnects++;
	if (delay_ms == -1) {
		base = cs->cs_o.o_backoff_ms;
		delay_ms = base << (c->cam_backoff < 5 ? c->cam_backoff : 5);
		if (delay_ms > 30000)
			delay_ms = 30000;
		delay_ms += (int)rng_below(&c->cam_rng, (uint32_t)base / 2 + 1);
		c->cam_backoff++;
	}
	cam_start(c, delay_ms);
}

/* --die-after: vanish as the chosen way says. */
void
cam_die(struct cam *c)
{
	struct camsim	*cs = c->cam_sim;
	struct linger	 l = { 1, 0 };

	camlog_event(c, "die", cs->cs_o.o_die_how == DIE_EXIT ? "exit" :
	    cs->cs_o.o_die_how == DIE_RST ? "rst" : "silent");
	switch (cs->cs_o.o_die_how) {
	case DIE_EXIT:
		if (cs->cs_log != NULL)
			fflush(cs->cs_log);
		_exit(3);
	case DIE_RST:
		if (c->cam_fd != -1)
			(void)setsockopt(c->cam_fd, SOL_SOCKET, SO_LINGER, &l,
			    sizeof(l));
		c->cam_state = CAM_DEAD;
		cam_drop(c, NULL, -2);
		break;
	case DIE_SILENT:
		/* Power cut: sockets stay open, nothing is ever sent again. */
		c->cam_state = CAM_DEAD;
		evtimer_del(&c->cam_hb);
		evtimer_del(&c->cam_timer);
		delay_clear(c, DELAY_ALL);
		/* camsim keeps running: exiting would close the sockets. */
		return;
	}
	camsim_cam_done(cs, c);
}
