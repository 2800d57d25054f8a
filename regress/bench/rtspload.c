/*
 * RTSP clients for regress/bench/rtsp.sh, in C so that the load costs
 * the shared cores little next to what it measures (the Python clients
 * it replaces read every RTP packet in the interpreter).
 *
 *   rtspload HOST PORT SECONDS WINDOWS ID...
 *
 * One interleaved (RTP over TCP) session per ID given (repeat an ID for
 * several clients of one camera), video and audio set up; after all
 * PLAY prints "sessions N playing", then "frames N" at the end of each
 * of WINDOWS windows of SECONDS: the video frames completed (RTP marker
 * bit on channel 0) in all sessions, so the caller can sample CPU per
 * window.  Exits non-zero, saying why, when a session fails or closes.
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchc.h"

#define BUFSZ		(256 * 1024)
#define URLSZ		512

struct sess {
	int		 fd;
	char		 url[URLSZ];
	char		 session[128];
	int		 cseq;
	unsigned char	*buf;
	size_t		 len;
	unsigned long	 frames;
};

/* A header's value in head (lines "Name: value\r\n"), or NULL. */
static const char *
header(const char *head, const char *name, char *out, size_t outsz)
{
	const char	*p = head;
	size_t		 n = strlen(name), v;

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		p += n + 1;
		while (*p == ' ')
			p++;
		v = strcspn(p, "\r\n");
		if (v >= outsz)
			v = outsz - 1;
		memcpy(out, p, v);
		out[v] = '\0';
		return out;
	}
	return NULL;
}

/*
 * One request and its answer, blocking: the body (NUL-terminated, until
 * the next request) and its header block in head.  Exits on anything
 * but 200.
 */
static char *
request(struct sess *s, const char *method, const char *url,
    const char *extra, char *head, size_t headsz)
{
	static char	 body[BUFSZ];
	char		 req[2048], cl[32];
	char		*end;
	size_t		 hlen, blen = 0;
	ssize_t		 n;
	int		 r;

	r = snprintf(req, sizeof(req), "%s %s RTSP/1.0\r\nCSeq: %d\r\n%s",
	    method, url, ++s->cseq, extra);
	if (s->session[0] != '\0')
		r += snprintf(req + r, sizeof(req) - r, "Session: %s\r\n",
		    s->session);
	r += snprintf(req + r, sizeof(req) - r, "\r\n");
	if (write(s->fd, req, r) != r)
		err(1, "%s: %s", s->url, method);
	s->len = 0;
	for (;;) {
		s->buf[s->len] = '\0';
		if ((end = strstr((char *)s->buf, "\r\n\r\n")) != NULL)
			break;
		if ((n = read(s->fd, s->buf + s->len, BUFSZ - 1 - s->len)) <= 0)
			errx(1, "%s: closed during %s", s->url, method);
		s->len += n;
	}
	hlen = end + 4 - (char *)s->buf;
	if (hlen >= headsz)
		errx(1, "%s: %s: header too long", s->url, method);
	memcpy(head, s->buf, hlen);
	head[hlen] = '\0';
	if (strncmp(head, "RTSP/1.0 200 ", 13) != 0)
		errx(1, "%s: %s: %.*s", s->url, method,
		    (int)strcspn(head, "\r\n"), head);
	if (header(head, "Content-Length", cl, sizeof(cl)) != NULL)
		blen = strtoul(cl, NULL, 10);
	if (blen >= BUFSZ - hlen)
		errx(1, "%s: %s: body too long", s->url, method);
	while (s->len < hlen + blen) {
		if ((n = read(s->fd, s->buf + s->len, BUFSZ - 1 - s->len)) <= 0)
			errx(1, "%s: closed during %s", s->url, method);
		s->len += n;
	}
	memcpy(body, s->buf + hlen, blen);
	body[blen] = '\0';
	/* What came after the answer stays (it is interleaved data). */
	memmove(s->buf, s->buf + hlen + blen, s->len - hlen - blen);
	s->len -= hlen + blen;
	return body;
}

static void
start(struct sess *s, const char *host, int port, const char *id)
{
	struct sockaddr_in	 sin;
	char			 head[4096], base[URLSZ], ctl[2][URLSZ];
	char			 tr[128], *sdp, *line, *c;
	int			 nctl = 0, media = 0, i, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		errx(1, "%s: not an IPv4 address", host);
	if ((s->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(s->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "connect %s:%d", host, port);
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	snprintf(s->url, sizeof(s->url), "rtsp://%s:%d/%s", host, port, id);
	request(s, "OPTIONS", s->url, "", head, sizeof(head));
	sdp = request(s, "DESCRIBE", s->url, "Accept: application/sdp\r\n",
	    head, sizeof(head));
	if (header(head, "Content-Base", base, sizeof(base)) == NULL)
		snprintf(base, sizeof(base), "%s/", s->url);
	/* The first two media's controls (not the session's), relative to
	 * the base or not. */
	for (line = strtok(sdp, "\r\n"); line != NULL && nctl < 2;
	    line = strtok(NULL, "\r\n")) {
		if (strncmp(line, "m=", 2) == 0)
			media = 1;
		if (!media || strncmp(line, "a=control:", 10) != 0)
			continue;
		media = 0;
		c = line + 10;
		if (strstr(c, "://") != NULL)
			snprintf(ctl[nctl], URLSZ, "%s", c);
		else
			snprintf(ctl[nctl], URLSZ, "%s%s", base, c);
		nctl++;
	}
	if (nctl == 0)
		errx(1, "%s: no media in the SDP", s->url);
	for (i = 0; i < nctl; i++) {
		snprintf(tr, sizeof(tr), "Transport: RTP/AVP/TCP;unicast;"
		    "interleaved=%d-%d\r\n", 2 * i, 2 * i + 1);
		request(s, "SETUP", ctl[i], tr, head, sizeof(head));
		if (header(head, "Session", s->session,
		    sizeof(s->session)) == NULL)
			errx(1, "%s: SETUP without a session", s->url);
		s->session[strcspn(s->session, ";")] = '\0';
	}
	request(s, "PLAY", base, "", head, sizeof(head));
	if (fcntl(s->fd, F_SETFL, O_NONBLOCK) == -1)
		err(1, "fcntl");
}

/* Count the completed video frames in the interleaved data buffered. */
static void
feed(struct sess *s)
{
	size_t	i = 0, n;

	while (s->len - i >= 4) {
		if (s->buf[i] != '$')
			errx(1, "%s: not interleaved data", s->url);
		n = (size_t)s->buf[i + 2] << 8 | s->buf[i + 3];
		if (s->len - i < 4 + n)
			break;
		if (s->buf[i + 1] == 0 && n > 1 && (s->buf[i + 5] & 0x80))
			s->frames++;
		i += 4 + n;
	}
	memmove(s->buf, s->buf + i, s->len - i);
	s->len -= i;
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 ev, evs[64];
	struct pollfd		 pfd;
	struct stat		 st;
	struct sess		*ss, *s;
	double			 secs, end;
	unsigned long		 f0, f;
	ssize_t			 n;
	int			 ep, nsess, windows, w, i, k, port;

	if (argc < 6)
		errx(2, "usage: rtspload HOST PORT SECONDS WINDOWS ID...");
	port = atoi(argv[2]);
	secs = atof(argv[3]);
	windows = atoi(argv[4]);
	nsess = argc - 5;
	if ((ss = calloc(nsess, sizeof(*ss))) == NULL ||
	    (ep = epoll_create1(0)) == -1)
		err(1, NULL);
	for (i = 0; i < nsess; i++) {
		s = &ss[i];
		if ((s->buf = malloc(BUFSZ)) == NULL)
			err(1, NULL);
		start(s, argv[1], port, argv[5 + i]);
		feed(s);
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = s;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev) == -1)
			err(1, "epoll_ctl");
	}
	printf("sessions %d playing\n", nsess);
	fflush(stdout);
	for (w = 0; w < windows; w++) {
		for (f0 = 0, i = 0; i < nsess; i++)
			f0 += ss[i].frames;
		end = now(CLOCK_MONOTONIC) + secs;
		while (now(CLOCK_MONOTONIC) < end) {
			if ((k = epoll_wait(ep, evs, 64, 200)) == -1) {
				if (errno == EINTR)
					continue;
				err(1, "epoll_wait");
			}
			for (i = 0; i < k; i++) {
				s = evs[i].data.ptr;
				n = read(s->fd, s->buf + s->len, BUFSZ - s->len);
				if (n == -1 && errno == EAGAIN)
					continue;
				if (n <= 0)
					errx(1, "%s closed", s->url);
				s->len += n;
				feed(s);
			}
		}
		for (f = 0, i = 0; i < nsess; i++)
			f += ss[i].frames;
		printf("frames %lu\n", f - f0);
		fflush(stdout);
	}
	/*
	 * The bench reads this process's CPU after the last line: stay until
	 * it closes the pipe (POLLERR on our end), at most 10 s.  Run by
	 * hand (a terminal, a file) there is nobody to wait for.
	 */
	if (fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode)) {
		pfd.fd = STDOUT_FILENO;
		pfd.events = 0;
		(void)poll(&pfd, 1, 10000);
	}
	return 0;
}
