/*
 * camsim: simulated A9 V720 cameras, written from the camera's side of
 * ../shared/protocol/PROTOCOL.md.  One process, N cameras, one libevent
 * base.  Shares only common/ (header codec, JSON, log) with the server.
 */
#ifndef CAMSIM_H
#define CAMSIM_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>

#include <event.h>

#include "fault.h"
#include "sha256.h"
#include "scene.h"

#define CAMSIM_UID_LEN		12
#define CAMSIM_FIRMWARE		"202212011602"
#define CAMSIM_DOMAIN		"v720.naxclow.com"
#define CAMSIM_MAX_PKTS		512	/* fragments of one frame: 500 KB */
#define CAMSIM_AUDIO_BYTES	512	/* 64 ms of 8 kHz A-law */
#define CAMSIM_AUDIO_MS		64
#define CAMSIM_TALK_GAP_MS	1000

enum camsim_mode { MODE_CAMERA, MODE_SINK, MODE_AP, MODE_WEBFLOOR };
enum die_how { DIE_EXIT, DIE_RST, DIE_SILENT };

/* --features: the optional fields of the base info (forward 4). */
#define FEAT_SPEEDGRADE		0x01
#define FEAT_MOVEGRADE		0x02
#define FEAT_LEDEI		0x04
#define FEAT_SDCARDRECO		0x08
#define FEAT_ALL		0x0f

struct camsim_opts {
	enum camsim_mode	 o_mode;
	int			 o_ncams;
	char			 o_uidpfx[CAMSIM_UID_LEN + 1];
	struct sockaddr_in	 o_addr;	/* bootstrap, tcp, sink or ap */
	struct in_addr		 o_source;	/* --source, else INADDR_ANY */
	int			 o_bootstrap;	/* o_addr is the HTTP server */
	char			 o_token[64];
	long			 o_frames;	/* per camera, 0 = unlimited */
	double			 o_duration;	/* seconds, 0 = unlimited */
	int			 o_audio;
	int			 o_audio_trailer;
	double			 o_fps;
	double			 o_heartbeat;
	const char		*o_logpath;
	const char		*o_datadir;
	struct fault		 o_fault;
	int			 o_split_tcp;
	double			 o_garbage;
	int			 o_garbage_hard;
	long			 o_die_after;	/* frames, 0 = never */
	enum die_how		 o_die_how;
	uint64_t		 o_seed;
	int			 o_tail;	/* --tail: bytes in last packet */
	uint32_t		 o_pkg_start;
	int			 o_resend_ms;
	int			 o_resend_max;
	int			 o_silence_ms;
	int			 o_backoff_ms;
	int			 o_battery;
	int			 o_features;	/* FEAT_*: optional base info */
	const char		*o_wifi_scan;	/* 211's scanWifiBase64, raw */
	long long		 o_clock_offset;	/* ms the camera's clock is ahead */
	int			 o_verbose;
	int			 o_sink_confirm;	/* sink: 1 confirm, 0 never */
	int			 o_stats;	/* per-second lines on stderr */
	int			 o_latency_ms;	/* --latency: before answers */
	int			 o_mqtt;	/* --mqtt given */
	struct sockaddr_in	 o_mqtt_addr;
	int			 o_firmware;	/* --firmware: 56... family */
	int			 o_ptz;		/* --ptz: TCP 212 is the motor */
	double			 o_info_every;	/* seconds, 0 = never again */
	struct scene_opts	 o_scene;	/* --scene and its times */
};

struct camsim_stats {
	uint64_t	st_frames;
	uint64_t	st_packets;	/* media datagrams handed to the kernel */
	uint64_t	st_bytes;
	uint64_t	st_retrans;	/* packets resent */
	uint64_t	st_confirms;	/* 605 messages received */
	uint64_t	st_confirmed;	/* pkg_ids confirmed */
	uint64_t	st_unconfirmed;	/* frames given up on */
	uint64_t	st_stalls;	/* frames sent after 2 s of silence */
	uint64_t	st_audio;
	uint64_t	st_forwards;
	uint64_t	st_registers;
	uint64_t	st_reconnects;
	uint64_t	st_sendfail;	/* EAGAIN etc. on UDP */
	uint64_t	st_garbage;
	uint64_t	st_mqtt_connects;
	uint64_t	st_mqtt_infos;
	uint64_t	st_delayed;	/* --latency: messages held */
	uint64_t	st_delay_ns;	/* ... for this long in all */
	struct fault_stats st_fault;
};

struct jpeg {
	uint8_t		*jp_data;
	size_t		 jp_len;
};

enum cam_state {
	CAM_IDLE,		/* waiting to (re)start */
	CAM_BOOT,		/* HTTP bootstrap in progress */
	CAM_CONNECT,		/* TCP connecting */
	CAM_REGISTER,		/* 100 sent, waiting for 101 */
	CAM_ONLINE,
	CAM_DEAD		/* --die-after: gone for good */
};

enum vid_state {
	VID_OFF,
	VID_SEND,		/* next frame due on the frame timer */
	VID_WAIT		/* frame sent, waiting for its 605 */
};

struct cam {
	struct camsim		*cam_sim;
	int			 cam_idx;
	char			 cam_uid[CAMSIM_UID_LEN + 1];
	struct rng		 cam_rng;
	enum cam_state		 cam_state;
	int			 cam_backoff;	/* consecutive failures */
	struct event		 cam_timer;	/* backoff, register timeout */

	/* HTTP bootstrap */
	int			 cam_hfd;
	struct event		 cam_hev;
	struct evbuffer		*cam_hbuf;
	int			 cam_hsent;

	/* TCP */
	int			 cam_fd;
	struct sockaddr_in	 cam_srv;	/* protocol TCP server */
	char			 cam_pwd[64];
	struct event		 cam_rev, cam_wev, cam_hb, cam_split;
	struct evbuffer		*cam_in, *cam_out;
	int			 cam_wpending;

	/* camera settings, echoed in answers */
	int			 cam_irled, cam_flip, cam_instled;
	int			 cam_movealert, cam_sdmove, cam_speed;
	int			 cam_movegrade, cam_sdreco, cam_pirmode;
	int			 cam_piralert, cam_pirgrade, cam_ledei;
	int			 cam_lightgrade, cam_power;
	char			 cam_wifi[64];

	/* UDP */
	int			 cam_ufd;
	struct event		 cam_uev;
	struct sockaddr_in	 cam_udst;
	struct event		 cam_nat;	/* code 20 retry */
	int			 cam_nat_tries;
	char			 cam_cli_target[64], cam_cli_token[64];
	int			 cam_udp_ready;	/* 51 sent */

	/* media */
	int			 cam_want_video, cam_want_audio;
	enum vid_state		 cam_vid;
	struct event		 cam_fev;	/* frame / resend timer */
	struct event		 cam_aev;	/* audio timer */
	uint32_t		 cam_pkg;	/* next pkg_id */
	long			 cam_nframes;	/* frames sent */
	uint8_t			*cam_frame;	/* frame + trailer */
	size_t			 cam_framelen;
	int			 cam_npkts;
	uint32_t		 cam_first;	/* pkg_id of packet 0 */
	uint8_t			 cam_hdrs[CAMSIM_MAX_PKTS][20];
	uint8_t			 cam_acked[CAMSIM_MAX_PKTS];
	int			 cam_nacked;
	int			 cam_tries;
	unsigned long long	 cam_sent_ms;	/* last frame sent */
	unsigned long long	 cam_slot_ms;	/* its nominal time (fps grid) */
	unsigned long long	 cam_605_ms;	/* last 605 received */
	uint32_t		 cam_apos;	/* audio sample position */
	int			 cam_done;	/* --frames reached */

	/* --latency: server messages not acted on yet */
	TAILQ_HEAD(, delayed)	 cam_delayq;
	int			 cam_ndelayed;
	struct event		 cam_delay;

	/* talk-back received (cmd 4 from the server) */
	struct sha256		 cam_talk_sha;	/* over every byte, in order */
	uint64_t		 cam_talk_bytes;
	uint64_t		 cam_talk_pkts;
	/* ... of this talk: a pause over CAMSIM_TALK_GAP_MS starts one */
	struct sha256		 cam_talk1_sha;
	uint64_t		 cam_talk1_bytes;
	unsigned		 cam_talk_n;
	unsigned long long	 cam_talk_ms;	/* last talk datagram */
	/* MQTT (mqtt.c) */
	struct mosquitto	*cam_mosq;
	int			 cam_mq_fd;
	int			 cam_mq_up;	/* CONNACK 0 */
	struct event		 cam_mq_rd, cam_mq_wr, cam_mq_tick, cam_mq_info;
	int			 cam_mq_events;
	int			 cam_mq_pending;	/* a connect is scheduled */
	int			 cam_mq_infos;	/* Info messages this session */
	int			 cam_sd_read;	/* second Info: card read */
	int			 cam_obj;	/* scene: object in this frame */
};

struct camsim {
	struct camsim_opts	 cs_o;
	struct camsim_stats	 cs_st;
	struct cam		*cs_cams;
	struct jpeg		*cs_jpegs;
	int			 cs_njpegs;
	size_t			 cs_maxjpeg;
	FILE			*cs_log;
	struct rng		 cs_rng;
	int			 cs_ndone;
	unsigned long long	 cs_start_ms;
};

struct wire_hdr;

/* camsim.c */
void	camsim_cam_done(struct camsim *, struct cam *);
/* Arm a timer ms milliseconds from now. */
void	camsim_timer(struct event *, long ms);
/*
 * The next whole message of a TCP input buffer: 1 (h and p, header
 * included, set; drain WIRE_HDR_LEN + h->wh_len after use), 0 (need more),
 * -1 (length above max: the stream cannot be framed).
 */
int	camsim_nextmsg(struct evbuffer *, size_t max, struct wire_hdr *,
	    uint8_t **p);
void	camsim_exit(struct camsim *, int);
/* A non-blocking TCP listener on sin (address reuse on): fd, or -1. */
int	camsim_listen(const struct sockaddr_in *sin, int backlog);

/* cam.c: bootstrap, registration, heartbeat, TCP messages, reconnects */
void	cam_init(struct camsim *, struct cam *, int idx);
void	cam_start(struct cam *, int delay_ms);
void	cam_drop(struct cam *, const char *why, int delay_ms);
int	cam_send_json(struct cam *, const char *json, size_t len);
void	cam_send_raw(struct cam *, const void *, size_t);
int	cam_socket(struct camsim *, int type);
void	cam_die(struct cam *);
void	cam_free(struct cam *);

struct json_doc;

/* fwd.c: forwards, camera state and the answers carrying it */
void	fwd_handle(struct cam *, const char *json, size_t len);
/* Content of an answer to forward code (fields of the new state). */
int	fwd_answer(struct cam *, const struct json_doc *, int content,
	    char *out, size_t outsz);
void	fwd_defaults(struct cam *);

/* media.c: UDP association, streaming, pacing, audio */
void	media_init(struct cam *);
void	media_nat(struct cam *, const char *json, size_t len);
void	media_stream(struct cam *, int video, int audio);
void	media_close(struct cam *);
void	media_garbage(struct cam *);

/* delay.c: --latency, server messages held before they are handled */
#define DELAY_TCP	1
#define DELAY_UDP	2
#define DELAY_ALL	0
void	delay_init(struct cam *);
/* 1: queued (or lost), the caller is done; 0: no latency, handle now. */
int	delay_push(struct cam *, int kind, const void *, size_t);
void	delay_clear(struct cam *, int kind);
void	cam_tcp_json(struct cam *, const char *json, size_t len);
void	media_udp_msg(struct cam *, const uint8_t *, size_t);

/* camlog.c: the --log JSON lines */
void	camlog_open(struct camsim *);
void	camlog_frame(struct cam *, long n, const uint8_t *, size_t, int npkts,
	    uint32_t first);
void	camlog_confirm(struct cam *, const uint8_t *ids, size_t nids,
	    int complete);
void	camlog_forward(struct cam *, int code, const char *content, size_t);
void	camlog_resend(struct cam *, const uint32_t *ids, int n);
void	camlog_event(struct cam *, const char *ev, const char *detail);
void	camlog_ptz(struct cam *, int motor);
void	camlog_talk(struct cam *, const struct wire_hdr *, const uint8_t *,
	    size_t len);
void	camlog_summary(struct camsim *, FILE *);
double	camlog_cpu(void);

/* mqtt.c: the MQTT side channel (PROTOCOL.md sections 9 and 10) */
void	mqtt_cam_start(struct cam *, int delay_ms);
void	mqtt_cam_stop(struct cam *);
void	mqtt_cam_free(struct cam *);

/* audio.c */
void	audio_chunk(uint32_t pos, uint8_t *out, size_t n);

/* sink.c and ap.c: the other two modes */
int	sink_main(struct camsim *);
int	webfloor_main(struct camsim *);
int	ap_main(struct camsim *);

#endif
