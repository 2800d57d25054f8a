/*
 * The one list of message types between v720d's processes and v720ctl,
 * and their flat wire structs.  Strings are fixed-size and must be
 * NUL-terminated (check with chan_strfield()).  A malformed message from
 * the parent is a bug and fatal; from a sibling it closes that channel and
 * the parent restarts the sender (common/sibling.h); from v720ctl it drops
 * the client.
 */
#ifndef V720_MSG_H
#define V720_MSG_H

#include <stdint.h>

#define V720_ID_MAX		32	/* camera uid, NUL included */
#define V720_NAME_MAX		64
#define V720_ADDR_MAX		64	/* "ip:port" or an address */
#define V720_USER_MAX		32
#define V720_HASH_MAX		128
#define V720_PATH_MAX		108	/* sun_path */
#define V720_FRAME_MAX		(256 * 1024)	/* largest JPEG frame accepted */
#define V720_ERR_MAX		256
#define V720_HOST_MAX		256	/* a web server name, NUL included */

enum msg_type {
	IMSG_NONE = 0,

	/* Config push, parent -> child: START, the rest, END; child DONE. */
	IMSG_CFG_START = 100,	/* struct cfg_global */
	IMSG_CFG_LISTEN,	/* struct cfg_listen + fd */
	IMSG_CFG_CAMERA,	/* struct cfg_camera */
	IMSG_CFG_WEBUSER,	/* struct cfg_webuser */
	IMSG_CFG_TLS_CERT,	/* PEM bytes (web only) */
	IMSG_CFG_TLS_KEY,	/* PEM bytes (web only) */
	IMSG_CFG_END,
	IMSG_CFG_DONE,		/* child -> parent, after END */
	IMSG_CFG_PEER,		/* parent -> child: struct cfg_peer + fd */
	IMSG_PROC_STATS,	/* parent -> web: struct proc_stats */

	/* Web settings, parent -> web between IMSG_CFG_START and END. */
	IMSG_CFG_WEB_NAME = 150,	/* struct cfg_webname */
	IMSG_CFG_WEB_LIMITS,	/* struct cfg_weblimits */

	/*
	 * Parent <-> every child: liveness.  A child answers each PING with
	 * a PONG of the same peerid as soon as it reads it; one that does
	 * not within a few seconds is killed and restarted.
	 */
	IMSG_PROC_PING = 190,	/* parent -> child, no payload */
	IMSG_PROC_PONG,		/* child -> parent, no payload */
	/*
	 * Child -> parent: a sibling sent it something malformed or
	 * unexpected (common/sibling.h); the parent restarts that sibling.
	 * IMSG_CFG_PEER's ch_peerid is the generation of the process at
	 * the other end, which the accusation repeats: one about a process
	 * already replaced is ignored.
	 */
	IMSG_PROC_ACCUSE,	/* struct proc_accuse */

	/* Control: v720ctl <-> engine, and engine <-> parent for reload/log. */
	IMSG_CTL_SHOW_CAMERAS = 200,	/* no payload */
	IMSG_CTL_SHOW_CAMERA,	/* struct ctl_id */
	IMSG_CTL_CAMERA,	/* reply: struct cam_info */
	IMSG_CTL_STREAM,	/* struct ctl_req (value 1 start, 0 stop) */
	IMSG_CTL_SNAPSHOT,	/* struct ctl_id */
	IMSG_CTL_FRAME,		/* reply: JPEG bytes */
	IMSG_CTL_SET,		/* struct ctl_set */
	IMSG_CTL_REBOOT,	/* struct ctl_id */
	IMSG_CTL_RELOAD,	/* no payload */
	IMSG_CTL_VERBOSE,	/* int32_t level */
	IMSG_CTL_OK,		/* reply, no payload */
	IMSG_CTL_FAIL,		/* reply: NUL-terminated message */
	IMSG_CTL_END,		/* end of a list reply */

	/* Diagnostics (v720ctl doctor, GET /api/diagnostics). */
	IMSG_CTL_DIAG = 260,	/* v720ctl -> engine, no payload */
	IMSG_CTL_DIAG_LISTENER,	/* reply: struct diag_listener */
	IMSG_CTL_DIAG_SOURCE,	/* reply: struct diag_source */
	IMSG_CTL_DIAG_SERVER,	/* reply, first: struct diag_server */

	/* Camera engine -> web. */
	IMSG_CAM_STATE = 300,	/* struct cam_info */
	IMSG_CAM_FRAME,		/* struct cam_media + JPEG bytes */
	IMSG_CAM_AUDIO,		/* struct cam_media + audio bytes */
	/*
	 * The frame ring (common/framering.h): engine -> a consumer
	 * (v720-web, recorder, rtsp).  RING carries the camera's ring fd,
	 * once per ring and channel, before the first FSLOT of that
	 * camera; FSLOT says a frame is in the ring; RINGGONE says the
	 * camera was forgotten and its ring freed.
	 */
	IMSG_CAM_RING,		/* struct ctl_id + memfd */
	IMSG_CAM_FSLOT,		/* struct cam_fslot */
	IMSG_CAM_RINGGONE,	/* struct ctl_id */
	IMSG_CAM_DIAG = 360,	/* struct diag_head, its listeners, sources */

	/* Camera engine -> web: table upkeep. */
	IMSG_CAM_GONE = 390,	/* struct ctl_id: forgotten, list it no more */

	/* Web -> camera engine. */
	IMSG_WEB_VIEWERS = 400,	/* struct ctl_req: value = viewers now */
	IMSG_WEB_STREAM,	/* struct ctl_req: value 1 start, 0 stop */
	IMSG_WEB_SET,		/* struct ctl_set */
	IMSG_WEB_REBOOT,	/* struct ctl_id */
	IMSG_WEB_FORWARD,	/* struct web_forward */
	IMSG_WEB_LISTENERS = 460,	/* struct diag_listener[]: web's own */

	/*
	 * Talk-back (v720d/engine/talk.c): v720-web or a v720ctl client ->
	 * engine, and the engine's answers.  The talker keeps at most
	 * TALK_WINDOW PCM bytes unconsumed (sent minus ts_consumed).
	 */
	IMSG_TALK_START = 500,	/* struct talk_req */
	IMSG_TALK_DATA,		/* struct talk_req + 16-bit LE PCM, 8 kHz mono */
	IMSG_TALK_END,		/* struct talk_req: play the rest, then DONE */
	IMSG_TALK_ABORT,	/* struct talk_req: stop now, no answer */
	IMSG_TALK_STATUS,	/* engine -> talker: struct talk_status */

	/* Stream mode (v720d/engine/mode.c): web -> engine. */
	IMSG_WEB_AUDIO = 520,	/* struct ctl_req: audio listeners now (also
				 * counted in IMSG_WEB_VIEWERS) */

	/* PTZ (v720d/engine/ptz.c): struct ptz_req; ctl gets OK or FAIL. */
	IMSG_WEB_PTZ = 540,
	IMSG_CTL_PTZ,

	/* MQTT child (v720d/mqtt/) with the parent and the engine. */
	IMSG_CFG_MQTT = 600,	/* parent -> mqtt: struct cfg_mqtt */
	IMSG_MQTT_CAMINFO,	/* mqtt -> engine: struct mqtt_caminfo */
	IMSG_MQTT_SET,		/* mqtt -> engine: struct ctl_set */
	IMSG_MQTT_REBOOT,	/* mqtt -> engine: struct ctl_id */
	IMSG_MQTT_STREAM,	/* mqtt -> engine: struct ctl_req (1 start, 0 stop) */
	IMSG_MQTT_CAMSEND,	/* engine -> mqtt: struct mqtt_camsend */
	/* engine -> mqtt also: IMSG_CAM_STATE, IMSG_CAM_FRAME (a snapshot) */

	/*
	 * The recorder (v720d/recorder/).  The parent sends its config
	 * part between CFG_START and CFG_END, and (IMSG_CFG_PEER) one end
	 * of the engine<->recorder and web<->recorder pairs.  The engine sends it
	 * IMSG_CAM_FSLOT (common/framering.h) and IMSG_CAM_AUDIO of the
	 * cameras that record.
	 * Requests carry a request id in ch_peerid; replies repeat it.
	 */
	IMSG_REC_CFG = 700,	/* parent -> recorder: struct cfg_record */
	IMSG_REC_MOTION,	/* recorder -> engine: struct rec_motion */
	IMSG_REC_LIST,		/* -> recorder: struct rec_req (recordings) */
	IMSG_REC_FILE,		/* reply: struct rec_file */
	IMSG_REC_EVENTS,	/* -> recorder: struct rec_req */
	IMSG_REC_EVENT,		/* reply: struct rec_event */
	IMSG_REC_OPEN,		/* web -> recorder: struct rec_req (rr_file) */
	IMSG_REC_FD,		/* reply: struct rec_file + read-only fd */
	IMSG_REC_PLAY,		/* web -> recorder: struct rec_req (rr_from_ms) */
	IMSG_REC_PLAY_MORE,	/* web -> recorder: the next frames, no payload */
	IMSG_REC_PLAY_STOP,	/* web -> recorder: no payload */
	IMSG_REC_PFRAME,	/* reply: struct cam_media (wall clock) + JPEG */
	IMSG_REC_END,		/* reply: end of a list or a playback */
	IMSG_REC_FAIL,		/* reply: NUL-terminated reason */

	/*
	 * The rtsp child (v720d/rtsp/).  The parent sends it its config
	 * part between CFG_START and CFG_END (with IMSG_CFG_WEBUSER for
	 * authentication and IMSG_CFG_LISTEN: LISTEN_RTSP and the four
	 * LISTEN_RTSP_UDP of each `rtsp listen`), and one end of the
	 * engine<->rtsp pair.  The engine sends it camera states, and
	 * IMSG_CAM_FSLOT and IMSG_CAM_AUDIO of the cameras with RTSP
	 * demand only; the rtsp child tells the engine that demand.
	 */
	IMSG_RTSP_CFG = 800,	/* parent -> rtsp: struct cfg_rtsp */
	IMSG_RTSP_CAMERA,	/* engine -> rtsp: struct rtsp_cam */
	IMSG_RTSP_GONE,		/* engine -> rtsp: struct ctl_id */
	IMSG_RTSP_DEMAND,	/* rtsp -> engine: struct ctl_req, PLAYing
				 * sessions on that camera now */
	IMSG_CFG_RTSP_URL,	/* parent -> web and engine, between START
				 * and END: struct cfg_listen of each `rtsp
				 * listen`, for the URLs users are shown */
	IMSG_CTL_RTSP_URL,	/* engine -> v720ctl before IMSG_CTL_CAMERA
				 * of show camera: struct cfg_listen, the
				 * host filled in for a wildcard when known */
};

enum rec_mode {
	REC_OFF = 0,
	REC_ALWAYS,
	REC_MOTION,
};

/*
 * The parent's children (v720d/children.c), in IMSG_CFG_PEER and
 * struct proc_stats; their names in logs also in common/sibling.c.
 */
enum proc_id {
	PROC_ENGINE = 0,
	PROC_WEB,
	PROC_MQTT,
	PROC_RECORDER,
	PROC_RTSP,
	PROC_MAX
};

/* Listener kinds in IMSG_CFG_LISTEN. */
enum listen_kind {
	LISTEN_CAMERA_TCP = 1,
	LISTEN_CAMERA_UDP,
	LISTEN_BOOTSTRAP,
	LISTEN_CONTROL,
	LISTEN_WEB,
	LISTEN_RTSP,		/* TCP, port P of `rtsp listen` */
	LISTEN_RTSP_UDP,	/* UDP P, P+1, P+2, P+3: video RTP, video
				 * RTCP, audio RTP, audio RTCP */
};

struct cfg_global {
	char		cg_user[V720_USER_MAX];
	char		cg_server_addr[V720_ADDR_MAX];	/* "" = local address */
	char		cg_control_path[V720_PATH_MAX];
	uint16_t	cg_camera_port;		/* tcpPort told to cameras */
	uint8_t		cg_unknown_accept;	/* 1 accept, 0 reject */
	uint8_t		cg_pad;
	int32_t		cg_verbose;
	uint32_t	cg_idle_timeout;	/* default for unlisted cameras */
	uint32_t	cg_cam_per_addr;	/* registered cameras per address */
};

struct cfg_listen {
	uint8_t		cl_kind;		/* enum listen_kind */
	uint8_t		cl_tls;
	uint16_t	cl_port;		/* LISTEN_CONTROL: generation */
	char		cl_addr[V720_ADDR_MAX];
};

struct cfg_camera {
	char		cc_id[V720_ID_MAX];
	char		cc_name[V720_NAME_MAX];
	uint8_t		cc_stream_always;
	uint8_t		cc_record;		/* enum rec_mode */
	uint8_t		cc_motion;		/* sensitivity 1..10, 0 off */
	uint8_t		cc_pad;
	uint32_t	cc_idle_timeout;	/* seconds */
};

struct cfg_record {
	uint64_t	cr_keep_s;		/* 0: no age limit */
	uint64_t	cr_max_bytes;		/* 0: no size limit */
	uint32_t	cr_segment_s;
	uint32_t	cr_pad;
};

/* `rtsp h264 encoder` (not checked: the rtsp child does) and limits. */
struct cfg_rtsp {
	char		rt_encoder[V720_NAME_MAX];
	uint32_t	rt_conn_per_addr;	/* connections per source address */
	uint32_t	rt_pad;
};

/* A camera as the rtsp child sees it. */
struct rtsp_cam {
	char		rk_id[V720_ID_MAX];
	char		rk_name[V720_NAME_MAX];
	uint8_t		rk_state;		/* enum cam_state */
	uint8_t		rk_pad[7];
};

struct cfg_webuser {
	char		cw_name[V720_USER_MAX];
	char		cw_hash[V720_HASH_MAX];
};

/* The other end of a peer channel: which process it is. */
struct cfg_peer {
	uint8_t		cp_proc;		/* enum proc_id */
	uint8_t		cp_pad[3];
};

struct proc_accuse {
	uint8_t		pa_proc;		/* enum proc_id: the sender */
	uint8_t		pa_pad[3];
	uint32_t	pa_gen;			/* its IMSG_CFG_PEER peerid */
	uint32_t	pa_type;		/* what it sent; 0: bad framing */
	uint32_t	pa_pad2;
	char		pa_why[128];
};

struct proc_stat {
	char		pr_name[16];		/* "" = no such child here */
	int64_t		pr_start;		/* Unix seconds, 0 = not up */
	uint32_t	pr_restarts;
	uint32_t	pr_pad;
};

/* `web server name`: lowercase, no trailing dot, no port. */
struct cfg_webname {
	char		wn_name[V720_HOST_MAX];
};

struct cfg_weblimits {
	uint32_t	wl_conn_per_addr;	/* connections per source address */
	uint32_t	wl_compat_cmds;		/* 1: `web compatibility commands on` */
};

struct proc_stats {
	int64_t		ps_parent_start;	/* Unix seconds */
	struct proc_stat ps_proc[PROC_MAX];	/* by enum proc_id */
};

enum cam_state {
	CAM_OFFLINE = 0,
	CAM_ONLINE,
	CAM_CONNECTING,
	CAM_STREAMING,
	CAM_STANDBY,		/* known only over MQTT: no video channel */
};

/* Settings values; CAM_SETTING_UNKNOWN until the camera told us. */
#define CAM_SETTING_UNKNOWN	255

struct cam_info {
	char		ci_id[V720_ID_MAX];
	char		ci_name[V720_NAME_MAX];
	char		ci_address[V720_ADDR_MAX];	/* TCP peer "ip:port" */
	char		ci_firmware[32];
	char		ci_wifi[V720_NAME_MAX];
	uint8_t		ci_state;		/* enum cam_state */
	uint8_t		ci_stream_always;
	uint8_t		ci_ir_led;		/* IrLed 0 off, 1 on, 2 auto */
	uint8_t		ci_flip;		/* mirrorFlip 0, 2, 3, 4 */
	uint8_t		ci_status_led;		/* instLed 0/1 */
	uint8_t		ci_motion_alert;	/* moveAlert 0/1 */
	int16_t		ci_battery;		/* percent, -1 unknown */
	uint32_t	ci_viewers;
	uint32_t	ci_fps_milli;		/* frames/s x 1000, last seconds */
	int64_t		ci_last_seen;		/* Unix seconds, 0 never */
	uint64_t	ci_frames;
	uint64_t	ci_bytes;
	uint64_t	ci_dropped;		/* frames dropped, all reasons */
	/* Why frames were dropped, and packet counters (debug route). */
	uint64_t	ci_drop_incomplete;	/* fragments missing at timeout */
	uint64_t	ci_drop_size;		/* size trailer mismatch */
	uint64_t	ci_drop_jpeg;		/* no FF D8 ... FF D9 */
	uint64_t	ci_drop_toobig;		/* over V720_FRAME_MAX */
	uint64_t	ci_drop_backlog;	/* web not reading */
	uint64_t	ci_packets;
	uint64_t	ci_packets_dup;
	uint64_t	ci_packets_late;	/* for a frame already done */
	uint64_t	ci_confirms;		/* 605 messages sent */
	uint64_t	ci_audio_chunks;
	uint64_t	ci_stream_restarts;	/* watchdog restarts */
	uint64_t	ci_strangers;		/* handshake answers refused */
	int32_t		ci_sd_total_mb;		/* MQTT Info SD_blockDisk, -1 unknown */
	int32_t		ci_sd_free_mb;		/* SD_freeDisk, -1 unknown */
	uint8_t		ci_motion;		/* 1 while motion (recorder) */
	uint8_t		ci_mqtt;		/* seen on the cameras' broker */
	uint8_t		ci_clock_known;		/* a code 55 came */
	uint8_t		ci_recording;		/* the recorder records it */
	uint32_t	ci_rtsp_viewers;	/* of ci_viewers: RTSP sessions */
	int64_t		ci_clock_offset_ms;	/* camera clock - ours */
	uint64_t	ci_drop_rec;		/* frames the recorder missed */
	uint32_t	ci_features;		/* CAMF_* (caminfo.h) seen */
	uint8_t		ci_xset[6];		/* caminfo_settings slots */
	uint8_t		ci_wifi_scanned;	/* a 211 answer came */
	uint8_t		ci_nwifi_scan;		/* networks in ci_wifi_scan */
	uint32_t	ci_drop_rtsp;		/* frames the rtsp child missed */
	char		ci_wifi_scan[16][33];	/* WIFISCAN_MAX, _SSID_MAX */
};

struct cam_media {
	char		cm_id[V720_ID_MAX];
	uint64_t	cm_seq;			/* frame or chunk number */
	uint64_t	cm_ts_ns;		/* CLOCK_MONOTONIC, last packet */
	uint8_t		cm_codec;		/* WIRE_CMD_ALAW/PCM/JPEG */
	uint8_t		cm_pad[7];
};

struct ctl_id {
	char		id[V720_ID_MAX];
};

/* A frame in the camera's ring: slot and bytes, checked by the reader. */
struct cam_fslot {
	struct cam_media fs_media;	/* cm_seq is the ring's sequence */
	uint32_t	fs_slot;
	uint32_t	fs_len;
};

struct ctl_req {
	char		id[V720_ID_MAX];
	int32_t		value;
};

/* PTZ moves: the motorState of forward 212, and stop. */
enum ptz_move {
	PTZ_CALIBRATE = 0,
	PTZ_RIGHT,
	PTZ_LEFT,
	PTZ_UP,
	PTZ_DOWN,
	PTZ_STOP,
};
#define PTZ_HOLD_WEB_MS		2000	/* a move from v720-web, refreshed */
#define PTZ_HOLD_CTL_MS		1000	/* a move from v720ctl */
#define PTZ_HOLD_MAX_MS		5000

struct ptz_req {
	char		id[V720_ID_MAX];
	int32_t		move;		/* enum ptz_move */
	uint32_t	hold_ms;
};

/* Setting names and values as in the web API: "ir_led" "on|off|auto",
 * "flip" "normal|horizontal|vertical|upside-down", "status_led" "on|off",
 * "motion_alert" "on|off". */
struct ctl_set {
	char		id[V720_ID_MAX];
	char		key[24];
	char		value[16];
};

#define REC_FILE_MAX	24	/* "HH-MM-SS.mkv", "ev-<ms>.jpg" */
/*
 * Frames the recorder sends for one IMSG_REC_PLAY or IMSG_REC_PLAY_MORE,
 * at most (fewer before IMSG_REC_END): what v720-web counts as owed.
 */
#define REC_PLAY_BATCH	16

struct rec_req {
	char		rr_id[V720_ID_MAX];
	char		rr_day[12];		/* YYYY-MM-DD, for rr_file */
	char		rr_file[REC_FILE_MAX];	/* a segment or thumbnail */
	int64_t		rr_from_ms;
};

struct rec_file {
	char		rf_id[V720_ID_MAX];
	char		rf_day[12];
	char		rf_file[REC_FILE_MAX];
	int64_t		rf_start_ms, rf_end_ms;
	uint64_t	rf_frames, rf_bytes;
	uint8_t		rf_open;		/* being written */
	uint8_t		rf_pad[7];
};

struct rec_event {
	char		re_id[V720_ID_MAX];
	char		re_day[12];
	char		re_thumb[REC_FILE_MAX];
	int64_t		re_start_ms, re_end_ms;	/* end 0: going on */
	uint32_t	re_score;		/* % of the picture x 100 */
	uint32_t	re_pad;
};

struct rec_motion {
	char		rm_id[V720_ID_MAX];
	uint8_t		rm_motion;
	uint8_t		rm_recording;
	uint8_t		rm_pad[6];
};

/* A forward command built by the web compatibility route: a JSON object
 * (the forward's content, with "code") that the engine re-checks. */
struct web_forward {
	char		wf_id[V720_ID_MAX];
	char		wf_json[512];
};

/* Talk-back. */
#define TALK_WINDOW		16000	/* PCM bytes in flight: 1 s */
#define TALK_CHUNK_MAX		4096	/* PCM bytes in one IMSG_TALK_DATA */

struct talk_req {
	char		tr_id[V720_ID_MAX];
	uint32_t	tr_session;	/* chosen by the talker */
	uint32_t	tr_pad;
};

enum talk_event {
	TALK_EV_STARTED = 1,	/* accepted: send data */
	TALK_EV_CREDIT,		/* ts_consumed moved on */
	TALK_EV_DONE,		/* everything played; ts_samples sent */
	TALK_EV_FAIL,		/* ts_code (HTTP-like) and ts_msg say why */
};

struct talk_status {
	char		ts_id[V720_ID_MAX];
	uint32_t	ts_session;
	uint8_t		ts_event;	/* enum talk_event */
	uint8_t		ts_pad[3];
	int32_t		ts_code;	/* FAIL: 404, 409, 503, 504, 408 */
	uint32_t	ts_pad2;
	uint64_t	ts_consumed;	/* PCM bytes taken, ever */
	uint64_t	ts_samples;	/* samples sent to the camera, ever */
	char		ts_msg[128];
};

/*
 * Diagnostics: how far each recent camera source got (v720d/engine/diag.c)
 * and the listeners, for v720ctl doctor and GET /api/diagnostics.
 */
#define DIAG_SOURCES_MAX	64	/* sources remembered, by address */
#define DIAG_LISTENERS_MAX	128
#define DIAG_WEB_LISTENERS_MAX	64

enum diag_stage {
	DIAG_BOOTSTRAP = 1,	/* HTTP bootstrap request seen */
	DIAG_TCP,		/* camera TCP connection */
	DIAG_REGISTERED,	/* code 100 accepted */
	DIAG_UDP,		/* UDP from it during a stream request */
	DIAG_STREAMING,		/* a complete frame */
	DIAG_REFUSED,		/* see the reason */
};

enum diag_reason {
	DIAG_R_NONE = 0,
	DIAG_R_DEVINFO,		/* bootstrap: getDevInfo, no getA9ConfCheck */
	DIAG_R_NOREG,		/* tcp: no registration in time */
	DIAG_R_NOUDP,		/* registered: no UDP after the request */
	DIAG_R_UNKNOWN,		/* refused: unknown camera rejected */
	DIAG_R_TOKEN,		/* refused: wrong token */
	DIAG_R_LIMIT,		/* refused: per-address connection limit */
	DIAG_R_FULL,		/* refused: camera table full */
	DIAG_R_PPPP,		/* refused: a PPPP datagram (UDP 32100 family) */
	DIAG_R_PROTOCOL,	/* refused: not the camera protocol on TCP */
	DIAG_R_BADBOOT,		/* refused: malformed bootstrap request */
	DIAG_R_NOFD,		/* refused: no descriptors left for cameras */
	DIAG_R_BUSY,		/* refused: too many connections waiting */
	DIAG_R_TAKEN,		/* refused: the camera is alive elsewhere */
	DIAG_R_MAX
};

enum diag_lstate {
	DIAG_L_LISTENING = 1,
	DIAG_L_PAUSED,		/* accept paused: out of descriptors */
	DIAG_L_DOWN,		/* its process is restarting */
};

struct diag_listener {
	uint8_t		dl_kind;		/* enum listen_kind */
	uint8_t		dl_tls;
	uint16_t	dl_port;
	uint8_t		dl_state;		/* enum diag_lstate */
	uint8_t		dl_pad[3];
	char		dl_addr[V720_PATH_MAX];	/* address, or socket path */
};

struct diag_source {
	char		ds_addr[V720_ADDR_MAX];	/* host, no port */
	char		ds_uid[V720_ID_MAX];	/* "" until it named one */
	char		ds_hint[V720_ERR_MAX];	/* what to check next */
	int64_t		ds_seen;		/* Unix seconds, last event */
	uint8_t		ds_stage;		/* enum diag_stage */
	uint8_t		ds_reason;		/* enum diag_reason */
	uint8_t		ds_pad[6];
};

struct diag_server {
	char		dv_server_addr[V720_ADDR_MAX];	/* "" = local address */
	uint16_t	dv_camera_port;
	uint8_t		dv_pad[6];
};

struct diag_head {
	uint32_t	dh_nlisteners;		/* struct diag_listener follow */
	uint32_t	dh_nsources;		/* then struct diag_source */
};

/*
 * MQTT: broker addresses are numeric (the parent resolved the names
 * before the child's chroot).  cm_cam_host "" means the cameras use the
 * same broker as Home Assistant.
 */
#define V720_MQTT_STR		128

struct cfg_mqtt {
	char		cm_host[V720_ADDR_MAX];
	char		cm_user[V720_NAME_MAX];
	char		cm_password[V720_MQTT_STR];
	char		cm_cam_host[V720_ADDR_MAX];
	char		cm_cam_user[V720_NAME_MAX];
	char		cm_cam_password[V720_MQTT_STR];
	char		cm_discovery[V720_NAME_MAX];	/* "homeassistant" */
	char		cm_prefix[V720_NAME_MAX];	/* "v720d" */
	uint16_t	cm_port;
	uint16_t	cm_cam_port;
	uint8_t		cm_tls;
	uint8_t		cm_pad[3];
};

/* What a camera's Status and Info said; fields -1 (or "") when absent. */
struct mqtt_caminfo {
	char		mi_id[V720_ID_MAX];
	char		mi_firmware[32];
	char		mi_wifi[V720_NAME_MAX];
	int32_t		mi_online;		/* Status: 1, 0, -1 not told */
	int32_t		mi_battery;		/* devPower percent */
	int32_t		mi_sd_total_mb;		/* SD_blockDisk */
	int32_t		mi_sd_free_mb;		/* SD_freeDisk */
	int32_t		mi_ir_led;		/* IrLed 0/1/2 */
	int32_t		mi_status_led;		/* instLed 0/1 */
	int32_t		mi_flip;		/* mirrorFlip 0/2/3/4 */
	int32_t		mi_motion_alert;	/* moveAlert 0/1 */
	uint32_t	mi_features;		/* CAMF_* fields present */
	int32_t		mi_xset[6];		/* caminfo_settings slots */
};

/* A forward content for a camera without TCP, for its sub/<uid> topic. */
struct mqtt_camsend {
	char		ms_id[V720_ID_MAX];
	char		ms_json[512];
};

#endif
