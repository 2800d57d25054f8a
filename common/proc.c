#include <sys/prctl.h>
#include <sys/types.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "sandbox.h"
#include "sibling.h"

extern char **environ;

pid_t
proc_spawn(const char *path, char *const argv[], int chanfd, int flags)
{
	struct sched_param	sp;
	pid_t			pid;

	switch (pid = fork()) {
	case -1:
		return -1;
	case 0:
		/* dup2 clears close-on-exec; a descriptor already at 3 keeps it. */
		if (chanfd != PROC_PARENT_FD) {
			if (dup2(chanfd, PROC_PARENT_FD) == -1)
				_exit(127);
		} else if (fcntl(chanfd, F_SETFD, 0) == -1)
			_exit(127);
		closefrom(PROC_PARENT_FD + 1);
		/* Not fatal: a child under SCHED_OTHER works, a bit slower. */
		if (flags & PROC_SPAWN_BATCH) {
			memset(&sp, 0, sizeof(sp));
			if (sched_setscheduler(0, SCHED_BATCH, &sp) == -1)
				log_warn("%s: SCHED_BATCH", path);
		}
		if (sandbox_spawn() == -1) {
			log_warn("%s: seccomp filter", path);
			_exit(127);
		}
		execv(path, argv);
		log_warn("exec %s", path);
		_exit(127);
	default:
		return pid;
	}
}

void
proc_privdrop(const char *user, const char *root)
{
	struct passwd	*pw;
	uid_t		 ru, eu, su;
	gid_t		 rg, eg, sg;

	/*
	 * Not dumpable: no process of the same uid (a sibling, in a run
	 * as an ordinary user every process) may ptrace it or open its
	 * /proc/PID/mem, fd or environ; /proc/PID/ belongs to root.  The
	 * uid change below would do the same only where fs.suid_dumpable
	 * is 0, and execve would undo it: the children never execute.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("prctl(PR_SET_DUMPABLE)");
	if (geteuid() != 0)
		return;
	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s", user);
	if (pw->pw_uid == 0)
		fatalx("refusing to run children as root (user %s)", user);
	if (chroot(root) == -1)
		fatal("chroot %s", root);
	if (chdir("/") == -1)
		fatal("chdir /");
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		fatal("cannot drop privileges to %s", user);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl(PR_SET_NO_NEW_PRIVS)");

	/* Verify: a child that could still become root must not run. */
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		fatal("getresuid");
	if (ru != pw->pw_uid || eu != pw->pw_uid || su != pw->pw_uid ||
	    rg != pw->pw_gid || eg != pw->pw_gid || sg != pw->pw_gid)
		fatalx("privilege drop to %s did not take", user);
	if (setuid(0) != -1 || seteuid(0) != -1)
		fatalx("could regain root after dropping privileges");
}

void
proc_child_init(int argc, char *argv[], const char *logname, int need_root,
    struct proc_child_opts *o)
{
	int	ch;

	proc_title_init(argc, argv);
	memset(o, 0, sizeof(*o));
	o->user = PROC_DEFAULT_USER;
	while ((ch = getopt(argc, argv, "dvu:C:")) != -1) {
		switch (ch) {
		case 'd':
			o->debug = 1;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'C':
			o->root = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || (need_root && o->root == NULL))
		goto usage;
	if (o->root == NULL)
		o->root = PROC_DEFAULT_CHROOT;
	log_init(o->debug, LOG_DAEMON);
	log_setverbose(o->verbose);
	log_procinit(logname);
	if (fcntl(PROC_PARENT_FD, F_GETFD) == -1)
		fatalx("no parent channel on fd %d (run by v720d only)",
		    PROC_PARENT_FD);
	return;
usage:
	fprintf(stderr, "usage: %s [-dv] -u user -C %s\n", getprogname(),
	    need_root ? "directory" : "chroot");
	exit(1);
}

void
proc_child_signals(void (*sig)(int, short, void *), int usr1)
{
	/* One child per process: the events live as long as it does. */
	static struct event	ev_term, ev_int, ev_usr1;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal_set(&ev_term, SIGTERM, sig, NULL);
	signal_set(&ev_int, SIGINT, sig, NULL);
	signal_add(&ev_term, NULL);
	signal_add(&ev_int, NULL);
	if (usr1) {
		signal_set(&ev_usr1, SIGUSR1, sig, NULL);
		signal_add(&ev_usr1, NULL);
	}
}

void
proc_child_channel(struct chanev *parent, int fd, chanev_dispatch_cb dispatch,
    chanev_closed_cb closed)
{
	if (chanev_init(parent, fd, dispatch, closed, NULL) == -1)
		fatal("parent channel");
	sibling_init(parent);
}

int
proc_child_common(struct chanev *parent, const struct chan_msg *m)
{
	int32_t	v;

	switch (m->hdr.ch_type) {
	case IMSG_PROC_PING:
		/* The parent's liveness check: answer at once. */
		chanev_compose(parent, IMSG_PROC_PONG, m->hdr.ch_peerid, -1,
		    NULL, 0);
		return 1;
	case IMSG_CTL_VERBOSE:
		if (m->len != sizeof(v))
			fatalx("%s: bad CTL_VERBOSE", __func__);
		memcpy(&v, m->data, sizeof(v));
		log_setverbose(v);
		log_info("log level %d", v);
		return 1;
	}
	return 0;
}

unsigned int
proc_child_peer(const struct chan_msg *m)
{
	struct cfg_peer	cp;

	if (m->fd == -1 || m->len != sizeof(cp))
		fatalx("%s: bad CFG_PEER", __func__);
	memcpy(&cp, m->data, sizeof(cp));
	return cp.cp_proc;
}

void
proc_child_cfg_end(struct chanev *parent, int active, void (*apply)(void))
{
	if (!active)
		fatalx("%s: CFG_END without START", __func__);
	apply();
	if (chanev_compose(parent, IMSG_CFG_DONE, 0, -1, NULL, 0) == -1)
		fatalx("%s: cannot answer the parent", __func__);
}

void
proc_title_init(int argc, char *argv[])
{
	setproctitle_init(argc, argv, environ);
}

void
proc_title(const char *title)
{
	/* libbsd omits the program name when the format starts with '-'. */
	if (title[0] == '-')
		setproctitle("-%s", title + 1);
	else
		setproctitle("%s", title);
}

unsigned long long
proc_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

unsigned long long
proc_now_ms(void)
{
	return proc_now_ns() / 1000000ULL;
}
