/*
 * camsim against a scripted peer: the test plays the server over real
 * sockets on 127.0.0.1 (ephemeral ports) and checks the camera's bytes,
 * the bootstrap, fragments, pacing on 605, resends, forwards and AP mode.
 */
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "wire.h"
#include "frag.h"
#include "camsim_peer.h"

/* Frame 37 of vectors/capture-tcp.txt: the real camera's first message. */
static const char frame37[] =
    "57000000000000000000000000000000000000007b22636f6465223a203130302c2022"
    "756964223a2022303830306330303132384638222c2022746f6b656e223a2022393165"
    "646634316622202c22646f6d61696e223a2022763732302e6e6178636c6f772e636f6d"
    "227d";

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t	n = 0;
	unsigned v;

	for (; s[0] && s[1]; s += 2) {
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* The line "37 camera v720-tcp HEX" of the shared vectors, if present. */
static void
frame37_matches_vectors(void)
{
	char	 path[PATH_MAX], line[4096];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/protocol/vectors/capture-tcp.txt",
	    getenv("SHARED") ? getenv("SHARED") : CAMSIM_TOP "/../shared");
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "37 camera v720-tcp ", 19) == 0) {
			line[strcspn(line, "\n")] = '\0';
			cr_assert_str_eq(line + 19, frame37);
		}
	fclose(f);
}

static void
first_bytes_are_frame37(const char *extra)
{
	struct peer	 p;
	uint8_t		 want[256], got[256];
	size_t		 n = unhex(frame37, want);
	const char	*args[] = { "--uid", "0800c00128F8", "--token", "91edf41f",
			    "--heartbeat", "0.2", extra, NULL };
	static const uint8_t hb[20] = { 0, 0, 0, 0, 0x64 };

	frame37_matches_vectors();
	peer_listen(&p);
	peer_spawn(&p, "--tcp", p.port, args);
	peer_accept(&p, 5000);
	read_n(p.cfd, got, n, 3000);
	cr_assert_eq(memcmp(got, want, n), 0, "registration differs from frame 37");
	tcp_json(p.cfd, "{\"code\": 101, \"status\": 200}");
	/* Then heartbeats: exactly 00000000 6400 00 00 0*8 00000000. */
	read_n(p.cfd, got, 20, 2000);
	cr_assert_eq(memcmp(got, hb, 20), 0, "heartbeat bytes");
	read_n(p.cfd, got, 20, 2000);
	cr_assert_eq(memcmp(got, hb, 20), 0, "second heartbeat");
	peer_stop(&p);
}

Test(camsim_peer, first_tcp_bytes_equal_capture_frame_37, .timeout = 20)
{
	first_bytes_are_frame37(NULL);
}

Test(camsim_peer, split_tcp_writes_same_bytes, .timeout = 20)
{
	first_bytes_are_frame37("--split-tcp");
}

Test(camsim_peer, other_uid_and_token_keep_the_layout, .timeout = 20)
{
	struct peer	 p;
	char		 want[256];
	uint8_t		 got[256];
	const char	*args[] = { "--uid", "0800c", "--cameras", "1", NULL };
	int		 n;

	peer_listen(&p);
	peer_spawn(&p, "--tcp", p.port, args);
	peer_accept(&p, 5000);
	n = snprintf(want, sizeof(want), "{\"code\": 100, \"uid\": "
	    "\"0800c0000001\", \"token\": \"\" ,\"domain\": \"v720.naxclow.com\"}");
	read_n(p.cfd, got, 20 + (size_t)n, 3000);
	cr_assert_eq(wire_get32(got), (uint32_t)n);
	cr_assert_eq(memcmp(got + 4, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16), 0);
	cr_assert_eq(memcmp(got + 20, want, (size_t)n), 0, "%.*s", n, got + 20);
	peer_stop(&p);
}

Test(camsim_peer, http_bootstrap_request_and_answer, .timeout = 20)
{
	struct peer	 p;
	char		 req[2048] = "", body[512], ans[1024], buf[4096];
	char		 rnd[16], tok[16];
	const char	*args[] = { "--uid", "0800c00128F8", NULL };
	int		 hfd, cfd, n, blen;
	size_t		 got = 0;

	peer_listen(&p);
	cr_assert_neq(hfd = listen_on(SOCK_STREAM, 0), -1);
	peer_spawn(&p, "--bootstrap", port_of(hfd), args);
	cr_assert(wait_fd(hfd, 5000));
	cfd = accept(hfd, NULL, NULL);
	while (strstr(req, "\r\n\r\n") == NULL) {
		cr_assert(wait_fd(cfd, 3000));
		cr_assert_gt(n = (int)read(cfd, req + got, sizeof(req) - 1 - got), 0);
		got += (size_t)n;
		req[got] = '\0';
	}
	cr_assert_eq(sscanf(req, "POST /app/api/ApiServer/getA9ConfCheck?"
	    "devicesCode=0800c00128F8&random=%6[A-Z]&token=%10[0-9a-f] HTTP/1.1\r\n",
	    rnd, tok), 2, "%s", req);
	cr_assert_eq(strlen(rnd), 6);
	cr_assert_eq(strlen(tok), 10);
	cr_assert(strstr(req, " HTTP/1.1\r\nHost: v720.naxclow.com\r\n"
	    "version: 202212011602\r\n\r\n") != NULL, "%s", req);
	cr_assert_null(strcasestr(req, "content-length"));
	cr_assert_eq(strlen(strstr(req, "\r\n\r\n")), 4, "no body");
	blen = snprintf(body, sizeof(body), "{\"code\":200,\"message\":\"OK\","
	    "\"data\":{\"tcpPort\":%d,\"uid\":\"0800c00128F8\",\"isBind\":\"8\","
	    "\"domain\":\"v720.naxclow.com\",\"updateUrl\":null,\"host\":"
	    "\"127.0.0.1\",\"currTime\":\"1676097689\",\"pwd\":\"91edf41f\","
	    "\"version\":null}}", p.port);
	n = snprintf(ans, sizeof(ans), "HTTP/1.1 200\r\nContent-Type: "
	    "application/json\r\nContent-Length: %d\r\nConnection: keep-alive"
	    "\r\n\r\n%s", blen, body);
	cr_assert_eq(write(cfd, ans, (size_t)n), n);
	/* The camera closes after the answer, then registers with pwd. */
	cr_assert(wait_fd(cfd, 3000));
	cr_assert_eq(read(cfd, buf, sizeof(buf)), 0);
	close(cfd);
	close(hfd);
	peer_accept(&p, 3000);
	tcp_expect(p.cfd, "\"token\": \"91edf41f\" ,", buf, sizeof(buf), 3000);
	peer_stop(&p);
}

/* Frame 1 of camera 0 is scene1.jpg with its COM segment. */
Test(camsim_peer, handshake_then_fragments_of_a_known_jpeg, .timeout = 20)
{
	struct peer	 p;
	char		 buf[8192];
	uint8_t		 frame[65536], want[65536], jpeg[65536], ub[2048];
	uint32_t	 ids[128];
	size_t		 flen, jlen, wlen;
	struct sockaddr_in from;
	FILE		*f;
	int		 k;
	const char	*args[] = { "--data", CAMSIM_TOP "/regress/data/scene1.jpg",
			    "--uid", "0800c00128F8", NULL };

	peer_listen(&p);
	peer_online(&p, args);
	/* A probe (50) is answered with 51. */
	udp_send(&p, WIRE_CMD_JSON, "{\"code\":50}", 11);
	cr_assert_gt(udp_recv(&p, ub, sizeof(ub) - 1, 2000, &from), 0);
	cr_assert(memmem(ub, 200, "\"devTarget\": \"0800c00128F8\"", 27) != NULL);
	tcp_json(p.cfd, "{\"code\":301,\"target\":\"0123456789abcdef0123456789abcdef\","
	    "\"content\":{\"code\":3}}");
	tcp_expect(p.cfd, "\"code\": 301", buf, sizeof(buf), 2000);
	cr_assert(strstr(buf, "\"target\": \"0123456789abcdef0123456789abcdef\""));
	cr_assert(strstr(buf, "\"content\": {\"code\":3,"), "%s", buf);
	cr_assert(strstr(buf, "\"status\":200"));
	cr_assert_eq(k = read_frame(&p, frame, &flen, ids, 3000), 26);
	cr_assert_not_null(f = fopen(CAMSIM_TOP "/regress/data/scene1.jpg", "rb"));
	jlen = fread(jpeg, 1, sizeof(jpeg), f);
	fclose(f);
	wlen = frag_build(want, sizeof(want), jpeg, jlen,
	    "camsim 0800c00128F8 frame 1", 0);
	cr_assert_eq(flen, wlen);
	cr_assert_eq(memcmp(frame, want, flen), 0, "frame bytes");
	cr_assert_eq(ids[0], 1, "pkg_id starts at 1");
	peer_stop(&p);
}

Test(camsim_peer, pacing_waits_for_605, .timeout = 30)
{
	struct peer	 p;
	uint8_t		 frame[65536];
	uint32_t	 ids[128];
	size_t		 flen;
	long long	 t1, t2;
	int		 k, i;
	const char	*args[] = { NULL };

	peer_listen(&p);
	peer_online(&p, args);
	open_stream(&p, 3);
	/* A server that never confirms: the next frame only after 2 s. */
	cr_assert_gt(k = read_frame(&p, frame, &flen, ids, 3000), 0);
	t1 = now_ms();
	cr_assert_gt(k = read_frame(&p, frame, &flen, ids, 4000), 0);
	t2 = now_ms();
	cr_assert_geq(t2 - t1, 1800, "frame 2 after %lld ms", t2 - t1);
	cr_assert_leq(t2 - t1, 3000, "frame 2 after %lld ms", t2 - t1);
	/* Nothing comes before the 605; the 605 releases the next frame. */
	cr_assert_eq(quiet_for(&p, 300), 0, "sent before the 605");
	confirm(&p, ids, k);
	t1 = now_ms();
	cr_assert_gt(k = read_frame(&p, frame, &flen, ids, 3000), 0);
	cr_assert_leq(now_ms() - t1, 400, "frame 3 %lld ms after the 605",
	    now_ms() - t1);
	confirm(&p, ids, k);
	t1 = now_ms();
	for (i = 0; i < 10; i++) {
		cr_assert_gt(k = read_frame(&p, frame, &flen, ids, 3000), 0);
		confirm(&p, ids, k);
	}
	t2 = now_ms();
	/* A prompt server gets the full 10 fps. */
	cr_assert_leq(t2 - t1, 2000, "10 frames took %lld ms", t2 - t1);
	cr_assert_geq(t2 - t1, 800, "10 frames took %lld ms (fps cap)", t2 - t1);
	peer_stop(&p);
}

Test(camsim_peer, resends_missing_ids_three_times, .timeout = 30)
{
	struct peer	 p;
	uint8_t		 frame[65536], buf[2048], orig[2][1100];
	uint32_t	 ids[128];
	size_t		 flen;
	struct wire_hdr	 h;
	ssize_t		 n;
	int		 k, round, got;
	const char	*args[] = { NULL };

	peer_listen(&p);
	peer_online(&p, args);
	open_stream(&p, 2);
	cr_assert_gt(k = read_frame(&p, frame, &flen, ids, 3000), 5);
	memcpy(orig[0], frame + 3 * 1004, 1004);
	memcpy(orig[1], frame + 5 * 1004, 1004);
	/* Confirm all but packets 3 and 5. */
	{
		uint32_t	part[128];
		int		i, m = 0;

		for (i = 0; i < k; i++)
			if (i != 3 && i != 5)
				part[m++] = ids[i];
		confirm(&p, part, m);
	}
	for (round = 0; round < 3; round++) {
		got = 0;
		while (got < 2) {
			cr_assert_geq(n = media(&p, buf, 1000, &h), 0,
			    "no resend in round %d", round);
			cr_assert(h.wh_pkg_id == ids[3] || h.wh_pkg_id == ids[5],
			    "resent %u", h.wh_pkg_id);
			cr_assert_eq(h.wh_msg_flag, 251);
			cr_assert_eq(memcmp(buf + WIRE_HDR_LEN, orig[h.wh_pkg_id ==
			    ids[3] ? 0 : 1], 1004), 0, "resent bytes");
			got++;
		}
		confirm(&p, ids, 0);	/* keep the server "confirming" */
	}
	/* Then the camera moves on: the next thing is frame 2. */
	cr_assert_geq(n = media(&p, buf, 1000, &h), 0);
	cr_assert_eq(h.wh_msg_flag, 250);
	cr_assert_eq(h.wh_pkg_id, ids[k - 1] + 1);
	peer_stop(&p);
}

Test(camsim_peer, forwards_are_echoed_with_state, .timeout = 30)
{
	struct peer	 p;
	char		 buf[8192];
	const char	*args[] = { "--battery", "77", "--backoff-ms", "100", NULL };

	peer_listen(&p);
	peer_online(&p, args);
	tcp_json(p.cfd, "{\"code\":301,\"target\":\"aa\",\"content\":{\"code\":202,"
	    "\"IrLed\":2}}");
	tcp_expect(p.cfd, "\"code\": 301", buf, sizeof(buf), 2000);
	cr_assert(strstr(buf, "\"IrLed\":2,\"status\":200"), "%s", buf);
	tcp_json(p.cfd, "{\"code\":301,\"target\":\"aa\",\"content\":{\"code\":216,"
	    "\"mirrorFlip\":9}}");
	tcp_expect(p.cfd, "\"code\": 301", buf, sizeof(buf), 2000);
	cr_assert(strstr(buf, "\"mirrorFlip\":0,\"status\":400"), "%s", buf);
	tcp_json(p.cfd, "{\"code\":301,\"target\":\"aa\",\"content\":{\"code\":216,"
	    "\"mirrorFlip\":4}}");
	tcp_expect(p.cfd, "\"code\": 301", buf, sizeof(buf), 2000);
	cr_assert(strstr(buf, "\"mirrorFlip\":4,\"status\":200"), "%s", buf);
	tcp_json(p.cfd, "{\"code\":301,\"target\":\"aa\",\"content\":{\"code\":4,"
	    "\"unixTimer\":1676097689}}");
	tcp_expect(p.cfd, "\"code\": 301", buf, sizeof(buf), 2000);
	cr_assert(strstr(buf, "\"IrLed\":2,\"devPower\":77,"), "%s", buf);
	cr_assert(strstr(buf, "\"mirrorFlip\":4,\"version\":\"202212011602\""));
	cr_assert(strstr(buf, "\"sdDevStatus\":0"));
	/* 299: echo, drop TCP, come back with a fresh registration. */
	tcp_json(p.cfd, "{\"code\":301,\"target\":\"aa\",\"content\":{\"code\":299,"
	    "\"reboot\":1}}");
	tcp_expect(p.cfd, "\"reboot\":1", buf, sizeof(buf), 2000);
	cr_assert(wait_fd(p.cfd, 2000));
	cr_assert_eq(read(p.cfd, buf, sizeof(buf)), 0, "TCP closed on reboot");
	peer_accept(&p, 5000);
	tcp_expect(p.cfd, "\"code\": 100", buf, sizeof(buf), 3000);
	peer_stop(&p);
}

Test(camsim_peer, reconnects_after_server_drops, .timeout = 30)
{
	struct peer	 p;
	char		 buf[8192];
	const char	*args[] = { "--backoff-ms", "100", NULL };

	peer_listen(&p);
	peer_online(&p, args);
	close(p.cfd);
	p.cfd = -1;
	peer_accept(&p, 5000);
	tcp_expect(p.cfd, "\"code\": 100", buf, sizeof(buf), 3000);
	peer_stop(&p);
}

static void
ap_send(int fd, uint16_t cmd, const char *json)
{
	uint8_t		h[WIRE_HDR_LEN];
	struct wire_hdr	wh;

	memset(&wh, 0, sizeof(wh));
	wh.wh_cmd = cmd;
	wh.wh_len = (uint32_t)strlen(json);
	memset(wh.wh_fwd, '0', 8);
	wire_hdr_encode(&wh, h);
	cr_assert_eq(write(fd, h, sizeof(h)), (ssize_t)sizeof(h));
	if (*json)
		cr_assert_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
}

Test(camsim_peer, ap_mode_replies, .timeout = 20)
{
	struct peer		 p;
	struct sockaddr_in	 sin;
	struct wire_hdr		 h;
	char			 buf[8192];
	int			 fd, i;
	const char		*args[] = { "--uid", "0800c00128F8", NULL };

	peer_listen(&p);
	close(p.lfd);		/* camsim listens on this port */
	peer_spawn(&p, "--ap", p.port, args);
	p.lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)p.port);
	for (i = 0; i < 50; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			break;
		close(fd);
		fd = -1;
		usleep(100000);
	}
	cr_assert_neq(fd, -1, "AP camera not listening");
	ap_send(fd, WIRE_CMD_MOTION_LIVE, "");
	tcp_msg(fd, &h, buf, sizeof(buf), 2000);
	cr_assert_str_eq(buf, "{\"code\": 115, \"devId\": \"0800c00128F8\", "
	    "\"status\": 200}");
	ap_send(fd, 0, "{\"code\":501,\"target\":\"deadbeef\",\"token\":\"x\","
	    "\"unixTimer\":1676097689}");
	tcp_msg(fd, &h, buf, sizeof(buf), 2000);
	cr_assert(strstr(buf, "{\"code\": 501, \"status\": 200, \"devId\": "
	    "\"0800c00128F8\", \"forwardId\": \"") == buf, "%s", buf);
	ap_send(fd, 0, "{\"code\":502,\"content\":{\"code\":204,\"devTarget\":"
	    "\"deadbeef\",\"s\":\"HomeNet\",\"p\":\"short\"}}");
	tcp_msg(fd, &h, buf, sizeof(buf), 2000);
	cr_assert_str_eq(buf, "{\"code\": 502, \"content\": {\"code\":204,"
	    "\"devTarget\":\"0800c00128F8\",\"s\":\"HomeNet\",\"status\":400}}");
	ap_send(fd, 0, "{\"code\":502,\"content\":{\"code\":204,\"devTarget\":"
	    "\"deadbeef\",\"s\":\"HomeNet\",\"p\":\"secret123\"}}");
	tcp_msg(fd, &h, buf, sizeof(buf), 2000);
	cr_assert_str_eq(buf, "{\"code\": 502, \"content\": {\"code\":204,"
	    "\"devTarget\":\"0800c00128F8\",\"s\":\"HomeNet\",\"status\":200}}");
	ap_send(fd, 0, "{\"code\":502,\"content\":{\"code\":4,\"devTarget\":"
	    "\"deadbeef\",\"unixTimer\":1676097689}}");
	tcp_msg(fd, &h, buf, sizeof(buf), 2000);
	cr_assert(strstr(buf, "\"wifiName\":\"HomeNet\""), "%s", buf);
	cr_assert(strstr(buf, "\"devPower\":100"));
	cr_assert(strstr(buf, "\"version\":\"202212011602\""));
	cr_assert(strstr(buf, "\"sdDevStatus\":0"));
	close(fd);
	peer_stop(&p);
}

/* A second code 11 while streaming: a new UDP socket, the stream goes on. */
Test(camsim_peer, new_association_moves_the_stream, .timeout = 30)
{
	struct peer		 p;
	struct sockaddr_in	 old, from;
	uint8_t			 frame[65536], ub[2048];
	uint32_t		 ids[128];
	size_t			 flen;
	ssize_t			 n;
	int			 k;
	const char		*args[] = { NULL };

	peer_listen(&p);
	peer_online(&p, args);
	open_stream(&p, 2);
	cr_assert_gt(k = read_frame(&p, frame, &flen, ids, 3000), 0);
	confirm(&p, ids, k);
	old = p.cam;
	tcp_json(p.cfd, "{\"code\":11,\"cliTarget\":\"ab\",\"cliToken\":\"cd\","
	    "\"cliIp\":\"255.255.255.255\",\"cliPort\":0,"
	    "\"cliNatIp\":\"255.255.255.255\",\"cliNatPort\":0}");
	for (;;) {
		cr_assert_gt(n = udp_recv(&p, ub, sizeof(ub) - 1, 3000, &from), 0);
		ub[n] = '\0';
		if (strstr((char *)ub + WIRE_HDR_LEN, "\"code\": 20"))
			break;
	}
	cr_assert_neq(from.sin_port, old.sin_port, "a new UDP port");
	p.cam = from;
	udp_send(&p, WIRE_CMD_JSON, "{\"code\":21,\"ip\":\"127.0.0.1\",\"port\":1}", 37);
	cr_assert_gt(k = read_frame(&p, frame, &flen, ids, 3000), 0);
	confirm(&p, ids, k);
	cr_assert_gt(read_frame(&p, frame, &flen, ids, 3000), 0);
	peer_stop(&p);
}

/* --latency: each answer (TCP and UDP) comes at least that much later. */
Test(camsim_peer, latency_delays_every_answer, .timeout = 30)
{
	struct peer	 p;
	char		 buf[8192];
	uint8_t		 ub[2048];
	struct sockaddr_in from;
	const char	*args[] = { "--latency", "300", NULL };
	long long	 t, lat;
	ssize_t		 n;

	peer_listen(&p);
	peer_online(&p, args);
	/* 50 -> 51 */
	t = now_ms();
	udp_send(&p, WIRE_CMD_JSON, "{\"code\":50}", 11);
	n = udp_recv(&p, ub, sizeof(ub), 3000, &from);
	lat = now_ms() - t;
	cr_assert_gt(n, WIRE_HDR_LEN, "no 51 for the 50");
	ub[n] = '\0';
	cr_assert(strstr((char *)ub + WIRE_HDR_LEN, "\"code\": 51") != NULL);
	cr_assert_geq(lat, 300, "51 after %lld ms", lat);
	/* a forward and its echo */
	t = now_ms();
	tcp_json(p.cfd, "{\"code\":301,\"target\":\"aa\",\"content\":{\"code\":202,"
	    "\"IrLed\":1}}");
	tcp_expect(p.cfd, "\"code\": 301", buf, sizeof(buf), 3000);
	lat = now_ms() - t;
	cr_assert(strstr(buf, "\"IrLed\":1,\"status\":200"), "%s", buf);
	cr_assert_geq(lat, 300, "echo after %lld ms", lat);
	/* two messages in a row keep their order */
	tcp_json(p.cfd, "{\"code\":301,\"target\":\"aa\",\"content\":{\"code\":202,"
	    "\"IrLed\":2}}");
	tcp_json(p.cfd, "{\"code\":301,\"target\":\"aa\",\"content\":{\"code\":202,"
	    "\"IrLed\":0}}");
	tcp_expect(p.cfd, "\"code\": 301", buf, sizeof(buf), 3000);
	cr_assert(strstr(buf, "\"IrLed\":2,"), "%s", buf);
	tcp_expect(p.cfd, "\"code\": 301", buf, sizeof(buf), 3000);
	cr_assert(strstr(buf, "\"IrLed\":0,"), "%s", buf);
	peer_stop(&p);
}
