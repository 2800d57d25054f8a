/* Process helpers shared by v720d's parent and its two children. */
#ifndef V720_PROC_H
#define V720_PROC_H

#include <sys/types.h>

#define PROC_PARENT_FD		3	/* a child's channel to the parent */
#define PROC_DEFAULT_CHROOT	"/var/empty"
#define PROC_DEFAULT_USER	"_v720d"

/*
 * fork+exec path with argv; chanfd becomes fd 3 in the child, every other
 * descriptor above 2 is closed, and the child gets sandbox_spawn()'s
 * filter before it executes.  Returns the pid or -1.
 */
pid_t	proc_spawn(const char *path, char *const argv[], int chanfd);

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

/* Set the title shown by ps; a leading '-' omits the program name. */
void	proc_title_init(int argc, char *argv[]);
void	proc_title(const char *title);

/* Monotonic clock in nanoseconds and milliseconds. */
unsigned long long	proc_now_ns(void);
unsigned long long	proc_now_ms(void);

#endif
