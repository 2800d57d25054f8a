/*
 * `v720d -n` with `rtsp listen`: which H.264 encoder the rtsp child will
 * use.  The answer needs libavcodec, which the parent must never map, so
 * v720-rtsp itself is run (`v720-rtsp -n ENCODER`, as the unprivileged
 * user when we are root) and prints it.  Its absence or failure is only
 * a warning here: the configuration itself is fine, and the daemon says
 * the same at start.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "parent.h"

#define RTSP_CHECK_S	20	/* the encoder probe must be done by then */

static int
drop_to(const struct passwd *pw)
{
	return setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1 ? -1 : 0;
}

void
rtsp_encoder_check(const struct config *conf)
{
	struct passwd	*pw = NULL;
	char		 self[PATH_MAX], dir[PATH_MAX], path[PATH_MAX];
	pid_t		 pid;
	int		 status;

	if (self_paths(self, sizeof(self), dir, sizeof(dir)) == -1 ||
	    child_exe(&child_kinds[PROC_RTSP], dir, path, sizeof(path)) == -1) {
		fprintf(stderr, "warning: cannot find v720-rtsp next to %s: "
		    "the rtsp h264 encoder is not known\n", self);
		return;
	}
	if (geteuid() == 0 && (pw = getpwnam(conf->user)) == NULL) {
		fprintf(stderr, "warning: user %s does not exist: the rtsp "
		    "h264 encoder is not known\n", conf->user);
		return;
	}
	fflush(stdout);
	switch (pid = fork()) {
	case -1:
		fprintf(stderr, "warning: fork: %s\n", strerror(errno));
		return;
	case 0:
		if (pw != NULL && drop_to(pw) == -1) {
			fprintf(stderr, "warning: cannot become %s: %s\n",
			    conf->user, strerror(errno));
			_exit(1);
		}
		/* Kept across execve: a probe that hangs is ended. */
		alarm(RTSP_CHECK_S);
		execl(path, "v720-rtsp", "-n", conf->rtsp_encoder,
		    (char *)NULL);
		fprintf(stderr, "warning: %s: %s\n", path, strerror(errno));
		_exit(1);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return;
	if (WIFSIGNALED(status))
		fprintf(stderr, "warning: %s -n killed by signal %d: the rtsp "
		    "h264 encoder is not known\n", path, WTERMSIG(status));
}
