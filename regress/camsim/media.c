/*
 * The media side of one camera: the UDP association (codes 11/20/21/12/
 * 50/51, PROTOCOL.md sections 4.5-4.6), JPEG frames paced on 605
 * confirmations (sections 5-6), resends, and A-law audio (section 7).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "json.h"
#include "jsonw.h"
#include "proc.h"
#include "wire.h"
#include "frag.h"
#include "camsim.h"

#define NAT_RETRY_MS	1000
#define NAT_TRIES	5
#define BATCH		64
#define UDP_IN_BATCH	16

static void	udp_read_cb(int, short, void *);
static void	nat_cb(int, short, void *);
static void	frame_cb(int, short, void *);
static void	audio_cb(int, short, void *);
static void	udp_ready(struct cam *, const char *ip, int port);

static void
udp_send(struct cam *c, const void *p, size_t len)
{
	if (c->cam_ufd == -1 || c->cam_state == CAM_DEAD)
		return;
	if (send(c->cam_ufd, p, len, 0) == -1)
		c->cam_sim->cs_st.st_sendfail++;
}

static void
udp_json(struct cam *c, const char *json, size_t len)
{
	uint8_t		buf[WIRE_HDR_LEN + 512];
	struct wire_hdr	h;

	if (len > 512)
		return;
	memset(&h, 0, sizeof(h));
	h.wh_len = (uint32_t)len;
	h.wh_cmd = WIRE_CMD_JSON;
	wire_hdr_encode(&h, buf);
	memcpy(buf + WIRE_HDR_LEN, json, len);
	udp_send(c, buf, WIRE_HDR_LEN + len);
}

static void
udp_close(struct cam *c)
{
	delay_clear(c, DELAY_UDP);
	if (c->cam_ufd != -1) {
		event_del(&c->cam_uev);
		close(c->cam_ufd);
		c->cam_ufd = -1;
	}
	evtimer_del(&c->cam_nat);
	c->cam_udp_ready = 0;
}

void
media_init(struct cam *c)
{
	evtimer_set(&c->cam_nat, nat_cb, c);
	evtimer_set(&c->cam_fev, frame_cb, c);
	evtimer_set(&c->cam_aev, audio_cb, c);
}

void
media_close(struct cam *c)
{
	udp_close(c);
	if (c->cam_vid != VID_OFF || c->cam_want_audio)
		camlog_event(c, "stream", "closed");
	evtimer_del(&c->cam_fev);
	evtimer_del(&c->cam_aev);
	c->cam_vid = VID_OFF;
	c->cam_want_video = c->cam_want_audio = 0;
}

/* Code 11: a new UDP association towards the server. */
void
media_nat(struct cam *c, const char *p, size_t len)
{
	struct json_doc	 d;
	char		 ip[64];
	int64_t		 port = 0;
	int		 bufsz = 1 << 20;

	if (json_parse(&d, p, len) == -1)
		return;
	if (json_get_str(&d, "cliTarget", c->cam_cli_target,
	    sizeof(c->cam_cli_target)) == -1)
		c->cam_cli_target[0] = '\0';
	if (json_get_str(&d, "cliToken", c->cam_cli_token,
	    sizeof(c->cam_cli_token)) == -1)
		c->cam_cli_token[0] = '\0';
	memset(&c->cam_udst, 0, sizeof(c->cam_udst));
	c->cam_udst.sin_family = AF_INET;
	/*
	 * (cliNatIp, cliNatPort) when usable, else the TCP server's address
	 * with the TCP port number (255.255.255.255 / 0 asks for that).
	 */
	if (json_get_str(&d, "cliNatIp", ip, sizeof(ip)) == 0 &&
	    json_get_int(&d, "cliNatPort", 1, 65535, &port) == 0 &&
	    inet_pton(AF_INET, ip, &c->cam_udst.sin_addr) == 1 &&
	    c->cam_udst.sin_addr.s_addr != INADDR_BROADCAST &&
	    c->cam_udst.sin_addr.s_addr != INADDR_ANY)
		c->cam_udst.sin_port = htons((uint16_t)port);
	else
		c->cam_udst = c->cam_srv;
	udp_close(c);
	if ((c->cam_ufd = cam_socket(c->cam_sim, SOCK_DGRAM)) == -1)
		return;
	(void)setsockopt(c->cam_ufd, SOL_SOCKET, SO_SNDBUF, &bufsz,
	    sizeof(bufsz));
	if (connect(c->cam_ufd, (struct sockaddr *)&c->cam_udst,
	    sizeof(c->cam_udst)) == -1) {
		log_warn("%s: udp connect", c->cam_uid);
		udp_close(c);
		return;
	}
	event_set(&c->cam_uev, c->cam_ufd, EV_READ | EV_PERSIST, udp_read_cb, c);
	event_add(&c->cam_uev, NULL);
	c->cam_nat_tries = 0;
	nat_cb(-1, 0, c);
}

/* Send code 20, again every second until code 21 comes or we give up. */
static void
nat_cb(int fd, short what, void *arg)
{
	struct cam	*c = arg;
	static const char req[] = "{\"code\": 20}";

	if (c->cam_udp_ready)
		return;
	if (c->cam_nat_tries++ >= NAT_TRIES) {
		/* No answer: carry on as if it came, like a camera would. */
		udp_ready(c, "0.0.0.0", 0);
		return;
	}
	udp_json(c, req, sizeof(req) - 1);
	camsim_timer(&c->cam_nat, NAT_RETRY_MS);
}

static void
send_51(struct cam *c)
{
	char	buf[128];
	int	n;

	n = snprintf(buf, sizeof(buf), "{\"code\": 51, \"devTarget\": \"%s\", "
	    "\"status\": 200}", c->cam_uid);
	udp_json(c, buf, (size_t)n);
}

static void
kick(struct cam *c)
{
	if (!c->cam_udp_ready)
		return;
	if (c->cam_want_video && c->cam_vid == VID_OFF && !c->cam_done) {
		c->cam_vid = VID_SEND;
		camsim_timer(&c->cam_fev, 0);
	}
	if (c->cam_want_audio && !evtimer_pending(&c->cam_aev, NULL))
		camsim_timer(&c->cam_aev, CAMSIM_AUDIO_MS);
}

/* Code 21 came (or never will): report 12 on TCP, 51 on UDP. */
static void
udp_ready(struct cam *c, const char *ip, int port)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	struct jsonw		 w;
	const char		*r;
	char			 local[INET_ADDRSTRLEN] = "0.0.0.0";
	size_t			 len;

	evtimer_del(&c->cam_nat);
	memset(&sin, 0, sizeof(sin));
	if (getsockname(c->cam_ufd, (struct sockaddr *)&sin, &sl) == 0)
		inet_ntop(AF_INET, &sin.sin_addr, local, sizeof(local));
	/* As the published example: 21's values in dev*, ours in devNat*. */
	jsonw_init(&w);
	jsonw_obj_open(&w);
	jsonw_kint(&w, "code", 12);
	jsonw_kint(&w, "status", 200);
	jsonw_kstr(&w, "devIp", ip);
	jsonw_kint(&w, "devPort", port);
	jsonw_kstr(&w, "devNatIp", local);
	jsonw_kint(&w, "devNatPort", ntohs(sin.sin_port));
	jsonw_kstr(&w, "cliTarget", c->cam_cli_target);
	jsonw_kstr(&w, "cliToken", c->cam_cli_token);
	jsonw_obj_close(&w);
	if ((r = jsonw_result(&w, &len)) != NULL)
		cam_send_json(c, r, len);
	jsonw_free(&w);
	send_51(c);
	c->cam_udp_ready = 1;
	camlog_event(c, "udp", NULL);
	kick(c);
}

void
media_stream(struct cam *c, int video, int audio)
{
	char	buf[32];

	if (!c->cam_sim->cs_o.o_audio)
		audio = 0;
	c->cam_want_video = video;
	c->cam_want_audio = audio;
	snprintf(buf, sizeof(buf), "video=%d audio=%d", video, audio);
	camlog_event(c, "stream", buf);
	if (!video) {
		evtimer_del(&c->cam_fev);
		c->cam_vid = VID_OFF;
	}
	if (!audio)
		evtimer_del(&c->cam_aev);
	kick(c);
}

/* Send the given datagrams (header + payload each) through the faults. */
static void
send_batch(struct cam *c, uint8_t (*hdrs)[20], const uint8_t *const *pl,
    const size_t *plen, int n)
{
	struct camsim	*cs = c->cam_sim;
	struct mmsghdr	 mm[BATCH];
	struct iovec	 iov[BATCH][2];
	int		 order[2 * CAMSIM_MAX_PKTS], m, i, k, j, sent;

	if (c->cam_ufd == -1 || c->cam_state == CAM_DEAD)
		return;
	m = fault_plan(&cs->cs_o.o_fault, &c->cam_rng, n, order,
	    &cs->cs_st.st_fault);
	for (i = 0; i < m; i += k) {
		k = m - i < BATCH ? m - i : BATCH;
		for (j = 0; j < k; j++) {
			int	p = order[i + j];

			iov[j][0].iov_base = hdrs[p];
			iov[j][0].iov_len = WIRE_HDR_LEN;
			iov[j][1].iov_base = (void *)pl[p];
			iov[j][1].iov_len = plen[p];
			memset(&mm[j], 0, sizeof(mm[j]));
			mm[j].msg_hdr.msg_iov = iov[j];
			mm[j].msg_hdr.msg_iovlen = 2;
			cs->cs_st.st_bytes += WIRE_HDR_LEN + plen[p];
		}
		if ((sent = sendmmsg(c->cam_ufd, mm, (unsigned)k, 0)) < 0)
			sent = 0;
		cs->cs_st.st_packets += (uint64_t)sent;
		cs->cs_st.st_sendfail += (uint64_t)(k - sent);
	}
	if (cs->cs_o.o_garbage > 0 && rng_unit(&c->cam_rng) < cs->cs_o.o_garbage)
		media_garbage(c);
}

void
media_garbage(struct cam *c)
{
	uint8_t	buf[2048];
	size_t	n;

	n = garbage_make(&c->cam_rng, garbage_pick(&c->cam_rng, 0, 1), 0, buf,
	    sizeof(buf));
	udp_send(c, buf, n);
	c->cam_sim->cs_st.st_garbage++;
}

/* Send packets idx[0..n-1] of the current frame. */
static void
send_frame_pkts(struct cam *c, const int *idx, int n)
{
	const uint8_t	*pl[CAMSIM_MAX_PKTS];
	size_t		 plen[CAMSIM_MAX_PKTS];
	uint8_t		 (*hdrs)[20] = c->cam_hdrs;
	uint8_t		 tmp[CAMSIM_MAX_PKTS][20];
	int		 i;

	if (n == c->cam_npkts && idx[n - 1] == n - 1) {
		for (i = 0; i < n; i++) {
			pl[i] = c->cam_frame + (size_t)i * FRAG_PAYLOAD;
			plen[i] = frag_len(c->cam_framelen, i);
		}
	} else {
		for (i = 0; i < n; i++) {
			memcpy(tmp[i], c->cam_hdrs[idx[i]], 20);
			pl[i] = c->cam_frame + (size_t)idx[i] * FRAG_PAYLOAD;
			plen[i] = frag_len(c->cam_framelen, idx[i]);
		}
		hdrs = tmp;
	}
	send_batch(c, hdrs, pl, plen, n);
}

static void
frame_send(struct cam *c)
{
	struct camsim		*cs = c->cam_sim;
	const struct jpeg	*jp;
	char			 com[64];
	int			 idx[CAMSIM_MAX_PKTS], i, n;

	if (!c->cam_udp_ready || c->cam_state == CAM_DEAD) {
		c->cam_vid = VID_OFF;	/* kick() restarts us */
		return;
	}
	jp = &cs->cs_jpegs[(c->cam_idx + c->cam_nframes) % cs->cs_njpegs];
	snprintf(com, sizeof(com), "camsim %s frame %ld", c->cam_uid,
	    c->cam_nframes + 1);
	if (cs->cs_o.o_scene.sc_on) {
		struct jpeg	 sj;
		static uint8_t	*rgb;
		double		 t = (proc_now_ms() - cs->cs_start_ms) / 1000.0;

		if (rgb == NULL && (rgb = malloc(SCENE_W * SCENE_H * 3)) ==
		    NULL)
			fatal(NULL);
		scene_draw(&cs->cs_o.o_scene, t, rgb);
		c->cam_obj = scene_object(&cs->cs_o.o_scene, t, NULL);
		if ((sj.jp_data = scene_jpeg(rgb, SCENE_W, SCENE_H, 80,
		    &sj.jp_len)) == NULL)
			fatalx("%s: scene_jpeg", __func__);
		c->cam_framelen = frag_build(c->cam_frame, cs->cs_maxjpeg,
		    sj.jp_data, sj.jp_len, com, cs->cs_o.o_tail);
		free(sj.jp_data);
	} else
		c->cam_framelen = frag_build(c->cam_frame, cs->cs_maxjpeg,
		    jp->jp_data, jp->jp_len, com, cs->cs_o.o_tail);
	if (c->cam_framelen == 0)
		fatalx("%s: frame does not fit", __func__);
	n = c->cam_npkts = frag_count(c->cam_framelen);
	c->cam_first = c->cam_pkg;
	for (i = 0; i < n; i++) {
		frag_header(c->cam_hdrs[i], c->cam_framelen, i, n, c->cam_pkg++);
		idx[i] = i;
	}
	memset(c->cam_acked, 0, (size_t)n);
	c->cam_nacked = 0;
	c->cam_tries = 0;
	if (cs->cs_o.o_die_after > 0 && c->cam_nframes >= cs->cs_o.o_die_after) {
		/* Vanish mid-frame. */
		send_frame_pkts(c, idx, n / 2 > 0 ? n / 2 : 1);
		cam_die(c);
		return;
	}
	c->cam_nframes++;
	cs->cs_st.st_frames++;
	camlog_frame(c, c->cam_nframes, c->cam_frame, c->cam_framelen, n,
	    c->cam_first);
	send_frame_pkts(c, idx, n);
	c->cam_sent_ms = proc_now_ms();
	/*
	 * Keep to the --fps grid despite timer lateness; a frame held back
	 * by a missing 605 starts a new grid.
	 */
	if (c->cam_slot_ms == 0 || c->cam_sent_ms > c->cam_slot_ms +
	    (unsigned long long)(1000.0 / cs->cs_o.o_fps))
		c->cam_slot_ms = c->cam_sent_ms;
	c->cam_vid = VID_WAIT;
	camsim_timer(&c->cam_fev, cs->cs_o.o_resend_ms);
}

/* The current frame is over (confirmed or given up): schedule the next. */
static void
frame_next(struct cam *c)
{
	struct camsim		*cs = c->cam_sim;
	unsigned long long	 now = proc_now_ms(), due;

	evtimer_del(&c->cam_fev);
	if (cs->cs_o.o_frames > 0 && c->cam_nframes >= cs->cs_o.o_frames) {
		c->cam_vid = VID_OFF;
		c->cam_done = 1;
		camsim_cam_done(cs, c);
		return;
	}
	c->cam_vid = VID_SEND;
	due = c->cam_slot_ms += (unsigned long long)(1000.0 / cs->cs_o.o_fps);
	camsim_timer(&c->cam_fev, due > now ? (long)(due - now) : 0);
}

static void
frame_resend(struct cam *c)
{
	int		idx[CAMSIM_MAX_PKTS], i, n = 0;
	uint32_t	ids[CAMSIM_MAX_PKTS];

	for (i = 0; i < c->cam_npkts; i++)
		if (!c->cam_acked[i]) {
			ids[n] = c->cam_first + (uint32_t)i;
			idx[n++] = i;
		}
	if (n == 0)
		return;
	c->cam_sim->cs_st.st_retrans += (uint64_t)n;
	camlog_resend(c, ids, n);
	send_frame_pkts(c, idx, n);
}

static void
frame_cb(int fd, short what, void *arg)
{
	struct cam		*c = arg;
	struct camsim		*cs = c->cam_sim;
	unsigned long long	 now = proc_now_ms(), left;

	if (c->cam_vid == VID_SEND) {
		frame_send(c);
		return;
	}
	if (c->cam_vid != VID_WAIT)
		return;
	if (c->cam_605_ms != 0 && now - c->cam_605_ms < (unsigned)cs->cs_o.o_silence_ms) {
		/* The server confirms: resend what it missed, a few times. */
		if (c->cam_tries < cs->cs_o.o_resend_max) {
			c->cam_tries++;
			frame_resend(c);
			camsim_timer(&c->cam_fev, cs->cs_o.o_resend_ms);
			return;
		}
		cs->cs_st.st_unconfirmed++;
		frame_next(c);
		return;
	}
	/* Silence: no resends, but go on after silence_ms. */
	if (now - c->cam_sent_ms >= (unsigned)cs->cs_o.o_silence_ms) {
		cs->cs_st.st_stalls++;
		frame_next(c);
		return;
	}
	left = c->cam_sent_ms + (unsigned)cs->cs_o.o_silence_ms - now;
	camsim_timer(&c->cam_fev, left < (unsigned)cs->cs_o.o_resend_ms ?
	    (long)left : cs->cs_o.o_resend_ms);
}

static void
confirm(struct cam *c, const uint8_t *p, size_t len)
{
	struct camsim	*cs = c->cam_sim;
	size_t		 i, nids = len / 4;
	uint32_t	 off;

	cs->cs_st.st_confirms++;
	c->cam_605_ms = proc_now_ms();
	for (i = 0; i < nids; i++) {
		off = wire_get32(p + 4 * i) - c->cam_first;
		cs->cs_st.st_confirmed++;
		if (off < (uint32_t)c->cam_npkts && !c->cam_acked[off]) {
			c->cam_acked[off] = 1;
			c->cam_nacked++;
		}
	}
	camlog_confirm(c, p, nids, c->cam_npkts > 0 &&
	    c->cam_nacked == c->cam_npkts);
	if (c->cam_vid == VID_WAIT && c->cam_nacked == c->cam_npkts)
		frame_next(c);
}

/* A datagram from the server; JSON waits out --latency first. */
static void
udp_msg(struct cam *c, const uint8_t *p, size_t len)
{
	struct wire_hdr	 h;

	if (wire_hdr_decode(p, len, WIRE_UDP_MAX_PAYLOAD * 8, &h) == -1 ||
	    h.wh_len > len - WIRE_HDR_LEN)
		return;
	if (h.wh_cmd == WIRE_CMD_CONFIRM) {
		confirm(c, p + WIRE_HDR_LEN, h.wh_len);
		return;
	}
	if (h.wh_cmd == WIRE_CMD_ALAW) {
		/* Talk-back: what the camera would play on its speaker. */
		if (c->cam_talk_pkts++ == 0)
			sha256_init(&c->cam_talk_sha);
		if (c->cam_talk_n == 0 ||
		    proc_now_ms() - c->cam_talk_ms > CAMSIM_TALK_GAP_MS) {
			c->cam_talk_n++;
			sha256_init(&c->cam_talk1_sha);
			c->cam_talk1_bytes = 0;
		}
		c->cam_talk_ms = proc_now_ms();
		sha256_update(&c->cam_talk_sha, p + WIRE_HDR_LEN, h.wh_len);
		sha256_update(&c->cam_talk1_sha, p + WIRE_HDR_LEN, h.wh_len);
		c->cam_talk_bytes += h.wh_len;
		c->cam_talk1_bytes += h.wh_len;
		camlog_talk(c, &h, p + WIRE_HDR_LEN, h.wh_len);
		return;
	}
	if (h.wh_cmd == WIRE_CMD_JSON && !delay_push(c, DELAY_UDP, p, len))
		media_udp_msg(c, p, len);
}

void
media_udp_msg(struct cam *c, const uint8_t *p, size_t len)
{
	struct wire_hdr	 h;
	struct json_doc	 d;
	struct timespec	 ts;
	char		 ip[64], buf[128];
	int64_t		 code, port = 0;
	int		 n;

	if (wire_hdr_decode(p, len, WIRE_UDP_MAX_PAYLOAD * 8, &h) == -1 ||
	    h.wh_len > len - WIRE_HDR_LEN)
		return;
	p += WIRE_HDR_LEN;
	if (h.wh_cmd != WIRE_CMD_JSON ||
	    json_parse(&d, (const char *)p, h.wh_len) == -1 ||
	    json_get_int(&d, "code", 0, 100000, &code) == -1)
		return;
	switch (code) {
	case 21:
		if (c->cam_udp_ready)
			break;
		if (json_get_str(&d, "ip", ip, sizeof(ip)) == -1)
			strlcpy(ip, "", sizeof(ip));
		(void)json_get_int(&d, "port", 0, 65535, &port);
		udp_ready(c, ip, (int)port);
		break;
	case 50:
		send_51(c);
		break;
	case 54:
		/* As the app reads it: the camera's Unix time in ms, a number;
		 * --clock-offset sets the camera's clock ahead or behind. */
		clock_gettime(CLOCK_REALTIME, &ts);
		n = snprintf(buf, sizeof(buf), "{\"code\": 55, \"timerStamp\": "
		    "%lld}", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
		    c->cam_sim->cs_o.o_clock_offset);
		udp_json(c, buf, (size_t)n);
		if (json_get_str(&d, "timerStamp", ip, sizeof(ip)) == -1)
			strlcpy(ip, "?", sizeof(ip));
		camlog_event(c, "clock", ip);
		break;
	}
}

static void
udp_read_cb(int fd, short what, void *arg)
{
	struct cam	*c = arg;
	struct mmsghdr	 mm[UDP_IN_BATCH];
	struct iovec	 iov[UDP_IN_BATCH];
	static uint8_t	 buf[UDP_IN_BATCH][9000];
	int		 i, n;

	if (c->cam_state == CAM_DEAD)
		return;
	for (i = 0; i < UDP_IN_BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	if ((n = recvmmsg(fd, mm, UDP_IN_BATCH, MSG_DONTWAIT, NULL)) <= 0)
		return;
	for (i = 0; i < n && c->cam_ufd == fd; i++)
		udp_msg(c, buf[i], mm[i].msg_len);
}

static void
audio_cb(int fd, short what, void *arg)
{
	struct cam	*c = arg;
	struct camsim	*cs = c->cam_sim;
	uint8_t		 hdr[1][20], pl[CAMSIM_AUDIO_BYTES + 4];
	const uint8_t	*plp = pl;
	size_t		 len = CAMSIM_AUDIO_BYTES;
	struct wire_hdr	 h;

	if (!c->cam_want_audio || !c->cam_udp_ready)
		return;
	camsim_timer(&c->cam_aev, CAMSIM_AUDIO_MS);
	audio_chunk(c->cam_apos, pl, CAMSIM_AUDIO_BYTES);
	c->cam_apos += CAMSIM_AUDIO_BYTES;
	if (cs->cs_o.o_audio_trailer) {
		wire_put32(pl + len, (uint32_t)len);
		len += 4;
	}
	memset(&h, 0, sizeof(h));
	h.wh_len = (uint32_t)len;
	h.wh_cmd = WIRE_CMD_ALAW;
	h.wh_msg_flag = WIRE_FLAG_SINGLE;
	h.wh_pkg_id = c->cam_pkg++;
	wire_hdr_encode(&h, hdr[0]);
	cs->cs_st.st_audio++;
	send_batch(c, hdr, &plp, &len, 1);
}
