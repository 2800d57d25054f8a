/*
 * A socket the parent bound and passed us (camera TCP and UDP,
 * bootstrap, control), and accepting on one without spinning when out
 * of descriptors (listener.c).  engine.c keeps the list; the files that
 * serve a kind of listener get theirs as their event's argument.
 */
#ifndef V720_ENGINE_LISTENER_H
#define V720_ENGINE_LISTENER_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <stdint.h>

#include <event.h>

#include "msg.h"

struct listener {
	TAILQ_ENTRY(listener)	 l_entry;
	uint8_t			 l_kind;
	uint16_t		 l_port;
	char			 l_addr[V720_ADDR_MAX];
	int			 l_fd;
	struct event		 l_ev;
	struct event		 l_pause;	/* accept paused; UDP polling */
	/* UDP: wakeups since l_since (ms); polls, and those that read */
	unsigned long long	 l_since;
	unsigned int		 l_wakes, l_polls, l_busy;
};
TAILQ_HEAD(listener_list, listener);
int	listener_accept(struct listener *, struct sockaddr *, socklen_t *,
	    const char *what);
void	listener_free(struct listener *);

#endif
