/*
 * The camera engine: the unprivileged child that speaks to cameras
 * (bootstrap HTTP, camera TCP and UDP, the data channel state machine)
 * and serves the control socket.  This is the top of its files: the
 * process (engine.c, and sandbox.c its seccomp list), which sets up
 * the camera model (model.h) and registers its consumers (peer.h) with
 * it.  Nothing below includes this; the arrows run one way:
 *   engine.c -> peer.h (webpeer, control, recpeer, rtsppeer, mqttpeer)
 *            -> model.h (camera, camconn, stream, udp, talk, ...)
 *            -> camtcp.h, media.h, bootproto.h, alaw.h, tunables.h
 * and beside them diag.h, the table of camera sources the model notes
 * its steps in (it includes nothing of theirs).
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
#include "peer.h"

void	engine_main(int debug, int verbose, const char *user,
	    const char *chroot);
void	engine_init(int parentfd);	/* engine_main without the process */
void	engine_sandbox(void);		/* sandbox.c: the seccomp filter */

struct engine {
	struct chanev		 e_parent;
	struct listener_list	 e_listeners;
	struct event		 e_tick;
	unsigned		 e_ticks;
};

/*
 * The process's own state, and engine.c's only: the files below get
 * what they need of it as arguments (control_init, diag_init).  A
 * global because libevent's callbacks here (signals, the timer, the
 * channels) have no other way to it, and the unit tests look in it.
 */
extern struct engine	*env;

#endif
