/*
 * Channels between sibling children (engine<->web, engine<->mqtt,
 * engine<->recorder, web<->recorder, engine<->rtsp ...).
 *
 * The parent is trusted: a child that gets something malformed from it
 * calls fatalx.  A sibling is not: the recorder decodes any fake
 * camera's JPEGs and the MQTT child parses whatever the broker sends, so
 * either may be compromised.  A child that gets a malformed or unexpected
 * message from a sibling therefore closes that channel (its closed
 * callback runs as on EOF), logs it naming the sibling and what was
 * wrong, and tells the parent (IMSG_PROC_ACCUSE), which kills and
 * restarts the sender alone; the receiver keeps its cameras and viewers.
 *
 * Use, in every child that has siblings (the engine, v720-web, the
 * MQTT child, the recorder and the rtsp child do; a new child gets all
 * of this by following the same three steps):
 *
 *  1. Once, after the parent channel is up:
 *	sibling_init(&parent_ce);
 *  2. On IMSG_CFG_PEER (after checking cp_proc is a peer it expects),
 *     instead of chanev_init:
 *	if (sibling_open(&ce, m, IMSG_X_I_SEND, my_dispatch, my_closed,
 *	    arg) == -1)
 *		fatal("...");
 *     IMSG_X_I_SEND is a type this child sends on that channel: with
 *     V720D_TEST_HOOKS=1, SIGVTALRM makes the child send it malformed to
 *     every sibling, as a compromised one would (common/testhook.h).
 *  3. In my_dispatch, for anything malformed or unexpected:
 *	sibling_bad(ce, m, "bad REC_MOTION of %zu bytes", m->len);
 *	return;
 *     and nothing after it may touch the channel or m: it is closed.
 *
 * A broken frame (oversized, bad flags, a stray descriptor) is reported
 * the same way without any code in the child.
 */
#ifndef V720_SIBLING_H
#define V720_SIBLING_H

#include "chan.h"

void	sibling_init(struct chanev *parent);
/* chanev_init for the fd of an IMSG_CFG_PEER m: 0, or -1 (errno). */
int	sibling_open(struct chanev *, const struct chan_msg *m, uint32_t sends,
	    chanev_dispatch_cb, chanev_closed_cb, void *arg);
void	sibling_bad(struct chanev *, const struct chan_msg *m,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * A camera's frame or audio chunk (IMSG_CAM_FRAME, IMSG_CAM_AUDIO) as
 * the engine sends it to each consumer: struct cam_media, then 1 to
 * V720_FRAME_MAX bytes (*lenp of them at m->data + sizeof(*cm)), for a
 * camera named by a terminated, non-empty id.  0 with *cm filled in;
 * otherwise the sender is accused (sibling_bad) and -1.
 */
struct cam_media;
int	sibling_cam_media(struct chanev *, const struct chan_msg *m,
	    struct cam_media *cm, size_t *lenp);
/*
 * A camera's state (IMSG_CAM_STATE) from the engine: exactly struct
 * cam_info, its strings (and as many Wi-Fi scan names as it counts, at
 * most their array) terminated, a non-empty id.  0 with *ci filled in;
 * otherwise the sender is accused and -1.
 */
struct cam_info;
int	sibling_cam_info(struct chanev *, const struct chan_msg *m,
	    struct cam_info *ci);
/*
 * A camera the engine forgot (IMSG_CAM_GONE, IMSG_RTSP_GONE, named what
 * in the log): exactly struct ctl_id, its id terminated.  0 with *cid
 * filled in; otherwise the sender is accused and -1.
 */
struct ctl_id;
int	sibling_cam_gone(struct chanev *, const struct chan_msg *m,
	    const char *what, struct ctl_id *cid);
/* The test hook: a malformed message on every open sibling channel. */
void	sibling_send_garbage(void);

#endif
