/*
 * Landlock for the MQTT child; see netlock.h.  The child needs TCP to
 * one or two brokers and nothing else on the network.  Its seccomp list
 * allows socket(2) for TCP only (mqtt.c), but connect(2)'s address is a
 * pointer seccomp cannot follow; Landlock's network rules (ABI 4) check
 * the port in the kernel.  What stays possible: a connection to the
 * brokers' ports on another host.  The structures are declared here
 * because older <linux/landlock.h> (Debian 12: Linux 6.1) lack them.
 */
#include <sys/syscall.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "netlock.h"

#define NL_CREATE_RULESET_VERSION	(1U << 0)
#define NL_RULE_NET_PORT		2
#define NL_ACCESS_NET_BIND_TCP		(1ULL << 0)
#define NL_ACCESS_NET_CONNECT_TCP	(1ULL << 1)
#define NL_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)
#define NL_SCOPE_SIGNAL			(1ULL << 1)
#define NL_MAXPORTS			4

struct nl_ruleset_attr {
	uint64_t	handled_access_fs;
	uint64_t	handled_access_net;	/* ABI 4 */
	uint64_t	scoped;			/* ABI 6 */
};

struct nl_net_port_attr {
	uint64_t	allowed_access;
	uint64_t	port;
} __attribute__((packed));

static uint16_t	nl_ports[NL_MAXPORTS];
static size_t	nl_nports;
static int	nl_done;

static int
nl_locked(uint16_t port)
{
	size_t	i;

	for (i = 0; i < nl_nports; i++)
		if (nl_ports[i] == port)
			return 1;
	return 0;
}

int
netlock_ports(const uint16_t *ports, size_t nports)
{
	struct nl_ruleset_attr	 ra;
	struct nl_net_port_attr	 pa;
	const char		*mode;
	long			 abi;
	size_t			 i;
	int			 fd;

	if (nl_done) {
		for (i = 0; i < nports; i++)
			if (nl_nports != 0 && !nl_locked(ports[i])) {
				log_info("broker port %u is new: exiting, to "
				    "be restarted for it", ports[i]);
				return -1;
			}
		return 0;
	}
	nl_done = 1;
	if ((mode = getenv("V720D_SANDBOX")) != NULL &&
	    strcmp(mode, "off") == 0)
		return 0;
	if ((abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    NL_CREATE_RULESET_VERSION)) < 4) {
		log_warnx("no Landlock network rules (%s): connections to any "
		    "TCP port stay possible", abi == -1 ? strerror(errno) :
		    "kernel before 6.7");
		return 0;
	}
	memset(&ra, 0, sizeof(ra));
	ra.handled_access_net = NL_ACCESS_NET_BIND_TCP |
	    NL_ACCESS_NET_CONNECT_TCP;
	if (abi >= 6)
		ra.scoped = NL_SCOPE_ABSTRACT_UNIX_SOCKET | NL_SCOPE_SIGNAL;
	if ((fd = syscall(SYS_landlock_create_ruleset, &ra, abi >= 6 ?
	    sizeof(ra) : offsetof(struct nl_ruleset_attr, scoped), 0)) == -1)
		fatal("landlock_create_ruleset");
	for (i = 0; i < nports && nl_nports < NL_MAXPORTS; i++) {
		if (nl_locked(ports[i]))
			continue;
		pa.allowed_access = NL_ACCESS_NET_CONNECT_TCP;
		pa.port = ports[i];
		if (syscall(SYS_landlock_add_rule, fd, NL_RULE_NET_PORT, &pa,
		    0) == -1)
			fatal("landlock_add_rule port %u", ports[i]);
		nl_ports[nl_nports++] = ports[i];
	}
	/* Needs no_new_privs: sandbox_enter() set it. */
	if (syscall(SYS_landlock_restrict_self, fd, 0) == -1)
		fatal("landlock_restrict_self");
	close(fd);
	if (nl_nports > 1)
		log_info("Landlock ABI %ld: TCP connections to ports %u and "
		    "%u only", abi, nl_ports[0], nl_ports[1]);
	else
		log_info("Landlock ABI %ld: TCP connections to port %u only",
		    abi, nl_ports[0]);
	return 0;
}
