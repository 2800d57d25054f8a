/* Test-only hooks; see testhook.h. */
#include <sys/types.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <netdb.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "log.h"
#include "sibling.h"
#include "testhook.h"

static struct chanev	*hook_parent;
static uint32_t		 hook_forbidden;
static struct sockaddr_storage hook_ss;
static socklen_t	 hook_sslen;

static void
testhook_said(const char *what, int rc)
{
	if (rc == -1)
		log_warn("test hook: %s", what);
	else
		log_warnx("test hook: %s: done", what);
}

/*
 * What a compromised child would do to the others, each logged with its
 * result: a TCP connection to V720D_TEST_CONNECT (not the broker), then
 * SIGSTOP to every process it may signal, the parent's process group,
 * ptrace, memory and scheduling of the parent.  Its own filter kills it
 * at the first that it forbids; with V720D_SANDBOX=log each comes back
 * EPERM from sandbox_spawn()'s filter.
 */
static void
testhook_reach(void)
{
	struct sched_param sp;
	struct iovec	 l, r;
	char		 buf[16];
	pid_t		 pp;
	int		 s;

	if (hook_sslen != 0) {
		if ((s = socket(hook_ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK,
		    0)) == -1)
			log_warn("test hook: socket");
		else {
			testhook_said("connect", connect(s,
			    (struct sockaddr *)&hook_ss, hook_sslen) == -1 &&
			    errno != EINPROGRESS ? -1 : 0);
			close(s);
		}
	}
	testhook_said("kill(-1, SIGSTOP)", kill(-1, SIGSTOP));
	/* Not before: getppid is in few lists. */
	pp = getppid();
	testhook_said("kill(parent, SIGSTOP)", kill(pp, SIGSTOP));
	testhook_said("ptrace(PTRACE_ATTACH, parent)",
	    ptrace(PTRACE_ATTACH, pp, NULL, NULL) == -1 ? -1 : 0);
	l.iov_base = r.iov_base = buf;
	l.iov_len = r.iov_len = sizeof(buf);
	testhook_said("process_vm_readv(parent)",
	    process_vm_readv(pp, &l, 1, &r, 1, 0) == -1 ? -1 : 0);
	testhook_said("setpriority(PRIO_USER, 0, 19)",
	    setpriority(PRIO_USER, 0, 19));
	/* The engine's time: a frame consumer is SCHED_BATCH, it is not. */
	memset(&sp, 0, sizeof(sp));
	testhook_said("sched_setscheduler(parent, SCHED_IDLE)",
	    sched_setscheduler(pp, SCHED_IDLE, &sp));
	log_warnx("test hook: still alive after reaching out");
}

static void
testhook_sig(int sig, short ev, void *arg)
{
	char	*argv[] = { "sh", NULL };
	int32_t	 level = 3;
	int	 fd;

	switch (sig) {
	case SIGUSR2:
		log_warnx("test hook: opening a file and calling execve");
		if ((fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC)) != -1)
			close(fd);
		execv("/bin/sh", argv);
		log_warnx("test hook: still alive after open and execve");
		break;
	case SIGWINCH:
		testhook_reach();
		break;
	case SIGVTALRM:
		sibling_send_garbage();
		break;
	case SIGURG:
		log_warnx("test hook: sending the parent message %u",
		    hook_forbidden);
		/* An int32 payload: what IMSG_CTL_VERBOSE would carry. */
		chanev_compose(hook_parent, hook_forbidden, 0, -1, &level,
		    sizeof(level));
		break;
	}
}

void
testhook_init(struct chanev *parent, uint32_t forbidden)
{
	static struct event	 ev_usr2, ev_urg, ev_winch, ev_vtalrm;
	struct addrinfo		 hints, *res;
	const char		*v;
	char			 host[64], *port;

	if ((v = getenv("V720D_TEST_HOOKS")) == NULL || strcmp(v, "1") != 0)
		return;
	hook_parent = parent;
	hook_forbidden = forbidden;
	/* HOST:PORT, numeric (parsed now, before the filter). */
	if ((v = getenv("V720D_TEST_CONNECT")) != NULL &&
	    strlcpy(host, v, sizeof(host)) < sizeof(host) &&
	    (port = strrchr(host, ':')) != NULL) {
		*port++ = '\0';
		memset(&hints, 0, sizeof(hints));
		hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(host, port, &hints, &res) == 0) {
			memcpy(&hook_ss, res->ai_addr, res->ai_addrlen);
			hook_sslen = res->ai_addrlen;
			freeaddrinfo(res);
		}
	}
	signal_set(&ev_usr2, SIGUSR2, testhook_sig, NULL);
	signal_set(&ev_urg, SIGURG, testhook_sig, NULL);
	signal_set(&ev_winch, SIGWINCH, testhook_sig, NULL);
	signal_add(&ev_usr2, NULL);
	signal_add(&ev_urg, NULL);
	signal_add(&ev_winch, NULL);
	signal_set(&ev_vtalrm, SIGVTALRM, testhook_sig, NULL);
	signal_add(&ev_vtalrm, NULL);
	log_warnx("test hooks on (V720D_TEST_HOOKS=1): not for production");
}
