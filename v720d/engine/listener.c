/*
 * Accepting on a listener the parent passed us.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "listener.h"

static void
listener_resume(int fd, short ev, void *arg)
{
	struct listener	*l = arg;

	event_add(&l->l_ev, NULL);
}

/*
 * Accept one connection on l.  Out of descriptors: stop accepting for a
 * second, like relayd, rather than spin on a listener that stays ready.
 */
int
listener_accept(struct listener *l, struct sockaddr *sa, socklen_t *len,
    const char *what)
{
	struct timeval	tv = { 1, 0 };
	int		s;

	if ((s = accept4(l->l_fd, sa, len, SOCK_NONBLOCK | SOCK_CLOEXEC)) !=
	    -1)
		return s;
	if (errno == EMFILE || errno == ENFILE) {
		log_warn("%s accept", what);
		event_del(&l->l_ev);
		evtimer_set(&l->l_pause, listener_resume, l);
		evtimer_add(&l->l_pause, &tv);
	}
	return -1;
}

void
listener_free(struct listener *l)
{
	if (event_initialized(&l->l_ev))
		event_del(&l->l_ev);
	if (event_initialized(&l->l_pause))
		event_del(&l->l_pause);
	if (l->l_fd != -1)
		close(l->l_fd);
	free(l);
}
