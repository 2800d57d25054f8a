/*
 * Per-source progress: a fixed table of the last DIAG_SOURCES_MAX camera
 * sources, keyed by address (not port: a camera's bootstrap, TCP and UDP
 * come from one address and different ports), most recently seen first.
 * A new source takes the slot of the least recently seen one, so a flood
 * of junk sources costs no memory, only the table's memory order.
 *
 * The hint is written from the stage and reason when the table is sent,
 * so it names the ports of the current configuration.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netdb.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event.h>

#include "chan.h"
#include "diaginfo.h"
#include "log.h"
#include "proc.h"
#include "model.h"
#include "listener.h"
#include "diag.h"

#define DIAG_PUSH_MS		500	/* table to web at most this often */
#define DIAG_LOG_WINDOW_S	10	/* stage-change log lines ... */
#define DIAG_LOG_MAX		30	/* ... at most this many per window */

struct diagsrc {
	TAILQ_ENTRY(diagsrc)	 d_entry;
	char			 d_addr[V720_ADDR_MAX];
	char			 d_uid[V720_ID_MAX];
	int64_t			 d_seen;
	uint8_t			 d_stage;
	uint8_t			 d_reason;
};
TAILQ_HEAD(diagsrc_list, diagsrc);

static struct diagsrc		 slots[DIAG_SOURCES_MAX];
static size_t			 nslots;
static struct diagsrc_list	 recent = TAILQ_HEAD_INITIALIZER(recent);
static int			 dirty;
static uint64_t			 last_push_ms;
static struct diag_listener	 weblis[DIAG_WEB_LISTENERS_MAX];
static size_t			 nweblis;
static int			 web_down;
/*
 * engine.c's listeners, given once (diag_init), and webpeer.c's channel
 * while v720-web is up (diag_web_up).
 */
static const struct listener_list *listeners;
static struct chanev		*web;
static time_t			 log_window;
static unsigned			 log_lines, log_skipped;

static unsigned
camera_port(void)
{
	return model->m_cfg.cg_camera_port ? model->m_cfg.cg_camera_port : 6123;
}

static void
diag_hint(const struct diagsrc *d, char *out, size_t sz)
{
	unsigned	p = camera_port();

	switch (d->d_stage) {
	case DIAG_BOOTSTRAP:
		if (d->d_reason == DIAG_R_DEVINFO) {
			snprintf(out, sz, "asked getDevInfo but never for its "
			    "configuration (getA9ConfCheck): a camera of the "
			    "newer 56/5c family, which does not register on "
			    "TCP %u: not supported yet", p);
			break;
		}
		snprintf(out, sz, "asked for its configuration but never "
		    "connected to TCP %u: is the port open on this host's "
		    "firewall?", p);
		break;
	case DIAG_TCP:
		if (d->d_reason == DIAG_R_NOREG)
			snprintf(out, sz, "connected to TCP %u but sent no "
			    "registration within %d s: not a V720 camera, or "
			    "another program on that address", p,
			    CAM_REGISTER_S);
		else
			snprintf(out, sz, "connected to TCP %u but has not "
			    "registered yet: if it stays here, it is not a "
			    "V720 camera", p);
		break;
	case DIAG_REGISTERED:
		if (d->d_reason == DIAG_R_NOUDP)
			snprintf(out, sz, "registered, but no UDP arrived "
			    "within %d s of the request: open UDP %u on this "
			    "host's firewall", STREAM_STEP_MS / 1000, p);
		else
			snprintf(out, sz, "registered; no video asked for "
			    "yet: open the viewer to start its stream");
		break;
	case DIAG_UDP:
		snprintf(out, sz, "UDP arrived; waiting for its first "
		    "complete frame: if it stays here, UDP %u is lossy or "
		    "blocked on the way back to the camera", p);
		break;
	case DIAG_STREAMING:
		snprintf(out, sz, "streaming: video arrived, nothing to do");
		break;
	default:
		switch (d->d_reason) {
		case DIAG_R_UNKNOWN:
			snprintf(out, sz, "unknown camera rejected (\"unknown "
			    "cameras reject\"): add a camera \"%s\" block to "
			    "v720d.conf to let it in", d->d_uid[0] ?
			    d->d_uid : "UID");
			break;
		case DIAG_R_TOKEN:
			snprintf(out, sz, "registered with a token this server "
			    "did not hand out: power-cycle the camera so it "
			    "asks for a new one");
			break;
		case DIAG_R_LIMIT:
			snprintf(out, sz, "refused: too many connections from "
			    "this address (per-address limit): if several "
			    "cameras share it (NAT), raise \"camera connections "
			    "per address\" in v720d.conf; else look for a "
			    "program hammering the port");
			break;
		case DIAG_R_FULL:
			snprintf(out, sz, "refused: the camera table is full "
			    "(%d cameras)", ENGINE_MAX_CAMERAS);
			break;
		case DIAG_R_PPPP:
			snprintf(out, sz, "sent a request of another camera "
			    "family (PPPP on UDP 32100): not supported");
			break;
		case DIAG_R_PROTOCOL:
			snprintf(out, sz, "sent something that is not the "
			    "V720 camera protocol on TCP %u: not a V720 "
			    "camera", p);
			break;
		case DIAG_R_NOFD:
			snprintf(out, sz, "refused: the engine has no "
			    "descriptors left for camera connections: raise "
			    "its open files limit (LimitNOFILE) or find the "
			    "address holding many connections");
			break;
		case DIAG_R_BUSY:
			snprintf(out, sz, "refused: the engine has too many "
			    "connections waiting for a request or a "
			    "registration; look for a program flooding the "
			    "camera ports");
			break;
		case DIAG_R_TAKEN:
			snprintf(out, sz, "refused: registered as a camera "
			    "that is connected and alive from another "
			    "address: a second device with the same uid, or "
			    "someone posing as the camera");
			break;
		case DIAG_R_BADBOOT:
			snprintf(out, sz, "sent a malformed bootstrap request: "
			    "not a V720 camera, or a proxy in the way mangles "
			    "it");
			break;
		default:
			snprintf(out, sz, "refused");
			break;
		}
		break;
	}
}

static int
diag_log_ok(void)
{
	time_t	now = time(NULL);

	if (now - log_window >= DIAG_LOG_WINDOW_S) {
		if (log_skipped > 0)
			log_info("source: %u more stage changes in %d s not "
			    "logged", log_skipped, DIAG_LOG_WINDOW_S);
		log_window = now;
		log_lines = log_skipped = 0;
	}
	if (log_lines >= DIAG_LOG_MAX) {
		log_skipped++;
		return 0;
	}
	log_lines++;
	return 1;
}

void
diag_note_host(const char *addr, enum diag_stage stage,
    enum diag_reason reason, const char *uid)
{
	struct diagsrc	*d;
	char		 hint[V720_ERR_MAX], host[V720_ADDR_MAX];

	if (strlcpy(host, addr, sizeof(host)) >= sizeof(host) ||
	    host[0] == '\0')
		return;
	if (strncmp(host, "::ffff:", 7) == 0)
		memmove(host, host + 7, strlen(host + 7) + 1);
	TAILQ_FOREACH(d, &recent, d_entry)
		if (strcmp(d->d_addr, host) == 0)
			break;
	if (d == NULL) {
		if (nslots < DIAG_SOURCES_MAX)
			d = &slots[nslots++];
		else {
			d = TAILQ_LAST(&recent, diagsrc_list);
			TAILQ_REMOVE(&recent, d, d_entry);
		}
		memset(d, 0, sizeof(*d));
		strlcpy(d->d_addr, host, sizeof(d->d_addr));
	} else
		TAILQ_REMOVE(&recent, d, d_entry);
	TAILQ_INSERT_HEAD(&recent, d, d_entry);

	if (uid != NULL && uid[0] != '\0')
		strlcpy(d->d_uid, uid, sizeof(d->d_uid));
	d->d_seen = time(NULL);
	dirty = 1;
	if (d->d_stage == stage && d->d_reason == reason)
		return;
	d->d_stage = stage;
	d->d_reason = reason;
	/* What happened; the hint only where it says why. */
	if (diag_log_ok()) {
		diag_hint(d, hint, sizeof(hint));
		log_info("source %s%s%s: %s%s%s", d->d_addr,
		    d->d_uid[0] ? " camera " : "", d->d_uid,
		    diaginfo_stage(stage), reason != DIAG_R_NONE ? ": " : "",
		    reason != DIAG_R_NONE ? hint : "");
	}
}

void
diag_note(const struct sockaddr *sa, socklen_t salen, enum diag_stage stage,
    enum diag_reason reason, const char *uid)
{
	char	host[NI_MAXHOST];

	if (sa == NULL || getnameinfo(sa, salen, host, sizeof(host), NULL, 0,
	    NI_NUMERICHOST) != 0 || strlen(host) >= V720_ADDR_MAX)
		return;
	diag_note_host(host, stage, reason, uid);
}

/* "ip:port", "[ip]:port" or, as camera.c writes IPv6, "ip6:port". */
void
diag_note_addr(const char *addr, enum diag_stage stage,
    enum diag_reason reason, const char *uid)
{
	char	host[V720_ADDR_MAX], *p;

	if (strlcpy(host, addr, sizeof(host)) >= sizeof(host) ||
	    (p = strrchr(host, ':')) == NULL)
		return;
	*p = '\0';
	if (host[0] == '[' && p > host && p[-1] == ']') {
		p[-1] = '\0';
		memmove(host, host + 1, strlen(host + 1) + 1);
	}
	diag_note_host(host, stage, reason, uid);
}

size_t
diag_sources(struct diag_source *out, size_t max)
{
	struct diagsrc	*d;
	size_t		 n = 0;

	TAILQ_FOREACH(d, &recent, d_entry) {
		if (n == max)
			break;
		memset(&out[n], 0, sizeof(out[n]));
		strlcpy(out[n].ds_addr, d->d_addr, sizeof(out[n].ds_addr));
		strlcpy(out[n].ds_uid, d->d_uid, sizeof(out[n].ds_uid));
		diag_hint(d, out[n].ds_hint, sizeof(out[n].ds_hint));
		out[n].ds_seen = d->d_seen;
		out[n].ds_stage = d->d_stage;
		out[n].ds_reason = d->d_reason;
		n++;
	}
	return n;
}

size_t
diag_listeners(struct diag_listener *out, size_t max)
{
	struct listener	*l;
	size_t		 n = 0, i;

	TAILQ_FOREACH(l, listeners, l_entry) {
		if (n == max)
			return n;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].dl_kind = l->l_kind;
		out[n].dl_port = l->l_port;
		strlcpy(out[n].dl_addr, l->l_kind == LISTEN_CONTROL ?
		    model->m_cfg.cg_control_path : l->l_addr,
		    sizeof(out[n].dl_addr));
		/* Accept paused after EMFILE (the UDP timer is polling). */
		out[n].dl_state = l->l_kind != LISTEN_CAMERA_UDP &&
		    event_initialized(&l->l_pause) &&
		    evtimer_pending(&l->l_pause, NULL) ? DIAG_L_PAUSED :
		    DIAG_L_LISTENING;
		n++;
	}
	for (i = 0; i < nweblis && n < max; i++) {
		out[n] = weblis[i];
		if (web_down)
			out[n].dl_state = DIAG_L_DOWN;
		n++;
	}
	return n;
}

int
diag_web_listeners(const void *p, size_t len)
{
	size_t	i, n;

	if (len % sizeof(weblis[0]) != 0 ||
	    (n = len / sizeof(weblis[0])) > DIAG_WEB_LISTENERS_MAX)
		return -1;
	memcpy(weblis, p, len);
	for (i = 0; i < n; i++)
		if (diaginfo_check_listener(&weblis[i]) == -1 ||
		    weblis[i].dl_kind != LISTEN_WEB) {
			nweblis = 0;
			return -1;
		}
	nweblis = n;
	web_down = 0;
	dirty = 1;
	return 0;
}

void
diag_web_down(void)
{
	web_down = 1;
	web = NULL;
}

/* A new v720-web on ce: the table goes to it now. */
void
diag_web_up(struct chanev *ce)
{
	web = ce;
	diag_push();
}

void
diag_init(const struct listener_list *ls)
{
	listeners = ls;
}

void
diag_push(void)
{
	static struct diag_listener	ls[DIAG_LISTENERS_MAX];
	static struct diag_source	ss[DIAG_SOURCES_MAX];
	struct diag_head		h;
	struct iovec			iov[3];

	if (web == NULL)
		return;
	h.dh_nlisteners = diag_listeners(ls, DIAG_LISTENERS_MAX);
	h.dh_nsources = diag_sources(ss, DIAG_SOURCES_MAX);
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = ls;
	iov[1].iov_len = h.dh_nlisteners * sizeof(ls[0]);
	iov[2].iov_base = ss;
	iov[2].iov_len = h.dh_nsources * sizeof(ss[0]);
	if (chanev_composev(web, IMSG_CAM_DIAG, 0, -1, iov, 3) == 0) {
		dirty = 0;
		last_push_ms = proc_now_ms();
	}
}

void
diag_tick(uint64_t now)
{
	if (dirty && now - last_push_ms >= DIAG_PUSH_MS)
		diag_push();
}

void
diag_free_all(void)
{
	TAILQ_INIT(&recent);
	nslots = 0;
	nweblis = 0;
}
