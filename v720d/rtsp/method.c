/*
 * The RTSP methods (RFC 2326 10) and sessions: OPTIONS, DESCRIBE (SDP),
 * SETUP, PLAY, PAUSE, TEARDOWN, and GET_PARAMETER/SET_PARAMETER as
 * keep-alives.  A session is one client's view of one camera path
 * (/{id} or /{id}/h264) with up to two tracks, interleaved on its RTSP
 * connection or over UDP; while it plays it is a sink of the camera's
 * stream (stream.c) and counts as a viewer.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rtph264.h"
#include "rtspd.h"

#define PUBLIC	"Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, " \
		"GET_PARAMETER, SET_PARAMETER\r\n"

struct session *
session_find(const char *id)
{
	struct session	*s;

	TAILQ_FOREACH(s, &sv->sv_sessions, s_entry)
		if (strcmp(s->s_id, id) == 0)
			return s;
	return NULL;
}

void
session_free(struct session *s)
{
	if (s->s_playing)
		stream_detach(s->s_st, &s->s_sink);
	stream_unref(s->s_st);
	if (s->s_l != NULL)
		listener_unref(s->s_l);
	TAILQ_REMOVE(&sv->sv_sessions, s, s_entry);
	sv->sv_nsessions--;
	log_debug("session %s: freed", s->s_id);
	free(s);
}

void
session_rtcp(struct session *s, int what)
{
	s->s_seen = now_ms();
	if (what & RTCP_BYE)
		s->s_bye = 1;
}

/* Where a UDP client gets track t's RTP (rtcp = 0) or RTCP (1). */
static void
udp_dst(const struct session *s, int t, int rtcp, struct sockaddr_storage *ss)
{
	*ss = s->s_dst;
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port =
		    htons(s->s_trk[t].t_cport[rtcp]);
	else
		((struct sockaddr_in6 *)ss)->sin6_port =
		    htons(s->s_trk[t].t_cport[rtcp]);
}

/* A sender report for track t, now and every SR_INTERVAL_US. */
static void
session_sr(struct session *s, int t, uint64_t now)
{
	struct strack		*tk = &s->s_trk[t];
	struct sockaddr_storage	 ss;
	uint8_t			 buf[128];
	size_t			 n;

	tk->t_sr_next = now + SR_INTERVAL_US;
	if ((n = rtcp_sr(buf, sizeof(buf), stream_track(s->s_st, s->s_h264, t),
	    now, tk->t_pkts, tk->t_octets, "v720d")) == 0)
		return;
	if (s->s_tcp) {
		if (s->s_conn != NULL)
			(void)rtp_out_interleave(&s->s_conn->c_out,
			    tk->t_ch[1], buf, n);
		return;
	}
	udp_dst(s, t, 1, &ss);
	(void)sendto(s->s_l->l_udp[t * 2 + 1], buf, n, MSG_DONTWAIT,
	    (struct sockaddr *)&ss, s->s_dstlen);
}

int
session_deliver(struct stream_sink *sink, struct rtp_frame *f)
{
	struct session		*s = sink->ss_arg;
	struct sockaddr_storage	 ss;
	struct strack		*tk;
	uint64_t		 now = rtp_now_us();
	size_t			 i;
	int			 t = f->rf_audio ? 1 : 0, n;

	tk = &s->s_trk[t];
	if (!tk->t_setup || !s->s_playing)
		return 0;
	/* The report first: a client can place the first packet in time. */
	if (now >= tk->t_sr_next)
		session_sr(s, t, now);
	if (s->s_tcp) {
		if (s->s_conn == NULL || s->s_conn->c_dead ||
		    rtp_out_frame(&s->s_conn->c_out, f, tk->t_ch[0]) == -1)
			return -1;
		n = (int)f->rf_npkts;
	} else {
		udp_dst(s, t, 0, &ss);
		if ((n = rtp_udp_send(s->s_l->l_udp[t * 2],
		    (struct sockaddr *)&ss, s->s_dstlen, f)) < (int)f->rf_npkts)
			return -1;
	}
	tk->t_pkts += n;
	for (i = 0; i < (size_t)n; i++)
		tk->t_octets += f->rf_pkts[i].rp_hdrlen - RTP_HDR_LEN +
		    f->rf_pkts[i].rp_datalen;
	if (s->s_tcp)
		conn_send(s->s_conn);
	return 0;
}

/* The URL up to the camera path: no track, no trailing slash. */
static void
base_url(const char *url, char *buf, size_t bufsz)
{
	char	*p;
	size_t	 n;

	strlcpy(buf, url, bufsz);
	if ((p = strchr(buf, '?')) != NULL)
		*p = '\0';
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '/')
		buf[--n] = '\0';
	if ((p = strrchr(buf, '/')) != NULL && strncmp(p, "/trackID=", 9) == 0)
		*p = '\0';
}

/* The camera a request names, or NULL after answering why not. */
static struct stream *
camera(struct conn *c, const struct rtsp_req *r, const struct rtsp_target *t)
{
	static const char standby[] = "the camera is in standby (battery "
	    "saving, known only over MQTT): wake it with the camera's app or "
	    "a stream start\r\n";
	static const char offline[] = "the camera is offline\r\n";
	struct stream	*st;

	if (t->id[0] == '\0' || (st = stream_get(t->id)) == NULL) {
		conn_reply(c, r, 404, NULL, NULL, NULL, NULL, 0);
		return NULL;
	}
	switch (stream_state(st)) {
	case RTSP_CAM_STANDBY:
		conn_reply(c, r, 503, "Service Unavailable (camera in standby)",
		    NULL, "text/plain", standby, sizeof(standby) - 1);
		break;
	case RTSP_CAM_OFFLINE:
		conn_reply(c, r, 503, "Service Unavailable (camera offline)",
		    NULL, "text/plain", offline, sizeof(offline) - 1);
		break;
	default:
		return st;
	}
	stream_unref(st);
	return NULL;
}

static void
describe(struct conn *c, const struct rtsp_req *r, const struct rtsp_target *t)
{
	struct stream	*st;
	char		 sdp[2048], fmtp[RTPH264_FMTPLEN], base[RTSP_URL_MAX];
	char		 hdr[RTSP_URL_MAX + 64];
	const char	*why;
	int		 n;

	if (t->track != -1) {
		conn_reply(c, r, 459, NULL, NULL, NULL, NULL, 0);
		return;
	}
	if ((st = camera(c, r, t)) == NULL)
		return;
	if (t->h264 && stream_h264_fmtp(st, fmtp, sizeof(fmtp), &why) == -1) {
		log_warnx("%s: DESCRIBE %s: %s", c->c_name, stream_uid(st),
		    why);
		conn_reply(c, r, 503, "Service Unavailable (no H.264 encoder)",
		    NULL, NULL, NULL, 0);
		stream_unref(st);
		return;
	}
	n = snprintf(sdp, sizeof(sdp),
	    "v=0\r\n"
	    "o=- %u 1 IN IP4 0.0.0.0\r\n"
	    "s=%s\r\n"
	    "c=IN IP4 0.0.0.0\r\n"
	    "t=0 0\r\n"
	    "a=tool:v720d\r\n"
	    "a=range:npt=0-\r\n"
	    "a=control:*\r\n"
	    "%s%s%s"
	    "a=control:trackID=0\r\n"
	    "m=audio 0 RTP/AVP 8\r\n"
	    "a=rtpmap:8 PCMA/8000/1\r\n"
	    "a=control:trackID=1\r\n",
	    arc4random(), stream_uid(st),
	    t->h264 ? "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
	    "a=fmtp:96 " : "m=video 0 RTP/AVP 26\r\na=rtpmap:26 JPEG/90000\r\n",
	    t->h264 ? fmtp : "", t->h264 ? "\r\n" : "");
	stream_unref(st);
	if (n < 0 || (size_t)n >= sizeof(sdp)) {
		conn_reply(c, r, 500, NULL, NULL, NULL, NULL, 0);
		return;
	}
	base_url(r->url, base, sizeof(base));
	(void)snprintf(hdr, sizeof(hdr), "Content-Base: %s/\r\n", base);
	conn_reply(c, r, 200, NULL, hdr, "application/sdp", sdp, (size_t)n);
}

static struct session *
session_new(struct conn *c, struct stream *st, int h264, int tcp)
{
	struct session	*s;
	uint8_t		 rnd[8];
	int		 i;

	if (sv->sv_nsessions >= SESSION_MAX ||
	    (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	arc4random_buf(rnd, sizeof(rnd));
	for (i = 0; i < 8; i++)
		(void)snprintf(s->s_id + 2 * i, 3, "%02X", rnd[i]);
	s->s_conn = c;
	s->s_st = st;
	s->s_h264 = h264;
	s->s_tcp = tcp;
	s->s_seen = now_ms();
	s->s_dst = c->c_ss;
	s->s_dstlen = c->c_sslen;
	if (!tcp) {
		s->s_l = c->c_l;
		s->s_l->l_refs++;
	}
	s->s_sink.ss_h264 = h264;
	s->s_sink.ss_deliver = session_deliver;
	s->s_sink.ss_arg = s;
	TAILQ_INSERT_TAIL(&sv->sv_sessions, s, s_entry);
	sv->sv_nsessions++;
	return s;
}

static void
setup(struct conn *c, const struct rtsp_req *r, const struct rtsp_target *t)
{
	struct rtsp_transport	 tr;
	struct session		*s = NULL;
	struct stream		*st;
	struct strack		*tk;
	char			 hdr[256];
	int			 n;

	if (t->track == -1) {
		conn_reply(c, r, 459, NULL, NULL, NULL, NULL, 0);
		return;
	}
	if (rtspreq_transport(r->transport, &tr) == -1) {
		conn_reply(c, r, 461, NULL, NULL, NULL, NULL, 0);
		return;
	}
	if (r->session[0] != '\0') {
		if ((s = session_find(r->session)) == NULL) {
			conn_reply(c, r, 454, NULL, NULL, NULL, NULL, 0);
			return;
		}
		if (strcmp(stream_uid(s->s_st), t->id) != 0 ||
		    s->s_h264 != t->h264) {
			conn_reply(c, r, 459, NULL, NULL, NULL, NULL, 0);
			return;
		}
		if (s->s_tcp != tr.tcp || s->s_playing ||
		    (s->s_tcp && s->s_conn != c)) {
			conn_reply(c, r, s->s_playing ? 455 : 461, NULL, NULL,
			    NULL, NULL, 0);
			return;
		}
	} else {
		if ((st = camera(c, r, t)) == NULL)
			return;
		if ((s = session_new(c, st, t->h264, tr.tcp)) == NULL) {
			stream_unref(st);
			conn_reply(c, r, 453, NULL, NULL, NULL, NULL, 0);
			return;
		}
	}
	s->s_seen = now_ms();
	tk = &s->s_trk[t->track];
	tk->t_setup = 1;
	if (t->track == STREAM_TRACK_VIDEO)
		s->s_sink.ss_video = 1;
	else
		s->s_sink.ss_audio = 1;
	if (tr.tcp) {
		tk->t_ch[0] = tr.interleaved[0] == -1 ? 2 * t->track :
		    tr.interleaved[0];
		tk->t_ch[1] = tk->t_ch[0] + 1;
		n = snprintf(hdr, sizeof(hdr), "Transport: RTP/AVP/TCP;unicast;"
		    "interleaved=%u-%u;ssrc=%08X\r\n", tk->t_ch[0], tk->t_ch[1],
		    stream_track(s->s_st, s->s_h264, t->track)->rt_ssrc);
	} else {
		tk->t_cport[0] = tr.client_port[0];
		tk->t_cport[1] = tr.client_port[1];
		n = snprintf(hdr, sizeof(hdr), "Transport: RTP/AVP;unicast;"
		    "client_port=%u-%u;server_port=%u-%u;ssrc=%08X\r\n",
		    tk->t_cport[0], tk->t_cport[1],
		    s->s_l->l_udpport + 2 * t->track,
		    s->s_l->l_udpport + 2 * t->track + 1,
		    stream_track(s->s_st, s->s_h264, t->track)->rt_ssrc);
	}
	(void)snprintf(hdr + n, sizeof(hdr) - n, "Session: %s;timeout=%u\r\n",
	    s->s_id, sv->sv_timeout);
	conn_reply(c, r, 200, NULL, hdr, NULL, NULL, 0);
}

static void
play(struct conn *c, const struct rtsp_req *r, struct session *s)
{
	char		 hdr[3 * RTSP_URL_MAX], base[RTSP_URL_MAX];
	struct rtp_track *rt;
	uint64_t	 now = rtp_now_us();
	size_t		 n;
	int		 i, first = 1;

	if (!s->s_sink.ss_video && !s->s_sink.ss_audio) {
		conn_reply(c, r, 455, NULL, NULL, NULL, NULL, 0);
		return;
	}
	if (!s->s_tcp && s->s_conn == NULL)
		s->s_conn = c;
	base_url(r->url, base, sizeof(base));
	n = (size_t)snprintf(hdr, sizeof(hdr), "Range: npt=0.000-\r\n"
	    "Session: %s;timeout=%u\r\nRTP-Info: ", s->s_id, sv->sv_timeout);
	for (i = 0; i < 2; i++) {
		if (!s->s_trk[i].t_setup)
			continue;
		rt = stream_track(s->s_st, s->s_h264, i);
		n += (size_t)snprintf(hdr + n, sizeof(hdr) - n,
		    "%surl=%s/trackID=%d;seq=%u;rtptime=%u", first ? "" : ",",
		    base, i, rt->rt_seq, rtp_track_time(rt, now));
		first = 0;
		s->s_trk[i].t_sr_next = 0;	/* a report with the first */
	}
	if (n + 3 > sizeof(hdr)) {
		conn_reply(c, r, 500, NULL, NULL, NULL, NULL, 0);
		return;
	}
	strlcat(hdr, "\r\n", sizeof(hdr));
	conn_reply(c, r, 200, NULL, hdr, NULL, NULL, 0);
	if (!s->s_playing) {
		s->s_playing = 1;
		stream_attach(s->s_st, &s->s_sink);
		log_info("%s: session %s plays %s%s over %s", c->c_name,
		    s->s_id, stream_uid(s->s_st), s->s_h264 ? "/h264" : "",
		    s->s_tcp ? "TCP" : "UDP");
	}
}

void
method_request(struct conn *c, struct rtsp_req *r, const char *body)
{
	struct rtsp_target	 t;
	struct session		*s = NULL;
	char			 hdr[128];

	log_debug("%s: %s %s", c->c_name, rtspreq_method_name(r->method),
	    r->url);
	if (r->method == RTSP_M_OTHER) {
		conn_reply(c, r, 501, NULL, PUBLIC, NULL, NULL, 0);
		return;
	}
	if (r->has_require) {
		conn_reply(c, r, 551, NULL, NULL, NULL, NULL, 0);
		return;
	}
	if (r->method != RTSP_M_OPTIONS && !auth_check(c, r))
		return;
	if (rtspreq_target(r->url, &t) == -1) {
		conn_reply(c, r, 404, NULL, NULL, NULL, NULL, 0);
		return;
	}
	if (r->session[0] != '\0' && r->method != RTSP_M_SETUP) {
		if ((s = session_find(r->session)) == NULL) {
			conn_reply(c, r, 454, NULL, NULL, NULL, NULL, 0);
			return;
		}
		/* A session is its owner's: the id is no capability alone. */
		if (s->s_conn != NULL && s->s_conn != c && s->s_tcp) {
			conn_reply(c, r, 454, NULL, NULL, NULL, NULL, 0);
			return;
		}
		s->s_seen = now_ms();
		(void)snprintf(hdr, sizeof(hdr), "Session: %s;timeout=%u\r\n",
		    s->s_id, sv->sv_timeout);
	}
	switch (r->method) {
	case RTSP_M_OPTIONS:
		conn_reply(c, r, 200, NULL, PUBLIC, NULL, NULL, 0);
		break;
	case RTSP_M_DESCRIBE:
		describe(c, r, &t);
		break;
	case RTSP_M_SETUP:
		setup(c, r, &t);
		break;
	case RTSP_M_PLAY:
	case RTSP_M_PAUSE:
	case RTSP_M_TEARDOWN:
		if (s == NULL) {
			conn_reply(c, r, 454, NULL, NULL, NULL, NULL, 0);
			break;
		}
		if (strcmp(t.id, stream_uid(s->s_st)) != 0 ||
		    t.h264 != s->s_h264) {
			conn_reply(c, r, 459, NULL, NULL, NULL, NULL, 0);
			break;
		}
		if (r->method == RTSP_M_PLAY)
			play(c, r, s);
		else if (r->method == RTSP_M_PAUSE) {
			if (s->s_playing) {
				s->s_playing = 0;
				stream_detach(s->s_st, &s->s_sink);
			}
			conn_reply(c, r, 200, NULL, hdr, NULL, NULL, 0);
		} else {
			session_free(s);
			conn_reply(c, r, 200, NULL, NULL, NULL, NULL, 0);
		}
		break;
	default:	/* GET_PARAMETER, SET_PARAMETER: keep-alive */
		conn_reply(c, r, 200, NULL, s ? hdr : NULL, NULL, NULL, 0);
		break;
	}
	(void)body;
}
