/*
 * The engine's consumers of the camera model (model.h): v720-web's,
 * the recorder's, the RTSP and MQTT children's channels and the control
 * socket.  Each offers engine.c an observer to register and its
 * channel's set-up; none includes engine.h.
 */
#ifndef V720_ENGINE_PEER_H
#define V720_ENGINE_PEER_H

#include <sys/types.h>

#include <stdint.h>

#include "chan.h"
#include "msg.h"
#include "model.h"

/* peer.c */
int		 peer_msg(struct chanev *, struct chan_msg *, void *,
		    size_t);
int		 peer_media_out(struct chanev *, size_t max, uint32_t type,
		    const struct cam_media *, const uint8_t *, size_t);

/* webpeer.c: v720-web; its figures for the engine's stats line */
struct webpeer_stats {
	uint64_t		ws_frames_out;
	size_t			ws_queued;	/* bytes on the channel */
	/*
	 * us from a frame's last datagram, by the kernel's and our clock,
	 * since the last call
	 */
	unsigned		ws_kernel_p50, ws_kernel_p99;
	unsigned		ws_user_p50, ws_user_p99;
};
void		 webpeer_new(struct chan_msg *);
void		 webpeer_free(void);
void		 webpeer_stats(struct webpeer_stats *);
extern const struct cam_observer webpeer_observer;

/* recpeer.c: the recorder */
int		 recpeer_up(void);
void		 recpeer_new(struct chan_msg *);
void		 recpeer_free(void);
int		 recpeer_ctl(uint32_t type, uint32_t client, const char *id);
/* answers to recpeer_ctl's requests, for the client that asked */
typedef void	(*recpeer_reply_fn)(uint32_t client, uint32_t type,
		    const void *, size_t);
void		 recpeer_replies(recpeer_reply_fn);
extern const struct cam_observer recpeer_observer;

/* rtsppeer.c: the rtsp child */
void		 rtsppeer_new(struct chan_msg *);
void		 rtsppeer_url_start(void);
void		 rtsppeer_url_add(const struct cfg_listen *);
void		 rtsppeer_url_commit(void);
size_t		 rtsppeer_urls(const struct cfg_listen **);
void		 rtsppeer_free(void);
void		 rtsppeer_camera(struct camera *);
void		 rtsppeer_gone(const struct ctl_id *);
extern const struct cam_observer rtsppeer_observer;

/* control.c; parent: the channel to pass requests for the parent on */
void		 control_init(struct chanev *parent);
void		 control_client_reply(uint32_t client, uint32_t type,
		    const void *, size_t);
void		 control_listener_accept(int, short, void *);
void		 control_parent_reply(uint32_t type, uint32_t peerid,
		    const void *, size_t);
void		 control_frame(struct camera *, const uint8_t *, size_t);
void		 control_tick(uint64_t now_ms);
void		 control_free_all(void);
void		 control_talk_status(void *ctl, const struct talk_status *);
extern const struct cam_observer control_observer;

/* mqttpeer.c: the MQTT child */
void		 mqttpeer_init(struct chan_msg *);
void		 mqttpeer_free(void);
void		 mqttpeer_send(uint32_t type, const void *, size_t);
extern const struct cam_observer mqttpeer_observer;
extern const struct cam_relay	 mqttpeer_relay;

#endif
