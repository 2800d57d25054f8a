/* v720-web: the process's shared state and the interfaces between its files. */
#ifndef V720_WEB_H
#define V720_WEB_H

#include <sys/queue.h>
#include <sys/tree.h>
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include <event.h>

#include "chan.h"
#include "codec.h"
#include "fringtab.h"
#include "http.h"
#include "msg.h"

#define WEB_CONN_MAX_DEFAULT	1000	/* lowered to fit RLIMIT_NOFILE */
#define WEB_PER_ADDR_DEFAULT	64	/* until the configuration says */
#define WEB_HEAD_TIMEOUT	10	/* s: whole request head */
#define WEB_BODY_TIMEOUT	10	/* s: whole request body */
#define WEB_IDLE_TIMEOUT	30	/* s: keep-alive between requests */
#define WEB_WRITE_TIMEOUT	30	/* s: without progress on a response */
#define WEB_STREAM_STALL	300	/* s: a viewer that takes no bytes at all */
#define WEB_TALK_TIMEOUT	20	/* s: talk-back without progress */
#define WS_IDLE_TIMEOUT		30	/* s: websocket without a whole frame */
#define WS_FRAME_MAX		8192	/* payload of a client frame, else 1009 */
#define WS_MSG_MAX		65536	/* a client message, else 1009 */
#define WEB_SNAP_TIMEOUT	10	/* s: waiting for a snapshot frame */
#define WEB_SNAP_FRESH_MS	2000	/* newest frame younger: answer at once */
#define WEB_IN_MAX		(HTTP_HEAD_MAX + HTTP_BODY_MAX)
#define WEB_VW_BACKLOG		2	/* frames queued per viewer, at most */
#define WEB_STREAM_SNDBUF	(128 * 1024)	/* bytes; Linux doubles it */
#define WEB_AUDIO_BACKLOG	(32 * 1024)	/* bytes, 2 s of PCM */
#define WEB_BOUNDARY		CODEC_BOUNDARY

/* One JPEG frame or PCM chunk, shared by every connection sending it. */
struct frame {
	int		 f_ref;
	uint64_t	 f_seq;
	uint64_t	 f_ts_ns;	/* engine's CLOCK_MONOTONIC */
	uint64_t	 f_recv_ms;	/* ours, monotonic */
	uint64_t	 f_recv_ns;
	size_t		 f_len;
	uint8_t		 f_data[];
};

struct frame	*frame_new(const void *, size_t, uint64_t seq, uint64_t ts_ns);
struct frame	*frame_ref(struct frame *);
void		 frame_unref(struct frame *);
void		 frame_evbuffer_cleanup(const void *, size_t, void *);

enum conn_state {
	CS_HEAD = 0,	/* reading a request head (or idle keep-alive) */
	CS_BODY,	/* reading a request body */
	CS_WRITE,	/* answer queued; next request once it is sent */
	CS_SNAP,	/* waiting for a frame for a snapshot */
	CS_MJPEG,	/* MJPEG stream */
	CS_AUDIO,	/* WAV stream */
	CS_TALK,	/* talk-back: body streamed to the engine (talk.c) */
	CS_WS,		/* WebSocket after the handshake (ws.c) */
	CS_CLOSE,	/* flush the answer, then close */
	CS_REC,		/* waiting for the recorder (recweb.c) */
	CS_PLAY,	/* MJPEG playback of a recording */
};

struct backlog {
	uint64_t	 bl_end;	/* output offset after the frame */
	uint64_t	 bl_ts_ns;	/* engine's timestamp */
	uint64_t	 bl_recv_ns;	/* arrival in v720-web */
};

struct listener;
struct jsonw;
struct cam;
struct talker;
struct recreq;

/* A source address: IPv4 (also when IPv4-mapped) or IPv6. */
struct peerkey {
	uint8_t		 pk_family;
	uint8_t		 pk_addr[16];
};

struct peer {
	RB_ENTRY(peer)		 p_entry;
	TAILQ_ENTRY(peer)	 p_idle_entry;
	int			 p_idle;	/* on the idle list */
	struct peerkey		 p_key;
	char			 p_name[INET6_ADDRSTRLEN];
	uint32_t		 p_conns;
	uint64_t		 p_auth_tat;	/* ms; failed logins, auth.c */
};

struct conn {
	TAILQ_ENTRY(conn)	 c_entry;	/* all connections */
	TAILQ_ENTRY(conn)	 c_camentry;	/* viewers / waiters of c_cam */
	uint64_t		 c_id;
	int			 c_fd;
	struct tls		*c_tls;
	int			 c_tls_rwant;	/* EV_READ/EV_WRITE wanted by TLS */
	int			 c_tls_wwant;
	int			 c_tls_more;	/* stopped reading at the limit */
	int			 c_inproc;	/* in conn_process() */
	int			 c_listen_tls;
	char			 c_peer[V720_ADDR_MAX];
	struct peer		*c_src;		/* its source address */
	struct event		 c_ev;
	short			 c_events;
	struct event		 c_tmo;
	struct evbuffer		*c_in;
	struct evbuffer		*c_out;
	size_t			 c_scanned;	/* input bytes seen with no LF */
	enum conn_state		 c_state;
	struct http_req		 c_req;
	int			 c_keepalive;
	int			 c_authed;	/* this connection passed auth */
	int			 c_dying;
	int			 c_eof;		/* the client shut down its side */
	struct cam		*c_cam;
	struct talker		*c_talk;	/* CS_TALK, CS_WS */
	int			 c_ws_frag;	/* opcode of a fragmented message */
	uint64_t		 c_ws_msg;	/* its bytes so far */
	uint64_t		 c_added;	/* bytes ever queued */
	uint64_t		 c_written;	/* bytes ever written */
	uint64_t		 c_progress_ms;	/* last write progress */
	struct backlog		 c_bl[WEB_VW_BACKLOG];
	int			 c_nbl;
	uint64_t		 c_skipped;	/* frames dropped for this viewer */
	struct recreq		*c_rec;		/* a request to the recorder */
};
TAILQ_HEAD(connlist, conn);

struct cam {
	RB_ENTRY(cam)		 cam_entry;
	char			 cam_id[V720_ID_MAX];
	char			 cam_cfgname[V720_NAME_MAX];
	int			 cam_cfg;	/* in the configuration */
	int			 cam_known;	/* the engine told us about it */
	struct cam_info		 cam_info;
	struct frame		*cam_frame;	/* newest */
	struct connlist		 cam_mjpeg;
	struct connlist		 cam_audio;
	struct connlist		 cam_snap;
	uint32_t		 cam_nviewers;
	int64_t			 cam_sent_viewers;	/* -1: never sent */
	uint32_t		 cam_naudio;	/* audio listeners, in nviewers */
	int64_t			 cam_sent_audio;	/* -1: never sent */
	uint64_t		 cam_deliveries;
	uint64_t		 cam_skipped;
	uint64_t		 cam_bytes_out;
	uint64_t		 cam_audio_chunks;
	struct talker		*cam_talker;	/* the one talking, or NULL */
};
RB_HEAD(camtree, cam);
RB_PROTOTYPE(camtree, cam, cam_entry, cam_cmp);

struct webuser {
	char		wu_name[V720_USER_MAX];
	char		wu_hash[V720_HASH_MAX];
};

struct listener {
	TAILQ_ENTRY(listener)	 l_entry;
	int			 l_fd;
	struct cfg_listen	 l_cfg;
	struct event		 l_ev;
	struct event		 l_pause;	/* accept again after EMFILE */
	int			 l_paused;
	int			 l_kept;
};
TAILQ_HEAD(listenerlist, listener);

#define LAT_BUCKETS	16

struct lathist {
	uint64_t	lh_count;
	uint64_t	lh_sum_ns;
	uint64_t	lh_b[LAT_BUCKETS];
};

#define WEB_RTSP_MAX	16	/* CONF_MAX_RTSP_LISTEN */

struct web {
	struct chanev		 w_parent;
	struct chanev		 w_engine;
	int			 w_engine_up;
	struct fringtab		 w_rings;	/* the engine's, mapped */
	struct camtree		 w_cams;
	struct listenerlist	 w_listeners;
	struct connlist		 w_conns;
	size_t			 w_nconns;
	size_t			 w_conn_max;
	uint64_t		 w_conn_seq;
	struct webuser		*w_users;
	size_t			 w_nusers;
	struct cfg_webname	*w_names;	/* `web server name` */
	size_t			 w_nnames;
	size_t			 w_per_addr;	/* connections per address */
	struct cfg_listen	 w_rtsp[WEB_RTSP_MAX];	/* `rtsp listen`, */
	size_t			 w_nrtsp;	/* for the cameras' URLs */
	int			 w_compat_cmds;	/* the GET commands, api.c */
	struct tls		*w_tls;		/* server context, NULL: none */
	struct proc_stats	 w_stats;
	int			 w_have_stats;
	int64_t			 w_start;	/* Unix seconds */
	/* counters for /metrics */
	uint64_t		 w_requests;
	uint64_t		 w_refused;	/* over the connection limit */
	uint64_t		 w_refused_addr;	/* over the per-address one */
	uint64_t		 w_misdirected;	/* 421: Host not ours */
	uint64_t		 w_auth_fail;
	uint64_t		 w_auth_throttled;	/* 429 */
	uint64_t		 w_deliveries;
	uint64_t		 w_play_surplus;	/* playback frames not owed */
	struct lathist		 w_lat;		/* engine -> viewer socket */
	struct lathist		 w_ingest;	/* engine -> v720-web */
	struct lathist		 w_send;	/* v720-web -> viewer socket */
};

extern struct web	*web;

/* web.c */
struct cam	*cam_find(const char *id);
void		 web_sandbox(void);	/* sandbox.c: the seccomp filter */
struct cam	*cam_get(const char *id);	/* find or create */
void		 cam_viewers_changed(struct cam *);
int		 web_to_engine(uint32_t type, const void *, size_t);

/* server.c: listeners and connections */
void		 server_listen(struct listener *);
void		 server_unlisten(struct listener *);
void		 conn_update(struct conn *);
void		 conn_close(struct conn *);
void		 conn_flush(struct conn *);
void		 conn_stream_sndbuf(struct conn *);
void		 conn_set_timeout(struct conn *, int secs);
void		 conn_request_done(struct conn *);
void		 server_close_all(void);

/* peer.c: per source address */
int		 peer_key(const struct sockaddr_storage *, struct peerkey *);
struct peer	*peer_find(const struct peerkey *);
struct peer	*peer_attach(const struct peerkey *);
void		 peer_detach(struct peer *);
size_t		 peer_conn_max(void);
size_t		 peer_count(void);
void		 peer_clear(void);

/* host.c: the Host rule against DNS rebinding */
int		 host_allowed(const struct http_req *);

/* reply.c: answers */
void		 reply(struct conn *, int status, const char *ctype,
		    const void *body, size_t len, const char *extra);
void		 reply_error(struct conn *, int status, const char *msg);
void		 reply_json(struct conn *, int status, const char *json,
		    size_t len);
void		 reply_frame(struct conn *, struct frame *);
/* Head only, with Content-Length len: the caller adds the body. */
void		 reply_head_only(struct conn *, int status, const char *ctype,
		    uint64_t len, const char *extra);
int		 reply_stream_head(struct conn *, const char *ctype);

/* api.c: routing */
void		 api_request(struct conn *, const char *body, size_t bodylen);
void		 api_cam_json(struct jsonw *, struct cam *,
		    const struct conn *);
int		 api_is_talk(const char *path);

/* auth.c */
int		 auth_check(struct conn *);	/* 1 ok, 0 refused */
void		 auth_reset(void);
int		 auth_timingsafe_eq(const char *, const char *);

/* mjpeg.c */
void		 mjpeg_start(struct conn *, struct cam *);
void		 mjpeg_frame(struct cam *, struct frame *);
void		 viewer_progress(struct conn *);
void		 viewer_detach(struct conn *);
void		 snap_wait(struct conn *, struct cam *);
void		 snap_timeout(struct conn *);

/* audio.c */
void		 audio_start(struct conn *, struct cam *);
void		 audio_chunk(struct cam *, int codec, const uint8_t *, size_t);

/* talk.c */
int		 talk_streamed_body(const struct http_req *);
void		 talk_post(struct conn *, struct cam *);
void		 talk_read(struct conn *);
void		 talk_timeout(struct conn *);
void		 talk_detach(struct conn *);
int		 talk_status(const struct talk_status *);
void		 talk_engine_gone(void);
void		 talk_ws(struct conn *, struct cam *);
size_t		 talk_ws_room(struct conn *);
void		 talk_ws_data(struct conn *, const uint8_t *, size_t);
void		 talk_ws_end(struct conn *);

/* ws.c */
void		 ws_accept_conn(struct conn *, const char *accept);
void		 ws_send_text(struct conn *, const char *);
void		 ws_close(struct conn *, int code, const char *reason);
void		 ws_read(struct conn *);
void		 ws_timeout(struct conn *);

/* diag.c */
int		 diag_engine(const uint8_t *, size_t);
void		 diag_send_listeners(void);
void		 diag_reply(struct conn *);

/* recweb.c: recordings, events and playback, from the recorder */
void		 recweb_peer(struct chan_msg *);
void		 recweb_list(struct conn *, struct cam *, int events);
void		 recweb_file(struct conn *, const char *id, const char *day,
		    const char *file);
void		 recweb_play(struct conn *, struct cam *);
void		 recweb_detach(struct conn *);
void		 recweb_timeout(struct conn *);
void		 recweb_free_all(void);
int		 recweb_range(const char *, uint64_t size, uint64_t *off,
		    uint64_t *len);

/* metrics.c */
void		 metrics_reply(struct conn *);
void		 metrics_latency(struct lathist *, uint64_t ns);

#endif
