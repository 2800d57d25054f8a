/*
 * The camera engine in-process (engine_init, no fork, no privilege
 * drop), driven from its three sides: the parent channel (config push),
 * the web channel (viewers; frames and state out) and a scripted camera
 * on TCP and UDP.  Checks the data channel state machine step by step
 * (11, 20/21, 51/50, 53, 298, 4, 3), the frame passed to web byte for
 * byte, the 605s, datagrams from strangers, and forward 0 after the idle
 * timeout; the bootstrap answer and the token check over real sockets;
 * the control socket (lists, errors, settings as forwards, the relay to
 * the parent, a garbage client); how long a datagram batch may hold a
 * finished frame back from the consumers.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>
#include <criterion/criterion.h>

#include "chan.h"
#include "fringtab.h"
#include "json.h"
#include "msg.h"
#include "proc.h"
#include "wire.h"
#include "../../v720d/engine/engine.h"
#include "capture.h"

#define UID	"0800c00128F8"

static struct chan	par, web;	/* our ends */
static int		tcp = -1, udp = -1, srv_port;
static struct sockaddr_in srv, boot;
static char		ctlpath[108];

/* Run the engine's event loop for ms milliseconds. */
static void
pump(int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	chan_flush_all(&par);
	if (web.fd > 0)
		chan_flush_all(&web);
	event_loopexit(&tv);
	event_dispatch();
}

/* Next message of type on a channel (others skipped), within ms. */
static int
chan_wait(struct chan *c, uint32_t type, struct chan_msg *m, int ms)
{
	int	i, r;

	for (i = 0; i < ms / 10; i++) {
		while ((r = chan_get(c, m)) == 1) {
			if (m->hdr.ch_type == type)
				return 0;
			if (m->fd != -1)
				close(m->fd);
		}
		pump(10);
		chan_read(c);
	}
	return -1;
}

/*
 * The next frame the engine announces to web: its ring first (mapped as
 * v720-web maps it), then the notice; the frame copied out into buf.
 * 0, or -1 if none within ms.
 */
static struct fringtab	wrings;

static int
web_frame(struct cam_fslot *fs, uint8_t *buf, int ms)
{
	struct chan_msg	 m;
	struct fring	*fr;
	const char	*why;
	int		 i;

	for (i = 0; i < ms / 10; i++) {
		while (chan_get(&web, &m) == 1) {
			cr_assert_neq(fringtab_dispatch(&wrings, &m, &why), -1,
			    "%s", why);
			if (m.hdr.ch_type != IMSG_CAM_FSLOT)
				continue;
			fr = fringtab_notice(&wrings, &m, fs, &why);
			cr_assert_not_null(fr, "%s", why);
			cr_assert_eq(fringtab_copy(&wrings, fr, fs, buf), 0,
			    "frame overwritten before it was read");
			return 0;
		}
		pump(10);
		chan_read(&web);
	}
	return -1;
}

/* Next camera message with JSON code (and forward content code fcode,
 * or -1) on the TCP connection, within ms. */
static uint8_t	tbuf[65536];
static size_t	tlen;

static int
tcp_wait(int code, int fcode, struct camjson *j, int ms)
{
	struct wire_hdr	h;
	ssize_t		n;
	int		i;

	for (i = 0; i < ms / 10; i++) {
		while (tlen >= WIRE_HDR_LEN &&
		    wire_hdr_decode(tbuf, tlen, WIRE_TCP_MAX_PAYLOAD, &h) == 0 &&
		    tlen >= WIRE_HDR_LEN + h.wh_len) {
			int	ok = h.wh_cmd == WIRE_CMD_JSON &&
			    camjson_parse(tbuf + WIRE_HDR_LEN, h.wh_len, j) == 0 &&
			    j->cj_code == code &&
			    (fcode == -1 || j->cj_fcode == fcode);

			memmove(tbuf, tbuf + WIRE_HDR_LEN + h.wh_len,
			    tlen - WIRE_HDR_LEN - h.wh_len);
			tlen -= WIRE_HDR_LEN + h.wh_len;
			if (ok)
				return 0;
		}
		pump(10);
		while ((n = recv(tcp, tbuf + tlen, sizeof(tbuf) - tlen,
		    MSG_DONTWAIT)) > 0)
			tlen += n;
	}
	return -1;
}

static void
tcp_send_json(const char *json)
{
	uint8_t	buf[1024];
	struct wire_hdr	h;

	memset(&h, 0, sizeof(h));
	h.wh_len = strlen(json);
	wire_hdr_encode(&h, buf);
	memcpy(buf + WIRE_HDR_LEN, json, h.wh_len);
	cr_assert_eq(send(tcp, buf, WIRE_HDR_LEN + h.wh_len, 0),
	    (ssize_t)(WIRE_HDR_LEN + h.wh_len));
}

static void
udp_send_msg(int s, uint16_t cmd, uint8_t flag, uint32_t id, const void *p,
    size_t len)
{
	uint8_t		buf[WIRE_HDR_LEN + 1500];
	struct wire_hdr	h;

	memset(&h, 0, sizeof(h));
	h.wh_len = len;
	h.wh_cmd = cmd;
	h.wh_msg_flag = flag;
	h.wh_pkg_id = id;
	wire_hdr_encode(&h, buf);
	memcpy(buf + WIRE_HDR_LEN, p, len);
	cr_assert_eq(sendto(s, buf, WIRE_HDR_LEN + len, 0,
	    (struct sockaddr *)&srv, sizeof(srv)), (ssize_t)(WIRE_HDR_LEN + len));
}

/* Next datagram with cmd (and JSON code, or -1), within ms. */
static int
udp_wait(uint16_t cmd, int code, uint8_t *out, size_t *outlen, int ms)
{
	uint8_t		buf[2048];
	struct wire_hdr	h;
	struct camjson	j;
	ssize_t		n;
	int		i;

	for (i = 0; i < ms / 10; i++) {
		while ((n = recv(udp, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			if (wire_hdr_decode(buf, n, 1500, &h) == -1 ||
			    h.wh_cmd != cmd)
				continue;
			if (code != -1 && (camjson_parse(buf + WIRE_HDR_LEN,
			    n - WIRE_HDR_LEN, &j) == -1 || j.cj_code != code))
				continue;
			if (out != NULL) {
				memcpy(out, buf + WIRE_HDR_LEN, n - WIRE_HDR_LEN);
				*outlen = n - WIRE_HDR_LEN;
			}
			return 0;
		}
		pump(10);
	}
	return -1;
}

static void
tcp_register(const char *uid, const char *token)
{
	char	js[256];

	if (tcp != -1)
		close(tcp);
	tlen = 0;
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(connect(tcp, (struct sockaddr *)&srv, sizeof(srv)), 0);
	snprintf(js, sizeof(js), "{\"code\": 100, \"uid\": \"%s\", "
	    "\"token\": \"%s\", \"domain\": \"v720.naxclow.com\"}", uid,
	    token);
	tcp_send_json(js);
}

/* One HTTP exchange with the bootstrap server. */
static size_t
http(const void *req, size_t len, char *out, size_t outsz)
{
	size_t	got = 0;
	ssize_t	n;
	int	s, i;

	s = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(connect(s, (struct sockaddr *)&boot, sizeof(boot)), 0);
	cr_assert_eq(send(s, req, len, 0), (ssize_t)len);
	for (i = 0; i < 200; i++) {
		pump(10);
		while ((n = recv(s, out + got, outsz - 1 - got,
		    MSG_DONTWAIT)) > 0)
			got += n;
		if (n == 0)
			break;
	}
	close(s);
	out[got] = '\0';
	return got;
}

static void
setup(void)
{
	struct cfg_global	cg;
	struct cfg_listen	cl;
	struct cfg_peer		cp;
	struct chan_msg		m;
	socklen_t		len = sizeof(srv);
	int			sp[2], wp[2], lt, lu, one = 1;

	cap_init();
	/* Listeners as the parent would bind them: TCP and UDP, one port. */
	for (;;) {
		lt = socket(AF_INET, SOCK_STREAM, 0);
		memset(&srv, 0, sizeof(srv));
		srv.sin_family = AF_INET;
		srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		setsockopt(lt, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		cr_assert_eq(bind(lt, (struct sockaddr *)&srv, sizeof(srv)), 0);
		cr_assert_eq(listen(lt, 16), 0);
		getsockname(lt, (struct sockaddr *)&srv, &len);
		lu = socket(AF_INET, SOCK_DGRAM, 0);
		if (bind(lu, (struct sockaddr *)&srv, sizeof(srv)) == 0)
			break;
		close(lt);
		close(lu);
	}
	srv_port = ntohs(srv.sin_port);

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, wp), 0);
	fcntl(sp[1], F_SETFL, O_NONBLOCK);
	fcntl(wp[1], F_SETFL, O_NONBLOCK);
	chan_init(&par, sp[1]);
	engine_init(sp[0]);

	memset(&cg, 0, sizeof(cg));
	cg.cg_camera_port = srv_port;
	cg.cg_unknown_accept = 1;
	cg.cg_idle_timeout = 1;
	cg.cg_cam_per_addr = 16;
	chan_compose(&par, IMSG_CFG_START, 0, -1, &cg, sizeof(cg));
	memset(&cl, 0, sizeof(cl));
	cl.cl_kind = LISTEN_CAMERA_TCP;
	cl.cl_port = srv_port;
	strlcpy(cl.cl_addr, "127.0.0.1", sizeof(cl.cl_addr));
	chan_compose(&par, IMSG_CFG_LISTEN, 0, lt, &cl, sizeof(cl));
	cl.cl_kind = LISTEN_CAMERA_UDP;
	chan_compose(&par, IMSG_CFG_LISTEN, 0, lu, &cl, sizeof(cl));

	/* Bootstrap HTTP on another port, the control socket under /tmp. */
	lt = socket(AF_INET, SOCK_STREAM, 0);
	memset(&boot, 0, sizeof(boot));
	boot.sin_family = AF_INET;
	boot.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(lt, (struct sockaddr *)&boot, sizeof(boot)), 0);
	cr_assert_eq(listen(lt, 16), 0);
	len = sizeof(boot);
	getsockname(lt, (struct sockaddr *)&boot, &len);
	cl.cl_kind = LISTEN_BOOTSTRAP;
	cl.cl_port = ntohs(boot.sin_port);
	chan_compose(&par, IMSG_CFG_LISTEN, 0, lt, &cl, sizeof(cl));
	{
		struct sockaddr_un	sun;

		snprintf(ctlpath, sizeof(ctlpath), "/tmp/test_engine.%d.sock",
		    (int)getpid());
		unlink(ctlpath);
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		strlcpy(sun.sun_path, ctlpath, sizeof(sun.sun_path));
		lt = socket(AF_UNIX, SOCK_STREAM, 0);
		cr_assert_eq(bind(lt, (struct sockaddr *)&sun, sizeof(sun)), 0);
		cr_assert_eq(listen(lt, 16), 0);
		cl.cl_kind = LISTEN_CONTROL;
		cl.cl_port = 0;
		strlcpy(cl.cl_addr, ctlpath, sizeof(cl.cl_addr));
		chan_compose(&par, IMSG_CFG_LISTEN, 0, lt, &cl, sizeof(cl));
	}
	chan_compose(&par, IMSG_CFG_END, 0, -1, NULL, 0);
	memset(&cp, 0, sizeof(cp));
	cp.cp_proc = PROC_WEB;
	chan_compose(&par, IMSG_CFG_PEER, 0, wp[0], &cp, sizeof(cp));
	chan_init(&web, wp[1]);
	cr_assert_eq(chan_wait(&par, IMSG_CFG_DONE, &m, 2000), 0,
	    "no IMSG_CFG_DONE");
}

static void
teardown(void)
{
	unlink(ctlpath);
	cap_fini();
}

TestSuite(engine, .init = setup, .fini = teardown, .timeout = 30);

Test(engine, data_channel)
{
	struct camjson		 j;
	struct chan_msg		 m;
	struct cam_media	 cm;
	struct cam_fslot	 fs;
	static uint8_t		 fbuf[V720_FRAME_MAX];
	struct cam_info		 ci;
	struct ctl_req		 req;
	struct sockaddr_in	 me;
	uint8_t			 jpeg[3000], pkt[1100], conf[1100];
	size_t			 clen, off, n;
	uint32_t		 id = 1000, v;
	char			 js[256];
	int			 i, stranger, seen_frame = 0;

	/* Registration: the capture's bytes in, the capture's 101 out. */
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(connect(tcp, (struct sockaddr *)&srv, sizeof(srv)), 0);
	pump(20);
	cr_assert_eq(send(tcp, cap[2].data, cap[2].len, 0),
	    (ssize_t)cap[2].len);
	cr_assert_eq(cap[2].frame, 37);
	for (i = 0; i < 100 && tlen < cap[3].len; i++) {
		ssize_t r;

		pump(10);
		if ((r = recv(tcp, tbuf + tlen, sizeof(tbuf) - tlen,
		    MSG_DONTWAIT)) > 0)
			tlen += r;
	}
	cr_assert_eq(tlen, cap[3].len);
	cr_assert(memcmp(tbuf, cap[3].data, tlen) == 0, "101 differs");
	tlen = 0;

	/* Nothing is requested without a viewer. */
	cr_assert_eq(tcp_wait(11, -1, &j, 300), -1);

	/* A viewer: code 11 with the LAN defaults. */
	memset(&req, 0, sizeof(req));
	strlcpy(req.id, UID, sizeof(req.id));
	req.value = 1;
	chan_compose(&web, IMSG_WEB_VIEWERS, 0, -1, &req, sizeof(req));
	cr_assert_eq(tcp_wait(11, -1, &j, 1000), 0, "no code 11");

	/* UDP: 20 -> 21, then 51 names us: 50s come back to this port. */
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(udp, (struct sockaddr *)&me, sizeof(me));
	udp_send_msg(udp, 0, 0, 0, "{\"code\":20}", 11);
	cr_assert_eq(udp_wait(0, 21, NULL, NULL, 1000), 0, "no code 21");
	tcp_send_json("{\"code\":12,\"status\":200}");
	snprintf(js, sizeof(js), "{\"code\":51,\"devTarget\":\"%s\","
	    "\"status\":200}", UID);
	udp_send_msg(udp, 0, 0, 0, js, strlen(js));
	cr_assert_eq(udp_wait(0, 50, NULL, NULL, 1000), 0, "no code 50");

	/* TCP: 53, forward 298, forward 4; the base info answer; forward 2
	 * (video only: the viewer does not listen to audio, see mode.c). */
	cr_assert_eq(tcp_wait(53, -1, &j, 2000), 0, "no code 53");
	cr_assert_eq(tcp_wait(301, 298, &j, 1000), 0, "no forward 298");
	cr_assert_eq(tcp_wait(301, 4, &j, 1000), 0, "no forward 4");
	cr_assert_eq(strlen(j.cj_target), 32);
	tcp_send_json("{\"code\": 301 , \"target\": \"x\", \"content\": {\"code\":"
	    " 4, \"IrLed\": 2, \"devPower\": 77, \"mirrorFlip\": 3, \"instLed\":"
	    " 1, \"moveAlert\": 0, \"wifiName\": \"home\", \"version\": "
	    "\"202212011602\"}}");
	cr_assert_eq(tcp_wait(301, 2, &j, 1000), 0, "no forward 2 (video only)");

	/* A stranger's media is dropped, not passed on. */
	stranger = socket(AF_INET, SOCK_DGRAM, 0);
	memset(jpeg, 0x55, sizeof(jpeg));
	udp_send_msg(stranger, 1, 255, 7, jpeg, 500);

	/* A 3000-byte JPEG in three fragments, last first. */
	for (n = 0; n < sizeof(jpeg); n++)
		jpeg[n] = (uint8_t)(n * 7);
	jpeg[0] = 0xff; jpeg[1] = 0xd8;
	jpeg[sizeof(jpeg) - 2] = 0xff; jpeg[sizeof(jpeg) - 1] = 0xd9;
	memcpy(pkt, jpeg + 2008, 992);
	wire_put32(pkt + 992, sizeof(jpeg));
	udp_send_msg(udp, 1, 252, id + 2, pkt, 996);
	udp_send_msg(udp, 1, 250, id, jpeg, 1004);
	udp_send_msg(udp, 1, 251, id + 1, jpeg + 1004, 1004);
	udp_send_msg(udp, 1, 251, id + 1, jpeg + 1004, 1004);	/* dup */

	/* Web gets it byte for byte; state says streaming, base info kept. */
	for (i = 0; i < 20 && !seen_frame; i++) {
		if (web_frame(&fs, fbuf, 100) == 0) {
			cr_assert_eq(fs.fs_len, sizeof(jpeg));
			cm = fs.fs_media;
			cr_assert_str_eq(cm.cm_id, UID);
			cr_assert_eq(cm.cm_codec, WIRE_CMD_JPEG);
			cr_assert(memcmp(fbuf, jpeg, sizeof(jpeg)) == 0,
			    "frame differs");
			seen_frame = 1;
		}
	}
	cr_assert(seen_frame, "no frame on the web channel");
	cr_assert_eq(model->m_udp_unknown, 1);

	/* 605s: the empty one after the first frame, then our ids. */
	cr_assert_eq(udp_wait(WIRE_CMD_CONFIRM, -1, conf, &clen, 1000), 0);
	for (off = 0, i = 0; i < 5 && off < 3; i++) {
		if (udp_wait(WIRE_CMD_CONFIRM, -1, conf, &clen, 300) == -1)
			continue;
		for (n = 0; n + 4 <= clen; n += 4) {
			v = wire_get32(conf + n);
			cr_assert(v >= id && v <= id + 2, "confirmed %u", v);
			off++;
		}
	}
	cr_assert_geq(off, 3, "ids not confirmed");

	cr_assert_eq(chan_wait(&web, IMSG_CAM_STATE, &m, 2000), 0);
	memcpy(&ci, m.data, sizeof(ci));
	cr_assert_eq(ci.ci_state, CAM_STREAMING);
	cr_assert_eq(ci.ci_battery, 77);
	cr_assert_eq(ci.ci_ir_led, 2);
	cr_assert_eq(ci.ci_flip, 3);
	cr_assert_str_eq(ci.ci_firmware, "202212011602");
	cr_assert_eq(ci.ci_frames, 1);
	cr_assert_geq(ci.ci_packets_dup + ci.ci_packets_late, 1);
	cr_assert_geq(ci.ci_packets, 4);

	/* The viewer leaves: forward 0 after the idle timeout (1 s). */
	req.value = 0;
	chan_compose(&web, IMSG_WEB_VIEWERS, 0, -1, &req, sizeof(req));
	cr_assert_eq(tcp_wait(301, 0, &j, 500), -1, "stopped too early");
	cr_assert_eq(tcp_wait(301, 0, &j, 2000), 0, "no forward 0");
	close(stranger);
}

Test(engine, bootstrap_and_token)
{
	struct json_doc	 d;
	struct camjson	 j;
	char		 out[4096], pwd[32], host[64], req[512];
	const char	*body;
	int64_t		 port;
	int		 data;

	/* The real camera's request, answered like PROTOCOL.md section 1. */
	cr_assert_gt(http(cap[0].data, cap[0].len, out, sizeof(out)), 0);
	cr_assert(strncmp(out, "HTTP/1.1 200\r\n", 14) == 0, "%s", out);
	cr_assert_not_null(body = strstr(out, "\r\n\r\n"));
	body += 4;
	cr_assert_eq(json_parse(&d, body, strlen(body)), 0);
	data = json_find(&d, 0, "data");
	cr_assert_eq(json_int(&d, json_find(&d, data, "tcpPort"), 0, 65535,
	    &port), 0);
	cr_assert_eq(port, srv_port);
	cr_assert_eq(json_str(&d, json_find(&d, data, "host"), host,
	    sizeof(host)), 0);
	cr_assert_str_eq(host, "127.0.0.1");
	cr_assert_eq(json_str(&d, json_find(&d, data, "pwd"), pwd,
	    sizeof(pwd)), 0);
	cr_assert_eq(strlen(pwd), 8);

	/* Unknown paths and broken requests. */
	snprintf(req, sizeof(req), "GET /nothing HTTP/1.1\r\n\r\n");
	http(req, strlen(req), out, sizeof(out));
	cr_assert(strncmp(out, "HTTP/1.1 404", 12) == 0, "%s", out);
	snprintf(req, sizeof(req), "BROKEN\r\n\r\n");
	http(req, strlen(req), out, sizeof(out));
	cr_assert(strncmp(out, "HTTP/1.1 400", 12) == 0, "%s", out);

	/* The registration must present that pwd. */
	tcp_register(UID, "91edf41f");
	cr_assert_eq(tcp_wait(101, -1, &j, 1000), 0);
	cr_assert_eq(j.cj_status, 403);
	tcp_register(UID, pwd);
	cr_assert_eq(tcp_wait(101, -1, &j, 1000), 0);
	cr_assert_eq(j.cj_status, 200);
	/* A camera that never bootstrapped here is let in (accept). */
	tcp_register("0800c0000777", "whatever");
	cr_assert_eq(tcp_wait(101, -1, &j, 1000), 0);
	cr_assert_eq(j.cj_status, 200);
}

/* Send a control request; the reply's type (others skipped: none). */
static uint32_t
ctl_req(struct chan *c, uint32_t type, const void *p, size_t len,
    struct chan_msg *m)
{
	int	i;

	if (type != IMSG_NONE) {	/* IMSG_NONE: just the next reply */
		chan_compose(c, type, 0, -1, p, len);
		chan_flush_all(c);
	}
	if (chan_get(c, m) == 1)
		return m->hdr.ch_type;
	for (i = 0; i < 200; i++) {
		pump(10);
		chan_read(c);
		if (chan_get(c, m) == 1)
			return m->hdr.ch_type;
	}
	return 0;
}

Test(engine, control)
{
	struct sockaddr_un	 sun;
	struct chan		 c, bad;
	struct chan_msg		 m;
	struct ctl_id		 cid;
	struct ctl_set		 set;
	struct cam_info		 ci;
	struct camjson		 j;
	int			 s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, ctlpath, sizeof(sun.sun_path));
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(connect(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	fcntl(s, F_SETFL, O_NONBLOCK);
	chan_init(&c, s);

	cr_assert_eq(ctl_req(&c, IMSG_CTL_SHOW_CAMERAS, NULL, 0, &m),
	    IMSG_CTL_END);
	tcp_register(UID, "x");
	cr_assert_eq(tcp_wait(101, -1, &j, 1000), 0);

	memset(&cid, 0, sizeof(cid));
	strlcpy(cid.id, UID, sizeof(cid.id));
	cr_assert_eq(ctl_req(&c, IMSG_CTL_SHOW_CAMERA, &cid, sizeof(cid), &m),
	    IMSG_CTL_CAMERA);
	cr_assert_eq(m.len, sizeof(ci));
	memcpy(&ci, m.data, sizeof(ci));
	cr_assert_str_eq(ci.ci_id, UID);
	cr_assert_eq(ci.ci_state, CAM_ONLINE);
	cr_assert_eq(ctl_req(&c, IMSG_NONE, NULL, 0, &m), IMSG_CTL_END);
	strlcpy(cid.id, "nosuchcamera", sizeof(cid.id));
	cr_assert_eq(ctl_req(&c, IMSG_CTL_SHOW_CAMERA, &cid, sizeof(cid), &m),
	    IMSG_CTL_FAIL);
	cr_assert_str_eq((const char *)m.data, "unknown camera");

	/* Settings: bad values refused, good ones become forwards. */
	memset(&set, 0, sizeof(set));
	strlcpy(set.id, UID, sizeof(set.id));
	strlcpy(set.key, "ir_led", sizeof(set.key));
	strlcpy(set.value, "purple", sizeof(set.value));
	cr_assert_eq(ctl_req(&c, IMSG_CTL_SET, &set, sizeof(set), &m),
	    IMSG_CTL_FAIL);
	strlcpy(set.value, "on", sizeof(set.value));
	cr_assert_eq(ctl_req(&c, IMSG_CTL_SET, &set, sizeof(set), &m),
	    IMSG_CTL_OK);
	cr_assert_eq(tcp_wait(301, 202, &j, 1000), 0);
	cr_assert_eq(j.cj_irled, 1);
	strlcpy(cid.id, UID, sizeof(cid.id));
	cr_assert_eq(ctl_req(&c, IMSG_CTL_REBOOT, &cid, sizeof(cid), &m),
	    IMSG_CTL_OK);
	cr_assert_eq(tcp_wait(301, 299, &j, 1000), 0);
	cr_assert_eq(j.cj_reboot, 1);

	/* Reload goes to the parent with our id, the answer comes back. */
	chan_compose(&c, IMSG_CTL_RELOAD, 0, -1, NULL, 0);
	chan_flush_all(&c);
	cr_assert_eq(chan_wait(&par, IMSG_CTL_RELOAD, &m, 1000), 0);
	chan_compose(&par, IMSG_CTL_FAIL, m.hdr.ch_peerid, -1, "bad config",
	    11);
	cr_assert_eq(ctl_req(&c, IMSG_NONE, NULL, 0, &m), IMSG_CTL_FAIL);
	cr_assert_str_eq((const char *)m.data, "bad config");

	/* A client sending garbage is dropped; the first one still works. */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(connect(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	chan_init(&bad, s);
	chan_compose(&bad, IMSG_CTL_SHOW_CAMERA, 0, -1, "short", 5);
	chan_flush_all(&bad);
	pump(50);
	cr_assert_eq(recv(s, &set, 1, MSG_DONTWAIT), 0, "not dropped");
	cr_assert_eq(ctl_req(&c, IMSG_CTL_SHOW_CAMERAS, NULL, 0, &m),
	    IMSG_CTL_CAMERA);
	cr_assert_eq(ctl_req(&c, IMSG_NONE, NULL, 0, &m), IMSG_CTL_END);
	chan_clear(&bad);
	chan_clear(&c);
}

/*
 * The data channel is driven by the camera's answers, not by the
 * engine's timer: these tests stop the timer (env->e_tick), so a step
 * that still leaves can only have left on the answer before it, and run
 * the deadlines by calling stream_tick with chosen times.
 */

/* The stream work of every timer slice, at time now (ms). */
static void
fire(uint64_t now)
{
	unsigned	slot;

	for (slot = 0; slot < ENGINE_SLICES; slot++)
		stream_tick(now, slot);
	pump(20);
}

/* No TCP message with this code (and fcode) in the next ms. */
static int
tcp_none(int code, int fcode, int ms)
{
	struct camjson	j;

	return tcp_wait(code, fcode, &j, ms) == -1;
}

/* Registered, the timer stopped, one viewer: the 11 it brings. */
static void
camera_wanted(struct camjson *j11)
{
	struct ctl_req		req;
	struct sockaddr_in	me;
	struct camjson		j;

	tcp_register(UID, "");
	cr_assert_eq(tcp_wait(101, -1, &j, 1000), 0);
	cr_assert_eq(j.cj_status, 200);
	evtimer_del(&env->e_tick);
	memset(&req, 0, sizeof(req));
	strlcpy(req.id, UID, sizeof(req.id));
	req.value = 1;
	chan_compose(&web, IMSG_WEB_VIEWERS, 0, -1, &req, sizeof(req));
	cr_assert_eq(tcp_wait(11, -1, j11, 1000), 0, "no code 11");
	cr_assert_eq(strlen(j11->cj_cli_target), CAMTCP_CLIENTID_LEN);

	udp = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(udp, (struct sockaddr *)&me, sizeof(me)), 0);
}

static void
send_12(const char *target, const char *token)
{
	char	js[256];

	snprintf(js, sizeof(js), "{\"code\":12,\"status\":200,\"devIp\":"
	    "\"127.0.0.1\",\"devPort\":1,\"cliTarget\":\"%s\",\"cliToken\":"
	    "\"%s\"}", target, token);
	tcp_send_json(js);
}

static void
send_51(void)
{
	char	js[128];

	snprintf(js, sizeof(js), "{\"code\": 51, \"devTarget\": \"%s\", "
	    "\"status\": 200}", UID);
	udp_send_msg(udp, 0, 0, 0, js, strlen(js));
}

static void
send_baseinfo(void)
{
	tcp_send_json("{\"code\": 301 , \"target\": \"x\", \"content\": "
	    "{\"code\": 4, \"devPower\": 50, \"status\": 200}}");
}

Test(engine, steps_follow_answers)
{
	struct udp_counts uc0, uc1;
	uint64_t	 woken;
	struct camjson	 j11, j;
	uint8_t		 jpeg[600], pkt[700];
	struct cam_fslot fs;
	static uint8_t	 fbuf[V720_FRAME_MAX];
	int		 i;

	camera_wanted(&j11);

	/* 20 -> 21 at once; 12 alone (and a stale 12) send no probe. */
	udp_send_msg(udp, 0, 0, 0, "{\"code\":20}", 11);
	cr_assert_eq(udp_wait(0, 21, NULL, NULL, 1000), 0, "no code 21");
	send_12("0123456789abcdef0123456789abcdef", j11.cj_cli_token);
	send_12(j11.cj_cli_target, j11.cj_cli_target);
	cr_assert_eq(udp_wait(0, 50, NULL, NULL, 300), -1, "50 before 51");
	cr_assert_eq(model->m_ncameras, 1);
	cr_assert_eq(camera_find(UID)->cam_info.ci_strangers, 1,
	    "the stale 12 is not counted");

	/* Each 51 brings the next probe, three in all. */
	for (i = 0; i < STREAM_PROBES; i++) {
		send_51();
		cr_assert_eq(udp_wait(0, 50, NULL, NULL, 1000), 0,
		    "no code 50 #%d after a 51", i + 1);
	}
	cr_assert(tcp_none(53, -1, 300), "53 before the last probe's 51");

	/* The last 51 brings 53, 298 and 4; the base info forward 2. */
	send_51();
	cr_assert_eq(tcp_wait(53, -1, &j, 1000), 0, "no code 53");
	cr_assert_eq(tcp_wait(301, 298, &j, 1000), 0, "no forward 298");
	cr_assert_eq(tcp_wait(301, 4, &j, 1000), 0, "no forward 4");
	cr_assert_eq(udp_wait(0, 50, NULL, NULL, 100), -1, "a 4th probe");
	cr_assert(tcp_none(301, 2, 300), "forward 2 before the base info");
	send_baseinfo();
	cr_assert_eq(tcp_wait(301, 2, &j, 1000), 0, "no forward 2 (video only)");

	/* The first frame goes to web as soon as it is complete. */
	memset(jpeg, 0x42, sizeof(jpeg));
	jpeg[0] = 0xff; jpeg[1] = 0xd8;
	jpeg[sizeof(jpeg) - 2] = 0xff; jpeg[sizeof(jpeg) - 1] = 0xd9;
	memcpy(pkt, jpeg, sizeof(jpeg));
	wire_put32(pkt + sizeof(jpeg), sizeof(jpeg));
	udp_counts(&uc0);
	udp_send_msg(udp, 1, 255, 1, pkt, sizeof(jpeg) + 4);
	cr_assert_eq(web_frame(&fs, fbuf, 1000), 0,
	    "no frame on the web channel");
	cr_assert_eq(fs.fs_len, sizeof(jpeg));
	cr_assert(memcmp(fbuf, jpeg, sizeof(jpeg)) == 0);

	/*
	 * The stats count what it took: one datagram, read by at least one
	 * recvmmsg after a wakeup (or a poll), its 605 in one sendmmsg.
	 */
	cr_assert_eq(udp_wait(WIRE_CMD_CONFIRM, -1, NULL, NULL, 1000), 0,
	    "no 605 for the frame");
	udp_counts(&uc1);
	cr_assert_eq(uc1.uc_datagrams - uc0.uc_datagrams, 1);
	woken = (uc1.uc_wakeups + uc1.uc_polls) - (uc0.uc_wakeups + uc0.uc_polls);
	cr_assert_geq(woken, 1);
	cr_assert_geq(uc1.uc_reads - uc0.uc_reads, woken,
	    "every wakeup or poll reads");
	cr_assert_eq(uc1.uc_sends - uc0.uc_sends, 1, "one sendmmsg, the 605");
}

Test(engine, deadline_nat)
{
	struct camjson	j11, j;
	uint64_t	t0;
	int		i;

	/* A silent camera: 11 again every STREAM_STEP_MS, 3 times. */
	camera_wanted(&j11);
	t0 = proc_now_ms();
	fire(t0 + STREAM_STEP_MS - 1000);
	cr_assert(tcp_none(11, -1, 100), "11 again before its deadline");
	for (i = 1; i <= STREAM_RETRIES; i++) {
		fire(t0 + i * STREAM_STEP_MS);
		cr_assert_eq(tcp_wait(11, -1, &j, 500), 0, "no retry %d", i);
	}
	/* Then it gives up (forward 0) and tries again after the backoff. */
	t0 += (STREAM_RETRIES + 1) * STREAM_STEP_MS;
	fire(t0);
	cr_assert_eq(tcp_wait(301, 0, &j, 500), 0, "no forward 0");
	cr_assert(tcp_none(11, -1, 100));
	fire(t0 + STREAM_BACKOFF_MS - 1);
	cr_assert(tcp_none(11, -1, 100), "11 before the backoff");
	fire(t0 + STREAM_BACKOFF_MS);
	cr_assert_eq(tcp_wait(11, -1, &j, 500), 0, "no 11 after the backoff");

	/* 51 without 12: the probes start at the deadline, not before. */
	t0 += STREAM_BACKOFF_MS;
	send_51();
	cr_assert_eq(udp_wait(0, 50, NULL, NULL, 300), -1, "50 without 12");
	fire(t0 + STREAM_STEP_MS - 1);
	cr_assert_eq(udp_wait(0, 50, NULL, NULL, 100), -1, "50 too early");
	fire(t0 + STREAM_STEP_MS);
	cr_assert_eq(udp_wait(0, 50, NULL, NULL, 500), 0,
	    "no 50 at the deadline");
}

Test(engine, deadlines_later_steps)
{
	struct camjson	j11, j;
	uint64_t	t;
	int		i;

	camera_wanted(&j11);
	send_12(j11.cj_cli_target, j11.cj_cli_token);
	t = proc_now_ms();
	send_51();
	cr_assert_eq(udp_wait(0, 50, NULL, NULL, 1000), 0, "no first 50");

	/* Probes nobody answers: one every STREAM_PROBE_MS, then 53. */
	fire(t + STREAM_PROBE_MS / 2);
	cr_assert_eq(udp_wait(0, 50, NULL, NULL, 100), -1, "50 too early");
	t = proc_now_ms() + STREAM_PROBE_MS;
	for (i = 2; i <= STREAM_PROBES; i++, t += STREAM_PROBE_MS) {
		fire(t);
		cr_assert_eq(udp_wait(0, 50, NULL, NULL, 500), 0,
		    "no 50 #%d at its deadline", i);
		fire(t + STREAM_PROBE_MS - 1);
		cr_assert_eq(udp_wait(0, 50, NULL, NULL, 50), -1);
	}
	cr_assert(tcp_none(53, -1, 100));
	fire(t);
	cr_assert_eq(tcp_wait(53, -1, &j, 500), 0, "no 53 after the probes");
	cr_assert_eq(tcp_wait(301, 4, &j, 500), 0, "no forward 4");

	/* No base info: forward 2 at the step's deadline. */
	fire(t + STREAM_STEP_MS - 1);
	cr_assert(tcp_none(301, 2, 100), "forward 2 before the deadline");
	t += STREAM_STEP_MS;
	fire(t);
	cr_assert_eq(tcp_wait(301, 2, &j, 500), 0, "no forward 2 (video only)");

	/* No frame: the watchdog restarts the stream (forward 0, 11). */
	fire(t + STREAM_FIRST_MS);
	cr_assert(tcp_none(301, 0, 100), "restarted too early");
	fire(t + STREAM_FIRST_MS + 1);
	cr_assert_eq(tcp_wait(301, 0, &j, 500), 0, "no forward 0");
	cr_assert_eq(tcp_wait(11, -1, &j, 500), 0, "no new 11");
}

/* Register uid on a new connection, then leave; wait for "offline". */
static void
register_and_leave(const char *uid)
{
	struct camjson	 j;
	struct camera	*cam;
	int		 i;

	tcp_register(uid, "");
	cr_assert_eq(tcp_wait(101, -1, &j, 1000), 0, "%s not registered", uid);
	cr_assert_eq(j.cj_status, 200);
	close(tcp);
	tcp = -1;
	for (i = 0; i < 100; i++) {
		pump(10);
		if ((cam = camera_find(uid)) == NULL || cam->cam_conn == NULL)
			return;
	}
	cr_assert_fail("%s still online", uid);
}

/* Every IMSG_CAM_GONE web got so far, counted; last holds the last id. */
static int
web_gone(char *last, size_t lastsz)
{
	struct chan_msg	m;
	struct ctl_id	cid;
	int		n = 0;
	ssize_t		got;

	pump(10);
	do {
		got = chan_read(&web);
		while (chan_get(&web, &m) == 1) {
			if (m.hdr.ch_type != IMSG_CAM_GONE)
				continue;
			cr_assert_eq(m.len, sizeof(cid));
			memcpy(&cid, m.data, sizeof(cid));
			strlcpy(last, cid.id, lastsz);
			n++;
		}
	} while (got > 0);
	return n;
}

/*
 * Fake uids that register and leave (issue 9, finding 3): an offline
 * unconfigured camera is forgotten after CAM_FORGET_S, and at most
 * CAM_OFFLINE_KEEP are kept meanwhile, oldest out first; web is told.
 */
Test(engine, offline_unconfigured_cameras_are_forgotten)
{
	char	uid[V720_ID_MAX], last[V720_ID_MAX] = "";
	int	i, gone = 0;

	register_and_leave("0800cGONE0000");
	cr_assert_not_null(camera_find("0800cGONE0000"));
	camera_second(proc_now_ms() + (CAM_FORGET_S - 5) * 1000ULL, 0);
	cr_assert_not_null(camera_find("0800cGONE0000"), "forgotten too soon");
	camera_second(proc_now_ms() + (CAM_FORGET_S + 1) * 1000ULL, 0);
	cr_assert_null(camera_find("0800cGONE0000"), "never forgotten");
	cr_assert_eq(web_gone(last, sizeof(last)), 1);
	cr_assert_str_eq(last, "0800cGONE0000");

	for (i = 0; i < CAM_OFFLINE_KEEP + 5; i++) {
		snprintf(uid, sizeof(uid), "0800cFAKE%04d", i);
		register_and_leave(uid);
		gone += web_gone(last, sizeof(last));
	}
	pump(50);
	gone += web_gone(last, sizeof(last));
	cr_assert_eq(model->m_ncameras, CAM_OFFLINE_KEEP);
	cr_assert_eq(gone, 5);
	/* The oldest went first. */
	for (i = 0; i < 5; i++) {
		snprintf(uid, sizeof(uid), "0800cFAKE%04d", i);
		cr_assert_null(camera_find(uid), "%s kept", uid);
	}
	snprintf(uid, sizeof(uid), "0800cFAKE%04d", CAM_OFFLINE_KEEP + 4);
	cr_assert_not_null(camera_find(uid));
}

/*
 * A batch of datagrams holds the consumers' writes, one write each for
 * all the frames it completes; a frame waits at most OBS_HOLD_US for
 * the rest of its batch, then it is due (udp.c ends the batch and
 * begins another).  Nothing held is never due.
 */
Test(engine, batch_hold_is_bounded)
{
	static uint8_t		 fbuf[V720_FRAME_MAX];
	struct cam_media	 cm;
	struct cam_frame	 f;
	struct cam_fslot	 fs;
	struct chan_msg		 m;
	struct pollfd		 pfd;
	struct camera		*cam;
	uint8_t			 jpeg[2000];
	size_t			 i;

	/* What the web channel had since the start, read and dropped. */
	pump(50);
	while (chan_read(&web) > 0)
		while (chan_get(&web, &m) == 1)
			if (m.fd != -1)
				close(m.fd);
	for (i = 0; i < sizeof(jpeg); i++)
		jpeg[i] = (uint8_t)(i * 13);
	cam = camera_get(UID);
	cr_assert_not_null(cam);
	memset(&cm, 0, sizeof(cm));
	strlcpy(cm.cm_id, UID, sizeof(cm.cm_id));
	cm.cm_seq = 1;
	cm.cm_ts_ns = proc_now_ns();
	cm.cm_codec = WIRE_CMD_JPEG;
	memset(&f, 0, sizeof(f));
	f.cf_cm = &cm;
	f.cf_data = jpeg;
	f.cf_len = sizeof(jpeg);

	obs_batch_begin();
	usleep(4 * OBS_HOLD_US);
	cr_assert(!obs_batch_due(), "due with no frame held");
	obs_frame(cam, &f);
	pfd.fd = web.fd;
	pfd.events = POLLIN;
	cr_assert_eq(poll(&pfd, 1, 0), 0, "the frame was written in the batch");
	usleep(4 * OBS_HOLD_US);
	cr_assert(obs_batch_due(), "a frame held past OBS_HOLD_US is not due");
	obs_batch_end();
	cr_assert(!obs_batch_due(), "due after the batch ended");
	cr_assert_eq(poll(&pfd, 1, 1000), 1, "nothing written at the end");
	cr_assert_eq(web_frame(&fs, fbuf, 1000), 0,
	    "no frame on the web channel");
	cr_assert_eq(fs.fs_len, sizeof(jpeg));
	cr_assert(memcmp(fbuf, jpeg, sizeof(jpeg)) == 0, "frame differs");
}
