/* The privileged parent: binds, loads key material, spawns and supervises. */
#ifndef V720D_PARENT_H
#define V720D_PARENT_H

#include "config.h"

struct parent_opts {
	const char	*conffile;
	int		 conffile_default;	/* missing file = defaults */
	int		 debug;
	int		 verbose;
};

__attribute__((noreturn)) void parent_main(struct config *,
		    const struct parent_opts *);

/* listen.c: bind what the configuration asks for. */
int	listen_tcp(const char *addr, uint16_t port);
int	listen_udp(const char *addr, uint16_t port);
int	listen_unix(const char *path, const char *user);

#endif
