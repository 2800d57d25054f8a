/* The privileged parent: binds, loads key material, spawns and supervises. */
#ifndef V720D_PARENT_H
#define V720D_PARENT_H

#include <sys/queue.h>
#include <sys/types.h>

#include <limits.h>
#include <time.h>

#include "chan.h"
#include "config.h"

struct parent_opts {
	const char	*conffile;
	int		 conffile_default;	/* missing file = defaults */
	int		 debug;
	int		 verbose;
};

/* Certificate and key for the tls web listeners, read by the parent. */
struct tls_material {
	char		*cert, *key;
	size_t		 certlen, keylen;
};

#define PROC_BIT(id)	(1U << (id))
#define LISTEN_BIT(k)	(1U << (k))

/*
 * One kind of child process (children.c).  The parent starts every kind
 * whose ck_enabled says so, restarts it with backoff, pushes it the
 * configuration and its listeners, and connects it with its peers.
 */
struct child_kind {
	const char	*ck_name;	/* short: metrics, stats ("engine") */
	const char	*ck_title;	/* in logs ("camera engine") */
	const char	*ck_exe;	/* own executable, NULL: v720d itself */
	const char	*ck_tree;	/* its build-tree path from v720d's dir */
	const char	*ck_argv[4];	/* before the common -d -v -u -C */
	int		(*ck_enabled)(const struct config *);	/* NULL: always */
	unsigned int	 ck_listen;	/* LISTEN_BIT()s of listeners it gets */
	/* Its own configuration messages, between the cameras and END. */
	void		(*ck_push)(struct chanev *, const struct config *,
			    const struct tls_material *);
	const uint32_t	*ck_accept;	/* types it may send us, 0-ended */
	unsigned int	 ck_peers;	/* PROC_BIT()s: a channel with each */
	int		 ck_stats;	/* gets IMSG_PROC_STATS */
	/*
	 * Woken by the engine for every frame: SCHED_BATCH, so that the
	 * wakeup does not preempt the engine in the middle of its batch.
	 */
	int		 ck_batch;
	/* Its chroot when not conf->chroot; made ready (as root) first. */
	const char	*(*ck_root)(const struct config *);
	int		(*ck_prepare)(const struct config *);
};

extern const struct child_kind	child_kinds[PROC_MAX];

int	child_accepts(const struct child_kind *, uint32_t type);
int	child_peers(enum proc_id, enum proc_id);
int	self_paths(char *path, size_t, char *dir, size_t);
int	child_exe(const struct child_kind *, const char *self_dir, char *path,
	    size_t);

/* rtspcheck.c: `v720d -n` asks v720-rtsp which encoder it would use. */
void	rtsp_encoder_check(const struct config *);

/* A socket the parent bound, by the configuration line it serves. */
struct bound_listener {
	TAILQ_ENTRY(bound_listener)	 entry;
	enum listen_kind		 kind;
	struct conf_listen		 cl;
	struct conf_listen		 cl_prev;	/* before a reload: put back */
	int				 fd;
	int				 fresh;	/* bound for the config being set up */
};
TAILQ_HEAD(bound_listeners, bound_listener);

/* bind.c: the listeners and TLS material a configuration needs. */
int	tls_load(const struct config *, struct tls_material *, char *, size_t);
void	tls_free(struct tls_material *);
void	listeners_free(struct bound_listeners *);
int	listeners_setup(struct bound_listeners *, struct bound_listeners *,
	    const struct config *);

/* One child process, started from a struct child_kind (supervise.c). */
struct child {
	const struct child_kind	*kind;		/* NULL: no such child */
	enum proc_id		 id;
	const char		*name;		/* kind->ck_title */
	char			 path[PATH_MAX];	/* "": not found */
	pid_t			 pid;		/* -1: not running */
	struct chanev		 ce;
	time_t			 started;
	unsigned int		 restarts;
	int			 backoff;
	struct event		 restart_ev;
	struct event		 ping_ev;
	uint32_t		 ping_seq;
	int			 ping_out;	/* a PING not answered yet */
	unsigned long long	 ping_deadline;	/* ms, for the PONG */
	uint32_t		 gen;		/* starts: IMSG_CFG_PEER peerid */
	int			 cfg_wait;	/* pushes not yet DONE */
	/* When an accusation last got it restarted, ms (child_accused). */
	unsigned long long	 accused_ms;
	/* One against it held until ACCUSE_EVERY_MS after that. */
	struct event		 held_ev;
	enum proc_id		 held_by;
	uint32_t		 held_gen;
	uint32_t		 held_type;
	char			 held_why[sizeof(((struct proc_accuse *)0)->pa_why)];
};

/* A v720ctl reload waiting for its answer, through the engine. */
struct reload_waiter {
	uint32_t		 rw_peerid;
	uint32_t		 rw_gen;	/* the engine's */
};

#define RELOAD_WAITERS	16	/* v720ctl reloads waiting at once */

/* The parent process: parent.c and supervise.c. */
struct parent {
	struct config		*conf;
	struct parent_opts	 opts;
	struct bound_listeners	 listeners;
	char			 control_path[V720_PATH_MAX];
	uint16_t		 control_gen;	/* sockets made so far */
	struct tls_material	 tls;
	struct child		 children[PROC_MAX];	/* by enum proc_id */
	char			 self_path[PATH_MAX];
	char			 self_dir[PATH_MAX];
	time_t			 start;
	int			 stopping;
	long long		 stop_grace_ms;
	long long		 ping_wait_ms;
	long long		 accuse_every_ms;
	/* Reloads: at most one a second, after the children took the last. */
	unsigned long long	 reload_ms;	/* the last that took, 0 none */
	unsigned long long	 reload_since;	/* the one waiting, asked at */
	int			 reload_due;
	struct event		 reload_ev;
	struct reload_waiter	 waiters[RELOAD_WAITERS];
	size_t			 nwaiters;
	struct event		 ev_chld, ev_hup, ev_term, ev_int, ev_stop;
};

/* supervise.c: start, watch, kill and restart the children. */
void	children_init(struct parent *);
void	children_timers(struct parent *);
void	children_paths(struct parent *);
int	children_found(const struct parent *, const struct config *, char *,
	    size_t);
int	child_enabled(const struct parent *, const struct child *);
int	child_start(struct child *);
void	child_stop(struct child *, int);
void	child_misbehaved(struct child *, const char *, uint32_t);
void	child_accused(struct parent *, struct child *, struct proc_accuse *);
void	children_reap(struct parent *);
int	children_running(const struct parent *);
void	children_apply(struct parent *);

/* parent.c: what a child that starts is given, and its messages. */
void	config_push(struct parent *, struct child *);
void	parent_dispatch_child(struct chanev *, struct chan_msg *, void *);

__attribute__((noreturn)) void parent_main(struct config *,
		    const struct parent_opts *);

/* listen.c: bind what the configuration asks for. */
int	listen_tcp(const char *addr, uint16_t port);
int	listen_udp(const char *addr, uint16_t port);
int	listen_unix(const char *path, const char *user);

#endif
