/*
 * camsim: N simulated A9 V720 cameras in one process (see README).
 *   camsim [options] --bootstrap host:port | --tcp host:port
 *   camsim --sink host:port      a minimal server, for benchmarks
 *   camsim --ap host:port        one camera in AP mode
 *   camsim --webfloor host:port  a minimal MJPEG server, for benchmarks
 */
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "frag.h"
#include "wire.h"
#include "camsim.h"

#ifndef CAMSIM_DATADIR
#define CAMSIM_DATADIR	"regress/data"
#endif
#define JPEG_MAX	(400 * 1024)

static struct event	ev_sigint, ev_sigterm, ev_duration, ev_stats;

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr,
"usage: camsim [--cameras N] [--uid PREFIX] (--bootstrap | --tcp) host:port\n"
"              [--token T] [--frames K] [--duration S] [--fps F] [--audio]\n"
"              [--audio-trailer] [--heartbeat S] [--log FILE] [--data DIR]\n"
"              [--loss F] [--dup F] [--reorder F] [--split-tcp]\n"
"              [--garbage F] [--garbage-hard] [--die-after N]\n"
"              [--die-how exit|rst|silent] [--seed N] [--tail K]\n"
"              [--pkg-start N] [--resend-ms MS] [--resend-max N]\n"
"              [--silence-ms MS] [--backoff-ms MS] [--battery P] [--stats]\n"
"              [--clock-offset MS] [--features LIST] [--ptz]\n"
"              [--wifi-scan BASE64]\n"
"              [--latency MS] [--source ADDR]\n"
"              [--mqtt host:port [--firmware] [--info-every S]] [-v]\n"
"       camsim --firmware --mqtt host:port [--bootstrap host:port] [...]\n"
"       camsim --sink host:port [--sink-no-confirm] [--duration S] [-v]\n"
"       camsim --ap host:port [--uid UID] [--log FILE] [-v]\n"
"       camsim --webfloor host:port [--fps F] [--data DIR] [--duration S]\n");
	exit(2);
}

/* --features: "none" or a comma list of the optional base info fields. */
static int
parse_features(const char *arg)
{
	static const struct {
		const char	*name;
		int		 bit;
	} names[] = {
		{ "speedGrade", FEAT_SPEEDGRADE }, { "moveGrade", FEAT_MOVEGRADE },
		{ "ledEI", FEAT_LEDEI }, { "sdCardReco", FEAT_SDCARDRECO },
	};
	char	 buf[128], *p, *w;
	size_t	 i;
	int	 f = 0;

	if (strcmp(arg, "none") == 0)
		return 0;
	if (strlcpy(buf, arg, sizeof(buf)) >= sizeof(buf))
		errx(2, "--features: too long");
	p = buf;
	while ((w = strsep(&p, ",")) != NULL) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(names[i].name, w) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			errx(2, "--features: unknown field %s", w);
		f |= names[i].bit;
	}
	return f;
}

static void
parse_addr(const char *s, struct sockaddr_in *sin)
{
	char		 host[64];
	const char	*colon, *errstr;
	long long	 port;

	if ((colon = strrchr(s, ':')) == NULL ||
	    (size_t)(colon - s) >= sizeof(host))
		errx(2, "%s: expected host:port", s);
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtonum(colon + 1, 1, 65535, &errstr);
	if (errstr != NULL)
		errx(2, "%s: port %s", s, errstr);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (strcmp(host, "localhost") == 0)
		strlcpy(host, "127.0.0.1", sizeof(host));
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", host);
}

static double
num(const char *s, double min, double max, const char *what)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || end == s || v < min || v > max)
		errx(2, "%s: %s out of range [%g, %g]", what, s, min, max);
	return v;
}

static int
jpeg_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
jpeg_add(struct camsim *cs, const char *path)
{
	struct jpeg	*jp;
	FILE		*f;
	long		 len;

	if ((f = fopen(path, "rb")) == NULL)
		err(1, "%s", path);
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 4 ||
	    len > JPEG_MAX || fseek(f, 0, SEEK_SET) == -1)
		errx(1, "%s: not a JPEG of a usable size", path);
	cs->cs_jpegs = reallocarray(cs->cs_jpegs, (size_t)cs->cs_njpegs + 1,
	    sizeof(*cs->cs_jpegs));
	if (cs->cs_jpegs == NULL)
		err(1, NULL);
	jp = &cs->cs_jpegs[cs->cs_njpegs++];
	jp->jp_len = (size_t)len;
	if ((jp->jp_data = malloc(jp->jp_len)) == NULL)
		err(1, NULL);
	if (fread(jp->jp_data, 1, jp->jp_len, f) != jp->jp_len)
		err(1, "%s", path);
	fclose(f);
	if (jp->jp_data[0] != 0xff || jp->jp_data[1] != 0xd8 ||
	    jp->jp_data[len - 2] != 0xff || jp->jp_data[len - 1] != 0xd9)
		errx(1, "%s: no SOI/EOI", path);
	if (frag_bufsize(jp->jp_len) > cs->cs_maxjpeg)
		cs->cs_maxjpeg = frag_bufsize(jp->jp_len);
}

/* --data: a JPEG file, or every *.jpg of a directory in name order. */
static void
jpeg_load(struct camsim *cs, const char *path)
{
	struct stat	 sb;
	struct dirent	*de;
	DIR		*d;
	char		**names = NULL, buf[1024];
	size_t		 n = 0, i, l;

	if (stat(path, &sb) == -1)
		err(1, "%s", path);
	if (!S_ISDIR(sb.st_mode)) {
		jpeg_add(cs, path);
		return;
	}
	if ((d = opendir(path)) == NULL)
		err(1, "%s", path);
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".jpg") != 0)
			continue;
		if ((names = reallocarray(names, n + 1, sizeof(*names))) ==
		    NULL || (names[n++] = strdup(de->d_name)) == NULL)
			err(1, NULL);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), jpeg_cmp);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s/%s", path, names[i]);
		jpeg_add(cs, buf);
		free(names[i]);
	}
	free(names);
	if (cs->cs_njpegs == 0)
		errx(1, "%s: no *.jpg", path);
}

void
camsim_timer(struct event *ev, long ms)
{
	struct timeval	tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(ev, &tv);
}

int
camsim_nextmsg(struct evbuffer *b, size_t max, struct wire_hdr *h, uint8_t **p)
{
	size_t	len = evbuffer_get_length(b);

	if (len < WIRE_HDR_LEN)
		return 0;
	if (wire_hdr_decode(evbuffer_pullup(b, WIRE_HDR_LEN), len, max, h) == -1)
		return -1;
	if (len < WIRE_HDR_LEN + h->wh_len)
		return 0;
	*p = evbuffer_pullup(b, WIRE_HDR_LEN + h->wh_len);
	return 1;
}

int
camsim_listen(const struct sockaddr_in *sin, int backlog)
{
	int	fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1 ||
	    listen(fd, backlog) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

void
camsim_exit(struct camsim *cs, int how)
{
	event_loopbreak();
}

void
camsim_cam_done(struct camsim *cs, struct cam *c)
{
	if (++cs->cs_ndone >= cs->cs_o.o_ncams)
		camsim_exit(cs, 0);
}

static void
sig_cb(int sig, short what, void *arg)
{
	camsim_exit(arg, 0);
}

enum {
	OPT_CAMERAS = 256, OPT_UID, OPT_BOOTSTRAP, OPT_TCP, OPT_TOKEN,
	OPT_FRAMES, OPT_DURATION, OPT_AUDIO, OPT_AUDIO_TRAILER, OPT_FPS,
	OPT_HEARTBEAT, OPT_LOG, OPT_DATA, OPT_LOSS, OPT_DUP, OPT_REORDER,
	OPT_SPLIT, OPT_GARBAGE, OPT_GARBAGE_HARD, OPT_DIE_AFTER, OPT_DIE_HOW,
	OPT_SEED, OPT_TAIL, OPT_PKG_START, OPT_RESEND_MS, OPT_RESEND_MAX,
	OPT_SILENCE_MS, OPT_BACKOFF_MS, OPT_BATTERY, OPT_FEATURES, OPT_WIFI_SCAN, OPT_CLOCK_OFFSET, OPT_SINK, OPT_SINK_NOCONF,
	OPT_AP, OPT_STATS, OPT_LATENCY, OPT_SOURCE, OPT_MQTT, OPT_FIRMWARE,
	OPT_INFO_EVERY, OPT_SCENE, OPT_MOTION_AT, OPT_MOTION_FOR, OPT_IR_AT,
	OPT_PTZ, OPT_WEBFLOOR
};

static const struct option longopts[] = {
	{ "cameras",		required_argument, NULL, OPT_CAMERAS },
	{ "uid",		required_argument, NULL, OPT_UID },
	{ "bootstrap",		required_argument, NULL, OPT_BOOTSTRAP },
	{ "tcp",		required_argument, NULL, OPT_TCP },
	{ "token",		required_argument, NULL, OPT_TOKEN },
	{ "frames",		required_argument, NULL, OPT_FRAMES },
	{ "duration",		required_argument, NULL, OPT_DURATION },
	{ "audio",		no_argument,	   NULL, OPT_AUDIO },
	{ "audio-trailer",	no_argument,	   NULL, OPT_AUDIO_TRAILER },
	{ "fps",		required_argument, NULL, OPT_FPS },
	{ "heartbeat",		required_argument, NULL, OPT_HEARTBEAT },
	{ "log",		required_argument, NULL, OPT_LOG },
	{ "data",		required_argument, NULL, OPT_DATA },
	{ "loss",		required_argument, NULL, OPT_LOSS },
	{ "dup",		required_argument, NULL, OPT_DUP },
	{ "reorder",		required_argument, NULL, OPT_REORDER },
	{ "split-tcp",		no_argument,	   NULL, OPT_SPLIT },
	{ "garbage",		required_argument, NULL, OPT_GARBAGE },
	{ "garbage-hard",	no_argument,	   NULL, OPT_GARBAGE_HARD },
	{ "die-after",		required_argument, NULL, OPT_DIE_AFTER },
	{ "die-how",		required_argument, NULL, OPT_DIE_HOW },
	{ "seed",		required_argument, NULL, OPT_SEED },
	{ "tail",		required_argument, NULL, OPT_TAIL },
	{ "pkg-start",		required_argument, NULL, OPT_PKG_START },
	{ "resend-ms",		required_argument, NULL, OPT_RESEND_MS },
	{ "resend-max",		required_argument, NULL, OPT_RESEND_MAX },
	{ "silence-ms",		required_argument, NULL, OPT_SILENCE_MS },
	{ "backoff-ms",		required_argument, NULL, OPT_BACKOFF_MS },
	{ "battery",		required_argument, NULL, OPT_BATTERY },
	{ "features",		required_argument, NULL, OPT_FEATURES },
	{ "wifi-scan",		required_argument, NULL, OPT_WIFI_SCAN },
	{ "clock-offset",	required_argument, NULL, OPT_CLOCK_OFFSET },
	{ "sink",		required_argument, NULL, OPT_SINK },
	{ "sink-no-confirm",	no_argument,	   NULL, OPT_SINK_NOCONF },
	{ "ap",			required_argument, NULL, OPT_AP },
	{ "webfloor",		required_argument, NULL, OPT_WEBFLOOR },
	{ "stats",		no_argument,	   NULL, OPT_STATS },
	{ "latency",		required_argument, NULL, OPT_LATENCY },
	{ "source",		required_argument, NULL, OPT_SOURCE },
	{ "mqtt",		required_argument, NULL, OPT_MQTT },
	{ "firmware",		no_argument,	   NULL, OPT_FIRMWARE },
	{ "info-every",		required_argument, NULL, OPT_INFO_EVERY },
	{ "scene",		no_argument,	   NULL, OPT_SCENE },
	{ "motion-at",		required_argument, NULL, OPT_MOTION_AT },
	{ "motion-for",		required_argument, NULL, OPT_MOTION_FOR },
	{ "ir-at",		required_argument, NULL, OPT_IR_AT },
	{ "ptz",		no_argument,	   NULL, OPT_PTZ },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void
parse_opts(struct camsim_opts *o, int argc, char *argv[])
{
	int	ch, have_addr = 0;

	memset(o, 0, sizeof(*o));
	o->o_ncams = 1;
	strlcpy(o->o_uidpfx, "0800c", sizeof(o->o_uidpfx));
	o->o_fps = 10;
	o->o_heartbeat = 5;
	o->o_scene.sc_motion_for = 5;
	o->o_datadir = CAMSIM_DATADIR;
	o->o_die_how = DIE_EXIT;
	o->o_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	o->o_pkg_start = 1;
	o->o_resend_ms = 200;
	o->o_resend_max = 3;
	o->o_silence_ms = 2000;
	o->o_backoff_ms = 1000;
	o->o_battery = 100;
	o->o_features = FEAT_ALL;
	o->o_sink_confirm = 1;
	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_CAMERAS:
			o->o_ncams = (int)num(optarg, 1, 100000, "--cameras");
			break;
		case OPT_UID:
			if (strlen(optarg) > CAMSIM_UID_LEN - 1 &&
			    strlen(optarg) != CAMSIM_UID_LEN)
				errx(2, "--uid: at most 12 characters");
			strlcpy(o->o_uidpfx, optarg, sizeof(o->o_uidpfx));
			break;
		case OPT_BOOTSTRAP:
		case OPT_TCP:
		case OPT_SINK:
		case OPT_AP:
		case OPT_WEBFLOOR:
			parse_addr(optarg, &o->o_addr);
			have_addr++;
			o->o_bootstrap = ch == OPT_BOOTSTRAP;
			o->o_mode = ch == OPT_SINK ? MODE_SINK :
			    ch == OPT_AP ? MODE_AP : ch == OPT_WEBFLOOR ?
			    MODE_WEBFLOOR : MODE_CAMERA;
			break;
		case OPT_TOKEN:
			strlcpy(o->o_token, optarg, sizeof(o->o_token));
			break;
		case OPT_FRAMES:
			o->o_frames = (long)num(optarg, 0, 1e12, "--frames");
			break;
		case OPT_DURATION:
			o->o_duration = num(optarg, 0, 1e9, "--duration");
			break;
		case OPT_AUDIO:
			o->o_audio = 1;
			break;
		case OPT_AUDIO_TRAILER:
			o->o_audio_trailer = 1;
			break;
		case OPT_FPS:
			o->o_fps = num(optarg, 0.01, 1000, "--fps");
			break;
		case OPT_HEARTBEAT:
			o->o_heartbeat = num(optarg, 0.01, 3600, "--heartbeat");
			break;
		case OPT_LOG:
			o->o_logpath = optarg;
			break;
		case OPT_MQTT:
			parse_addr(optarg, &o->o_mqtt_addr);
			o->o_mqtt = 1;
			break;
		case OPT_FIRMWARE:
			o->o_firmware = 1;
			break;
		case OPT_PTZ:
			o->o_ptz = 1;
			break;
		case OPT_INFO_EVERY:
			o->o_info_every = num(optarg, 0.05, 86400,
			    "--info-every");
			break;
		case OPT_DATA:
			o->o_datadir = optarg;
			break;
		case OPT_LOSS:
			o->o_fault.fa_loss = num(optarg, 0, 1, "--loss");
			break;
		case OPT_DUP:
			o->o_fault.fa_dup = num(optarg, 0, 1, "--dup");
			break;
		case OPT_REORDER:
			o->o_fault.fa_reorder = num(optarg, 0, 1, "--reorder");
			break;
		case OPT_SPLIT:
			o->o_split_tcp = 1;
			break;
		case OPT_GARBAGE:
			o->o_garbage = num(optarg, 0, 1, "--garbage");
			break;
		case OPT_GARBAGE_HARD:
			o->o_garbage_hard = 1;
			break;
		case OPT_DIE_AFTER:
			o->o_die_after = (long)num(optarg, 1, 1e12, "--die-after");
			break;
		case OPT_DIE_HOW:
			if (strcmp(optarg, "exit") == 0)
				o->o_die_how = DIE_EXIT;
			else if (strcmp(optarg, "rst") == 0)
				o->o_die_how = DIE_RST;
			else if (strcmp(optarg, "silent") == 0)
				o->o_die_how = DIE_SILENT;
			else
				errx(2, "--die-how: exit, rst or silent");
			break;
		case OPT_SEED:
			o->o_seed = (uint64_t)num(optarg, 0, 1.8e19, "--seed");
			break;
		case OPT_TAIL:
			o->o_tail = (int)num(optarg, 0, FRAG_PAYLOAD, "--tail");
			break;
		case OPT_PKG_START:
			o->o_pkg_start = (uint32_t)num(optarg, 0, 4294967295.0,
			    "--pkg-start");
			break;
		case OPT_RESEND_MS:
			o->o_resend_ms = (int)num(optarg, 1, 60000, "--resend-ms");
			break;
		case OPT_RESEND_MAX:
			o->o_resend_max = (int)num(optarg, 0, 100, "--resend-max");
			break;
		case OPT_SILENCE_MS:
			o->o_silence_ms = (int)num(optarg, 1, 600000,
			    "--silence-ms");
			break;
		case OPT_BACKOFF_MS:
			o->o_backoff_ms = (int)num(optarg, 1, 60000,
			    "--backoff-ms");
			break;
		case OPT_CLOCK_OFFSET:
			o->o_clock_offset = (long long)num(optarg, -1e12, 1e12,
			    "--clock-offset");
			break;
		case OPT_BATTERY:
			o->o_battery = (int)num(optarg, 0, 100, "--battery");
			break;
		case OPT_FEATURES:
			o->o_features = parse_features(optarg);
			break;
		case OPT_WIFI_SCAN:
			if (strlen(optarg) > 3000)
				errx(2, "--wifi-scan: too long");
			o->o_wifi_scan = optarg;
			break;
		case OPT_STATS:
			o->o_stats = 1;
			break;
		case OPT_LATENCY:
			o->o_latency_ms = (int)num(optarg, 0, 60000, "--latency");
			break;
		case OPT_SOURCE:
			if (inet_pton(AF_INET, optarg, &o->o_source) != 1)
				errx(2, "--source: not an IPv4 address");
			break;
		case OPT_SCENE:
			o->o_scene.sc_on = 1;
			break;
		case OPT_MOTION_AT:
			o->o_scene.sc_on = 1;
			if (scene_times(optarg, o->o_scene.sc_motion_at,
			    &o->o_scene.sc_nmotion) == -1)
				fatalx("--motion-at: a list of seconds");
			break;
		case OPT_MOTION_FOR:
			o->o_scene.sc_motion_for = num(optarg, 0.1, 1e6,
			    "--motion-for");
			break;
		case OPT_IR_AT:
			o->o_scene.sc_on = 1;
			if (scene_times(optarg, o->o_scene.sc_ir_at,
			    &o->o_scene.sc_nir) == -1)
				fatalx("--ir-at: a list of seconds");
			break;
		case OPT_SINK_NOCONF:
			o->o_sink_confirm = 0;
			break;
		case 'v':
			o->o_verbose++;
			break;
		default:
			usage();
		}
	}
	if (o->o_firmware && !o->o_mqtt)
		errx(2, "--firmware needs --mqtt: that family talks MQTT only");
	if (o->o_firmware && o->o_mode != MODE_CAMERA)
		usage();
	/* The 56... family: MQTT, and at most the getDevInfo bootstrap. */
	if (optind != argc || have_addr > 1 || (have_addr == 0 &&
	    !o->o_firmware) || (o->o_firmware && have_addr == 1 &&
	    !o->o_bootstrap))
		usage();
	if (o->o_firmware && strcmp(o->o_uidpfx, "0800c") == 0)
		strlcpy(o->o_uidpfx, "5600c", sizeof(o->o_uidpfx));
	/* Room for the index: N cameras need N distinct uids. */
	if (!(o->o_ncams == 1 && strlen(o->o_uidpfx) == CAMSIM_UID_LEN)) {
		int	digits = snprintf(NULL, 0, "%d", o->o_ncams);

		if (strlen(o->o_uidpfx) + (size_t)digits > CAMSIM_UID_LEN)
			errx(2, "--uid %s: no room for %d cameras in 12 characters",
			    o->o_uidpfx, o->o_ncams);
	}
}

/* --stats: one JSON line a second on stderr (rates over that second). */
static void
stats_cb(int fd, short what, void *arg)
{
	struct camsim		*cs = arg;
	static uint64_t		 pkts, frames, confirms;
	static double		 cpu;
	static unsigned long long last;
	struct timeval		 tv = { 1, 0 };
	unsigned long long	 now = proc_now_ms();
	double			 c = camlog_cpu(), dt;

	if (last != 0) {
		dt = (double)(now - last) / 1000.0;
		fprintf(stderr, "{\"ev\":\"stats\",\"t\":%.1f,\"pkts_per_s\":%.0f,"
		    "\"frames_per_s\":%.1f,\"confirms_per_s\":%.0f,"
		    "\"cpu_pct\":%.1f}\n", (double)(now - cs->cs_start_ms) / 1000,
		    (double)(cs->cs_st.st_packets - pkts) / dt,
		    (double)(cs->cs_st.st_frames - frames) / dt,
		    (double)(cs->cs_st.st_confirms - confirms) / dt,
		    100.0 * (c - cpu) / dt);
	}
	pkts = cs->cs_st.st_packets;
	frames = cs->cs_st.st_frames;
	confirms = cs->cs_st.st_confirms;
	cpu = c;
	last = now;
	evtimer_add(&ev_stats, &tv);
}

static void
duration_cb(int fd, short what, void *arg)
{
	camsim_exit(arg, 0);
}

int
main(int argc, char *argv[])
{
	static struct camsim	 cs;
	struct timeval		 tv;
	int			 i, rc = 0;

	parse_opts(&cs.cs_o, argc, argv);
	log_init(1, LOG_DAEMON);
	log_procinit("camsim");
	log_setverbose(cs.cs_o.o_verbose);
	signal(SIGPIPE, SIG_IGN);
	event_init();
	cs.cs_start_ms = proc_now_ms();
	rng_seed(&cs.cs_rng, cs.cs_o.o_seed, 0);
	signal_set(&ev_sigint, SIGINT, sig_cb, &cs);
	signal_set(&ev_sigterm, SIGTERM, sig_cb, &cs);
	signal_add(&ev_sigint, NULL);
	signal_add(&ev_sigterm, NULL);
	if (cs.cs_o.o_duration > 0) {
		tv.tv_sec = (time_t)cs.cs_o.o_duration;
		tv.tv_usec = (suseconds_t)((cs.cs_o.o_duration -
		    (double)tv.tv_sec) * 1e6);
		evtimer_set(&ev_duration, duration_cb, &cs);
		evtimer_add(&ev_duration, &tv);
	}
	camlog_open(&cs);
	if (cs.cs_o.o_stats && cs.cs_o.o_mode == MODE_CAMERA) {
		evtimer_set(&ev_stats, stats_cb, &cs);
		stats_cb(-1, 0, &cs);
	}
	if (cs.cs_o.o_mode == MODE_SINK)
		return sink_main(&cs);
	jpeg_load(&cs, cs.cs_o.o_datadir);
	/* Scene frames are encoded as they go: room for the largest. */
	if (cs.cs_o.o_scene.sc_on && cs.cs_maxjpeg < frag_bufsize(200 * 1024))
		cs.cs_maxjpeg = frag_bufsize(200 * 1024);
	if (cs.cs_o.o_mode == MODE_WEBFLOOR)
		return webfloor_main(&cs);
	if (cs.cs_o.o_mode == MODE_AP) {
		cs.cs_o.o_ncams = 1;
		if ((cs.cs_cams = calloc(1, sizeof(*cs.cs_cams))) == NULL)
			fatal(NULL);
		cam_init(&cs, &cs.cs_cams[0], 0);
		rc = ap_main(&cs);
	} else {
		if ((cs.cs_cams = calloc((size_t)cs.cs_o.o_ncams,
		    sizeof(*cs.cs_cams))) == NULL)
			fatal(NULL);
		for (i = 0; i < cs.cs_o.o_ncams; i++) {
			cam_init(&cs, &cs.cs_cams[i], i);
			/* Spread the start of many cameras over a second or so. */
			cam_start(&cs.cs_cams[i], cs.cs_o.o_ncams > 1 ? i * 2 : 0);
			if (cs.cs_o.o_mqtt && !cs.cs_o.o_firmware)
				mqtt_cam_start(&cs.cs_cams[i],
				    cs.cs_o.o_ncams > 1 ? i * 2 : 0);
		}
		event_dispatch();
	}
	camlog_summary(&cs, stdout);
	if (cs.cs_log != NULL && cs.cs_log != stdout) {
		camlog_summary(&cs, cs.cs_log);
		fclose(cs.cs_log);
	}
	cs.cs_log = NULL;	/* nothing is logged while tearing down */
	for (i = 0; i < cs.cs_o.o_ncams; i++)
		cam_free(&cs.cs_cams[i]);
	free(cs.cs_cams);
	for (i = 0; i < cs.cs_njpegs; i++)
		free(cs.cs_jpegs[i].jp_data);
	free(cs.cs_jpegs);
	return rc;
}
