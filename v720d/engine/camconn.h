/*
 * A camera's TCP connection and the per-address accounting of them
 * (camconn.c, camhost.c, camclaim.c).
 */
#ifndef V720_CAMCONN_H
#define V720_CAMCONN_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <event.h>

#include "camtcp.h"

struct camhost;

struct camconn {
	TAILQ_ENTRY(camconn)	 cc_entry;	/* pending (not registered) */
	TAILQ_ENTRY(camconn)	 cc_host_entry;	/* its address's connections */
	struct camhost		*cc_host;
	int			 cc_fd;
	struct event		 cc_rev;
	struct event		 cc_wev;
	struct camsess		 cc_sess;
	struct camera		*cc_cam;	/* after registration */
	int			 cc_counted;	/* in its host's h_registered */
	struct sockaddr_storage	 cc_ss;
	char			 cc_addr[V720_ADDR_MAX];
	uint64_t		 cc_last_rx_ms;
	uint64_t		 cc_start_ms;
	uint8_t			*cc_out;	/* unsent bytes */
	size_t			 cc_outlen;
	int			 cc_closing;	/* close once sent */

	/* liveness, from the camera's own heartbeats (camclaim.c) */
	uint64_t		 cc_hb_ms;	/* last heartbeat */
	uint32_t		 cc_hb_gap[4];	/* recent gaps between them */
	unsigned		 cc_hb_pos;
	uint64_t		 cc_probe_ms;	/* our last heartbeat to it */
	/* a registration waiting for a live connection's deadline */
	TAILQ_ENTRY(camconn)	 cc_held_entry;
	int			 cc_held;
	uint64_t		 cc_held_ms;	/* since */
};
TAILQ_HEAD(camconn_list, camconn);

/* One source address (port aside) and its camera connections. */
struct camhost {
	RB_ENTRY(camhost)	 h_entry;
	struct sockaddr_storage	 h_ss;		/* the address, port 0 */
	struct camconn_list	 h_conns;	/* oldest first */
	unsigned		 h_nconns;	/* pending + registered */
	unsigned		 h_registered;
};

struct camhost	*camhost_find(const struct sockaddr_storage *);
int		 camhost_add(struct camconn *);	/* by c->cc_ss; -1: no memory */
void		 camhost_del(struct camconn *);	/* frees an empty host */
void		 camhost_count(struct camconn *, int registered);
struct camconn	*camhost_victim(void);

/* camconn.c */
void		 camconn_close_soon(struct camconn *);
int		 camconn_register(struct camconn *, const char *uid);
void		 camconn_free(struct camconn *);
void		 camconn_second(uint64_t now_ms);
void		 camconn_free_pending(void);

/* camera.c: a camera's life as its connection comes and goes */
void		 camera_offline(struct camera *);	/* cam_conn gone */
void		 camera_gone_update(struct camera *);

/* camclaim.c: who may hold a camera's registration */
enum claim { CLAIM_TAKE, CLAIM_HOLD };
enum claim	 claim_check(struct camconn *, struct camera *);
void		 claim_heard(struct camconn *, uint64_t now_ms, int heartbeat);
void		 claim_second(uint64_t now_ms);
void		 claim_drop(struct camconn *);
void		 claim_registered(struct camera *, struct camconn *);

#endif
