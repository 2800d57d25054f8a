/*
 * v720ctl: control utility for v720d.  One request on the control socket,
 * replies until the answer is complete, exit 0 or 1 with one line on
 * stderr.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caminfo.h"
#include "chan.h"
#include "jsonw.h"
#include "msg.h"
#include "proc.h"
#include "rtspurl.h"
#include "v720ctl.h"

struct ctl {
	struct chan		 c;
	const char		*path;
	int			 json;
	size_t			 nitems;	/* recordings/events printed */
	const struct parse_result *res;
	struct cam_info		*cams;
	size_t			 ncams;
	/* show camera: the rtsp listeners, hosts filled in */
	char			 rtsp_host[16][V720_ADDR_MAX];
	unsigned		 rtsp_port[16];
	size_t			 nrtsp;
};

static int	ctl_connect(struct ctl *);
static int	ctl_request(struct ctl *);
static int	ctl_wait(struct ctl *);
static int	ctl_reply(struct ctl *, struct chan_msg *);
static void	rtsp_url_add(struct ctl *, const void *);
static void	show_cameras(struct ctl *);
static void	show_camera(struct ctl *, const struct cam_info *);
static int	write_frame(struct ctl *, const uint8_t *, size_t);
static void	show_recording(struct ctl *, const void *);
static void	show_event(struct ctl *, const void *);

int
main(int argc, char *argv[])
{
	struct ctl		 ctl;
	struct parse_result	*res;
	int			 ch, rv;

	memset(&ctl, 0, sizeof(ctl));
	ctl.c.fd = -1;
	ctl.path = CTL_DEFAULT_SOCKET;
	/* '+': options end at the command; "ap -h" is the command's. */
	while ((ch = getopt(argc, argv, "+:js:")) != -1) {
		switch (ch) {
		case 'j':
			ctl.json = 1;
			break;
		case 's':
			ctl.path = optarg;
			break;
		case ':':
			fprintf(stderr, "v720ctl: -%c needs an argument\n",
			    optopt);
			return 1;
		default:
			fprintf(stderr, "v720ctl: unknown option -%c (try "
			    "v720ctl help)\n", optopt);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 1 && strcmp(argv[0], "help") == 0) {
		print_grammar(stdout);
		return 0;
	}
	if ((res = parse(argc, argv)) == NULL)
		return 1;
	ctl.res = res;
	signal(SIGPIPE, SIG_IGN);

	if (res->action == AP_INFO || res->action == AP_WIFI)
		return ap_run(res, ctl.json);
	if (res->action == DOCTOR)
		return doctor_run(ctl.path);

	/* Refuse before asking the daemon for anything. */
	if (res->action == SNAPSHOT && res->outfile == NULL &&
	    isatty(STDOUT_FILENO)) {
		fprintf(stderr, "v720ctl: not writing a JPEG image to a "
		    "terminal: use -o file.jpg or redirect the output\n");
		return 1;
	}

	if (ctl_connect(&ctl) == -1)
		return 1;
	if (res->action == TALK) {
		rv = talk_play(&ctl.c, res);
		chan_clear(&ctl.c);
		return rv;
	}
	rv = 1;
	if (ctl_request(&ctl) == 0 && ctl_wait(&ctl) == 0)
		rv = 0;
	chan_clear(&ctl.c);
	free(ctl.cams);
	return rv;
}

static int
ctl_connect(struct ctl *ctl)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	struct group		*gr;
	int			 fd, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, ctl->path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		fprintf(stderr, "v720ctl: %s: socket path too long\n",
		    ctl->path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "v720ctl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		close(fd);
		switch (saved) {
		case ENOENT:
		case ECONNREFUSED:
			fprintf(stderr, "v720ctl: v720d is not running (%s: "
			    "%s)\n", ctl->path, strerror(saved));
			break;
		case EACCES:
		case EPERM:
			if (stat(ctl->path, &st) == 0 &&
			    (gr = getgrgid(st.st_gid)) != NULL &&
			    st.st_gid != 0)
				fprintf(stderr, "v720ctl: %s: permission "
				    "denied: run as root or as a member of "
				    "group %s\n", ctl->path, gr->gr_name);
			else
				fprintf(stderr, "v720ctl: %s: permission "
				    "denied: run as root\n", ctl->path);
			break;
		default:
			fprintf(stderr, "v720ctl: %s: %s\n", ctl->path,
			    strerror(saved));
			break;
		}
		return -1;
	}
	if (chan_init(&ctl->c, fd) == -1) {
		close(fd);
		fprintf(stderr, "v720ctl: out of memory\n");
		return -1;
	}
	return 0;
}

static int
ctl_request(struct ctl *ctl)
{
	const struct parse_result	*res = ctl->res;
	struct ctl_id			 cid;
	struct ctl_req			 req;
	struct ptz_req			 pr;
	struct ctl_set			 set;
	int32_t				 level;
	int				 rv = -1;

	memset(&cid, 0, sizeof(cid));
	strlcpy(cid.id, res->id, sizeof(cid.id));
	switch (res->action) {
	case SHOW_CAMERAS:
		rv = chan_compose(&ctl->c, IMSG_CTL_SHOW_CAMERAS, 0, -1,
		    NULL, 0);
		break;
	case SHOW_CAMERA:
		rv = chan_compose(&ctl->c, IMSG_CTL_SHOW_CAMERA, 0, -1,
		    &cid, sizeof(cid));
		break;
	case SNAPSHOT:
		rv = chan_compose(&ctl->c, IMSG_CTL_SNAPSHOT, 0, -1,
		    &cid, sizeof(cid));
		break;
	case SHOW_RECORDINGS:
	case SHOW_EVENTS:
		rv = chan_compose(&ctl->c, res->action == SHOW_RECORDINGS ?
		    IMSG_REC_LIST : IMSG_REC_EVENTS, 0, -1, &cid, sizeof(cid));
		break;
	case REBOOT:
		rv = chan_compose(&ctl->c, IMSG_CTL_REBOOT, 0, -1,
		    &cid, sizeof(cid));
		break;
	case PTZ:
		memset(&pr, 0, sizeof(pr));
		strlcpy(pr.id, res->id, sizeof(pr.id));
		pr.move = res->value;
		pr.hold_ms = PTZ_HOLD_CTL_MS;
		rv = chan_compose(&ctl->c, IMSG_CTL_PTZ, 0, -1,
		    &pr, sizeof(pr));
		break;
	case STREAM:
		memset(&req, 0, sizeof(req));
		strlcpy(req.id, res->id, sizeof(req.id));
		req.value = res->value;
		rv = chan_compose(&ctl->c, IMSG_CTL_STREAM, 0, -1,
		    &req, sizeof(req));
		break;
	case SET:
		memset(&set, 0, sizeof(set));
		strlcpy(set.id, res->id, sizeof(set.id));
		strlcpy(set.key, res->key, sizeof(set.key));
		strlcpy(set.value, res->setval, sizeof(set.value));
		rv = chan_compose(&ctl->c, IMSG_CTL_SET, 0, -1,
		    &set, sizeof(set));
		break;
	case RELOAD:
		rv = chan_compose(&ctl->c, IMSG_CTL_RELOAD, 0, -1, NULL, 0);
		break;
	case LOG_LEVEL:
		level = res->value;
		rv = chan_compose(&ctl->c, IMSG_CTL_VERBOSE, 0, -1,
		    &level, sizeof(level));
		break;
	default:
		break;
	}
	if (rv == -1 || chan_flush_all(&ctl->c) == -1) {
		fprintf(stderr, "v720ctl: %s: sending the request: %s\n",
		    ctl->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Read replies until the answer is complete: 0 success, -1 failure. */
static int
ctl_wait(struct ctl *ctl)
{
	struct pollfd		 pfd;
	struct chan_msg		 m;
	unsigned long long	 deadline, now;
	ssize_t			 n;
	int			 rv;

	deadline = proc_now_ms() + CTL_TIMEOUT_MS;
	for (;;) {
		while ((rv = chan_get(&ctl->c, &m)) == 1) {
			if (m.fd != -1)
				close(m.fd);
			if ((rv = ctl_reply(ctl, &m)) != 1)
				return rv;
		}
		if (rv == -1) {
			fprintf(stderr, "v720ctl: %s: malformed reply from "
			    "v720d\n", ctl->path);
			return -1;
		}
		if ((now = proc_now_ms()) >= deadline) {
			fprintf(stderr, "v720ctl: no answer from v720d within "
			    "%d s\n", CTL_TIMEOUT_MS / 1000);
			return -1;
		}
		pfd.fd = ctl->c.fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(deadline - now)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "v720ctl: poll: %s\n",
			    strerror(errno));
			return -1;
		}
		if (pfd.revents == 0)
			continue;
		if ((n = chan_read(&ctl->c)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			fprintf(stderr, "v720ctl: %s: %s\n", ctl->path,
			    strerror(errno));
			return -1;
		}
		if (n == 0) {
			fprintf(stderr, "v720ctl: v720d closed the connection "
			    "without an answer\n");
			return -1;
		}
	}
}

/*
 * An rtsp listener for show camera.  A wildcard address the engine could
 * not fill in (no `server address`) is shown as this host's name.
 */
static void
rtsp_url_add(struct ctl *ctl, const void *data)
{
	struct cfg_listen	cl;
	char			*h;

	if (ctl->nrtsp >= sizeof(ctl->rtsp_port) / sizeof(ctl->rtsp_port[0]))
		return;
	memcpy(&cl, data, sizeof(cl));
	cl.cl_addr[sizeof(cl.cl_addr) - 1] = '\0';
	h = ctl->rtsp_host[ctl->nrtsp];
	if (!rtspurl_wildcard(cl.cl_addr))
		ctl_printable(h, V720_ADDR_MAX, cl.cl_addr, strlen(cl.cl_addr));
	else if (gethostname(h, V720_ADDR_MAX) == -1 || h[0] == '\0')
		strlcpy(h, "localhost", V720_ADDR_MAX);
	h[V720_ADDR_MAX - 1] = '\0';
	ctl->rtsp_port[ctl->nrtsp++] = cl.cl_port;
}

/* One reply: 1 to keep reading, 0 done, -1 failed (message printed). */
static int
ctl_reply(struct ctl *ctl, struct chan_msg *m)
{
	struct cam_info	*ci;
	char		 text[V720_ERR_MAX];
	enum ctl_action	 a = ctl->res->action;

	switch (m->hdr.ch_type) {
	case IMSG_CTL_FAIL:
		ctl_printable(text, sizeof(text), (const char *)m->data,
		    m->len);
		if (text[0] == '\0')
			strlcpy(text, "v720d refused the request",
			    sizeof(text));
		if (ctl->res->id[0] != '\0' && strstr(text,
		    ctl->res->id) == NULL)
			fprintf(stderr, "v720ctl: %s: %s\n", ctl->res->id,
			    text);
		else
			fprintf(stderr, "v720ctl: %s\n", text);
		return -1;
	case IMSG_CTL_OK:
		if (a == SHOW_CAMERAS || a == SHOW_CAMERA || a == SNAPSHOT)
			break;
		return 0;
	case IMSG_CTL_RTSP_URL:
		if (m->len != sizeof(struct cfg_listen) || a != SHOW_CAMERA)
			break;
		rtsp_url_add(ctl, m->data);
		return 1;
	case IMSG_CTL_CAMERA:
		if (m->len != sizeof(struct cam_info) ||
		    (a != SHOW_CAMERAS && a != SHOW_CAMERA))
			break;
		if (a == SHOW_CAMERA) {
			struct cam_info one;

			memcpy(&one, m->data, sizeof(one));
			show_camera(ctl, &one);
			return 0;
		}
		if ((ci = reallocarray(ctl->cams, ctl->ncams + 1,
		    sizeof(*ci))) == NULL) {
			fprintf(stderr, "v720ctl: out of memory\n");
			return -1;
		}
		ctl->cams = ci;
		memcpy(&ctl->cams[ctl->ncams++], m->data, sizeof(*ci));
		return 1;
	case IMSG_CTL_END:
		if (a == SHOW_RECORDINGS || a == SHOW_EVENTS) {
			if (ctl->json)
				printf("%s]\n", ctl->nitems ? "" : "[");
			return 0;
		}
		if (a != SHOW_CAMERAS)
			break;
		show_cameras(ctl);
		return 0;
	case IMSG_REC_FILE:
		if (a != SHOW_RECORDINGS || m->len != sizeof(struct rec_file))
			break;
		show_recording(ctl, m->data);
		return 1;
	case IMSG_REC_EVENT:
		if (a != SHOW_EVENTS || m->len != sizeof(struct rec_event))
			break;
		show_event(ctl, m->data);
		return 1;
	case IMSG_CTL_FRAME:
		if (a != SNAPSHOT)
			break;
		return write_frame(ctl, m->data, m->len);
	default:
		break;
	}
	fprintf(stderr, "v720ctl: unexpected reply %u from v720d\n",
	    m->hdr.ch_type);
	return -1;
}

/* Local time as "2026-12-02T05:30:01", or "-" for 0. */
static const char *
ctl_time(int64_t ms, char *buf, size_t sz)
{
	struct tm	tm;
	time_t		t = ms / 1000;

	if (ms == 0 || localtime_r(&t, &tm) == NULL)
		return "-";
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%S", &tm);
	return buf;
}

/* One line a segment: start end frames bytes file. */
static void
show_recording(struct ctl *ctl, const void *p)
{
	struct rec_file	rf;
	char		a[32], b[32], day[16], file[32];

	memcpy(&rf, p, sizeof(rf));
	ctl_printable(day, sizeof(day), rf.rf_day, sizeof(rf.rf_day));
	ctl_printable(file, sizeof(file), rf.rf_file, sizeof(rf.rf_file));
	if (ctl->json) {
		printf("%s{\"file\":\"%s/%s\",\"start\":%.3f,\"end\":%.3f,"
		    "\"frames\":%llu,\"bytes\":%llu}", ctl->nitems++ ? "," :
		    "[", day, file, rf.rf_start_ms / 1000.0,
		    rf.rf_end_ms / 1000.0, (unsigned long long)rf.rf_frames,
		    (unsigned long long)rf.rf_bytes);
		return;
	}
	printf("%s %s %llu %llu %s/%s%s\n", ctl_time(rf.rf_start_ms, a,
	    sizeof(a)), ctl_time(rf.rf_end_ms, b, sizeof(b)),
	    (unsigned long long)rf.rf_frames, (unsigned long long)rf.rf_bytes,
	    day, file, rf.rf_open ? " (recording)" : "");
}

/* One line an event: start end score thumbnail, newest first. */
static void
show_event(struct ctl *ctl, const void *p)
{
	struct rec_event re;
	char		 a[32], b[32], day[16], thumb[32];

	memcpy(&re, p, sizeof(re));
	ctl_printable(day, sizeof(day), re.re_day, sizeof(re.re_day));
	ctl_printable(thumb, sizeof(thumb), re.re_thumb, sizeof(re.re_thumb));
	if (ctl->json) {
		printf("%s{\"start\":%.3f,\"end\":", ctl->nitems++ ? "," : "[",
		    re.re_start_ms / 1000.0);
		if (re.re_end_ms == 0)
			printf("null");
		else
			printf("%.3f", re.re_end_ms / 1000.0);
		printf(",\"score\":%.2f,\"thumbnail\":\"%s/%s\"}",
		    re.re_score / 100.0, day, thumb);
		return;
	}
	printf("%s %s %.2f %s/%s\n", ctl_time(re.re_start_ms, a, sizeof(a)),
	    ctl_time(re.re_end_ms, b, sizeof(b)), re.re_score / 100.0, day,
	    thumb);
}

static int
write_frame(struct ctl *ctl, const uint8_t *p, size_t len)
{
	const char	*name = ctl->res->outfile;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd = STDOUT_FILENO;

	if (len < 4 || p[0] != 0xff || p[1] != 0xd8) {
		fprintf(stderr, "v720ctl: v720d sent no JPEG image\n");
		return -1;
	}
	if (name != NULL && (fd = open(name, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644)) == -1) {
		fprintf(stderr, "v720ctl: %s: %s\n", name, strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "v720ctl: %s: %s\n", name ? name :
			    "stdout", strerror(errno));
			if (name != NULL)
				close(fd);
			return -1;
		}
		off += n;
	}
	if (name != NULL && close(fd) == -1) {
		fprintf(stderr, "v720ctl: %s: %s\n", name, strerror(errno));
		return -1;
	}
	return 0;
}

/* Terminate the strings of a cam_info from the wire. */
static void
cam_terminate(struct cam_info *ci)
{
	size_t	i;

	ci->ci_id[sizeof(ci->ci_id) - 1] = '\0';
	ci->ci_name[sizeof(ci->ci_name) - 1] = '\0';
	ci->ci_address[sizeof(ci->ci_address) - 1] = '\0';
	ci->ci_firmware[sizeof(ci->ci_firmware) - 1] = '\0';
	ci->ci_wifi[sizeof(ci->ci_wifi) - 1] = '\0';
	for (i = 0; i < sizeof(ci->ci_wifi_scan) / sizeof(ci->ci_wifi_scan[0]);
	    i++) {
		ci->ci_wifi_scan[i][sizeof(ci->ci_wifi_scan[i]) - 1] = '\0';
		ctl_printable(ci->ci_wifi_scan[i], sizeof(ci->ci_wifi_scan[i]),
		    ci->ci_wifi_scan[i], sizeof(ci->ci_wifi_scan[i]));
	}
	ctl_printable(ci->ci_id, sizeof(ci->ci_id), ci->ci_id,
	    sizeof(ci->ci_id));
	ctl_printable(ci->ci_name, sizeof(ci->ci_name), ci->ci_name,
	    sizeof(ci->ci_name));
	ctl_printable(ci->ci_address, sizeof(ci->ci_address),
	    ci->ci_address, sizeof(ci->ci_address));
	ctl_printable(ci->ci_firmware, sizeof(ci->ci_firmware),
	    ci->ci_firmware, sizeof(ci->ci_firmware));
	ctl_printable(ci->ci_wifi, sizeof(ci->ci_wifi), ci->ci_wifi,
	    sizeof(ci->ci_wifi));
}

/* The camera object of the web API, plus everything else we know. */
static void
cam_json(struct jsonw *w, const struct cam_info *ci, int full,
    const struct ctl *ctl)
{
	const char	*hosts[16];
	size_t		 i;

	jsonw_obj_open(w);
	caminfo_json(w, ci, ci->ci_name, ci->ci_state, ci->ci_viewers);
	if (full) {
		jsonw_kstr(w, "stream", ci->ci_stream_always ? "always" :
		    "on-demand");
		jsonw_kuint(w, "drop_incomplete", ci->ci_drop_incomplete);
		jsonw_kuint(w, "drop_size", ci->ci_drop_size);
		jsonw_kuint(w, "drop_jpeg", ci->ci_drop_jpeg);
		jsonw_kuint(w, "drop_toobig", ci->ci_drop_toobig);
		jsonw_kuint(w, "drop_backlog", ci->ci_drop_backlog);
		jsonw_kuint(w, "packets", ci->ci_packets);
		jsonw_kuint(w, "packets_dup", ci->ci_packets_dup);
		jsonw_kuint(w, "packets_late", ci->ci_packets_late);
		jsonw_kuint(w, "confirms", ci->ci_confirms);
		jsonw_kuint(w, "audio_chunks", ci->ci_audio_chunks);
		jsonw_kuint(w, "stream_restarts", ci->ci_stream_restarts);
		jsonw_kuint(w, "strangers", ci->ci_strangers);
	}
	if (ctl != NULL && ctl->nrtsp > 0) {
		for (i = 0; i < ctl->nrtsp; i++)
			hosts[i] = ctl->rtsp_host[i];
		rtspurl_json(w, hosts, ctl->rtsp_port, ctl->nrtsp, ci->ci_id);
	}
	jsonw_obj_close(w);
}

static void
json_print(struct jsonw *w)
{
	const char	*s;

	if ((s = jsonw_result(w, NULL)) == NULL)
		fprintf(stderr, "v720ctl: out of memory\n");
	else
		printf("%s\n", s);
	jsonw_free(w);
}

static int
cam_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cam_info *)a)->ci_id,
	    ((const struct cam_info *)b)->ci_id);
}

static void
show_cameras(struct ctl *ctl)
{
	static const char	*hdr[] = { "ID", "NAME", "STATE", "ADDRESS",
				    "FPS", "BATTERY" };
	struct jsonw		 w;
	char			 fps[16], bat[8];
	const char		*name, *addr;
	int			 wid[6];
	size_t			 i, k;

	for (i = 0; i < ctl->ncams; i++)
		cam_terminate(&ctl->cams[i]);
	if (ctl->ncams > 0)
		qsort(ctl->cams, ctl->ncams, sizeof(*ctl->cams), cam_cmp);
	if (ctl->json) {
		jsonw_init(&w);
		jsonw_arr_open(&w);
		for (i = 0; i < ctl->ncams; i++)
			cam_json(&w, &ctl->cams[i], 0, NULL);
		jsonw_arr_close(&w);
		json_print(&w);
		return;
	}
	for (k = 0; k < 6; k++)
		wid[k] = strlen(hdr[k]);
	for (i = 0; i < ctl->ncams; i++) {
		const struct cam_info *ci = &ctl->cams[i];
		int len[4];

		len[0] = strlen(ci->ci_id);
		len[1] = ci->ci_name[0] ? (int)strlen(ci->ci_name) : 1;
		len[2] = strlen(state_name(ci->ci_state));
		len[3] = ci->ci_address[0] ? (int)strlen(ci->ci_address) : 1;
		for (k = 0; k < 4; k++)
			if (len[k] > wid[k])
				wid[k] = len[k];
	}
	printf("%-*s  %-*s  %-*s  %-*s  %5s  %s\n", wid[0], hdr[0], wid[1],
	    hdr[1], wid[2], hdr[2], wid[3], hdr[3], hdr[4], hdr[5]);
	for (i = 0; i < ctl->ncams; i++) {
		const struct cam_info *ci = &ctl->cams[i];

		name = ci->ci_name[0] ? ci->ci_name : "-";
		addr = ci->ci_address[0] ? ci->ci_address : "-";
		snprintf(fps, sizeof(fps), "%.1f", ci->ci_fps_milli / 1000.0);
		if (ci->ci_battery < 0)
			strlcpy(bat, "-", sizeof(bat));
		else
			snprintf(bat, sizeof(bat), "%d%%", ci->ci_battery);
		printf("%-*s  %-*s  %-*s  %-*s  %5s  %s\n", wid[0], ci->ci_id,
		    wid[1], name, wid[2], state_name(ci->ci_state), wid[3],
		    addr, fps, bat);
	}
}

/* The settings and actions of caminfo_settings this camera has shown. */
static void
show_xsettings(const struct cam_info *ci)
{
	const struct caminfo_setting	*s;
	const char			*v;
	char				 name[32];
	size_t				 i, j;

	for (i = 0; i < caminfo_nsettings; i++) {
		s = &caminfo_settings[i];
		if (s->feature == 0 || (ci->ci_features & s->feature) == 0)
			continue;
		strlcpy(name, s->key, sizeof(name));
		for (j = 0; name[j] != '\0'; j++)
			if (name[j] == '_')
				name[j] = '-';
		if (s->slot < 0) {
			printf("%s: available (confirm)\n", name);
			continue;
		}
		v = ci->ci_xset[s->slot] == CAM_SETTING_UNKNOWN ? NULL :
		    caminfo_setting_name(s, ci->ci_xset[s->slot]);
		printf("%s: %s\n", name, v == NULL ? "unknown" : v);
	}
}

static void
show_camera(struct ctl *ctl, const struct cam_info *in)
{
	struct cam_info	 c = *in, *ci = &c;
	struct jsonw	 w;
	char		 url[RTSPURL_MAX];
	struct tm	 tm;
	char		 when[64];
	time_t		 t, now;
	size_t		 i;

	cam_terminate(ci);
	if (ctl->json) {
		jsonw_init(&w);
		cam_json(&w, ci, 1, ctl);
		json_print(&w);
		return;
	}
	if (ci->ci_last_seen <= 0) {
		strlcpy(when, "never", sizeof(when));
	} else {
		t = (time_t)ci->ci_last_seen;
		now = time(NULL);
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		if (now >= t)
			snprintf(when + strlen(when), sizeof(when) -
			    strlen(when), " (%lld s ago)", (long long)(now - t));
	}
	printf("id: %s\n", ci->ci_id);
	printf("name: %s\n", ci->ci_name);
	printf("state: %s\n", state_name(ci->ci_state));
	printf("address: %s\n", ci->ci_address);
	printf("firmware: %s\n", ci->ci_firmware);
	printf("wifi: %s\n", ci->ci_wifi);
	if (ci->ci_battery < 0)
		printf("battery: unknown\n");
	else
		printf("battery: %d%%\n", ci->ci_battery);
	if (ci->ci_sd_total_mb < 0)
		printf("sd-card: unknown\n");
	else
		printf("sd-card: %d MB free of %d MB\n", ci->ci_sd_free_mb < 0 ?
		    0 : ci->ci_sd_free_mb, ci->ci_sd_total_mb);
	printf("mqtt: %s\n", ci->ci_mqtt ? "seen on the cameras' broker" :
	    "not seen");
	if (ci->ci_state == CAM_STANDBY)
		printf("live-view: not possible for this camera yet: it is known "
		    "only over MQTT (standby)\n");
	printf("stream: %s\n", ci->ci_stream_always ? "always" : "on-demand");
	for (i = 0; i < ctl->nrtsp; i++) {
		if (rtspurl(url, sizeof(url), ctl->rtsp_host[i],
		    ctl->rtsp_port[i], ci->ci_id, 0) == 0)
			printf("rtsp: %s\n", url);
		if (rtspurl(url, sizeof(url), ctl->rtsp_host[i],
		    ctl->rtsp_port[i], ci->ci_id, 1) == 0)
			printf("rtsp-h264: %s\n", url);
	}
	printf("ir-led: %s\n", irled_name(ci->ci_ir_led));
	printf("flip: %s\n", flip_name(ci->ci_flip));
	printf("status-led: %s\n", onoff_name(ci->ci_status_led));
	printf("motion-alert: %s\n", onoff_name(ci->ci_motion_alert));
	show_xsettings(ci);
	if (ci->ci_wifi_scanned) {
		printf("wifi-scan:");
		for (i = 0; i < ci->ci_nwifi_scan && i <
		    sizeof(ci->ci_wifi_scan) / sizeof(ci->ci_wifi_scan[0]); i++)
			printf(" \"%s\"", ci->ci_wifi_scan[i]);
		printf("\n");
	}
	if (ci->ci_clock_known)
		printf("clock-offset: %+lld ms\n",
		    (long long)ci->ci_clock_offset_ms);
	else
		printf("clock-offset: unknown\n");
	printf("viewers: %u\n", ci->ci_viewers);
	printf("fps: %.1f\n", ci->ci_fps_milli / 1000.0);
	printf("last-seen: %s\n", when);
	printf("frames: %" PRIu64 "\n", ci->ci_frames);
	printf("bytes: %" PRIu64 "\n", ci->ci_bytes);
	printf("dropped: %" PRIu64 "\n", ci->ci_dropped);
	printf("dropped-incomplete: %" PRIu64 "\n", ci->ci_drop_incomplete);
	printf("dropped-size: %" PRIu64 "\n", ci->ci_drop_size);
	printf("dropped-not-jpeg: %" PRIu64 "\n", ci->ci_drop_jpeg);
	printf("dropped-too-big: %" PRIu64 "\n", ci->ci_drop_toobig);
	printf("dropped-backlog: %" PRIu64 "\n", ci->ci_drop_backlog);
	printf("packets: %" PRIu64 "\n", ci->ci_packets);
	printf("packets-duplicate: %" PRIu64 "\n", ci->ci_packets_dup);
	printf("packets-late: %" PRIu64 "\n", ci->ci_packets_late);
	printf("confirmations: %" PRIu64 "\n", ci->ci_confirms);
	printf("audio-chunks: %" PRIu64 "\n", ci->ci_audio_chunks);
	printf("stream-restarts: %" PRIu64 "\n", ci->ci_stream_restarts);
	printf("strangers: %" PRIu64 "\n", ci->ci_strangers);
}
