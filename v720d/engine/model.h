/*
 * The camera model: cameras, their TCP connections and their data
 * channels' states (camera.c, camconn.c, stream.c, udp.c, mode.c,
 * clock.c, ptz.c, talk.c, camclaim.c, camhost.c).  It knows nothing of who listens:
 * consumers (v720-web's channel, the MQTT, recorder and RTSP children,
 * the control socket) register a struct cam_observer once at start-up
 * and hear of state changes, forgotten cameras, frames and audio
 * through it (observer.c).  What they ask of a camera comes back the
 * same way, without a name: each observer's demand (struct cam_demand,
 * cam_demand_set), which the model sums, and memory of its own on each
 * camera (cam_private), which the model frees with the camera.  Nothing
 * here includes engine.h.
 */
#ifndef V720_ENGINE_MODEL_H
#define V720_ENGINE_MODEL_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <stdint.h>

#include <event.h>

#include "msg.h"
#include "camtcp.h"
#include "tunables.h"

struct media;
struct talk;
struct wire_hdr;

/* Data channel (stream.c). */
#define NAT_GOT_12	0x01	/* code 12 on TCP, echoing our 11 */
#define NAT_GOT_51	0x02	/* code 51 on UDP: the media peer */
enum stream_state {
	SS_IDLE = 0,
	SS_NAT,		/* sent 11, waiting for 12 (TCP) and 51 (UDP) */
	SS_PROBE,	/* sent a 50, waiting for its 51 */
	SS_BASEINFO,	/* sent 53, 298, 4: waiting for the base info */
	SS_STREAMING,	/* sent 3 */
};

struct camconn;

/*
 * What one consumer asks of a camera (stream.c, cam_demand_set): the
 * model sums every consumer's and never asks who asked.  cd_viewers are
 * its clients (ci_viewers; a camera with any has its stream and is not
 * forgotten), cd_audio those of them that want the sound alone (stream
 * mode 1 while nobody wants the picture), cd_full asks for sound and
 * picture whatever the others want (mode 3, as a recording does).
 */
struct cam_demand {
	uint32_t	cd_viewers;
	uint32_t	cd_audio;	/* of cd_viewers: audio only */
	int		cd_full;
};
#define CAM_OBSERVERS_MAX	8	/* observer.c: consumers registered */

struct camera {
	RB_ENTRY(camera)	 cam_entry;	/* by uid */
	RB_ENTRY(camera)	 cam_peer_entry;	/* by UDP (addr, port) */
	TAILQ_ENTRY(camera)	 cam_active_entry;	/* stream not idle */
	TAILQ_ENTRY(camera)	 cam_gone_entry;	/* offline, unconfigured */
	int			 cam_gone;	/* on that list */
	uint64_t		 cam_offline_ms;	/* since */
	char			 cam_id[V720_ID_MAX];
	unsigned		 cam_slot;	/* timer slice, spreads work */
	struct cam_info		 cam_info;	/* state + counters sent out */
	struct camconn		*cam_conn;	/* NULL: offline */
	/* where it registered from, last and before (camclaim.c) */
	struct sockaddr_storage	 cam_last_ss;
	struct sockaddr_storage	 cam_prior_ss;
	int			 cam_has_last, cam_has_prior;

	/* config */
	int			 cam_configured;
	uint32_t		 cam_idle_timeout;	/* seconds */
	uint8_t			 cam_record;	/* enum rec_mode: streams always */

	/* who wants the stream: each consumer, by its observer's slot */
	struct cam_demand	 cam_demand[CAM_OBSERVERS_MAX];
	struct cam_demand	 cam_want;	/* their sum */
	int			 cam_manual;	/* stream start */
	uint32_t		 cam_snapwait;	/* control snapshot waiters */
	uint64_t		 cam_unwanted_ms;	/* since, 0 = wanted */

	/* data channel */
	enum stream_state	 cam_ss;
	int			 cam_active;	/* on the active list */
	int			 cam_ss_retries;
	uint64_t		 cam_ss_deadline;	/* ms */
	uint64_t		 cam_ss_next_try;	/* ms, after a failure */
	int			 cam_nat_got;	/* NAT_GOT_*: answers to 11 */
	int			 cam_probes;	/* code 50s sent */
	uint64_t		 cam_probe_next;	/* ms: next 50 at the latest */
	char			 cam_client[CAMTCP_CLIENTID_LEN + 1];
	struct sockaddr_storage	 cam_peer;
	socklen_t		 cam_peerlen;
	int			 cam_peer_known;	/* in the peer tree */
	int			 cam_udpfd;	/* socket its datagrams hit */
	struct media		*cam_media;
	uint64_t		 cam_last_frame_ms;
	uint64_t		 cam_stream_ms;	/* forward 3 sent */
	int			 cam_got_frame;	/* since forward 3 */
	uint64_t		 cam_nudge_ms;	/* next empty 605, see stream.c */
	uint64_t		 cam_nudge_pkts;

	/* a recent frame (copied at most once a second), for snapshots */
	uint8_t			*cam_jpeg;
	size_t			 cam_jpeg_len;
	uint64_t		 cam_jpeg_ms;
	uint64_t		 cam_frame_seq;
	struct fring		*cam_ring;	/* ringout.c: its frames */
	uint8_t			 cam_ring_sent;	/* consumers that have it */
	uint64_t		 cam_audio_seq;

	/* stream mode (mode.c) */
	int			 cam_mode;	/* forward 1, 2 or 3 sent */

	/* the camera's clock (clock.c) */
	uint64_t		 cam_clk_next_ms;	/* next code 54 */
	uint64_t		 cam_clk_sent_ns;	/* last 54, monotonic */
	int64_t			 cam_clk_sent_rt;	/* ... realtime ms */
	int			 cam_clk_waiting;	/* its 55 not yet in */
	int64_t			 cam_clk_off[8];	/* recent offsets */
	uint32_t		 cam_clk_rtt[8];	/* ... and round trips, us */
	unsigned		 cam_clk_n;

	/* talk-back (talk.c) */
	struct talk		*cam_talk;	/* NULL: nobody talks */
	uint32_t		 cam_talk_pkg;	/* next pkg_id, per stream */

	/* PTZ (ptz.c) */
	struct event		 cam_ptz_ev;
	int			 cam_ptz_evset;
	int			 cam_ptz_move;	/* motorState held, 0 none */
	uint64_t		 cam_ptz_next_ms;	/* next resend */
	uint64_t		 cam_ptz_until_ms;	/* hold deadline */

	/* fps over the last seconds */
	uint64_t		 cam_fps_frames[4];
	unsigned		 cam_fps_pos;
	int			 cam_dirty;	/* state changed, send */

	/*
	 * Alive by the relay's news (the cameras' MQTT channel: Status 1
	 * or an Info) while it has no TCP: the camera's own state, which
	 * the relay reports as ci_state (cr_idle_state), not a consumer's.
	 */
	int			 cam_relay_online;

	/* each consumer's own, by its observer's slot (cam_private) */
	void			*cam_private[CAM_OBSERVERS_MAX];
};

RB_HEAD(camera_tree, camera);
RB_PROTOTYPE(camera_tree, camera, cam_entry, camera_cmp);
TAILQ_HEAD(camera_list, camera);
/*
 * The model's state: the config it applies and the cameras.  One per
 * process, and a global (model, set by model_init()) rather than an
 * argument because everything that reaches it starts from a libevent
 * callback whose one argument is already taken (a listener, a
 * connection, a camera's timer).  The config is here, not in engine.c,
 * because the model is what applies it; engine.c fills it in.
 */
struct model {
	struct cfg_global	 m_cfg;
	struct cfg_camera	*m_cams;	/* configured cameras */
	size_t			 m_ncams;
	struct camera_tree	 m_cameras;
	size_t			 m_ncameras;
	struct camera_list	 m_active;	/* cameras with a stream */
	size_t			 m_cam_conn_max;	/* by RLIMIT_NOFILE */
	/* counters (bench, debug) */
	uint64_t		 m_udp_unknown;
	uint64_t		 m_udp_bad;
	uint64_t		 m_rx_ns;	/* current UDP batch read */
};

extern struct model	*model;

/*
 * What a consumer hears of the model (observer.c).  Any member may be
 * NULL.  A frame or audio chunk is lent for the call only.
 */
struct cam_frame {
	const struct cam_media	*cf_cm;
	const uint8_t		*cf_data;
	size_t			 cf_len;
	int			 cf_snapshot;	/* a snapshot waiter wants it */
	/* a frame in the camera's ring (ringout.c), or NULL */
	const struct cam_fslot	*cf_fslot;
};
struct cam_observer {
	const char	*co_name;
	/* cam_info changed (IMSG_CAM_STATE) */
	void		(*co_state)(struct camera *);
	/* the camera is forgotten (IMSG_CAM_GONE) */
	void		(*co_gone)(const struct ctl_id *);
	void		(*co_frame)(struct camera *, const struct cam_frame *);
	void		(*co_audio)(struct camera *, const struct cam_frame *);
	/* what the last batch of datagrams made is on the channels */
	void		(*co_flushed)(void);
};
/*
 * Another way to a camera without TCP (the cameras' MQTT channel):
 * forward a code to it, 0 or -1; and what it is meanwhile (CAM_*).
 */
struct cam_relay {
	int		(*cr_forward)(struct camera *, int code,
			    const char *extra);
	uint8_t		(*cr_idle_state)(const struct camera *);
};

/* ringout.c: the frame rings, and the consumers that map them */
struct fring;
struct chanev;
#define RINGOUT_WEB		0
#define RINGOUT_REC		1
#define RINGOUT_RTSP		2
#define RINGOUT_NCONSUMERS	3
void		 ringout_consumer(int, struct chanev *);
uint8_t		*ringout_claim(struct camera *, uint64_t seq);
int		 ringout_put(struct camera *, const struct cam_media *,
		    const uint8_t *, size_t, struct cam_fslot *);
int		 ringout_notice(int, struct camera *, const struct cam_fslot *,
		    size_t max);
void		 ringout_writes(int who, unsigned long long *n,
		    unsigned long long *us);
void		 ringout_free(struct camera *);

/* observer.c */
void		 cam_observe(const struct cam_observer *);
size_t		 obs_slot(const struct cam_observer *);
void		*cam_private(struct camera *, const struct cam_observer *,
		    size_t);
void		*cam_private_get(const struct camera *,
		    const struct cam_observer *);
void		 cam_private_free(struct camera *);
void		 cam_relay_set(const struct cam_relay *);
void		 obs_state(struct camera *);
void		 obs_gone(const struct ctl_id *);
/* Where the camera's next frame is assembled (its ring slot), or NULL. */
uint8_t		*obs_frame_buf(struct camera *, uint64_t seq);
void		 obs_frame(struct camera *, const struct cam_frame *);
void		 obs_audio(struct camera *, const struct cam_frame *);
/*
 * A batch of datagrams: consumers' messages go out together at its end,
 * or once the first frame held waited OBS_HOLD_US (obs_batch_due).
 */
#define OBS_HOLD_US	50
void		 obs_batch_begin(void);
void		 obs_batch_end(void);
int		 obs_batching(void);
int		 obs_batch_due(void);	/* held too long: end, begin again */
int		 relay_forward(struct camera *, int code, const char *extra);
uint8_t		 relay_idle_state(const struct camera *);

/* camera.c */
void		 model_init(void);
void		 model_free(void);	/* after camera_free_all() */
const struct cfg_camera *model_camcfg(const char *id);
struct camera	*camera_find(const char *id);
struct camera	*camera_get(const char *id);	/* find or create */
void		 camera_apply_config(void);
int		 camera_forward(struct camera *, int code, const char *extra);
void		 camera_changed(struct camera *);
void		 camera_publish(struct camera *);	/* IMSG_CAM_STATE */
void		 camera_publish_all(void);
void		 camera_second(uint64_t now_ms, unsigned slot);
void		 camera_fill_info(struct camera *);
int		 camera_set(struct camera *, const char *key, const char *val,
		    const char **err);
int		 camera_web_forward(struct camera *, const char *json, size_t,
		    const char **err);
void		 camera_free_all(void);

/* camconn.c: cameras' TCP connections */
void		 camera_listener_accept(int, short, void *);
int		 camera_send(struct camera *, uint16_t cmd, const void *, size_t);
int		 camera_same_host(const struct camera *,
		    const struct sockaddr *, socklen_t);

/* camhost.c */
int		 same_host(const struct sockaddr_storage *,
		    const struct sockaddr_storage *);

/* stream.c */
const struct cam_demand *cam_demand(const struct camera *,
		    const struct cam_observer *);
void		 cam_demand_set(struct camera *, const struct cam_observer *,
		    const struct cam_demand *, uint64_t now_ms);
void		 stream_manual(struct camera *, int on, uint64_t now_ms);
int		 stream_wanted(const struct camera *);
void		 stream_update(struct camera *, uint64_t now_ms);
void		 stream_tick(uint64_t now_ms, unsigned slot);
void		 stream_stop(struct camera *, int send_stop);
void		 stream_camera_json(struct camera *, const struct camjson *);
void		 stream_udp_probe(struct camera *, const struct sockaddr *,
		    socklen_t, int fd, int from_peer);
void		 stream_media(struct camera *, const struct wire_hdr *,
		    const uint8_t *, size_t, uint64_t now_ns);
void		 stream_free(struct camera *);

/* udp.c */
void		 udp_listener_read(int, short, void *);
void		 udp_listener_setup(int);
int		 udp_send(struct camera *, uint16_t cmd, const void *, size_t);
int		 udp_sendto(int fd, const struct sockaddr *, socklen_t,
		    uint16_t cmd, const void *, size_t);
void		 udp_peer_set(struct camera *, const struct sockaddr *,
		    socklen_t, int fd);
void		 udp_peer_clear(struct camera *);
void		 udp_fd_closed(int);
/* us a datagram waited in the socket, since the last call: p50, p99 */
void		 udp_wait_stats(unsigned *, unsigned *);
/*
 * Since the start: wakeups by an arrival and polls by the timer (each
 * drains the socket), recvmmsg calls, datagrams they brought, sendmmsg
 * calls.  What the engine's own wakeups cost is these, next to its writes.
 */
struct udp_counts {
	uint64_t	uc_wakeups, uc_polls, uc_reads, uc_datagrams, uc_sends;
};
void		 udp_counts(struct udp_counts *);

/* mode.c */
int		 mode_wanted(const struct camera *);
void		 mode_update(struct camera *, uint64_t now_ms);

/* clock.c */
void		 clock_tick(struct camera *, uint64_t now_ms);
void		 clock_answer(struct camera *, const uint8_t *, size_t);

/* ptz.c */
int		 ptz_request(struct camera *, int move, uint32_t hold_ms,
		    const char **);
void		 ptz_stop(struct camera *);

/*
 * talk.c: ctl (owner) is who talks (a control client, or NULL for
 * v720-web); report tells it how its talk goes.
 */
typedef void talk_report(void *owner, const struct talk_status *);
int		 talk_start(struct camera *, talk_report *, void *owner,
		    uint32_t session, int *code, const char **err);
int		 talk_data(void *ctl, const char *id, uint32_t session,
		    const uint8_t *, size_t);
void		 talk_end(void *ctl, const char *id, uint32_t session);
void		 talk_abort(void *ctl, const char *id, uint32_t session);
void		 talk_owner_gone(void *ctl);
int		 talk_msg(void *ctl, talk_report *, uint32_t type,
		    const uint8_t *, size_t, struct talk_status *,
		    const char **why);
void		 talk_free(struct camera *);

#endif
