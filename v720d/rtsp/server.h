/*
 * The RTSP server inside the rtsp child: listeners, connections, sessions,
 * RTP/RTCP output.  The child's main (rtsp.c) feeds it configuration,
 * listener sockets, camera states, frames and audio through these calls
 * and nothing else; the server calls back only rtsp_demand().  It never
 * includes the engine's headers.
 */
#ifndef V720_RTSP_SERVER_H
#define V720_RTSP_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct event_base;

#define RTSP_USER_NAME_MAX	64
#define RTSP_USER_HASH_MAX	128
#define RTSP_ENCODER_MAX	64

/* A `web user`: with any configured, RTSP asks for Basic credentials. */
struct rtsp_user {
	char		ru_name[RTSP_USER_NAME_MAX];
	char		ru_hash[RTSP_USER_HASH_MAX];	/* crypt(3) */
};

struct rtsp_conf {
	const struct rtsp_user	*rc_users;	/* copied by server_configure */
	size_t			 rc_nusers;	/* 0: no authentication */
	unsigned		 rc_conn_per_addr;	/* 0: default (16) */
	char			 rc_encoder[RTSP_ENCODER_MAX];	/* checked by the parent */
	unsigned		 rc_session_timeout;	/* seconds, 0: default (60) */
};

enum rtsp_cam_state {
	RTSP_CAM_OFFLINE,
	RTSP_CAM_ONLINE,
	RTSP_CAM_STREAMING,
	RTSP_CAM_STANDBY,
};

void	server_init(struct event_base *);
void	server_configure(const struct rtsp_conf *);	/* on each reload */
/* udpfd: video RTP, video RTCP, audio RTP, audio RTCP (ports P..P+3). */
void	server_listener(int tcpfd, const int udpfd[4]);
void	server_listeners_clear(void);	/* before a reload's set */
void	server_camera(const char *uid, const char *name, int state);
void	server_camera_gone(const char *uid);
/* rx_us: CLOCK_MONOTONIC microseconds when the engine completed it. */
void	server_frame(const char *uid, const uint8_t *jpeg, size_t len,
	    uint64_t rx_us);
void	server_audio(const char *uid, const uint8_t *alaw, size_t len,
	    uint64_t rx_us);
void	server_shutdown(void);

/*
 * Implemented by the child's main: the number of PLAYing sessions on that
 * camera, sent to the engine, which starts the stream and counts them as
 * viewers (for `idle timeout`).
 */
void	rtsp_demand(const char *uid, unsigned viewers);

#endif
