/* seccomp-bpf allow-list through libseccomp; see sandbox.h. */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "log.h"
#include "sandbox.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
/* linux/ioprio.h, which glibc does not wrap. */
#define SANDBOX_IOPRIO_WHO_PROCESS	1

static int	sandbox_on;

#ifndef __has_feature
#define __has_feature(x)	0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define SANDBOX_ASAN	1
#endif

/*
 * Calls every child needs whatever it does: ending, the clock, signal
 * return and memory.  Kept here so each child's own list stays short
 * and says what is special about it.
 */
static const int sandbox_base[] = {
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(getrandom), SCMP_SYS(close), SCMP_SYS(restart_syscall),
#ifdef SANDBOX_ASAN
	/* The ASan runtime takes down its alternate signal stack at exit. */
	SCMP_SYS(sigaltstack),
#endif
};

/*
 * Calls that name another process.  A child's list may hold the
 * signalling ones (raise(3), abort(3)): they are allowed for its own pid
 * only.  The others (tracing, another's memory or descriptors) may be in
 * no list: sandbox_enter() refuses a list that holds one.
 */
static const int sandbox_signals[] = {
	SCMP_SYS(kill), SCMP_SYS(tkill), SCMP_SYS(tgkill),
	SCMP_SYS(rt_sigqueueinfo), SCMP_SYS(rt_tgsigqueueinfo),
};
static const int sandbox_never[] = {
	SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev), SCMP_SYS(pidfd_open),
	SCMP_SYS(pidfd_getfd), SCMP_SYS(pidfd_send_signal),
	SCMP_SYS(process_madvise), SCMP_SYS(kcmp),
};
/*
 * The rest of what sandbox_spawn() refuses: a call whose argument is
 * not the given value.  The first argument of these names a process,
 * 0 being the caller; setpriority(2) and ioprio_set(2) also name a
 * process group or a user in their first, so that must be a process.
 */
static const struct {
	int		call;
	unsigned int	arg;
	scmp_datum_t	value;
} sandbox_spawn_ne[] = {
	{ SCMP_SYS(prlimit64), 0, 0 },
	{ SCMP_SYS(sched_setaffinity), 0, 0 },
	{ SCMP_SYS(sched_setscheduler), 0, 0 },
	{ SCMP_SYS(sched_setparam), 0, 0 },
	{ SCMP_SYS(sched_setattr), 0, 0 },
	{ SCMP_SYS(migrate_pages), 0, 0 },
	{ SCMP_SYS(move_pages), 0, 0 },
	{ SCMP_SYS(setpriority), 0, PRIO_PROCESS },
	{ SCMP_SYS(setpriority), 1, 0 },
	{ SCMP_SYS(ioprio_set), 0, SANDBOX_IOPRIO_WHO_PROCESS },
	{ SCMP_SYS(ioprio_set), 1, 0 },
};

static int
sandbox_in(int call, const int *calls, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (calls[i] == call)
			return 1;
	return 0;
}

static int
sandbox_add(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	size_t	i;
	int	rc;

	for (i = 0; i < n; i++) {
		/* __NR_SCMP_ERROR: a name this architecture lacks. */
		if (calls[i] < 0)
			continue;
		if (sandbox_in(calls[i], sandbox_never, NITEMS(sandbox_never)))
			fatalx("seccomp list allows system call %d, which "
			    "reaches into another process", calls[i]);
		if (sandbox_in(calls[i], sandbox_signals,
		    NITEMS(sandbox_signals)))
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 1,
			    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
		else
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0);
		if (rc < 0) {
			errno = -rc;
			return -1;
		}
	}
	return 0;
}

static int
sandbox_add_rules(scmp_filter_ctx ctx, const struct sandbox_rule *r,
    size_t n)
{
	size_t	i;
	int	rc;

	for (i = 0; i < n; i++) {
		if (sandbox_in(r[i].sr_call, sandbox_never,
		    NITEMS(sandbox_never)) || sandbox_in(r[i].sr_call,
		    sandbox_signals, NITEMS(sandbox_signals)))
			fatalx("seccomp rule for system call %d, which "
			    "reaches into another process", r[i].sr_call);
		if ((rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW,
		    r[i].sr_call, r[i].sr_ncmp, r[i].sr_cmp)) < 0) {
			errno = -rc;
			return -1;
		}
	}
	return 0;
}

static int
sandbox_has_socket(const struct sandbox_rule *r, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (r[i].sr_call == SCMP_SYS(socket))
			return 1;
	return 0;
}

/*
 * What no child may do to another process, installed in every child
 * by proc_spawn() between fork and execve: before the child runs a line
 * of its own code, whatever its own list says later, and for every row
 * of v720d/children.c without the row doing anything.  Filters survive
 * execve and stack, the strictest answer winning, so a child's own list
 * can only narrow this.  Everything else is allowed here; EPERM, not
 * SIGSYS, so that the V720D_SANDBOX=log runs show what was refused.
 * All children run as one user: this, not the uid, is what keeps one
 * from stopping, killing, tracing or starving another.
 */
int
sandbox_spawn(void)
{
	scmp_filter_ctx	 ctx;
	const char	*mode;
	scmp_datum_t	 self = (scmp_datum_t)getpid();
	uint32_t	 no = SCMP_ACT_ERRNO(EPERM);
	size_t		 i;
	int		 rc = 0;

	if ((mode = getenv("V720D_SANDBOX")) != NULL &&
	    strcmp(mode, "off") == 0)
		return 0;
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -1;
	/* Compared as 64 bits: pid 1<<32 | x is not x here, so refused. */
	for (i = 0; rc >= 0 && i < NITEMS(sandbox_signals); i++)
		rc = seccomp_rule_add(ctx, no, sandbox_signals[i], 1,
		    SCMP_A0(SCMP_CMP_NE, self));
	for (i = 0; rc >= 0 && i < NITEMS(sandbox_never); i++) {
#ifdef SANDBOX_ASAN
		/* LeakSanitizer's tracer attaches to this, its own pid. */
		if (sandbox_never[i] == SCMP_SYS(ptrace)) {
			rc = seccomp_rule_add(ctx, no, SCMP_SYS(ptrace), 1,
			    SCMP_A1(SCMP_CMP_NE, self));
			continue;
		}
#endif
		rc = seccomp_rule_add(ctx, no, sandbox_never[i], 0);
	}
	for (i = 0; rc >= 0 && i < NITEMS(sandbox_spawn_ne); i++)
		rc = seccomp_rule_add(ctx, no, sandbox_spawn_ne[i].call, 1,
		    SCMP_CMP(sandbox_spawn_ne[i].arg, SCMP_CMP_NE,
		    sandbox_spawn_ne[i].value));
	if (rc >= 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}

void
sandbox_enter(const char *proc, const int *calls, size_t ncalls)
{
	sandbox_enter_rules(proc, calls, ncalls, NULL, 0);
}

void
sandbox_enter_rules(const char *proc, const int *calls, size_t ncalls,
    const struct sandbox_rule *rules, size_t nrules)
{
	scmp_filter_ctx	 ctx;
	const char	*mode;
	uint32_t	 deflt = SCMP_ACT_KILL_PROCESS;
	int		 rc;

	if ((mode = getenv("V720D_SANDBOX")) != NULL) {
		if (strcmp(mode, "off") == 0) {
			log_warnx("%s: seccomp filter off (V720D_SANDBOX=off)",
			    proc);
			return;
		}
		if (strcmp(mode, "log") == 0) {
			log_warnx("%s: seccomp filter only logs violations "
			    "(V720D_SANDBOX=log)", proc);
			deflt = SCMP_ACT_LOG;
		}
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("%s: prctl(PR_SET_NO_NEW_PRIVS)", proc);
	if ((ctx = seccomp_init(deflt)) == NULL)
		fatalx("%s: seccomp_init failed", proc);
	if (sandbox_add(ctx, sandbox_base, sizeof(sandbox_base) /
	    sizeof(sandbox_base[0])) == -1 ||
	    sandbox_add(ctx, calls, ncalls) == -1 ||
	    sandbox_add_rules(ctx, rules, nrules) == -1)
		fatal("%s: seccomp_rule_add", proc);
	/*
	 * syslog(3) makes a new socket when its connection to the log
	 * daemon broke (syslogd restarted), getaddrinfo(3) asks nscd: let
	 * that fail, not kill us.  A child with socket rules of its own
	 * gets this for AF_UNIX only: the abstract namespace reaches
	 * through any chroot.
	 */
	if ((rc = sandbox_has_socket(rules, nrules) ?
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
	    SCMP_A0(SCMP_CMP_EQ, AF_UNIX)) :
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
	    SCMP_SYS(socket), 0)) < 0) {
		errno = -rc;
		fatal("%s: seccomp_rule_add socket", proc);
	}
	if ((rc = seccomp_load(ctx)) < 0) {
		errno = -rc;
		fatal("%s: seccomp_load", proc);
	}
	seccomp_release(ctx);
	sandbox_on = 1;
	log_debug("seccomp filter installed (%zu calls of its own)", ncalls);
}

int
sandbox_active(void)
{
	return sandbox_on;
}
