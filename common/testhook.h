/*
 * Test-only hooks for the regress suite, active only when the daemon was
 * started with V720D_TEST_HOOKS=1 in its environment (see v720d(8)):
 *   SIGUSR2  the process opens a file and calls execve, both outside its
 *            seccomp allow-list: it dies of SIGSYS;
 *   SIGURG   it sends the parent a message type it may not send, as a
 *            compromised child would: the parent kills and restarts it;
 *   SIGWINCH it reaches out of itself (testhook.c: a TCP connection to
 *            V720D_TEST_CONNECT=HOST:PORT if set, SIGSTOP to every
 *            process it may signal, ptrace of the parent, ...), each
 *            attempt logged with its result;
 *   SIGVTALRM it sends each sibling it has a channel with a malformed
 *            message (sibling.h): the sibling closes the channel and
 *            the parent restarts the sender.
 * Without the variable nothing is installed (SIGURG and SIGWINCH stay
 * ignored, SIGUSR2 and SIGVTALRM keep their default action).
 */
#ifndef V720_TESTHOOK_H
#define V720_TESTHOOK_H

#include <stdint.h>

struct chanev;

/* After event_init and the parent channel; forbidden: a type to send. */
void	testhook_init(struct chanev *parent, uint32_t forbidden);

#endif
