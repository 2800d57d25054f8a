/*
 * The parent: the only process that keeps root.  It reads the
 * configuration, binds every socket, loads TLS key material, starts the
 * children listed in children.c (the camera engine, v720-web, ...),
 * pushes them the configuration, reloads on SIGHUP and stops everything
 * on SIGTERM/SIGINT.  Starting, watching and restarting the children is
 * in supervise.c.  To add a child, see children.c.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"
#include "config.h"
#include "log.h"
#include "msg.h"
#include "parent.h"
#include "proc.h"

#define STOP_GRACE_MS	1500	/* SIGTERM to SIGKILL on shutdown */
#define PING_WAIT_MS	5000	/* the PONG must be back within */
#define ACCUSE_EVERY_MS	60000	/* restarts one child gets another, at most */
#define RELOAD_EVERY_MS	1000	/* at most one reload a second */
#define RELOAD_WAIT_MS	10000	/* for the children to take the last one */

static struct parent	*env;

static void	parent_shutdown(void);

static int
control_setup(struct parent *p, const struct config *c)
{
	struct bound_listener	*l, *cur = NULL;
	int		 fd;

	TAILQ_FOREACH(l, &p->listeners, entry)
		if (l->kind == LISTEN_CONTROL)
			cur = l;
	if (cur != NULL && strcmp(p->control_path, c->control_path) == 0)
		return 0;
	if ((fd = listen_unix(c->control_path, c->user)) == -1) {
		log_warn("control socket %s", c->control_path);
		return -1;
	}
	if (cur != NULL) {
		unlink(p->control_path);
		close(cur->fd);
	} else {
		if ((cur = calloc(1, sizeof(*cur))) == NULL)
			fatal("calloc");
		cur->kind = LISTEN_CONTROL;
		TAILQ_INSERT_TAIL(&p->listeners, cur, entry);
	}
	cur->fd = fd;
	strlcpy(cur->cl.addr, "unix", sizeof(cur->cl.addr));
	/*
	 * The engine keeps a listener whose (kind, addr, port) it has
	 * already: a new socket gets a new number so it takes this one.
	 */
	cur->cl.port = ++p->control_gen;
	strlcpy(p->control_path, c->control_path, sizeof(p->control_path));
	return 0;
}

static void
send_listen(struct child *c, struct bound_listener *l)
{
	struct cfg_listen	cl;
	int			fd;

	if ((fd = dup(l->fd)) == -1)
		fatal("dup");
	memset(&cl, 0, sizeof(cl));
	cl.cl_kind = l->kind;
	cl.cl_tls = l->cl.tls;
	cl.cl_port = l->cl.port;
	strlcpy(cl.cl_addr, l->cl.addr, sizeof(cl.cl_addr));
	if (chanev_compose(&c->ce, IMSG_CFG_LISTEN, 0, fd, &cl,
	    sizeof(cl)) == -1)
		log_warn("%s: listener to %s", __func__, c->name);
}

/* Push the whole configuration: START, listeners, cameras, ..., END. */
void
config_push(struct parent *p, struct child *c)
{
	struct cfg_global	 g;
	struct bound_listener	*l;
	struct conf_camera	*cam;
	const struct config	*conf = p->conf;

	if (c->pid == -1 || !c->ce.active)
		return;
	c->cfg_wait++;
	memset(&g, 0, sizeof(g));
	strlcpy(g.cg_user, conf->user, sizeof(g.cg_user));
	strlcpy(g.cg_server_addr, conf->server_addr, sizeof(g.cg_server_addr));
	strlcpy(g.cg_control_path, conf->control_path,
	    sizeof(g.cg_control_path));
	g.cg_camera_port = conf->camera.port;
	g.cg_unknown_accept = conf->unknown_accept;
	g.cg_verbose = log_getverbose();
	g.cg_idle_timeout = conf->idle_timeout;
	g.cg_cam_per_addr = conf->cam_per_addr;
	chanev_compose(&c->ce, IMSG_CFG_START, 0, -1, &g, sizeof(g));

	TAILQ_FOREACH(l, &p->listeners, entry)
		if (c->kind->ck_listen & LISTEN_BIT(l->kind))
			send_listen(c, l);
	TAILQ_FOREACH(cam, &conf->cameras, entry)
		chanev_compose(&c->ce, IMSG_CFG_CAMERA, 0, -1, &cam->cc,
		    sizeof(cam->cc));
	if (c->kind->ck_push != NULL)
		c->kind->ck_push(&c->ce, conf, &p->tls);
	chanev_compose(&c->ce, IMSG_CFG_END, 0, -1, NULL, 0);
}

/* Parse again; on success swap and push, on failure keep running as is. */
static int
parent_reload(struct parent *p, char *why, size_t whysz)
{
	struct config		*nc;
	struct bound_listeners	 nl;
	struct bound_listener	*ctl;
	struct tls_material	 tm;

	log_info("reloading configuration from %s", p->opts.conffile);
	if ((nc = parse_config(p->opts.conffile,
	    p->opts.conffile_default)) == NULL) {
		snprintf(why, whysz, "%s has errors, keeping the running "
		    "configuration", p->opts.conffile);
		log_warnx("%s", why);
		return -1;
	}
	if (children_found(p, nc, why, whysz) == -1) {
		log_warnx("%s, keeping the running configuration", why);
		config_free(nc);
		return -1;
	}
	if (strcmp(nc->user, p->conf->user) != 0 ||
	    strcmp(nc->chroot, p->conf->chroot) != 0)
		log_warnx("user and chroot changes take effect when the "
		    "children restart");
	if (tls_load(nc, &tm, why, whysz) == -1) {
		log_warnx("%s, keeping the running configuration", why);
		config_free(nc);
		return -1;
	}
	/* The control socket is not in the inet set: set it aside. */
	TAILQ_FOREACH(ctl, &p->listeners, entry)
		if (ctl->kind == LISTEN_CONTROL)
			break;
	if (ctl != NULL)
		TAILQ_REMOVE(&p->listeners, ctl, entry);
	if (listeners_setup(&p->listeners, &nl, nc) == -1) {
		if (ctl != NULL)
			TAILQ_INSERT_TAIL(&p->listeners, ctl, entry);
		snprintf(why, whysz, "cannot bind the new listeners, keeping "
		    "the running configuration");
		log_warnx("%s", why);
		tls_free(&tm);
		config_free(nc);
		return -1;
	}
	/* What is left in the old set is no longer wanted. */
	listeners_free(&p->listeners);
	TAILQ_CONCAT(&p->listeners, &nl, entry);
	if (ctl != NULL)
		TAILQ_INSERT_TAIL(&p->listeners, ctl, entry);
	tls_free(&p->tls);
	p->tls = tm;
	config_free(p->conf);
	p->conf = nc;
	if (control_setup(p, nc) == -1)
		log_warnx("keeping control socket %s", p->control_path);
	children_apply(p);
	log_info("configuration reloaded");
	return 0;
}

/* The child still taking the configuration pushed last, or NULL. */
static const struct child *
reload_busy(const struct parent *p)
{
	const struct child	*c;
	int			 i;

	for (i = 0; i < PROC_MAX; i++) {
		c = &p->children[i];
		if (c->pid != -1 && c->ce.active && c->cfg_wait > 0)
			return c;
	}
	return NULL;
}

/* Every v720ctl reload waiting gets the outcome; why NULL: it took. */
static void
reload_answer(struct parent *p, const char *why)
{
	struct child	*e = &p->children[PROC_ENGINE];
	size_t		 i;

	for (i = 0; i < p->nwaiters; i++) {
		/* A new engine has other clients under the same ids. */
		if (e->pid == -1 || !e->ce.active ||
		    e->gen != p->waiters[i].rw_gen)
			continue;
		if (why == NULL)
			chanev_compose(&e->ce, IMSG_CTL_OK,
			    p->waiters[i].rw_peerid, -1, NULL, 0);
		else
			chanev_compose(&e->ce, IMSG_CTL_FAIL,
			    p->waiters[i].rw_peerid, -1, why, strlen(why) + 1);
	}
	p->nwaiters = 0;
}

/*
 * Reload when due: at most once per RELOAD_EVERY_MS, and not before every
 * child took the last configuration (its IMSG_CFG_DONE).  Requests that
 * come meanwhile (SIGHUP, v720ctl reload) are coalesced into the one
 * waiting, which answers them all: a flood of them costs one reload a
 * second.  A child that has not taken the last one after RELOAD_WAIT_MS
 * makes the waiting reload fail, saying so.
 */
static void
reload_run(int fd, short ev, void *arg)
{
	struct parent		*p = arg;
	const struct child	*busy;
	struct timeval		 tv;
	unsigned long long	 now = proc_now_ms(), wait;
	char			 why[V720_ERR_MAX];

	if (!p->reload_due)
		return;
	busy = reload_busy(p);
	if (busy == NULL && (p->reload_ms == 0 ||
	    now >= p->reload_ms + RELOAD_EVERY_MS)) {
		p->reload_due = 0;
		if (parent_reload(p, why, sizeof(why)) == 0) {
			p->reload_ms = proc_now_ms();
			reload_answer(p, NULL);
		} else
			reload_answer(p, why);
		return;
	}
	if (busy != NULL && now - p->reload_since >= RELOAD_WAIT_MS) {
		snprintf(why, sizeof(why), "not reloaded: the %s has not "
		    "taken the last configuration yet, try again later",
		    busy->name);
		log_warnx("%s", why);
		p->reload_due = 0;
		reload_answer(p, why);
		return;
	}
	wait = busy != NULL ? 100 : p->reload_ms + RELOAD_EVERY_MS - now;
	tv.tv_sec = wait / 1000;
	tv.tv_usec = (wait % 1000) * 1000;
	evtimer_add(&p->reload_ev, &tv);
}

/* SIGHUP (from NULL) or a v720ctl reload relayed by the engine. */
static void
reload_request(struct parent *p, struct child *from, uint32_t peerid)
{
	const char	*full = "too many reloads waiting, try again";

	if (from != NULL) {
		if (p->nwaiters == RELOAD_WAITERS) {
			chanev_compose(&from->ce, IMSG_CTL_FAIL, peerid, -1,
			    full, strlen(full) + 1);
			return;
		}
		p->waiters[p->nwaiters].rw_peerid = peerid;
		p->waiters[p->nwaiters].rw_gen = from->gen;
		p->nwaiters++;
	}
	if (p->reload_due) {
		log_info("reload requested while one waits: coalesced");
		return;
	}
	p->reload_due = 1;
	p->reload_since = proc_now_ms();
	reload_run(-1, 0, p);
	if (p->reload_due)
		log_info("reload waits %s", reload_busy(p) != NULL ?
		    "for the children to take the last one" :
		    "(at most one a second)");
}

void
parent_dispatch_child(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct parent		*p = env;
	struct child		*c = arg, *d;
	struct proc_accuse	 pa;
	uint32_t		 type = m->hdr.ch_type;
	int32_t		 level;
	int		 i;

	/* No child passes the parent descriptors. */
	if (m->fd != -1) {
		close(m->fd);
		child_misbehaved(c, "sent a descriptor", type);
		return;
	}
	if (type != IMSG_CFG_DONE && type != IMSG_PROC_PONG &&
	    type != IMSG_PROC_ACCUSE && !child_accepts(c->kind, type)) {
		child_misbehaved(c, "sent a message it may not", type);
		return;
	}
	switch (type) {
	case IMSG_CFG_DONE:
		if (m->len != 0)
			goto bad;
		log_debug("%s has the configuration", c->name);
		if (c->cfg_wait > 0 && --c->cfg_wait == 0 && p->reload_due)
			reload_run(-1, 0, p);
		break;
	case IMSG_PROC_PONG:
		if (m->len != 0 || !c->ping_out ||
		    m->hdr.ch_peerid != c->ping_seq)
			goto bad;
		c->ping_out = 0;
		break;
	case IMSG_CTL_RELOAD:
		/* Relayed by the engine from v720ctl; peerid is the client. */
		if (m->len != 0)
			goto bad;
		reload_request(p, c, m->hdr.ch_peerid);
		break;
	case IMSG_PROC_ACCUSE:
		if (m->len != sizeof(pa))
			goto bad;
		memcpy(&pa, m->data, sizeof(pa));
		if (pa.pa_proc >= PROC_MAX || !child_peers(c->id, pa.pa_proc) ||
		    chan_strfield(pa.pa_why, sizeof(pa.pa_why)))
			goto bad;
		child_accused(p, c, &pa);
		break;
	case IMSG_CTL_VERBOSE:
		if (m->len != sizeof(level))
			goto bad;
		memcpy(&level, m->data, sizeof(level));
		if (level < 0 || level > 3)
			level = level < 0 ? 0 : 3;
		log_setverbose(level);
		log_info("log level %s", level ? "verbose" : "brief");
		for (i = 0; i < PROC_MAX; i++) {
			d = &p->children[i];
			if (d->pid != -1 && d->ce.active)
				chanev_compose(&d->ce, IMSG_CTL_VERBOSE, 0, -1,
				    &level, sizeof(level));
		}
		chanev_compose(ce, IMSG_CTL_OK, m->hdr.ch_peerid, -1, NULL, 0);
		break;
	default:
		/* Listed in ck_accept but not handled here. */
		fatalx("%s: message %u from %s has no handler", __func__, type,
		    c->name);
	}
	return;
bad:
	child_misbehaved(c, "sent a malformed message", type);
}

static void
parent_sigchld(int sig, short ev, void *arg)
{
	struct parent	*p = arg;

	children_reap(p);
	if (p->stopping && children_running(p) == 0)
		parent_shutdown();
}

static void
parent_sighup(int sig, short ev, void *arg)
{
	reload_request(arg, NULL, 0);
}

static void
parent_stop_timeout(int fd, short ev, void *arg)
{
	struct parent	*p = arg;
	int		 i;

	for (i = 0; i < PROC_MAX; i++)
		if (p->children[i].pid != -1)
			kill(p->children[i].pid, SIGKILL);
}

static void
parent_sigterm(int sig, short ev, void *arg)
{
	struct parent	*p = arg;
	struct timeval	 tv;
	int		 i;

	if (p->stopping)
		return;
	log_info("received %s, stopping", sig == SIGINT ? "SIGINT" :
	    "SIGTERM");
	p->stopping = 1;
	for (i = 0; i < PROC_MAX; i++) {
		if (p->children[i].kind == NULL)
			continue;
		evtimer_del(&p->children[i].restart_ev);
		child_stop(&p->children[i], SIGTERM);
	}
	if (children_running(p) == 0)
		parent_shutdown();
	tv.tv_sec = p->stop_grace_ms / 1000;
	tv.tv_usec = (p->stop_grace_ms % 1000) * 1000;
	evtimer_set(&p->ev_stop, parent_stop_timeout, p);
	evtimer_add(&p->ev_stop, &tv);
}

static __attribute__((noreturn)) void
parent_shutdown(void)
{
	struct parent	*p = env;

	if (p->control_path[0] != '\0')
		unlink(p->control_path);
	listeners_free(&p->listeners);
	tls_free(&p->tls);
	config_free(p->conf);
	log_info("stopped");
	exit(0);
}

void
parent_main(struct config *conf, const struct parent_opts *opts)
{
	struct parent	 p;
	struct stat	 st;
	struct child	*c;
	const char	*grace, *errstr;
	char		 why[V720_ERR_MAX];
	int		 i;

	memset(&p, 0, sizeof(p));
	env = &p;
	p.conf = conf;
	p.opts = *opts;
	p.start = time(NULL);
	p.stop_grace_ms = STOP_GRACE_MS;
	p.ping_wait_ms = PING_WAIT_MS;
	/* Debugging aid: children under valgrind need longer to exit. */
	if ((grace = getenv("V720D_STOP_GRACE_MS")) != NULL) {
		p.stop_grace_ms = strtonum(grace, 100, 600000, &errstr);
		if (errstr != NULL)
			fatalx("V720D_STOP_GRACE_MS is %s", errstr);
	}
	/* Likewise: valgrind can hold a child up for longer than a PING. */
	if ((grace = getenv("V720D_PING_WAIT_MS")) != NULL) {
		p.ping_wait_ms = strtonum(grace, 1000, 600000, &errstr);
		if (errstr != NULL)
			fatalx("V720D_PING_WAIT_MS is %s", errstr);
	}
	/* Tests: a held accusation carried out within the test's time. */
	p.accuse_every_ms = ACCUSE_EVERY_MS;
	if ((grace = getenv("V720D_ACCUSE_EVERY_MS")) != NULL) {
		p.accuse_every_ms = strtonum(grace, 1000, 3600000, &errstr);
		if (errstr != NULL)
			fatalx("V720D_ACCUSE_EVERY_MS is %s", errstr);
	}
	TAILQ_INIT(&p.listeners);
	children_init(&p);

	log_procinit("parent");
	if (geteuid() != 0)
		log_warnx("warning: not started as root: all processes run as "
		    "uid %d, without chroot or privilege separation",
		    (int)geteuid());
	else {
		if (getpwnam(conf->user) == NULL)
			fatalx("user %s does not exist", conf->user);
		/* The children's chroot: an empty, root-owned directory. */
		if (stat(conf->chroot, &st) == -1) {
			if (errno != ENOENT || mkdir(conf->chroot, 0755) == -1)
				fatal("chroot directory %s", conf->chroot);
		}
	}
	children_paths(&p);
	if (children_found(&p, conf, why, sizeof(why)) == -1)
		fatalx("%s", why);
	if (tls_load(conf, &p.tls, why, sizeof(why)) == -1)
		fatalx("%s", why);
	if (listeners_setup(NULL, &p.listeners, conf) == -1)
		fatalx("cannot bind listeners");
	if (control_setup(&p, conf) == -1)
		fatalx("cannot create control socket %s", conf->control_path);

	if (!opts->debug) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, LOG_DAEMON);
	}
	proc_title("parent");
	event_init();
	signal(SIGPIPE, SIG_IGN);
	signal_set(&p.ev_chld, SIGCHLD, parent_sigchld, &p);
	signal_set(&p.ev_hup, SIGHUP, parent_sighup, &p);
	signal_set(&p.ev_term, SIGTERM, parent_sigterm, &p);
	signal_set(&p.ev_int, SIGINT, parent_sigterm, &p);
	signal_add(&p.ev_chld, NULL);
	signal_add(&p.ev_hup, NULL);
	signal_add(&p.ev_term, NULL);
	signal_add(&p.ev_int, NULL);
	children_timers(&p);
	evtimer_set(&p.reload_ev, reload_run, &p);

	for (i = 0; i < PROC_MAX; i++) {
		c = &p.children[i];
		if (child_enabled(&p, c) && child_start(c) == -1)
			fatalx("cannot start the %s", c->name);
	}
	log_info("started: engine pid %d, v720-web pid %d",
	    p.children[PROC_ENGINE].pid, p.children[PROC_WEB].pid);
	event_dispatch();
	fatalx("event loop ended");
}
