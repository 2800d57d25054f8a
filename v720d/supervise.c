/*
 * The parent's supervision of its children: start each with its argv,
 * channel, configuration and peers; PING it and kill it when it stops
 * answering; kill it when it misbehaves or a sibling accuses it (at most
 * once per ACCUSE_EVERY_MS); reap it and restart it with backoff; after a
 * reload, start, stop or push to each as the new configuration says.
 * The kinds of children are in children.c, the configuration push and
 * the reload in parent.c.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <event.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#define PING_EVERY_MS	1000	/* a PING to each child this often */
#define START_WAIT_MS	30000	/* the first one (exec and setup) within */
#define NITEMS(a)	((int)(sizeof(a) / sizeof((a)[0])))

/* The parent's, as in parent.c: the callbacks here get only a child. */
static struct parent	*env;

static void	child_closed(struct chanev *, void *);
static void	child_restart_cb(int, short, void *);
static void	child_held_cb(int, short, void *);

/* The table of children, by enum proc_id; none running yet. */
void
children_init(struct parent *p)
{
	struct child	*c;
	int		 i;

	env = p;
	for (i = 0; i < PROC_MAX; i++) {
		c = &p->children[i];
		c->id = i;
		c->pid = -1;
		c->ce.c.fd = -1;
		c->backoff = BACKOFF_MIN;
		if (child_kinds[i].ck_name != NULL) {
			c->kind = &child_kinds[i];
			c->name = c->kind->ck_title;
		}
	}
}

/* Once the event base is there (after daemon()). */
void
children_timers(struct parent *p)
{
	int	i;

	for (i = 0; i < PROC_MAX; i++) {
		evtimer_set(&p->children[i].restart_ev, child_restart_cb,
		    &p->children[i]);
		evtimer_set(&p->children[i].held_ev, child_held_cb,
		    &p->children[i]);
	}
}

/*
 * Children with their own executable sit beside us: ../libexec/NAME when
 * installed, ck_tree (e.g. ../v720-web/v720-web) in the build tree.
 */
void
children_paths(struct parent *p)
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

/* Whether every child the configuration c enables can be started. */
int
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

int
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

int
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

	/*
	 * A frame consumer goes under SCHED_BATCH, at the same nice: the
	 * same share of the CPU, but its wakeup never preempts the running
	 * task.  The engine writes to each consumer after a batch of
	 * datagrams (and during one, at most every OBS_HOLD_US); a normal
	 * consumer woken on the engine's core ran at once, and the engine
	 * was preempted once per write and finished its batch late.  Now
	 * the consumer runs on the idle core or when the engine sleeps.
	 */
	if ((c->pid = proc_spawn(c->path, argv, sp[1],
	    c->kind->ck_batch ? PROC_SPAWN_BATCH : 0)) == -1) {
		log_warn("cannot start %s", c->name);
		close(sp[0]);
		close(sp[1]);
		return -1;
	}
	close(sp[1]);
	if (chanev_init(&c->ce, sp[0], parent_dispatch_child,
	    child_closed, c) == -1)
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
void
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
void
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
void
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

int
children_running(const struct parent *p)
{
	int	i, n = 0;

	for (i = 0; i < PROC_MAX; i++)
		n += p->children[i].pid != -1;
	return n;
}

/* Each child that died or stopped: restart it, or kill it first. */
void
children_reap(struct parent *p)
{
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
}

static void
child_closed(struct chanev *ce, void *arg)
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
void
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
