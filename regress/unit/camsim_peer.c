/* The scripted server peer of camsim's tests; see camsim_peer.h. */
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

long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int
listen_on(int type, int port)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);
	int			fd, one = 1;

	fd = socket(AF_INET, type, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (type == SOCK_STREAM && listen(fd, 8) == -1)) {
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	return fd;
}

int
port_of(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);

	getsockname(fd, (struct sockaddr *)&sin, &sl);
	return ntohs(sin.sin_port);
}

/* TCP and UDP on one ephemeral port number, as the server has them. */
void
peer_listen(struct peer *p)
{
	int	tries;

	memset(p, 0, sizeof(*p));
	p->cfd = -1;
	for (tries = 0; tries < 50; tries++) {
		cr_assert_neq(p->lfd = listen_on(SOCK_STREAM, 0), -1);
		p->port = port_of(p->lfd);
		if ((p->ufd = listen_on(SOCK_DGRAM, p->port)) != -1)
			return;
		close(p->lfd);
	}
	cr_assert_fail("no port for TCP and UDP");
}

void
camsim_path(char *out, size_t outsz)
{
	char	exe[PATH_MAX];
	ssize_t	n;
	char	*s;
	int	i;

	cr_assert_gt(n = readlink("/proc/self/exe", exe, sizeof(exe) - 1), 0);
	exe[n] = '\0';
	for (i = 0; i < 3; i++)		/* .../regress/unit/bin/test_x */
		if ((s = strrchr(exe, '/')) != NULL)
			*s = '\0';
	strlcpy(out, exe, outsz);
	strlcat(out, "/camsim/camsim", outsz);
}

/* Run camsim with "--MODE 127.0.0.1:port" plus args (NULL-terminated). */
void
peer_spawn(struct peer *p, const char *mode, int port, const char *const *args)
{
	char		 path[PATH_MAX], addr[32];
	const char	*argv[48];
	int		 n = 0, fd;

	camsim_path(path, sizeof(path));
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	snprintf(p->logpath, sizeof(p->logpath), "/tmp/camsim-peer.%d.log",
	    (int)getpid());
	unlink(p->logpath);
	argv[n++] = path;
	argv[n++] = mode;
	argv[n++] = addr;
	argv[n++] = "--log";
	argv[n++] = p->logpath;
	argv[n++] = "--seed";
	argv[n++] = "7";
	argv[n++] = "--duration";	/* no orphan outlives a failed test */
	argv[n++] = "60";
	while (args != NULL && *args != NULL && n < 46)
		argv[n++] = *args++;
	argv[n] = NULL;
	cr_assert_neq(p->pid = fork(), -1);
	if (p->pid == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 1);
		if (getenv("CAMSIM_PEER_DEBUG") == NULL)
			dup2(fd, 2);
		execv(path, (char *const *)argv);
		_exit(127);
	}
}

int
peer_stop(struct peer *p)
{
	int	status = 0;

	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, &status, 0);
		/* A clean exit: also what catches sanitizer reports. */
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "camsim exit status %#x", status);
	}
	if (p->cfd != -1)
		close(p->cfd);
	close(p->lfd);
	close(p->ufd);
	unlink(p->logpath);
	return status;
}

int
wait_fd(int fd, int ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, ms) == 1;
}

void
peer_accept(struct peer *p, int ms)
{
	cr_assert(wait_fd(p->lfd, ms), "camsim did not connect");
	if (p->cfd != -1)
		close(p->cfd);
	cr_assert_neq(p->cfd = accept(p->lfd, NULL, NULL), -1);
}

/* Exactly n bytes within ms, or fail. */
void
read_n(int fd, uint8_t *buf, size_t n, int ms)
{
	long long	end = now_ms() + ms;
	ssize_t		r;
	size_t		got = 0;

	while (got < n) {
		cr_assert(wait_fd(fd, (int)(end - now_ms() > 0 ?
		    end - now_ms() : 0)), "timeout after %zu of %zu bytes",
		    got, n);
		r = read(fd, buf + got, n - got);
		cr_assert_gt(r, 0, "connection closed");
		got += (size_t)r;
	}
}

/* Next TCP message; returns payload length, payload NUL-terminated. */
size_t
tcp_msg(int fd, struct wire_hdr *h, char *buf, size_t cap, int ms)
{
	uint8_t	hb[WIRE_HDR_LEN];

	read_n(fd, hb, sizeof(hb), ms);
	cr_assert_eq(wire_hdr_decode(hb, sizeof(hb), cap - 1, h), 0);
	read_n(fd, (uint8_t *)buf, h->wh_len, ms);
	buf[h->wh_len] = '\0';
	return h->wh_len;
}

/* Next JSON message on TCP whose text contains needle (skips others). */
void
tcp_expect(int fd, const char *needle, char *buf, size_t cap, int ms)
{
	struct wire_hdr	h;
	long long	end = now_ms() + ms;

	for (;;) {
		cr_assert_gt(end - now_ms(), 0, "no TCP message with %s", needle);
		tcp_msg(fd, &h, buf, cap, (int)(end - now_ms()));
		if (h.wh_cmd == WIRE_CMD_JSON && strstr(buf, needle) != NULL)
			return;
	}
}

void
tcp_json(int fd, const char *json)
{
	uint8_t		h[WIRE_HDR_LEN];
	struct wire_hdr	wh;

	wire_hdr_server(&wh, WIRE_CMD_JSON, (uint32_t)strlen(json));
	wire_hdr_encode(&wh, h);
	cr_assert_eq(write(fd, h, sizeof(h)), (ssize_t)sizeof(h));
	cr_assert_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
}

ssize_t
udp_recv(struct peer *p, uint8_t *buf, size_t cap, int ms,
    struct sockaddr_in *from)
{
	socklen_t	sl = sizeof(*from);

	if (!wait_fd(p->ufd, ms))
		return -1;
	return recvfrom(p->ufd, buf, cap, 0, (struct sockaddr *)from, &sl);
}

void
udp_send(struct peer *p, uint16_t cmd, const void *pl, size_t len)
{
	uint8_t		buf[4096];
	struct wire_hdr	wh;

	wire_hdr_server(&wh, cmd, (uint32_t)len);
	wire_hdr_encode(&wh, buf);
	memcpy(buf + WIRE_HDR_LEN, pl, len);
	sendto(p->ufd, buf, WIRE_HDR_LEN + len, 0, (struct sockaddr *)&p->cam,
	    sizeof(p->cam));
}

void
confirm(struct peer *p, const uint32_t *ids, int n)
{
	uint8_t	pl[4 * 600];
	int	i;

	for (i = 0; i < n; i++)
		wire_put32(pl + 4 * i, ids[i]);
	udp_send(p, WIRE_CMD_CONFIRM, pl, 4 * (size_t)n);
}

/* Next UDP media packet (JSON datagrams are skipped). */
ssize_t
media(struct peer *p, uint8_t *buf, int ms, struct wire_hdr *h)
{
	struct sockaddr_in	from;
	ssize_t			n;
	long long		end = now_ms() + ms;

	for (;;) {
		if ((n = udp_recv(p, buf, 2048, (int)(end - now_ms() > 0 ?
		    end - now_ms() : 0), &from)) < 0)
			return -1;
		cr_assert_eq(wire_hdr_decode(buf, (size_t)n, 1500, h), 0);
		if (h->wh_cmd != WIRE_CMD_JSON)
			return n;
	}
}

/*
 * Registration, 101, then the data channel: 11 -> 20 -> 21 -> 12 + 51.
 * Leaves p->cam set to the camera's UDP address.
 */
void
peer_online(struct peer *p, const char *const *args)
{
	char			buf[8192];
	uint8_t			ub[2048];
	struct sockaddr_in	from;
	ssize_t			n;

	peer_spawn(p, "--tcp", p->port, args);
	peer_accept(p, 5000);
	tcp_expect(p->cfd, "\"code\": 100", buf, sizeof(buf), 3000);
	tcp_json(p->cfd, "{\"code\": 101, \"status\": 200}");
	tcp_json(p->cfd, "{\"code\":11,\"cliTarget\":\"0123456789abcdef0123456789abcdef\","
	    "\"cliToken\":\"tok42\",\"cliIp\":\"255.255.255.255\",\"cliPort\":0,"
	    "\"cliNatIp\":\"255.255.255.255\",\"cliNatPort\":0}");
	n = udp_recv(p, ub, sizeof(ub), 3000, &from);
	cr_assert_gt(n, WIRE_HDR_LEN, "no code 20");
	ub[n] = '\0';
	cr_assert(strstr((char *)ub + WIRE_HDR_LEN, "\"code\": 20") != NULL);
	p->cam = from;
	udp_send(p, WIRE_CMD_JSON, "{\"code\":21,\"ip\":\"127.0.0.1\",\"port\":1}", 37);
	tcp_expect(p->cfd, "\"code\":12", buf, sizeof(buf), 3000);
	cr_assert(strstr(buf, "\"cliTarget\":\"0123456789abcdef0123456789abcdef\""));
	cr_assert(strstr(buf, "\"cliToken\":\"tok42\""));
	cr_assert(strstr(buf, "\"status\":200"));
	n = udp_recv(p, ub, sizeof(ub), 3000, &from);
	cr_assert_gt(n, WIRE_HDR_LEN, "no code 51");
	ub[n] = '\0';
	cr_assert(strstr((char *)ub + WIRE_HDR_LEN, "\"code\": 51") != NULL);
	cr_assert_eq(from.sin_port, p->cam.sin_port, "51 from the 20 socket");
}

/* Read one whole frame (first packet 250/255); ids[] gets its pkg_ids. */
int
read_frame(struct peer *p, uint8_t *frame, size_t *flen, uint32_t *ids,
    int ms)
{
	uint8_t		buf[2048];
	struct wire_hdr	h;
	size_t		total = 0;
	ssize_t		n;
	int		k = 0;

	for (;;) {
		if ((n = media(p, buf, ms, &h)) < 0)
			return -1;
		if (h.wh_cmd != WIRE_CMD_JPEG)
			continue;
		if (k == 0 && h.wh_msg_flag != 250 && h.wh_msg_flag != 255)
			continue;
		cr_assert_eq((size_t)n, WIRE_HDR_LEN + h.wh_len);
		if (k > 0)
			cr_assert_eq(h.wh_pkg_id, ids[k - 1] + 1, "contiguous ids");
		ids[k++] = h.wh_pkg_id;
		memcpy(frame + total, buf + WIRE_HDR_LEN, h.wh_len);
		total += h.wh_len;
		if (h.wh_msg_flag == 252 || h.wh_msg_flag == 255)
			break;
		cr_assert_eq(h.wh_len, 1004);
	}
	cr_assert_eq(wire_get32(frame + total - 4), total - 4, "size trailer");
	*flen = total - 4;
	return k;
}

void
open_stream(struct peer *p, int code)
{
	char	buf[8192], fwd[256];

	snprintf(fwd, sizeof(fwd), "{\"code\":301,\"target\":\"0123456789abcdef"
	    "0123456789abcdef\",\"content\":{\"code\":%d}}", code);
	tcp_json(p->cfd, fwd);
	tcp_expect(p->cfd, "\"code\": 301", buf, sizeof(buf), 2000);
}

/* Nothing but frames of k packets from now on: count media packets. */
int
quiet_for(struct peer *p, int ms)
{
	uint8_t		buf[2048];
	struct wire_hdr	h;
	int		n = 0;

	while (media(p, buf, ms, &h) >= 0)
		n++;
	return n;
}

