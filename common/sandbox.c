/* seccomp-bpf allow-list through libseccomp; see sandbox.h. */
#include <sys/prctl.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "log.h"
#include "sandbox.h"

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

static int
sandbox_add(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	size_t	i;
	int	rc;

	for (i = 0; i < n; i++) {
		/* __NR_SCMP_ERROR: a name this architecture lacks. */
		if (calls[i] < 0)
			continue;
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0)) < 0) {
			errno = -rc;
			return -1;
		}
	}
	return 0;
}

void
sandbox_enter(const char *proc, const int *calls, size_t ncalls)
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
	    sandbox_add(ctx, calls, ncalls) == -1)
		fatal("%s: seccomp_rule_add", proc);
	/*
	 * syslog(3) makes a new socket when its connection to the log
	 * daemon broke (syslogd restarted): let that fail, not kill us.
	 */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
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
