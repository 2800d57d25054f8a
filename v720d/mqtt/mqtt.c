/*
 * v720-mqtt: process setup, sandbox, the parent channel (config push)
 * and the engine channel (camera state in, requests out).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event.h>
#include <mosquitto.h>

#include "chan.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "sandbox.h"
#include "sibling.h"
#include "testhook.h"
#include "payload.h"
#include "mqtt.h"
#include "netlock.h"

struct mqttd	*mq;

static struct cfg_mqtt	pend_cfg;
static int		pend_active, pend_have, pend_accept;

/*
 * What the process does after setup: libevent (epoll), the channels
 * (sendmsg/recvmsg), libmosquitto's non-blocking connect and its
 * socket I/O.  getaddrinfo() on the numeric broker address only parses.
 * No ioctl (strace -ff over t-70..t-74 saw libmosquitto make none; TLS
 * to the broker is not supported yet), no kill; tgkill for abort(3), to
 * itself only (sandbox.h).
 * socket(2) for TCP only (mqtt_rules); where connect(2) may go is
 * Landlock's part (netlock.c): the brokers' ports.
 */
static const int mqtt_calls[] = {
	SANDBOX_CALL(read), SANDBOX_CALL(write), SANDBOX_CALL(readv),
	SANDBOX_CALL(writev), SANDBOX_CALL(recvmsg), SANDBOX_CALL(sendmsg),
	SANDBOX_CALL(recvfrom), SANDBOX_CALL(sendto),
	SANDBOX_CALL(epoll_wait), SANDBOX_CALL(epoll_pwait),
	SANDBOX_CALL(epoll_ctl), SANDBOX_CALL(poll), SANDBOX_CALL(ppoll),
	SANDBOX_CALL(connect), SANDBOX_CALL(setsockopt),
	SANDBOX_CALL(getsockopt), SANDBOX_CALL(getsockname),
	SANDBOX_CALL(getpeername), SANDBOX_CALL(shutdown),
	SANDBOX_CALL(fcntl), SANDBOX_CALL(openat),
	SANDBOX_CALL(newfstatat), SANDBOX_CALL(fstat), SANDBOX_CALL(lseek),
	SANDBOX_CALL(rt_sigaction), SANDBOX_CALL(getppid),
	SANDBOX_CALL(uname), SANDBOX_CALL(tgkill),
	SANDBOX_CALL(futex), SANDBOX_CALL(sched_yield),
	/* netlock.c, once the brokers are known: they only take away. */
	SANDBOX_CALL(landlock_create_ruleset), SANDBOX_CALL(landlock_add_rule),
	SANDBOX_CALL(landlock_restrict_self),
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's runtime: reports, its exit-time threads, shadow memory. */
	SANDBOX_CALL(sigaltstack), SANDBOX_CALL(mprotect), SANDBOX_CALL(prctl),
	SANDBOX_CALL(clone), SANDBOX_CALL(wait4),
	SANDBOX_CALL(getrlimit), SANDBOX_CALL(prlimit64),
	SANDBOX_CALL(sched_getaffinity), SANDBOX_CALL(readlink),
	SANDBOX_CALL(open), SANDBOX_CALL(getdents64),
#endif
};

#define MQTT_SOCK_FLAGS	(SOCK_NONBLOCK | SOCK_CLOEXEC)
#define MQTT_TCP(af)	{ SANDBOX_CALL(socket), 2, {			\
	{ 0, SCMP_CMP_EQ, (af), 0 },					\
	{ 1, SCMP_CMP_MASKED_EQ, ~(scmp_datum_t)MQTT_SOCK_FLAGS, SOCK_STREAM } } }

/*
 * TCP over IPv4 or IPv6, the broker's family; socketpair(2) for
 * libmosquitto's wake-up pair.  AF_UNIX sockets get EACCES (syslog,
 * nscd; sandbox.c), any other socket SIGSYS.
 */
static const struct sandbox_rule mqtt_rules[] = {
	MQTT_TCP(AF_INET),
	MQTT_TCP(AF_INET6),
	{ SANDBOX_CALL(socketpair), 1, { { 0, SCMP_CMP_EQ, AF_UNIX, 0 } } },
};

static void	mqtt_dispatch_parent(struct chanev *, struct chan_msg *,
		    void *);
static __attribute__((noreturn)) void mqtt_shutdown(void);
static void	mqtt_dispatch_engine(struct chanev *, struct chan_msg *,
		    void *);

static int
mcam_cmp(struct mcam *a, struct mcam *b)
{
	return strcmp(a->mc_id, b->mc_id);
}

RB_GENERATE(mcam_tree, mcam, mc_entry, mcam_cmp);

struct mcam *
mcam_find(const char *id)
{
	struct mcam	key;

	if (strlcpy(key.mc_id, id, sizeof(key.mc_id)) >= sizeof(key.mc_id))
		return NULL;
	return RB_FIND(mcam_tree, &mq->m_cams, &key);
}

struct mcam *
mcam_get(const char *id)
{
	struct mcam	*mc;

	if ((mc = mcam_find(id)) != NULL)
		return mc;
	if (mq->m_ncams >= MQTT_MAX_CAMERAS)
		return NULL;
	if ((mc = calloc(1, sizeof(*mc))) == NULL)
		fatal("%s", __func__);
	strlcpy(mc->mc_id, id, sizeof(mc->mc_id));
	mc->mc_avail = mc->mc_motion = -1;
	RB_INSERT(mcam_tree, &mq->m_cams, mc);
	mq->m_ncams++;
	return mc;
}

/* Out of the table, and out of Home Assistant. */
static void
mcam_forget(struct mcam *mc)
{
	ha_camera_gone(mc);
	RB_REMOVE(mcam_tree, &mq->m_cams, mc);
	mq->m_ncams--;
	free(mc->mc_sig);
	free(mc);
}

/*
 * A new engine (after a restart) sent the state of every camera it
 * knows right away: the ones it did not are forgotten here too, as it
 * would have told us (IMSG_CAM_GONE) had it known them.  The table holds
 * nothing but the engine's cameras, so the engine's bounds are its own.
 */
static void
mqtt_engine_settled(int fd, short ev, void *arg)
{
	struct mcam	*mc, *tmc;
	size_t		 n = 0;

	RB_FOREACH_SAFE(mc, mcam_tree, &mq->m_cams, tmc)
		if (mc->mc_gen != mq->m_engine_gen) {
			mcam_forget(mc);
			n++;
		}
	if (n > 0)
		log_info("%zu cameras the restarted engine does not know "
		    "forgotten", n);
}

void
mqtt_send_engine(uint32_t type, const void *p, size_t len)
{
	if (!mq->m_engine_up) {
		log_debug("no engine, dropping message %u", type);
		return;
	}
	if (chanev_compose(&mq->m_engine, type, 0, -1, p, len) == -1)
		log_warnx("engine channel full, dropping message %u",
		    type);
}

/* One broker for both: route by topic. */
static void
both_connected(struct broker *b, void *arg)
{
	ha_connected(b, arg);
	nax_connected(b, arg);
}

static void
both_message(struct broker *b, const struct mosquitto_message *m, void *arg)
{
	if (strncmp(m->topic, NAX_BASE, sizeof(NAX_BASE) - 1) == 0)
		nax_message(b, m, arg);
	else
		ha_message(b, m, arg);
}

static void
brokers_stop(void)
{
	if (!mq->m_running)
		return;
	ha_offline();
	broker_close(&mq->m_ha);
	if (mq->m_cambroker == &mq->m_cam)
		broker_close(&mq->m_cam);
	mq->m_running = 0;
}

static void
brokers_start(void)
{
	const struct cfg_mqtt	*c = &mq->m_cfg;
	char			 id[40], rnd[9];
	uint16_t		 ports[2];
	int			 same;

	snprintf(mq->m_status_topic, sizeof(mq->m_status_topic), "%s/status",
	    c->cm_prefix);
	arc4random_buf(rnd, 4);
	snprintf(rnd, sizeof(rnd), "%08x", arc4random());
	same = c->cm_cam_host[0] == '\0';
	ports[0] = c->cm_port;
	ports[1] = c->cm_cam_port;
	if (netlock_ports(ports, same ? 1 : 2) == -1)
		mqtt_shutdown();
	snprintf(id, sizeof(id), "v720d-%s", rnd);
	if (broker_init(&mq->m_ha, same ? "home assistant and cameras'" :
	    "home assistant", id, c->cm_host, c->cm_port, c->cm_user,
	    c->cm_password, mq->m_status_topic, "offline", MQTT_KEEPALIVE,
	    same ? both_connected : ha_connected,
	    same ? both_message : ha_message, NULL) == -1)
		fatalx("cannot set up the broker connection");
	if (same)
		mq->m_cambroker = &mq->m_ha;
	else {
		snprintf(id, sizeof(id), "v720d-cameras-%s", rnd);
		if (broker_init(&mq->m_cam, "cameras'", id, c->cm_cam_host,
		    c->cm_cam_port, c->cm_cam_user, c->cm_cam_password, NULL,
		    NULL, MQTT_KEEPALIVE, nax_connected, nax_message,
		    NULL) == -1)
			fatalx("cannot set up the cameras' broker");
		mq->m_cambroker = &mq->m_cam;
	}
	mq->m_running = 1;
	broker_start(&mq->m_ha);
	if (!same)
		broker_start(&mq->m_cam);
}

static void
mqtt_stats(void)
{
	log_info("stats: cameras %zu, home assistant broker %s (in %llu, out "
	    "%llu, connections %llu), commands %llu, infos %llu, refused %llu, "
	    "unknown cameras ignored %llu",
	    mq->m_ncams, mq->m_ha.b_connected ? "up" : "down",
	    (unsigned long long)mq->m_ha.b_msgs_in,
	    (unsigned long long)mq->m_ha.b_msgs_out,
	    (unsigned long long)mq->m_ha.b_connects,
	    (unsigned long long)mq->m_cmds, (unsigned long long)mq->m_infos,
	    (unsigned long long)mq->m_bad, (unsigned long long)mq->m_unknown);
}

static __attribute__((noreturn)) void
mqtt_shutdown(void)
{
	struct mcam	*mc;

	mqtt_stats();
	brokers_stop();
	while ((mc = RB_ROOT(&mq->m_cams)) != NULL) {
		RB_REMOVE(mcam_tree, &mq->m_cams, mc);
		free(mc->mc_sig);
		free(mc);
	}
	if (mq->m_engine_up)
		chanev_clear(&mq->m_engine);
	chanev_clear(&mq->m_parent);
	mosquitto_lib_cleanup();
	free(mq);
	exit(0);
}

static void
mqtt_sig(int sig, short ev, void *arg)
{
	if (sig == SIGUSR1)
		mqtt_stats();
	else
		mqtt_shutdown();
}

static void
mqtt_parent_closed(struct chanev *ce, void *arg)
{
	log_debug("parent went away");
	mqtt_shutdown();
}

static void
mqtt_engine_closed(struct chanev *ce, void *arg)
{
	log_debug("engine channel closed");
	chanev_clear(&mq->m_engine);
	mq->m_engine_up = 0;
}

static void
check_cfg(struct cfg_mqtt *c)
{
	if (chan_strfield(c->cm_host, sizeof(c->cm_host)) ||
	    chan_strfield(c->cm_user, sizeof(c->cm_user)) ||
	    chan_strfield(c->cm_password, sizeof(c->cm_password)) ||
	    chan_strfield(c->cm_cam_host, sizeof(c->cm_cam_host)) ||
	    chan_strfield(c->cm_cam_user, sizeof(c->cm_cam_user)) ||
	    chan_strfield(c->cm_cam_password, sizeof(c->cm_cam_password)) ||
	    chan_strfield(c->cm_discovery, sizeof(c->cm_discovery)) ||
	    chan_strfield(c->cm_prefix, sizeof(c->cm_prefix)) ||
	    c->cm_host[0] == '\0' || c->cm_port == 0 ||
	    c->cm_prefix[0] == '\0' || c->cm_discovery[0] == '\0' ||
	    (c->cm_cam_host[0] != '\0' && c->cm_cam_port == 0))
		fatalx("%s: bad IMSG_CFG_MQTT", __func__);
}

static void
cfg_end(void)
{
	pend_active = 0;
	if (!pend_have)
		fatalx("configuration without mqtt settings");
	mq->m_unknown_accept = pend_accept;
	if (mq->m_have_cfg && memcmp(&mq->m_cfg, &pend_cfg,
	    sizeof(pend_cfg)) == 0)
		return;
	if (mq->m_running) {
		log_info("broker settings changed, reconnecting");
		brokers_stop();
	}
	mq->m_cfg = pend_cfg;
	mq->m_have_cfg = 1;
	explicit_bzero(&pend_cfg, sizeof(pend_cfg));
	brokers_start();
}

static void
mqtt_dispatch_parent(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct cfg_global	g;
	struct timeval		settle = { MQTT_ENGINE_SETTLE_S, 0 };
	unsigned int		peer;

	switch (m->hdr.ch_type) {
	case IMSG_CFG_START:
		if (m->len != sizeof(g))
			fatalx("%s: bad CFG_START", __func__);
		memcpy(&g, m->data, sizeof(g));
		if (g.cg_verbose > log_getverbose())
			log_setverbose(g.cg_verbose);
		pend_active = 1;
		pend_have = 0;
		pend_accept = g.cg_unknown_accept != 0;
		break;
	case IMSG_CFG_MQTT:
		if (!pend_active || m->len != sizeof(pend_cfg))
			fatalx("%s: bad CFG_MQTT", __func__);
		memcpy(&pend_cfg, m->data, sizeof(pend_cfg));
		check_cfg(&pend_cfg);
		pend_have = 1;
		break;
	case IMSG_CFG_END:
		proc_child_cfg_end(ce, pend_active, cfg_end);
		break;
	case IMSG_CFG_LISTEN:
	case IMSG_CFG_CAMERA:
	case IMSG_CFG_WEBUSER:
	case IMSG_CFG_TLS_CERT:
	case IMSG_CFG_TLS_KEY:
		/* Not ours. */
		break;
	case IMSG_CFG_PEER:
		if ((peer = proc_child_peer(m)) != PROC_ENGINE)
			fatalx("%s: peer channel to process %u", __func__,
			    peer);
		if (mq->m_engine_up)
			chanev_clear(&mq->m_engine);
		if (sibling_open(&mq->m_engine, m, IMSG_MQTT_CAMINFO,
		    mqtt_dispatch_engine, mqtt_engine_closed, NULL) == -1)
			fatal("engine channel");
		mq->m_engine.c.nofds = 1;	/* the engine passes none */
		m->fd = -1;
		mq->m_engine_up = 1;
		mq->m_engine_gen++;
		evtimer_add(&mq->m_settle, &settle);
		log_debug("engine channel up");
		break;
	default:
		if (!proc_child_common(ce, m))
			fatalx("%s: unexpected message %u", __func__,
			    m->hdr.ch_type);
	}
	if (m->fd != -1)
		close(m->fd);
}

static void
mqtt_dispatch_engine(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct cam_info		ci;
	struct cam_media	cm;
	struct mqtt_camsend	cs;
	struct ctl_id		cid;
	struct mcam		*mc;
	size_t			n;

	switch (m->hdr.ch_type) {
	case IMSG_CAM_STATE:
		if (sibling_cam_info(ce, m, &ci) == -1)
			return;
		if ((mc = mcam_get(ci.ci_id)) == NULL) {
			log_warnx("more than %d cameras", MQTT_MAX_CAMERAS);
			break;
		}
		mc->mc_info = ci;
		mc->mc_known = 1;
		mc->mc_gen = mq->m_engine_gen;
		ha_camera_state(mc);
		break;
	case IMSG_CAM_GONE:
		/* Forgotten by the engine (offline, unconfigured, for long or
		 * crowded out): its slot here goes too. */
		if (sibling_cam_gone(ce, m, "CAM_GONE", &cid) == -1)
			return;
		if ((mc = mcam_find(cid.id)) != NULL)
			mcam_forget(mc);
		break;
	case IMSG_CAM_FRAME:
		if (sibling_cam_media(ce, m, &cm, &n) == -1)
			return;
		if ((mc = mcam_find(cm.cm_id)) != NULL)
			ha_image(mc, m->data + sizeof(cm), n);
		break;
	case IMSG_MQTT_CAMSEND:
		if (m->len != sizeof(cs)) {
			sibling_bad(ce, m, "MQTT_CAMSEND of %zu bytes", m->len);
			return;
		}
		memcpy(&cs, m->data, sizeof(cs));
		if (chan_strfield(cs.ms_id, sizeof(cs.ms_id)) ||
		    chan_strfield(cs.ms_json, sizeof(cs.ms_json))) {
			sibling_bad(ce, m, "MQTT_CAMSEND with bad strings");
			return;
		}
		if (nax_camsend(&cs) == -1) {
			sibling_bad(ce, m, "MQTT_CAMSEND for a bad camera id");
			return;
		}
		break;
	default:
		sibling_bad(ce, m, "a type it does not send");
		return;
	}
}

int
main(int argc, char *argv[])
{
	struct proc_child_opts	 co;

	proc_child_init(argc, argv, "mqtt", 0, &co);
	proc_title("-v720d: mqtt");
	/* libmosquitto initialises OpenSSL: before chroot. */
	broker_lib_init();
	if ((mq = calloc(1, sizeof(*mq))) == NULL)
		fatal("calloc");
	RB_INIT(&mq->m_cams);
	proc_privdrop(co.user, co.root);

	event_init();
	evtimer_set(&mq->m_settle, mqtt_engine_settled, NULL);
	proc_child_signals(mqtt_sig, 1);
	proc_child_channel(&mq->m_parent, PROC_PARENT_FD, mqtt_dispatch_parent,
	    mqtt_parent_closed);
	testhook_init(&mq->m_parent, IMSG_CTL_VERBOSE);
	sandbox_enter_rules("mqtt", mqtt_calls, sizeof(mqtt_calls) /
	    sizeof(mqtt_calls[0]), mqtt_rules, sizeof(mqtt_rules) /
	    sizeof(mqtt_rules[0]));

	log_debug("started");
	event_dispatch();
	mqtt_shutdown();
}
