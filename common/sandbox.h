/*
 * seccomp-bpf allow-lists for the children.  Each child keeps its own
 * short list next to its main (e.g. v720d/engine/sandbox.c) and calls
 * sandbox_enter() once its setup is done (privileges dropped, sockets
 * received, libraries initialised).  A system call outside the list
 * kills the process with SIGSYS; the parent logs it and restarts it.
 */
#ifndef V720_SANDBOX_H
#define V720_SANDBOX_H

#include <stddef.h>
#include <seccomp.h>

/*
 * Allow-list entries are syscall numbers: SANDBOX_CALL(read), ...
 * kill, tkill, tgkill, rt_sigqueueinfo and rt_tgsigqueueinfo in a list
 * are allowed for the caller's own pid only; ptrace, process_vm_readv,
 * process_vm_writev, pidfd_open, pidfd_getfd, pidfd_send_signal,
 * process_madvise and kcmp may be in no list (fatal).
 */
#define SANDBOX_CALL(name)	SCMP_SYS(name)

/*
 * A call allowed only when all of its comparisons hold, e.g. socket(2)
 * for one address family: { SANDBOX_CALL(socket), 2, { { 0,
 * SCMP_CMP_EQ, AF_INET, 0 }, { 1, SCMP_CMP_MASKED_EQ, ~flags, type } } }.
 * Several rules for one call: any of them.  A child with a socket rule
 * gets EACCES for AF_UNIX (syslog, nscd), SIGSYS for the rest.
 */
struct sandbox_rule {
	int			sr_call;
	unsigned int		sr_ncmp;
	struct scmp_arg_cmp	sr_cmp[3];
};

/*
 * Install the filter (after PR_SET_NO_NEW_PRIVS).  The environment
 * variable V720D_SANDBOX may relax it for development and sanitizer
 * runs: "log" logs violations instead of killing (ASan's runtime makes
 * calls of its own when it reports), "off" installs nothing.  Both are
 * logged loudly; fatal if the filter cannot be installed.
 */
void	sandbox_enter(const char *proc, const int *calls, size_t ncalls);
void	sandbox_enter_rules(const char *proc, const int *calls, size_t ncalls,
	    const struct sandbox_rule *rules, size_t nrules);

/*
 * In a child of the parent, between fork and execve (proc_spawn): the
 * filter that keeps it from reaching into any other process (signals
 * but to itself, ptrace, process_vm_*, pidfd_*, another's limits,
 * priority or scheduling), answered EPERM.  Not with V720D_SANDBOX=off.
 * -1 with errno on failure.
 */
int	sandbox_spawn(void);

/* Whether a filter is active in this process (for logs and tests). */
int	sandbox_active(void);

#endif
