/*
 * The camera engine: the unprivileged child that speaks to cameras
 * (bootstrap HTTP, camera TCP and UDP, the data channel state machine)
 * and serves the control socket.  The process (engine.c) and the
 * consumers of the camera model (model.h) it wires up: the control
 * socket and the channels to the other children.  The model's files do
 * not include this.
 */
#ifndef V720_ENGINE_H
#define V720_ENGINE_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <stdint.h>

#include <event.h>

#include "chan.h"
#include "msg.h"
#include "camtcp.h"
#include "tunables.h"
#include "listener.h"
#include "model.h"
#include "bootstrap.h"

void	engine_main(int debug, int verbose, const char *user,
	    const char *chroot);
void	engine_init(int parentfd);	/* engine_main without the process */
void	engine_sandbox(void);		/* sandbox.c: the seccomp filter */

struct engine {
	struct chanev		 e_parent;
	struct chanev		 e_web;
	int			 e_web_up;
	struct chanev		 e_mqtt;
	int			 e_mqtt_up;
	struct listener_list	 e_listeners;
	struct event		 e_tick;
	unsigned		 e_ticks;
	uint64_t		 e_frames_out;	/* to v720-web (bench, debug) */
};

extern struct engine	*env;

/* engine.c */
void		 engine_send_web(uint32_t, const void *, size_t);
int		 engine_media_out(struct chanev *, size_t max, uint32_t type,
		    const struct cam_media *, const uint8_t *, size_t);
int		 engine_sibling_msg(struct chanev *, struct chan_msg *, void *,
		    size_t);

/* recpeer.c: the recorder */
int		 recpeer_up(void);
void		 recpeer_new(struct chan_msg *);
void		 recpeer_free(void);
void		 recpeer_media(struct camera *, uint32_t type,
		    const struct cam_media *, const uint8_t *, size_t);
int		 recpeer_ctl(uint32_t type, uint32_t client, const char *id);
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
void		 rtsppeer_media(struct camera *, uint32_t type,
		    const struct cam_media *, const uint8_t *, size_t);
extern const struct cam_observer rtsppeer_observer;

/* control.c */
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

/* mqttpeer.c */
void		 mqttpeer_init(struct chan_msg *);
void		 mqttpeer_free(void);
void		 mqttpeer_send(uint32_t type, const void *, size_t);
extern const struct cam_observer mqttpeer_observer;
extern const struct cam_relay	 mqttpeer_relay;

#endif
