/*
 * --sink: the cheapest server that keeps cameras streaming, to measure
 * camsim alone.  It registers every camera (101), opens the UDP channel
 * (11, then 21 for each 20), asks for video (forward 3) once the camera's
 * 51 names it, and confirms every frame with a 605 as soon as its last
 * fragment arrives (and every 100 ms for stragglers).  No reassembly.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "json.h"
#include "proc.h"
#include "wire.h"
#include "camsim.h"

#define SINK_IDS	256
#define SINK_BATCH	64

struct sconn {
	struct sink	*sc_sink;
	int		 sc_fd;
	struct event	 sc_ev;
	struct evbuffer	*sc_in;
	char		 sc_uid[CAMSIM_UID_LEN + 1];
	struct sockaddr_in sc_udp;	/* learned from 51 */
	int		 sc_streaming;
	uint32_t	 sc_ids[SINK_IDS];
	int		 sc_nids;
	struct sconn	*sc_next;	/* same UDP port, other address */
	struct sconn	*sc_all;
};

struct sink {
	struct camsim	*sk_cs;
	int		 sk_lfd, sk_ufd;
	struct event	 sk_lev, sk_uev, sk_tick;
	struct sconn	*sk_byport[65536];
	struct sconn	*sk_conns;
	uint64_t	 sk_pkts, sk_bytes, sk_frames, sk_confirms, sk_cams;
	uint64_t	 sk_last_pkts, sk_last_frames;
	double		 sk_last_cpu;
	unsigned long long sk_start;
};

static void
sink_send(struct sconn *sc, const char *json)
{
	uint8_t		h[WIRE_HDR_LEN];
	struct wire_hdr	wh;
	size_t		len = strlen(json);

	wire_hdr_server(&wh, WIRE_CMD_JSON, (uint32_t)len);
	wire_hdr_encode(&wh, h);
	/* Small messages on an idle socket: a blocking-free write suffices. */
	if (write(sc->sc_fd, h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    write(sc->sc_fd, json, len) != (ssize_t)len)
		log_debug("sink: short write to %s", sc->sc_uid);
}

static void
sconn_free(struct sconn *sc)
{
	struct sink	 *sk = sc->sc_sink;
	struct sconn	**pp;

	for (pp = &sk->sk_byport[ntohs(sc->sc_udp.sin_port)]; *pp != NULL;
	    pp = &(*pp)->sc_next)
		if (*pp == sc) {
			*pp = sc->sc_next;
			break;
		}
	for (pp = &sk->sk_conns; *pp != NULL; pp = &(*pp)->sc_all)
		if (*pp == sc) {
			*pp = sc->sc_all;
			break;
		}
	event_del(&sc->sc_ev);
	close(sc->sc_fd);
	evbuffer_free(sc->sc_in);
	free(sc);
}

static void
sconn_read(int fd, short what, void *arg)
{
	struct sconn	*sc = arg;
	struct wire_hdr	 h;
	struct json_doc	 d;
	uint8_t		*p;
	int64_t		 code;
	ssize_t		 n;
	int		 r;

	if ((n = evbuffer_read(sc->sc_in, fd, 16384)) == -1 &&
	    (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		sconn_free(sc);
		return;
	}
	while ((r = camsim_nextmsg(sc->sc_in, WIRE_TCP_MAX_PAYLOAD, &h, &p)) == 1) {
		if (h.wh_cmd == WIRE_CMD_JSON && json_parse(&d, (char *)p +
		    WIRE_HDR_LEN, h.wh_len) == 0 &&
		    json_get_int(&d, "code", 0, 100000, &code) == 0 &&
		    code == 100 &&
		    json_get_str(&d, "uid", sc->sc_uid, sizeof(sc->sc_uid)) == 0) {
			sink_send(sc, "{\"code\": 101, \"status\": 200}");
			sink_send(sc, "{\"code\":11,\"cliTarget\":"
			    "\"00000000000000000000000000000000\",\"cliToken\":"
			    "\"sink\",\"cliIp\":\"255.255.255.255\",\"cliPort\":0,"
			    "\"cliNatIp\":\"255.255.255.255\",\"cliNatPort\":0}");
			sc->sc_sink->sk_cams++;
		}
		evbuffer_drain(sc->sc_in, WIRE_HDR_LEN + h.wh_len);
	}
	if (r == -1)
		sconn_free(sc);
}

static void
sink_accept(int fd, short what, void *arg)
{
	struct sink	*sk = arg;
	struct sconn	*sc;
	int		 cfd, one = 1;

	if ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	if ((sc = calloc(1, sizeof(*sc))) == NULL ||
	    (sc->sc_in = evbuffer_new()) == NULL)
		fatal("%s", __func__);
	(void)setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	sc->sc_sink = sk;
	sc->sc_fd = cfd;
	sc->sc_all = sk->sk_conns;
	sk->sk_conns = sc;
	event_set(&sc->sc_ev, cfd, EV_READ | EV_PERSIST, sconn_read, sc);
	event_add(&sc->sc_ev, NULL);
}

static struct sconn *
sink_lookup(struct sink *sk, const struct sockaddr_in *sin)
{
	struct sconn	*sc;

	for (sc = sk->sk_byport[ntohs(sin->sin_port)]; sc != NULL;
	    sc = sc->sc_next)
		if (sc->sc_udp.sin_addr.s_addr == sin->sin_addr.s_addr &&
		    sc->sc_udp.sin_port == sin->sin_port)
			return sc;
	return NULL;
}

static void
sink_confirm(struct sink *sk, struct sconn *sc)
{
	uint8_t		buf[WIRE_HDR_LEN + 4 * SINK_IDS];
	struct wire_hdr	h;
	int		i;

	if (sc->sc_nids == 0 || !sk->sk_cs->cs_o.o_sink_confirm) {
		sc->sc_nids = 0;
		return;
	}
	wire_hdr_server(&h, WIRE_CMD_CONFIRM, (uint32_t)(4 * sc->sc_nids));
	wire_hdr_encode(&h, buf);
	for (i = 0; i < sc->sc_nids; i++)
		wire_put32(buf + WIRE_HDR_LEN + 4 * i, sc->sc_ids[i]);
	(void)sendto(sk->sk_ufd, buf, WIRE_HDR_LEN + 4 * (size_t)sc->sc_nids,
	    0, (struct sockaddr *)&sc->sc_udp, sizeof(sc->sc_udp));
	sk->sk_confirms++;
	sc->sc_nids = 0;
}

/* A JSON datagram: 20 -> 21, 51 -> learn the camera, ask for video. */
static void
sink_udp_json(struct sink *sk, const struct sockaddr_in *from,
    const uint8_t *p, size_t len)
{
	struct json_doc	 d;
	struct sconn	*sc;
	char		 uid[CAMSIM_UID_LEN + 1], buf[128], ip[INET_ADDRSTRLEN];
	uint8_t		 out[WIRE_HDR_LEN + 128];
	struct wire_hdr	 h;
	int64_t		 code;
	int		 n;

	if (json_parse(&d, (const char *)p, len) == -1 ||
	    json_get_int(&d, "code", 0, 100000, &code) == -1)
		return;
	if (code == 20) {
		inet_ntop(AF_INET, &from->sin_addr, ip, sizeof(ip));
		n = snprintf(buf, sizeof(buf), "{\"code\":21,\"ip\":\"%s\","
		    "\"port\":%d}", ip, ntohs(from->sin_port));
		wire_hdr_server(&h, WIRE_CMD_JSON, (uint32_t)n);
		wire_hdr_encode(&h, out);
		memcpy(out + WIRE_HDR_LEN, buf, (size_t)n);
		(void)sendto(sk->sk_ufd, out, WIRE_HDR_LEN + (size_t)n, 0,
		    (const struct sockaddr *)from, sizeof(*from));
		return;
	}
	if (code != 51 || json_get_str(&d, "devTarget", uid, sizeof(uid)) == -1)
		return;
	for (sc = sk->sk_conns; sc != NULL; sc = sc->sc_all)
		if (strcmp(sc->sc_uid, uid) == 0)
			break;
	if (sc == NULL || sc->sc_streaming)
		return;
	sc->sc_udp = *from;
	sc->sc_next = sk->sk_byport[ntohs(from->sin_port)];
	sk->sk_byport[ntohs(from->sin_port)] = sc;
	sc->sc_streaming = 1;
	sink_send(sc, "{\"code\":301,\"target\":"
	    "\"00000000000000000000000000000000\",\"content\":{\"code\":3}}");
}

static void
sink_udp(int fd, short what, void *arg)
{
	struct sink		*sk = arg;
	static uint8_t		 buf[SINK_BATCH][1600];
	struct mmsghdr		 mm[SINK_BATCH];
	struct iovec		 iov[SINK_BATCH];
	struct sockaddr_in	 from[SINK_BATCH];
	struct wire_hdr		 h;
	struct sconn		*sc;
	int			 i, n, rounds;

	for (rounds = 0; rounds < 32; rounds++) {
		for (i = 0; i < SINK_BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			memset(&mm[i], 0, sizeof(mm[i]));
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_name = &from[i];
			mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		if ((n = recvmmsg(fd, mm, SINK_BATCH, MSG_DONTWAIT, NULL)) <= 0)
			return;
		for (i = 0; i < n; i++) {
			if (wire_hdr_decode(buf[i], mm[i].msg_len, 1500, &h) == -1)
				continue;
			if (h.wh_cmd == WIRE_CMD_JSON) {
				sink_udp_json(sk, &from[i], buf[i] + WIRE_HDR_LEN,
				    mm[i].msg_len - WIRE_HDR_LEN);
				continue;
			}
			if ((sc = sink_lookup(sk, &from[i])) == NULL)
				continue;
			sk->sk_pkts++;
			sk->sk_bytes += mm[i].msg_len;
			if (sc->sc_nids < SINK_IDS)
				sc->sc_ids[sc->sc_nids++] = h.wh_pkg_id;
			if (h.wh_cmd == WIRE_CMD_JPEG &&
			    (h.wh_msg_flag == WIRE_FLAG_LAST ||
			    h.wh_msg_flag == WIRE_FLAG_SINGLE)) {
				sk->sk_frames++;
				sink_confirm(sk, sc);
			}
		}
		if (n < SINK_BATCH)
			return;
	}
}

static void
sink_tick(int fd, short what, void *arg)
{
	struct sink	*sk = arg;
	struct sconn	*sc;
	struct timeval	 tv = { 0, 100000 };
	static int	 ticks;

	for (sc = sk->sk_conns; sc != NULL; sc = sc->sc_all)
		sink_confirm(sk, sc);
	if (++ticks % 10 == 0) {
		if (sk->sk_cs->cs_o.o_stats)
			fprintf(stderr, "{\"ev\":\"sink-stats\",\"cameras\":%"
			    PRIu64 ",\"pkts_per_s\":%" PRIu64 ",\"frames_per_s\":%"
			    PRIu64 ",\"cpu_pct\":%.1f}\n", sk->sk_cams,
			    sk->sk_pkts - sk->sk_last_pkts,
			    sk->sk_frames - sk->sk_last_frames,
			    100.0 * (camlog_cpu() - sk->sk_last_cpu));
		sk->sk_last_pkts = sk->sk_pkts;
		sk->sk_last_frames = sk->sk_frames;
		sk->sk_last_cpu = camlog_cpu();
	}
	evtimer_add(&sk->sk_tick, &tv);
}

static int
sink_bind(struct sink *sk, const struct sockaddr_in *sin)
{
	int	sz = 32 << 20;

	if ((sk->sk_lfd = camsim_listen(sin, 1024)) == -1)
		return -1;
	if ((sk->sk_ufd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(sk->sk_ufd, (const struct sockaddr *)sin, sizeof(*sin)) == -1)
		return -1;
	if (setsockopt(sk->sk_ufd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
	    sizeof(sz)) == -1)
		(void)setsockopt(sk->sk_ufd, SOL_SOCKET, SO_RCVBUF, &sz,
		    sizeof(sz));
	return 0;
}

int
sink_main(struct camsim *cs)
{
	struct sink	*sk;
	struct sconn	*sc;
	struct timeval	 tv = { 0, 100000 };
	double		 secs, cpu;

	if ((sk = calloc(1, sizeof(*sk))) == NULL)
		fatal(NULL);
	sk->sk_cs = cs;
	if (sink_bind(sk, &cs->cs_o.o_addr) == -1)
		fatal("sink: bind");
	event_set(&sk->sk_lev, sk->sk_lfd, EV_READ | EV_PERSIST, sink_accept, sk);
	event_set(&sk->sk_uev, sk->sk_ufd, EV_READ | EV_PERSIST, sink_udp, sk);
	evtimer_set(&sk->sk_tick, sink_tick, sk);
	event_add(&sk->sk_lev, NULL);
	event_add(&sk->sk_uev, NULL);
	evtimer_add(&sk->sk_tick, &tv);
	sk->sk_start = proc_now_ms();
	event_dispatch();
	secs = (double)(proc_now_ms() - sk->sk_start) / 1000.0;
	cpu = camlog_cpu();
	printf("{\"ev\":\"sink\",\"cameras\":%" PRIu64 ",\"seconds\":%.3f,"
	    "\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"frames\":%" PRIu64
	    ",\"confirms\":%" PRIu64 ",\"pkts_per_s\":%.0f,\"cpu_s\":%.2f,"
	    "\"cpu_pct\":%.1f}\n", sk->sk_cams, secs, sk->sk_pkts, sk->sk_bytes,
	    sk->sk_frames, sk->sk_confirms, sk->sk_pkts / (secs > 0 ? secs : 1),
	    cpu, 100 * cpu / (secs > 0 ? secs : 1));
	while ((sc = sk->sk_conns) != NULL)
		sconn_free(sc);
	close(sk->sk_lfd);
	close(sk->sk_ufd);
	free(sk);
	return 0;
}
