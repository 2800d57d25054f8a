/*
 * Inside the RTSP server: listeners, client connections and sessions,
 * shared by server.c (sockets, I/O, timers), method.c (the RTSP
 * methods) and auth.c (Basic credentials, throttle).  Nothing outside
 * v720d/rtsp/server*.c, method.c and auth.c includes it.
 */
#ifndef V720_RTSPD_H
#define V720_RTSPD_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <event.h>
#include <stdint.h>

#include "rtp.h"
#include "rtspreq.h"
#include "server.h"
#include "stream.h"

#define CONN_MAX		256	/* connections, all addresses */
#define SESSION_MAX		256
#define CONN_PER_ADDR		16	/* default of `rtsp connections per address` */
#define SESSION_TIMEOUT		60	/* seconds, announced in Session: */
#define HEAD_TIMEOUT_MS		10000	/* to send a whole request */
#define SR_INTERVAL_US		(5 * 1000000ULL)
#define INBUF_MAX		(RTSP_HEAD_MAX + RTSP_BODY_MAX)
#define INTERLEAVED_KEEP	2048	/* client packets read, larger skipped */

struct listener {
	TAILQ_ENTRY(listener)	 l_entry;
	int			 l_fd;
	int			 l_udp[4];	/* video RTP, RTCP, audio RTP, RTCP */
	uint16_t		 l_udpport;	/* of l_udp[0] */
	struct event		 l_ev;
	struct event		 l_uev[4];
	int			 l_refs;	/* sessions using its UDP */
	int			 l_dead;	/* cleared: freed with the refs */
};

struct addrkey {
	uint8_t			 ak_family;
	uint8_t			 ak_addr[16];
};

/* A source address: its connections and its failed logins. */
struct addr {
	RB_ENTRY(addr)		 a_entry;
	struct addrkey		 a_key;
	unsigned		 a_conns;
	uint64_t		 a_auth_tat;	/* ms, auth.c */
};

struct session;

struct conn {
	TAILQ_ENTRY(conn)	 c_entry;
	int			 c_fd;
	struct listener		*c_l;
	struct addr		*c_addr;
	struct sockaddr_storage	 c_ss;
	socklen_t		 c_sslen;
	char			 c_name[64];	/* address:port for the log */
	struct event		 c_rev, c_wev;
	int			 c_wev_on;
	int			 c_closing;	/* close once the output is sent */
	int			 c_dead;	/* close from the top (conn_io) */
	int			 c_stopped;	/* reading paused: output full */
	uint64_t		 c_head_start;	/* ms, a request is incomplete */
	uint64_t		 c_last;	/* ms, last request */
	size_t			 c_skip;	/* interleaved bytes to discard */
	size_t			 c_inlen;
	struct rtp_out		 c_out;
	uint8_t			 c_in[INBUF_MAX];
};

struct strack {
	int			 t_setup;
	uint8_t			 t_ch[2];	/* interleaved channels */
	uint16_t		 t_cport[2];	/* UDP client ports */
	uint32_t		 t_pkts, t_octets;
	uint64_t		 t_sr_next;	/* us */
};

struct session {
	TAILQ_ENTRY(session)	 s_entry;
	char			 s_id[17];
	struct conn		*s_conn;	/* NULL: its connection closed (UDP) */
	struct listener		*s_l;		/* whose UDP sockets */
	struct stream		*s_st;
	int			 s_h264;
	int			 s_tcp;		/* interleaved, else UDP */
	int			 s_playing;
	int			 s_bye;		/* the client said RTCP BYE */
	struct sockaddr_storage	 s_dst;		/* client address (UDP) */
	socklen_t		 s_dstlen;
	struct strack		 s_trk[2];
	struct stream_sink	 s_sink;
	uint64_t		 s_seen;	/* ms: request, RTCP */
};

TAILQ_HEAD(sessionlist, session);

struct server {
	struct event_base	*sv_base;
	struct rtsp_user	*sv_users;
	size_t			 sv_nusers;
	unsigned		 sv_per_addr;
	unsigned		 sv_timeout;	/* seconds */
	TAILQ_HEAD(, listener)	 sv_listeners;
	TAILQ_HEAD(, conn)	 sv_conns;
	size_t			 sv_nconns;
	struct sessionlist	 sv_sessions;
	size_t			 sv_nsessions;
	struct event		 sv_tick;
	uint64_t		 sv_auth_fail, sv_auth_throttled;
};

extern struct server	*sv;

/* server.c */
void		 conn_close(struct conn *);
void		 conn_send(struct conn *);	/* output queued: write soon */
int		 conn_reply(struct conn *, const struct rtsp_req *, int status,
		    const char *reason, const char *headers, const char *ctype,
		    const char *body, size_t bodylen);
uint64_t	 now_ms(void);
void		 listener_unref(struct listener *);

/* method.c */
void		 method_request(struct conn *, struct rtsp_req *,
		    const char *body);
struct session	*session_find(const char *id);
void		 session_free(struct session *);
void		 session_rtcp(struct session *, int what);
int		 session_deliver(struct stream_sink *, struct rtp_frame *);

/* auth.c: 1 if the request may go on; 0 after answering 401 or 429. */
int		 auth_check(struct conn *, const struct rtsp_req *);
void		 auth_reset(void);

#endif
