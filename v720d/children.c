/*
 * The parent's children, one row per kind.  The parent (supervise.c,
 * parent.c) does the same for every row: start it when ck_enabled says
 * so (at start and after each reload), push it START, its listeners, the
 * cameras, its own messages (ck_push) and END, give it a socketpair with
 * each running peer (IMSG_CFG_PEER with struct cfg_peer naming the other
 * end), restart it with backoff when it dies or misbehaves, and stop it
 * on shutdown or when a reload disables it.
 *
 * To add a child:
 *  1. Its id in enum proc_id (common/msg.h), before PROC_MAX.
 *  2. A row below: ck_exe and ck_tree if it is its own executable (found
 *     at ../libexec/<ck_exe> when installed, <v720d's dir>/<ck_tree> in
 *     the build tree), or ck_argv = { "-X" } for a mode of v720d itself;
 *     ck_enabled if only some configurations need it.
 *     ck_batch if the engine wakes it for every frame (v720-web, the
 *     recorder, the rtsp child): see child_start() in supervise.c.
 *  3. ck_accept: the message types it may send the parent besides
 *     IMSG_CFG_DONE (after each END) and IMSG_PROC_PONG (the answer to
 *     each IMSG_PROC_PING, at once: a child that does not answer within
 *     a few seconds is killed).  Anything else, or a malformed message,
 *     gets it killed and restarted alone.
 *  4. ck_peers: the processes it talks to directly; listing the pair on
 *     either side is enough (list it on both, for the reader).  Each
 *     child then dispatches IMSG_CFG_PEER on cp_proc and opens the
 *     channel with sibling_open() (common/sibling.h): a bad message
 *     from a sibling costs the sender a restart, not the receiver.
 *     Every child sends IMSG_PROC_ACCUSE for that, without listing it.
 *  5. Its configuration messages: a push function here, their types in
 *     their own block of common/msg.h.
 *  6. In the child (common/proc.h): proc_child_init, proc_privdrop,
 *     proc_child_signals and proc_child_channel at start; in its
 *     dispatch of the parent's messages proc_child_cfg_end on END,
 *     proc_child_peer on CFG_PEER and proc_child_common for the rest
 *     (PING, CTL_VERBOSE).
 */
#include <sys/queue.h>
#include <sys/stat.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <netdb.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "config.h"
#include "log.h"
#include "msg.h"
#include "parent.h"

static const uint32_t engine_accept[] = {
	IMSG_CTL_RELOAD, IMSG_CTL_VERBOSE, 0
};

static void	rtsp_urls_push(struct chanev *, const struct config *,
		    const struct tls_material *);

/* Web users, server names, limits, key material for the tls listeners. */
static void
web_push(struct chanev *ce, const struct config *conf,
    const struct tls_material *tls)
{
	struct conf_webuser	*u;
	struct conf_webname	*wn;
	struct cfg_weblimits	 wl;

	TAILQ_FOREACH(u, &conf->webusers, entry)
		chanev_compose(ce, IMSG_CFG_WEBUSER, 0, -1, &u->cw,
		    sizeof(u->cw));
	TAILQ_FOREACH(wn, &conf->webnames, entry)
		chanev_compose(ce, IMSG_CFG_WEB_NAME, 0, -1, &wn->wn,
		    sizeof(wn->wn));
	memset(&wl, 0, sizeof(wl));
	wl.wl_conn_per_addr = conf->web_per_addr;
	wl.wl_compat_cmds = conf->web_compat_cmds;
	chanev_compose(ce, IMSG_CFG_WEB_LIMITS, 0, -1, &wl, sizeof(wl));
	rtsp_urls_push(ce, conf, tls);
	if (tls->cert != NULL) {
		chanev_compose(ce, IMSG_CFG_TLS_CERT, 0, -1, tls->cert,
		    tls->certlen);
		chanev_compose(ce, IMSG_CFG_TLS_KEY, 0, -1, tls->key,
		    tls->keylen);
	}
}

/* The rtsp listeners, for the URLs the viewer and v720ctl show. */
static void
rtsp_urls_push(struct chanev *ce, const struct config *conf,
    const struct tls_material *tls)
{
	struct conf_listen	*l;
	struct cfg_listen	 cl;

	TAILQ_FOREACH(l, &conf->rtsp, entry) {
		memset(&cl, 0, sizeof(cl));
		cl.cl_kind = LISTEN_RTSP;
		cl.cl_port = l->port;
		strlcpy(cl.cl_addr, l->addr, sizeof(cl.cl_addr));
		chanev_compose(ce, IMSG_CFG_RTSP_URL, 0, -1, &cl, sizeof(cl));
	}
}

static int
mqtt_enabled(const struct config *conf)
{
	return conf->mqtt.enabled;
}

/*
 * The broker's address, resolved here: the child cannot once chrooted.
 * A name that does not resolve is passed as is; the child then fails
 * and is restarted with backoff, and this runs again.
 */
static void
mqtt_resolve(const struct conf_broker *b, char *out, size_t outsz)
{
	struct addrinfo	 hints, *res;
	char		 host[NI_MAXHOST];
	int		 rc;

	strlcpy(out, b->host, outsz);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(b->host, NULL, &hints, &res)) != 0) {
		log_warnx("mqtt broker %s: %s", b->host, gai_strerror(rc));
		return;
	}
	if (getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof(host),
	    NULL, 0, NI_NUMERICHOST) == 0)
		strlcpy(out, host, outsz);
	freeaddrinfo(res);
}

static void
mqtt_push(struct chanev *ce, const struct config *conf,
    const struct tls_material *tls)
{
	const struct conf_mqtt	*m = &conf->mqtt;
	struct cfg_mqtt		 cm;

	memset(&cm, 0, sizeof(cm));
	mqtt_resolve(&m->broker, cm.cm_host, sizeof(cm.cm_host));
	cm.cm_port = m->broker.port;
	strlcpy(cm.cm_user, m->broker.user, sizeof(cm.cm_user));
	strlcpy(cm.cm_password, m->broker.password, sizeof(cm.cm_password));
	cm.cm_tls = m->broker.tls;
	if (m->cam_set) {
		mqtt_resolve(&m->cam, cm.cm_cam_host, sizeof(cm.cm_cam_host));
		cm.cm_cam_port = m->cam.port;
		strlcpy(cm.cm_cam_user, m->cam.user, sizeof(cm.cm_cam_user));
		strlcpy(cm.cm_cam_password, m->cam.password,
		    sizeof(cm.cm_cam_password));
	}
	strlcpy(cm.cm_discovery, m->discovery, sizeof(cm.cm_discovery));
	strlcpy(cm.cm_prefix, m->prefix, sizeof(cm.cm_prefix));
	chanev_compose(ce, IMSG_CFG_MQTT, 0, -1, &cm, sizeof(cm));
	explicit_bzero(&cm, sizeof(cm));
}

/* Retention and segment length. */
static void
recorder_push(struct chanev *ce, const struct config *conf,
    const struct tls_material *tls)
{
	struct cfg_record	cr;

	memset(&cr, 0, sizeof(cr));
	cr.cr_keep_s = conf->rec_keep_s;
	cr.cr_max_bytes = conf->rec_max_bytes;
	cr.cr_segment_s = conf->rec_segment_s;
	chanev_compose(ce, IMSG_REC_CFG, 0, -1, &cr, sizeof(cr));
}

static const char *
recorder_root(const struct config *conf)
{
	return conf->recordings;
}

/*
 * The recordings directory is the recorder's chroot: it must exist and
 * belong to the user, mode 0750 (recordings are private).  Created with
 * its parents if missing; an existing one gets owner and mode fixed.
 */
static int
recorder_prepare(const struct config *conf)
{
	struct passwd	*pw;
	struct stat	 st;
	char		 path[PATH_MAX], *s;

	if (geteuid() != 0) {
		if (mkdir(conf->recordings, 0750) == -1 && errno != EEXIST) {
			log_warn("recordings %s", conf->recordings);
			return -1;
		}
		return 0;
	}
	if ((pw = getpwnam(conf->user)) == NULL) {
		log_warnx("user %s does not exist", conf->user);
		return -1;
	}
	strlcpy(path, conf->recordings, sizeof(path));
	for (s = path + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			log_warn("recordings %s", path);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(path, 0750) == -1 && errno != EEXIST) {
		log_warn("recordings %s", path);
		return -1;
	}
	if (lstat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		log_warnx("recordings %s is not a directory", path);
		return -1;
	}
	if ((st.st_uid != pw->pw_uid || st.st_gid != pw->pw_gid) &&
	    chown(path, pw->pw_uid, pw->pw_gid) == -1) {
		log_warn("chown %s", path);
		return -1;
	}
	if ((st.st_mode & 07777) != 0750 && chmod(path, 0750) == -1) {
		log_warn("chmod %s", path);
		return -1;
	}
	return 0;
}

/* Web users (RTSP asks for the same credentials), the encoder, limits. */
static void
rtsp_push(struct chanev *ce, const struct config *conf,
    const struct tls_material *tls)
{
	struct conf_webuser	*u;
	struct cfg_rtsp		 rt;

	TAILQ_FOREACH(u, &conf->webusers, entry)
		chanev_compose(ce, IMSG_CFG_WEBUSER, 0, -1, &u->cw,
		    sizeof(u->cw));
	memset(&rt, 0, sizeof(rt));
	strlcpy(rt.rt_encoder, conf->rtsp_encoder, sizeof(rt.rt_encoder));
	rt.rt_conn_per_addr = conf->rtsp_per_addr;
	chanev_compose(ce, IMSG_RTSP_CFG, 0, -1, &rt, sizeof(rt));
}

const struct child_kind child_kinds[PROC_MAX] = {
	[PROC_ENGINE] = {
		.ck_name = "engine",
		.ck_title = "camera engine",
		.ck_argv = { "-E" },
		.ck_listen = LISTEN_BIT(LISTEN_CAMERA_TCP) |
		    LISTEN_BIT(LISTEN_CAMERA_UDP) |
		    LISTEN_BIT(LISTEN_BOOTSTRAP) | LISTEN_BIT(LISTEN_CONTROL),
		.ck_accept = engine_accept,
		.ck_push = rtsp_urls_push,
		.ck_peers = PROC_BIT(PROC_WEB) | PROC_BIT(PROC_MQTT) |
		    PROC_BIT(PROC_RECORDER) | PROC_BIT(PROC_RTSP),
	},
	[PROC_WEB] = {
		.ck_name = "web",
		.ck_title = "v720-web",
		.ck_exe = "v720-web",
		.ck_tree = "../v720-web/v720-web",
		.ck_listen = LISTEN_BIT(LISTEN_WEB),
		.ck_push = web_push,
		.ck_peers = PROC_BIT(PROC_ENGINE) | PROC_BIT(PROC_RECORDER),
		.ck_stats = 1,
		.ck_batch = 1,
	},
	/* Only with "mqtt broker": the only process that maps libmosquitto. */
	[PROC_MQTT] = {
		.ck_name = "mqtt",
		.ck_title = "mqtt",
		.ck_exe = "v720-mqtt",
		.ck_tree = "mqtt/v720-mqtt",
		.ck_enabled = mqtt_enabled,
		.ck_push = mqtt_push,
		.ck_peers = PROC_BIT(PROC_ENGINE),
	},
	/*
	 * Only while a camera records: the only process that maps
	 * libavformat and libjpeg, chrooted into the recordings.
	 */
	[PROC_RECORDER] = {
		.ck_name = "recorder",
		.ck_title = "recorder",
		.ck_exe = "v720-recorder",
		.ck_tree = "recorder/v720-recorder",
		.ck_enabled = config_recording,
		.ck_push = recorder_push,
		.ck_peers = PROC_BIT(PROC_ENGINE) | PROC_BIT(PROC_WEB),
		.ck_root = recorder_root,
		.ck_prepare = recorder_prepare,
		.ck_batch = 1,
	},
	/*
	 * Only with "rtsp listen": the RTSP/RTP server, the only process
	 * that maps the H.264 encoder (libavcodec), fed by the engine.
	 */
	[PROC_RTSP] = {
		.ck_name = "rtsp",
		.ck_title = "rtsp",
		.ck_exe = "v720-rtsp",
		.ck_tree = "rtsp/v720-rtsp",
		.ck_enabled = config_rtsp,
		.ck_listen = LISTEN_BIT(LISTEN_RTSP) |
		    LISTEN_BIT(LISTEN_RTSP_UDP),
		.ck_push = rtsp_push,
		.ck_peers = PROC_BIT(PROC_ENGINE),
		.ck_batch = 1,
	},
};

/* v720d's own path and directory, for finding the children. */
int
self_paths(char *path, size_t pathsz, char *dir, size_t dirsz)
{
	char	buf[PATH_MAX];
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", path, pathsz - 1)) == -1)
		return -1;
	path[n] = '\0';
	strlcpy(buf, path, sizeof(buf));
	strlcpy(dir, dirname(buf), dirsz);
	return 0;
}

/*
 * Children with their own executable sit beside v720d: ../libexec/NAME
 * when installed, ck_tree (e.g. ../v720-web/v720-web) in the build tree.
 */
int
child_exe(const struct child_kind *k, const char *self_dir, char *path,
    size_t pathsz)
{
	const char	*cand[2] = { "../libexec/", "" };
	int		 j;

	for (j = 0; j < 2; j++) {
		if (snprintf(path, pathsz, "%s/%s%s", self_dir, cand[j],
		    j == 0 ? k->ck_exe : k->ck_tree) >= (int)pathsz)
			fatalx("path of %s too long", self_dir);
		if (access(path, X_OK) == 0)
			return 0;
	}
	return -1;
}

int
child_accepts(const struct child_kind *k, uint32_t type)
{
	const uint32_t	*t;

	for (t = k->ck_accept; t != NULL && *t != 0; t++)
		if (*t == type)
			return 1;
	return 0;
}

/* Whether a and b get a channel between them. */
int
child_peers(enum proc_id a, enum proc_id b)
{
	return a != b && ((child_kinds[a].ck_peers & PROC_BIT(b)) ||
	    (child_kinds[b].ck_peers & PROC_BIT(a)));
}
