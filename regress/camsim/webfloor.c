/*
 * --webfloor: the cheapest MJPEG server, the floor v720-web's fan-out is
 * measured against (regress/bench/web.sh), as --sink is the engine's.
 * GET /api/cameras/ID/mjpeg gets the multipart stream v720-web sends,
 * made of the JPEG files camsim's cameras send, in their order, at --fps;
 * GET /metrics the counters regress/bench/webload.py reads.  What it
 * leaves out is what v720-web does on top of writing: no engine channel,
 * no copy of a frame, no reading a viewer after its request (a closed
 * viewer shows as a failed write), one 10 ms tick for every camera.  Each
 * frame goes to each viewer in one writev; a viewer whose socket did not
 * take the last part yet skips the frame (v720-web allows two).
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "camsim.h"

#define WF_REQ_MAX	2048	/* request head, bytes */
#define WF_CAMS_MAX	1024
#define WF_TICK_MS	10
#define WF_SNDBUF	(128 * 1024)	/* as v720-web's WEB_STREAM_SNDBUF */
#define WF_BOUNDARY	"v720frame"

struct wview {
	TAILQ_ENTRY(wview)	 wv_entry;	/* its camera's viewers */
	TAILQ_ENTRY(wview)	 wv_all;
	struct wcam		*wv_cam;	/* NULL until streaming */
	int			 wv_fd;
	struct event		 wv_ev;
	char			 wv_req[WF_REQ_MAX];
	size_t			 wv_reqlen;
	/* The part the socket has not taken whole yet. */
	struct iovec		 wv_iov[3];
	int			 wv_pending;
	char			 wv_hdr[96];
};
TAILQ_HEAD(wviews, wview);

struct wcam {
	TAILQ_ENTRY(wcam)	 wc_entry;
	char			 wc_id[64];
	int			 wc_idx;
	uint64_t		 wc_frames;
	unsigned long long	 wc_next_ms;
	struct wviews		 wc_views;
};

static struct {
	struct camsim		*cs;
	int			 lfd;
	struct event		 lev, tick;
	TAILQ_HEAD(, wcam)	 cams;
	struct wviews		 views;	/* every connection */
	int			 ncams;
	uint64_t		 delivered, skipped, bytes;
} wf;

static void	wview_io(int, short, void *);

static void
wview_free(struct wview *v)
{
	if (v->wv_cam != NULL)
		TAILQ_REMOVE(&v->wv_cam->wc_views, v, wv_entry);
	TAILQ_REMOVE(&wf.views, v, wv_all);
	event_del(&v->wv_ev);
	close(v->wv_fd);
	free(v);
}

/* Write what is left of the pending part: 0, or -1 if v was freed. */
static int
wview_push(struct wview *v)
{
	ssize_t	n;
	int	i;

	while (v->wv_pending) {
		if ((n = writev(v->wv_fd, v->wv_iov, 3)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			wview_free(v);
			return -1;
		}
		for (i = 0; i < 3; i++) {
			size_t take = (size_t)n < v->wv_iov[i].iov_len ?
			    (size_t)n : v->wv_iov[i].iov_len;

			v->wv_iov[i].iov_base = (char *)v->wv_iov[i].iov_base +
			    take;
			v->wv_iov[i].iov_len -= take;
			n -= take;
		}
		v->wv_pending = v->wv_iov[2].iov_len > 0;
	}
	event_del(&v->wv_ev);
	if (v->wv_pending) {
		event_set(&v->wv_ev, v->wv_fd, EV_WRITE, wview_io, v);
		event_add(&v->wv_ev, NULL);
	}
	return 0;
}

static void
wcam_frame(struct wcam *c)
{
	struct camsim	*cs = wf.cs;
	struct jpeg	*jp;
	struct wview	*v, *tmp;
	int		 hlen;

	jp = &cs->cs_jpegs[(c->wc_idx + c->wc_frames) % cs->cs_njpegs];
	c->wc_frames++;
	TAILQ_FOREACH_SAFE(v, &c->wc_views, wv_entry, tmp) {
		if (v->wv_pending) {
			wf.skipped++;
			continue;
		}
		hlen = snprintf(v->wv_hdr, sizeof(v->wv_hdr), "--" WF_BOUNDARY
		    "\r\nContent-Type: image/jpeg\r\nContent-Length: %zu"
		    "\r\n\r\n", jp->jp_len);
		v->wv_iov[0].iov_base = v->wv_hdr;
		v->wv_iov[0].iov_len = (size_t)hlen;
		v->wv_iov[1].iov_base = jp->jp_data;
		v->wv_iov[1].iov_len = jp->jp_len;
		v->wv_iov[2].iov_base = (void *)"\r\n";
		v->wv_iov[2].iov_len = 2;
		v->wv_pending = 1;
		wf.delivered++;
		wf.bytes += jp->jp_len;
		(void)wview_push(v);
	}
}

static void
wf_tick(int fd, short what, void *arg)
{
	struct timeval		 tv = { 0, WF_TICK_MS * 1000 };
	unsigned long long	 now = proc_now_ms();
	unsigned long long	 every = (unsigned long long)(1000 /
	    wf.cs->cs_o.o_fps);
	struct wcam		*c;

	TAILQ_FOREACH(c, &wf.cams, wc_entry) {
		if (TAILQ_EMPTY(&c->wc_views))
			continue;
		if (now > c->wc_next_ms + 1000)	/* a stall: no burst after */
			c->wc_next_ms = now;
		while (c->wc_next_ms <= now) {
			wcam_frame(c);
			c->wc_next_ms += every;
		}
	}
	evtimer_add(&wf.tick, &tv);
}

static void
wf_metrics(struct wview *v)
{
	struct wcam	*c;
	FILE		*f;
	char		*body = NULL, head[128];
	size_t		 len = 0;
	int		 n;

	if ((f = open_memstream(&body, &len)) == NULL)
		fatal("open_memstream");
	TAILQ_FOREACH(c, &wf.cams, wc_entry)
		fprintf(f, "v720_camera_frames_total{camera=\"%s\"} %llu\n",
		    c->wc_id, (unsigned long long)c->wc_frames);
	fprintf(f, "v720_web_frames_delivered_total %llu\n"
	    "v720_web_frames_skipped_total %llu\n"
	    "v720_web_bytes_sent_total %llu\n",
	    (unsigned long long)wf.delivered, (unsigned long long)wf.skipped,
	    (unsigned long long)wf.bytes);
	fclose(f);
	n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: "
	    "text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
	    len);
	/* A few KB to a fresh socket: the kernel takes it whole. */
	if (write(v->wv_fd, head, (size_t)n) != n ||
	    write(v->wv_fd, body, len) != (ssize_t)len)
		log_warnx("webfloor: short metrics write");
	free(body);
}

static struct wcam *
wcam_get(const char *id, size_t len)
{
	struct wcam	*c;

	TAILQ_FOREACH(c, &wf.cams, wc_entry)
		if (strlen(c->wc_id) == len && memcmp(c->wc_id, id, len) == 0)
			return c;
	if (len == 0 || len >= sizeof(c->wc_id) || wf.ncams >= WF_CAMS_MAX ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	memcpy(c->wc_id, id, len);
	c->wc_idx = wf.ncams++;
	c->wc_next_ms = proc_now_ms();
	TAILQ_INIT(&c->wc_views);
	TAILQ_INSERT_TAIL(&wf.cams, c, wc_entry);
	return c;
}

/* A whole request head is in: answer it. */
static void
wview_request(struct wview *v)
{
	static const char pfx[] = "GET /api/cameras/";
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: "
	    "multipart/x-mixed-replace;boundary=" WF_BOUNDARY "\r\n"
	    "Cache-Control: no-store\r\nPragma: no-cache\r\n"
	    "Connection: close\r\n\r\n";
	static const char e404[] = "HTTP/1.1 404 Not Found\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	const char	*id;
	size_t		 idlen;
	struct wcam	*c;
	int		 sz = WF_SNDBUF;

	if (strncmp(v->wv_req, "GET /metrics ", 13) == 0) {
		wf_metrics(v);
		wview_free(v);
		return;
	}
	/* The id is one path segment of the request line. */
	id = v->wv_req + sizeof(pfx) - 1;
	idlen = strcspn(id, "/ \r\n");
	if (strncmp(v->wv_req, pfx, sizeof(pfx) - 1) != 0 ||
	    strncmp(id + idlen, "/mjpeg ", 7) != 0 ||
	    (c = wcam_get(id, idlen)) == NULL) {
		if (write(v->wv_fd, e404, sizeof(e404) - 1) == -1)
			log_debug("webfloor: 404: %s", strerror(errno));
		wview_free(v);
		return;
	}
	if (write(v->wv_fd, head, sizeof(head) - 1) !=
	    (ssize_t)sizeof(head) - 1) {
		wview_free(v);
		return;
	}
	(void)setsockopt(v->wv_fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	event_del(&v->wv_ev);
	v->wv_cam = c;
	TAILQ_INSERT_TAIL(&c->wc_views, v, wv_entry);
}

static void
wview_io(int fd, short what, void *arg)
{
	struct wview	*v = arg;
	ssize_t		 n;

	if (v->wv_cam != NULL) {	/* streaming: the socket has room */
		(void)wview_push(v);
		return;
	}
	n = read(fd, v->wv_req + v->wv_reqlen, sizeof(v->wv_req) - 1 -
	    v->wv_reqlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		wview_free(v);
		return;
	}
	v->wv_reqlen += (size_t)n;
	v->wv_req[v->wv_reqlen] = '\0';
	if (strstr(v->wv_req, "\r\n\r\n") != NULL)
		wview_request(v);
	else if (v->wv_reqlen == sizeof(v->wv_req) - 1)
		wview_free(v);	/* too long a head */
}

static void
wf_accept(int fd, short what, void *arg)
{
	struct wview	*v;
	int		 cfd;

	while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1) {
		if ((v = calloc(1, sizeof(*v))) == NULL) {
			close(cfd);
			continue;
		}
		v->wv_fd = cfd;
		TAILQ_INSERT_TAIL(&wf.views, v, wv_all);
		event_set(&v->wv_ev, cfd, EV_READ | EV_PERSIST, wview_io, v);
		event_add(&v->wv_ev, NULL);
	}
}

int
webfloor_main(struct camsim *cs)
{
	struct sockaddr_in	*sin = &cs->cs_o.o_addr;
	struct wcam		*c;
	struct wview		*v;

	wf.cs = cs;
	TAILQ_INIT(&wf.cams);
	TAILQ_INIT(&wf.views);
	if ((wf.lfd = camsim_listen(sin, 1024)) == -1)
		fatal("webfloor: listen");
	event_set(&wf.lev, wf.lfd, EV_READ | EV_PERSIST, wf_accept, NULL);
	event_add(&wf.lev, NULL);
	evtimer_set(&wf.tick, wf_tick, NULL);
	wf_tick(-1, 0, NULL);
	event_dispatch();
	while ((v = TAILQ_FIRST(&wf.views)) != NULL)
		wview_free(v);
	while ((c = TAILQ_FIRST(&wf.cams)) != NULL) {
		TAILQ_REMOVE(&wf.cams, c, wc_entry);
		free(c);
	}
	close(wf.lfd);
	printf("{\"ev\":\"webfloor-summary\",\"delivered\":%llu,"
	    "\"skipped\":%llu}\n", (unsigned long long)wf.delivered,
	    (unsigned long long)wf.skipped);
	return 0;
}
