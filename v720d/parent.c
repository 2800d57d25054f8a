/*
 * The parent: the only process that keeps root.  It reads the
 * configuration, binds every socket, loads TLS key material, starts the
 * children listed in children.c (the camera engine, v720-web, ...),
 * restarts them when they die or misbehave, reloads on SIGHUP and stops
 * everything on SIGTERM/SIGINT.  To add a child, see children.c.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

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

#define BACKOFF_MIN	1
#define BACKOFF_MAX	30
#define STABLE_SECS	60	/* a child up this long gets BACKOFF_MIN again */
#define STOP_GRACE_MS	1500	/* SIGTERM to SIGKILL on shutdown */
#define PING_EVERY_MS	1000	/* a PING to each child this often */
#define PING_WAIT_MS	5000	/* the PONG must be back within */
#define START_WAIT_MS	30000	/* the first one (exec and setup) within */
#define ACCUSE_EVERY_MS	60000	/* restarts one child gets another, at most */
#define RELOAD_EVERY_MS	1000	/* at most one reload a second */
#define RELOAD_WAIT_MS	10000	/* for the children to take the last one */
#define RELOAD_WAITERS	16	/* v720ctl reloads waiting at once */
#define NITEMS(a)	((int)(sizeof(a) / sizeof((a)[0])))

struct child {
	const struct child_kind	*kind;		/* NULL: no such child */
	enum proc_id		 id;
	const char		*name;		/* kind->ck_title */
	char			 path[PATH_MAX];	/* "": not found */
	pid_t			 pid;		/* -1: not running */
	struct chanev		 ce;
	time_t			 started;
	unsigned int		 restarts;
	int			 backoff;
	struct event		 restart_ev;
	struct event		 ping_ev;
	uint32_t		 ping_seq;
	int			 ping_out;	/* a PING not answered yet */
	unsigned long long	 ping_deadline;	/* ms, for the PONG */
	uint32_t		 gen;		/* starts: IMSG_CFG_PEER peerid */
	int			 cfg_wait;	/* pushes not yet DONE */
	/* When an accusation last got it restarted, ms (child_accused). */
	unsigned long long	 accused_ms;
	/* One against it held until ACCUSE_EVERY_MS after that. */
	struct event		 held_ev;
	enum proc_id		 held_by;
	uint32_t		 held_gen;
	uint32_t		 held_type;
	char			 held_why[sizeof(((struct proc_accuse *)0)->pa_why)];
};

/* A v720ctl reload waiting for its answer, through the engine. */
struct reload_waiter {
	uint32_t		 rw_peerid;
	uint32_t		 rw_gen;	/* the engine's */
};

struct parent {
	struct config		*conf;
	struct parent_opts	 opts;
	struct bound_listeners	 listeners;
	char			 control_path[V720_PATH_MAX];
	uint16_t		 control_gen;	/* sockets made so far */
	struct tls_material	 tls;
	struct child		 children[PROC_MAX];	/* by enum proc_id */
	char			 self_path[PATH_MAX];
	char			 self_dir[PATH_MAX];
	time_t			 start;
	int			 stopping;
	long long		 stop_grace_ms;
	long long		 ping_wait_ms;
	long long		 accuse_every_ms;
	/* Reloads: at most one a second, after the children took the last. */
	unsigned long long	 reload_ms;	/* the last that took, 0 none */
	unsigned long long	 reload_since;	/* the one waiting, asked at */
	int			 reload_due;
	struct event		 reload_ev;
	struct reload_waiter	 waiters[RELOAD_WAITERS];
	size_t			 nwaiters;
	struct event		 ev_chld, ev_hup, ev_term, ev_int, ev_stop;
};

static struct parent	*env;

static void	parent_dispatch_child(struct chanev *, struct chan_msg *, void *);
static void	parent_child_closed(struct chanev *, void *);
static int	child_start(struct child *);
static void	child_stop(struct child *, int);
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
static void
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

static int
child_enabled(const struct parent *p, const struct child *c)
{
	return c->kind != NULL && (c->kind->ck_enabled == NULL ||
	    c->kind->ck_enabled(p->conf));
}

static void
send_stats(struct parent *p)
{
	struct proc_stats	 ps;
	struct child		*c;
	int			 i;

	memset(&ps, 0, sizeof(ps));
	ps.ps_parent_start = p->start;
	for (i = 0; i < PROC_MAX; i++) {
		c = &p->children[i];
		if (!child_enabled(p, c))
			continue;
		strlcpy(ps.ps_proc[i].pr_name, c->kind->ck_name,
		    sizeof(ps.ps_proc[i].pr_name));
		ps.ps_proc[i].pr_start = c->pid == -1 ? 0 : c->started;
		ps.ps_proc[i].pr_restarts = c->restarts;
	}
	for (i = 0; i < PROC_MAX; i++) {
		c = &p->children[i];
		if (c->kind != NULL && c->kind->ck_stats && c->pid != -1 &&
		    c->ce.active)
			chanev_compose(&c->ce, IMSG_PROC_STATS, 0, -1, &ps,
			    sizeof(ps));
	}
}

/* A fresh channel between c and each running peer of it. */
static void
connect_peers(struct parent *p, struct child *c)
{
	struct cfg_peer	 cp;
	struct child	*d;
	int		 i, sp[2];

	if (p->stopping || c->pid == -1 || !c->ce.active)
		return;
	for (i = 0; i < PROC_MAX; i++) {
		d = &p->children[i];
		if (d->pid == -1 || !d->ce.active || !child_peers(c->id, d->id))
			continue;
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
		    sp) == -1)
			fatal("socketpair");
		/* peerid: which start of the other end (an accusation
		 * about one already replaced is then ignored). */
		memset(&cp, 0, sizeof(cp));
		cp.cp_proc = d->id;
		chanev_compose(&c->ce, IMSG_CFG_PEER, d->gen, sp[0], &cp,
		    sizeof(cp));
		cp.cp_proc = c->id;
		chanev_compose(&d->ce, IMSG_CFG_PEER, c->gen, sp[1], &cp,
		    sizeof(cp));
	}
}

static void
child_ping(struct child *c, long long wait_ms)
{
	c->ping_seq++;
	c->ping_out = 1;
	c->ping_deadline = proc_now_ms() + wait_ms;
	chanev_compose(&c->ce, IMSG_PROC_PING, c->ping_seq, -1, NULL, 0);
}

/*
 * A child that stops reading its channel (stopped, spinning, deadlocked)
 * misses the deadline of a PING: it is killed and restarted, and the
 * others go on as they were.
 */
static void
child_ping_cb(int fd, short ev, void *arg)
{
	struct child	*c = arg;

	if (c->pid == -1)
		return;
	if (!c->ping_out) {
		if (c->ce.active)
			child_ping(c, env->ping_wait_ms);
		return;
	}
	if (proc_now_ms() < c->ping_deadline)
		return;
	log_warnx("%s (pid %d) does not answer: killing it", c->name, c->pid);
	child_stop(c, SIGKILL);
}

static int
child_start(struct child *c)
{
	struct timeval	 tv = { PING_EVERY_MS / 1000,
			    (PING_EVERY_MS % 1000) * 1000 };
	struct parent	*p = env;
	char		*argv[16], vflag[16];
	const char	*const *a;
	int		 sp[2], argc = 0, i;

	if (c->path[0] == '\0') {
		log_warnx("cannot start %s: no %s next to %s", c->name,
		    c->kind->ck_exe, p->self_path);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1)
		fatal("socketpair");
	argv[argc++] = (char *)(c->kind->ck_exe != NULL ? c->kind->ck_exe :
	    "v720d");
	for (a = c->kind->ck_argv; a < c->kind->ck_argv +
	    NITEMS(c->kind->ck_argv) && *a != NULL; a++)
		argv[argc++] = (char *)*a;
	if (p->opts.debug)
		argv[argc++] = "-d";
	if (log_getverbose() > 0) {
		vflag[0] = '-';
		for (i = 0; i < log_getverbose() && i < 8; i++)
			vflag[i + 1] = 'v';
		vflag[i + 1] = '\0';
		argv[argc++] = vflag;
	}
	argv[argc++] = "-u";
	argv[argc++] = p->conf->user;
	argv[argc++] = "-C";
	argv[argc++] = (char *)(c->kind->ck_root != NULL ?
	    c->kind->ck_root(p->conf) : p->conf->chroot);
	argv[argc] = NULL;
	if (c->kind->ck_prepare != NULL && c->kind->ck_prepare(p->conf) == -1) {
		close(sp[0]);
		close(sp[1]);
		return -1;
	}

	if ((c->pid = proc_spawn(c->path, argv, sp[1])) == -1) {
		log_warn("cannot start %s", c->name);
		close(sp[0]);
		close(sp[1]);
		return -1;
	}
	close(sp[1]);
	if (chanev_init(&c->ce, sp[0], parent_dispatch_child,
	    parent_child_closed, c) == -1)
		fatal("chanev_init");
	c->started = time(NULL);
	c->gen++;
	c->cfg_wait = 0;
	log_debug("started %s, pid %d", c->name, c->pid);
	config_push(p, c);
	connect_peers(p, c);
	send_stats(p);
	/* Answered once it has read all of the above. */
	child_ping(c, START_WAIT_MS > p->ping_wait_ms ? START_WAIT_MS :
	    p->ping_wait_ms);
	event_set(&c->ping_ev, -1, EV_PERSIST, child_ping_cb, c);
	event_add(&c->ping_ev, &tv);
	return 0;
}

/* Restart after the current backoff, which doubles up to BACKOFF_MAX. */
static void
child_schedule_restart(struct child *c)
{
	struct timeval	tv;

	tv.tv_sec = c->backoff;
	tv.tv_usec = 0;
	log_info("%s will be restarted in %d s", c->name, c->backoff);
	evtimer_add(&c->restart_ev, &tv);
	c->backoff = c->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
	    c->backoff * 2;
}

static void
child_restart_cb(int fd, short ev, void *arg)
{
	struct child	*c = arg;

	if (env->stopping || !child_enabled(env, c) || c->pid != -1)
		return;
	c->restarts++;
	log_info("restarting %s (restart %u)", c->name, c->restarts);
	if (child_start(c) == -1)
		child_schedule_restart(c);
}

/* Stop c and let SIGCHLD restart it (or not, when it is not wanted). */
static void
child_stop(struct child *c, int sig)
{
	if (c->pid == -1)
		return;
	kill(c->pid, sig);
	if (event_initialized(&c->ping_ev))
		evtimer_del(&c->ping_ev);
	c->ping_out = 0;
	c->cfg_wait = 0;
	/* EOF too: a parent without CAP_KILL cannot signal other uids. */
	if (c->ce.active || c->ce.c.fd != -1)
		chanev_clear(&c->ce);
}

/*
 * A child that sent something it must not is treated as compromised:
 * killed and restarted alone; the others keep running.
 */
static void
child_misbehaved(struct child *c, const char *why, uint32_t type)
{
	log_warnx("%s (pid %d) %s (message %u): killing it", c->name, c->pid,
	    why, type);
	child_stop(c, SIGKILL);
}

/* What a child wrote, fit for the log: printable ASCII only. */
static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

static void
child_held_cb(int fd, short ev, void *arg)
{
	struct child	*d = arg, *c = &env->children[d->held_by];

	if (env->stopping || d->pid == -1 || d->gen != d->held_gen ||
	    !d->ce.active)
		return;		/* replaced meanwhile: done */
	d->accused_ms = proc_now_ms();
	log_warnx("%s said %s (pid %d) sent a bad message %u (%s): killing "
	    "it now", c->name, d->name, d->pid, d->held_type, d->held_why);
	child_stop(d, SIGKILL);
}

/*
 * Child c says its sibling pa_proc sent it something malformed or
 * unexpected (common/sibling.h).  c has closed their channel already;
 * the sender is killed and restarted alone, as a child that misbehaves
 * towards the parent is.
 *
 * c may lie: a compromised child could accuse a healthy sibling over and
 * over to have it restarted.  So accusations restart a child at most
 * once per ACCUSE_EVERY_MS, whoever makes them; one sooner is held until
 * then and carried out unless the accused was replaced meanwhile (the two
 * stay without a channel until then, so neither can hurt the other).
 * A liar thus costs a sibling at most one restart a minute (a camera
 * engine restart: the cameras reconnect within seconds), each logged
 * naming the accuser.  That is acceptable: a compromised child can
 * already do about as much harm by refusing its own part (the engine
 * alone could drop every camera), and it is what a crash of the accused
 * would cost.  A sender that really keeps sending garbage is restarted
 * once a minute too, and meanwhile has no channel to its victims.
 */
static void
child_accused(struct parent *p, struct child *c, struct proc_accuse *pa)
{
	struct child		*d = &p->children[pa->pa_proc];
	struct timeval		 tv;
	unsigned long long	 now = proc_now_ms(), left;

	sanitize(pa->pa_why);
	if (d->pid == -1 || d->gen != pa->pa_gen || !d->ce.active) {
		log_info("%s says %s sent a bad message %u (%s): that %s was "
		    "replaced already", c->name, d->name, pa->pa_type,
		    pa->pa_why, d->name);
		return;
	}
	if (d->accused_ms != 0 &&
	    now - d->accused_ms < (unsigned long long)p->accuse_every_ms) {
		left = d->accused_ms + p->accuse_every_ms - now;
		log_warnx("%s says %s (pid %d) sent a bad message %u (%s): "
		    "held for %llu ms, an accusation restarted it less than "
		    "%lld ms ago", c->name, d->name, d->pid, pa->pa_type,
		    pa->pa_why, left, p->accuse_every_ms);
		if (evtimer_pending(&d->held_ev, NULL))
			return;
		d->held_by = c->id;
		d->held_gen = pa->pa_gen;
		d->held_type = pa->pa_type;
		strlcpy(d->held_why, pa->pa_why, sizeof(d->held_why));
		tv.tv_sec = left / 1000;
		tv.tv_usec = (left % 1000) * 1000;
		evtimer_add(&d->held_ev, &tv);
		return;
	}
	d->accused_ms = now;
	log_warnx("%s says %s (pid %d) sent a bad message %u (%s): killing it",
	    c->name, d->name, d->pid, pa->pa_type, pa->pa_why);
	child_stop(d, SIGKILL);
}

static void
child_died(struct child *c, int status)
{
	time_t		up = time(NULL) - c->started;

	if (WIFSIGNALED(status))
		log_warnx("%s (pid %d) killed by signal %d", c->name, c->pid,
		    WTERMSIG(status));
	else if (!env->stopping || WEXITSTATUS(status) != 0)
		log_warnx("%s (pid %d) exited with status %d", c->name,
		    c->pid, WEXITSTATUS(status));
	c->pid = -1;
	if (c->ce.c.fd != -1 || c->ce.active)
		chanev_clear(&c->ce);
	if (event_initialized(&c->ping_ev))
		evtimer_del(&c->ping_ev);
	c->ping_out = 0;
	c->cfg_wait = 0;
	if (env->stopping)
		return;
	if (!child_enabled(env, c)) {
		send_stats(env);
		return;
	}

	/* A child that ran for a while starts over at the shortest wait. */
	if (up >= STABLE_SECS)
		c->backoff = BACKOFF_MIN;
	child_schedule_restart(c);
}

static int
children_running(const struct parent *p)
{
	int	i, n = 0;

	for (i = 0; i < PROC_MAX; i++)
		n += p->children[i].pid != -1;
	return n;
}

static void
parent_sigchld(int sig, short ev, void *arg)
{
	struct parent	*p = arg;
	struct child	*c;
	pid_t		 pid;
	int		 i, status;

	/* WUNTRACED: a child stopped (by a sibling, say) is dead to us. */
	while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED)) > 0) {
		for (i = 0; i < PROC_MAX; i++) {
			c = &p->children[i];
			if (c->pid != pid)
				continue;
			if (WIFSTOPPED(status)) {
				log_warnx("%s (pid %d) stopped by signal %d: "
				    "killing it", c->name, pid,
				    WSTOPSIG(status));
				child_stop(c, SIGKILL);
			} else
				child_died(c, status);
			break;
		}
	}
	if (p->stopping && children_running(p) == 0)
		parent_shutdown();
}

static void
parent_child_closed(struct chanev *ce, void *arg)
{
	struct child	*c = arg;

	/*
	 * The process follows and SIGCHLD does the bookkeeping; one that
	 * lingers without its channel is killed at the PING deadline.
	 */
	log_debug("%s closed its channel", c->name);
	chanev_clear(ce);
	c->ping_out = 1;
	c->ping_deadline = proc_now_ms() + env->ping_wait_ms;
}

/*
 * After a reload: start the children the new configuration enables, stop
 * those it no longer does, push the rest the new configuration.
 */
static void
children_apply(struct parent *p)
{
	struct child	*c;
	int		 i;

	for (i = 0; i < PROC_MAX; i++) {
		c = &p->children[i];
		if (c->kind == NULL)
			continue;
		if (!child_enabled(p, c)) {
			evtimer_del(&c->restart_ev);
			if (c->pid != -1) {
				log_info("stopping %s: not configured any "
				    "more", c->name);
				child_stop(c, SIGTERM);
			}
		} else if (c->pid != -1)
			config_push(p, c);
		else if (!evtimer_pending(&c->restart_ev, NULL)) {
			c->backoff = BACKOFF_MIN;
			if (child_start(c) == -1)
				child_schedule_restart(c);
		}
	}
	send_stats(p);
}

/* Whether every child the configuration c enables can be started. */
static int
children_found(const struct parent *p, const struct config *conf,
    char *why, size_t whysz)
{
	const struct child	*c;
	int			 i;

	for (i = 0; i < PROC_MAX; i++) {
		c = &p->children[i];
		if (c->kind == NULL || c->path[0] != '\0' ||
		    (c->kind->ck_enabled != NULL &&
		    !c->kind->ck_enabled(conf)))
			continue;
		/* Truncated in the worst case; still says what is missing. */
		if (snprintf(why, whysz, "cannot find %s (tried %s/../libexec "
		    "and %s/%s)", c->kind->ck_exe, p->self_dir, p->self_dir,
		    c->kind->ck_tree) < 0)
			strlcpy(why, "cannot find a child's executable", whysz);
		return -1;
	}
	return 0;
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

static void
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

/*
 * Children with their own executable sit beside us: ../libexec/NAME when
 * installed, ck_tree (e.g. ../v720-web/v720-web) in the build tree.
 */
static void
find_paths(struct parent *p)
{
	struct child	*c;
	int		 i;

	if (self_paths(p->self_path, sizeof(p->self_path), p->self_dir,
	    sizeof(p->self_dir)) == -1)
		fatal("readlink /proc/self/exe");
	for (i = 0; i < PROC_MAX; i++) {
		c = &p->children[i];
		if (c->kind == NULL)
			continue;
		if (c->kind->ck_exe == NULL)
			strlcpy(c->path, p->self_path, sizeof(c->path));
		else if (child_exe(c->kind, p->self_dir, c->path,
		    sizeof(c->path)) == -1)
			c->path[0] = '\0';
	}
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
	for (i = 0; i < PROC_MAX; i++) {
		c = &p.children[i];
		c->id = i;
		c->pid = -1;
		c->ce.c.fd = -1;
		c->backoff = BACKOFF_MIN;
		if (child_kinds[i].ck_name != NULL) {
			c->kind = &child_kinds[i];
			c->name = c->kind->ck_title;
		}
	}

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
	find_paths(&p);
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
	for (i = 0; i < PROC_MAX; i++) {
		evtimer_set(&p.children[i].restart_ev, child_restart_cb,
		    &p.children[i]);
		evtimer_set(&p.children[i].held_ev, child_held_cb,
		    &p.children[i]);
	}
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
