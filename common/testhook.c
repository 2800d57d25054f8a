/* Test-only hooks; see testhook.h. */
#include <sys/types.h>

#include <event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "log.h"
#include "testhook.h"

static struct chanev	*hook_parent;
static uint32_t		 hook_forbidden;

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
	static struct event	 ev_usr2, ev_urg;
	const char		*v;

	if ((v = getenv("V720D_TEST_HOOKS")) == NULL || strcmp(v, "1") != 0)
		return;
	hook_parent = parent;
	hook_forbidden = forbidden;
	signal_set(&ev_usr2, SIGUSR2, testhook_sig, NULL);
	signal_set(&ev_urg, SIGURG, testhook_sig, NULL);
	signal_add(&ev_usr2, NULL);
	signal_add(&ev_urg, NULL);
	log_warnx("test hooks on (V720D_TEST_HOOKS=1): not for production");
}
