/* Process helpers shared by v720d's parent and its children. */
#ifndef V720_PROC_H
#define V720_PROC_H

#include <sys/types.h>

#include "chan.h"

#define PROC_PARENT_FD		3	/* a child's channel to the parent */
#define PROC_DEFAULT_CHROOT	"/var/empty"
#define PROC_DEFAULT_USER	"_v720d"

/*
 * fork+exec path with argv; chanfd becomes fd 3 in the child, every other
 * descriptor above 2 is closed, and the child gets sandbox_spawn()'s
 * filter before it executes; with PROC_SPAWN_BATCH it runs under
 * SCHED_BATCH from its first instruction, every thread it starts too.
 * Returns the pid or -1.
 */
#define PROC_SPAWN_BATCH	0x1
pid_t	proc_spawn(const char *path, char *const argv[], int chanfd,
	    int flags);

/*
 * Makes the process not dumpable; then, as root: chroot to root,
 * chdir("/"), drop to user (groups, gid, uid), forbid new privileges,
 * and verify that root cannot be regained; fatal on any failure.  As
 * another user nothing more (the parent warned already).
 */
void	proc_privdrop(const char *user, const char *root);

/* What the parent puts on the command line of every child it executes. */
struct proc_child_opts {
	const char	*user;		/* -u: the unprivileged user */
	const char	*root;		/* -C: the chroot */
	int		 debug;		/* -d: foreground, log to stderr */
	int		 verbose;	/* -v, repeatable */
};

/*
 * The start of a separately executed child (v720-web, v720-mqtt,
 * v720-recorder): parse -d -v -u USER -C ROOT (usage and exit 1 on
 * anything else; -C is required when need_root, else defaults to
 * PROC_DEFAULT_CHROOT), set up logging as logname, and make sure the
 * parent's channel is on fd 3 (fatal otherwise: run by v720d only).
 */
void	proc_child_init(int argc, char *argv[], const char *logname,
	    int need_root, struct proc_child_opts *);

/*
 * The rest of every child's start-up, after proc_privdrop and event_init.
 * proc_child_signals: SIGPIPE and SIGHUP ignored (a reload is the
 * parent's), sig called on SIGTERM and SIGINT, and on SIGUSR1 (its stats)
 * when usr1.  proc_child_channel: the channel to the parent on fd, with
 * sibling_init for the peer channels to come; fatal if it cannot be.
 */
void	proc_child_signals(void (*sig)(int, short, void *), int usr1);
void	proc_child_channel(struct chanev *parent, int fd, chanev_dispatch_cb,
	    chanev_closed_cb);

/*
 * The parent's messages that mean the same to every child.  The parent is
 * trusted: each of these fatalx when malformed.
 * proc_child_common: IMSG_PROC_PING is answered, IMSG_CTL_VERBOSE sets
 * the log level; 1 if m was one of them, 0 if it is the child's own.
 * proc_child_peer: an IMSG_CFG_PEER checked (a descriptor and a struct
 * cfg_peer): the enum proc_id of the other end, for the child to open
 * the channel with sibling_open.
 * proc_child_cfg_end: IMSG_CFG_END, which must follow a START (active):
 * apply the configuration, then tell the parent it is taken.
 */
int	proc_child_common(struct chanev *parent, const struct chan_msg *m);
unsigned int	proc_child_peer(const struct chan_msg *m);
void	proc_child_cfg_end(struct chanev *parent, int active,
	    void (*apply)(void));

/* Set the title shown by ps; a leading '-' omits the program name. */
void	proc_title_init(int argc, char *argv[]);
void	proc_title(const char *title);

/* Monotonic clock in nanoseconds and milliseconds. */
unsigned long long	proc_now_ns(void);
unsigned long long	proc_now_ms(void);

#endif
