/*
 * The engine's limits and tunables: sizes that bound memory and
 * descriptors, and the timings of the camera protocol's steps.  Only
 * constants, so that any file of the engine may use them without
 * depending on the files that use them.  (Not "limits.h": with -I.
 * it would hide the system's.)
 */
#ifndef V720_ENGINE_TUNABLES_H
#define V720_ENGINE_TUNABLES_H

#define ENGINE_MAX_CAMERAS	4096	/* known + connected cameras */
#define ENGINE_MAX_PENDING	256	/* TCP connections not registered yet */
#define ENGINE_MAX_PENDING_HOST	32	/* ... from one address */
/* Descriptors kept from camera connections: bootstrap (64), control
 * clients (32), listeners, channels and libevent's own. */
#define ENGINE_FD_RESERVE	128
#define ENGINE_TICK_MS		100	/* stream timer: 605s, steps */
#define ENGINE_SLICE_MS		10	/* ... run in slices of the cameras */
#define ENGINE_SLICES		(ENGINE_TICK_MS / ENGINE_SLICE_MS)
#define CAM_SILENCE_S		30	/* no byte for this long: offline */
#define CAM_FORGET_S		600	/* unconfigured and offline: forgotten */
#define CAM_OFFLINE_KEEP	64	/* ... at most this many kept meanwhile */
#define CAM_REGISTER_S		30	/* time to send code 100 */
#define CAM_HEARTBEAT_MS	5000	/* PROTOCOL.md 4, until measured */
#define CAM_ALIVE_BEATS		3	/* heartbeat gaps: still alive */
#define CAM_OUTQ_MAX		(64 * 1024)	/* unsent TCP bytes */
#define STREAM_STEP_MS		3000	/* wait for 12/51, base info */
#define STREAM_RETRIES		3	/* per step */
#define STREAM_PROBES		3	/* code 50s sent */
#define STREAM_PROBE_MS		150	/* wait for a probe's 51 */
#define STREAM_WATCHDOG_MS	5000	/* no frame while wanted: restart */
#define STREAM_FIRST_MS		10000	/* ... before the first frame */
#define STREAM_NUDGE_MS		500	/* empty 605 before the first frame */
#define STREAM_BACKOFF_MS	10000	/* after a failed setup */
#define SNAPSHOT_WAIT_MS	10000
#define SNAPSHOT_KEEP_MS	1000	/* copy a frame this often */
#define MQTT_IMAGE_MS		10000	/* a frame to the mqtt child */
/*
 * At most one write per this many ms to a consumer that needs no
 * millisecond latency (chanev_linger): a frame's timestamps travel with
 * its notice, so only its arrival is late.  v720-web's MJPEG viewers
 * get every frame at once.
 */
#define REC_LINGER_MS		20	/* recordings, motion: no viewer */
#define RTSP_LINGER_MS		10	/* an NVR buffers far more */

#endif
