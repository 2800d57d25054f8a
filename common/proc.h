/* Process helpers shared by v720d's parent and its two children. */
#ifndef V720_PROC_H
#define V720_PROC_H

#include <sys/types.h>

#define PROC_PARENT_FD		3	/* a child's channel to the parent */
#define PROC_DEFAULT_CHROOT	"/var/empty"
#define PROC_DEFAULT_USER	"_v720d"

/*
 * fork+exec path with argv; chanfd becomes fd 3 in the child, every other
 * descriptor above 2 is closed.  Returns the pid or -1.
 */
pid_t	proc_spawn(const char *path, char *const argv[], int chanfd);

/*
 * As root: chroot to root, chdir("/"), drop to user (groups, gid, uid),
 * forbid new privileges, and verify that root cannot be regained; fatal
 * on any failure.  As another user: nothing (the parent warned already).
 */
void	proc_privdrop(const char *user, const char *root);

/* Set the title shown by ps; a leading '-' omits the program name. */
void	proc_title_init(int argc, char *argv[]);
void	proc_title(const char *title);

/* Monotonic clock in nanoseconds and milliseconds. */
unsigned long long	proc_now_ns(void);
unsigned long long	proc_now_ms(void);

#endif
