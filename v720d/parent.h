/* The privileged parent: binds, loads key material, spawns and supervises. */
#ifndef V720D_PARENT_H
#define V720D_PARENT_H

#include <sys/queue.h>

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

__attribute__((noreturn)) void parent_main(struct config *,
		    const struct parent_opts *);

/* listen.c: bind what the configuration asks for. */
int	listen_tcp(const char *addr, uint16_t port);
int	listen_udp(const char *addr, uint16_t port);
int	listen_unix(const char *path, const char *user);

#endif
