/*
 * v720-recorder: the unprivileged child that keeps recordings.  Its
 * chroot is the recordings directory; every path here is relative to
 * it: <id>/<YYYY-MM-DD>/<HH-MM-SS>.mkv, the day's index, thumbnails.
 * Shared by recorder.c (process, channels), store.c (what is on disk,
 * retention), record.c (segments, motion, pre-roll) and play.c
 * (lists, files and playback for v720-web and v720ctl).
 */
#ifndef V720_RECORDER_H
#define V720_RECORDER_H

#include <sys/queue.h>
#include <sys/tree.h>

#include <stdint.h>

#include <event.h>

#include "chan.h"
#include "fringtab.h"
#include "msg.h"
#include "motion.h"
#include "recindex.h"

#define REC_MAX_CAMERAS		4096
#define REC_MAX_EVENTS		20000	/* kept per camera */
#define REC_PREROLL_MS		3000	/* kept in memory for record motion */
#define REC_PREROLL_BYTES	(4 * 1024 * 1024)	/* ... per camera */
#define REC_POSTROLL_MS		3000	/* recorded after an event */
#define REC_IDLE_CLOSE_MS	10000	/* no frame this long: close segment */
#define REC_AUDIO_RECENT_MS	5000	/* audio seen: segment has a track */
#define REC_FREE_FLOOR_PCT	5	/* below: recording pauses */
#define REC_FREE_RESUME_PCT	6
#define REC_MAX_PLAYS		16
#define REC_HIST		5001	/* histogram buckets, the last is "more" */
#define REC_QUEUE_MAX		(8 * 1024 * 1024)	/* to web, engine */

struct rseg {
	TAILQ_ENTRY(rseg)	 s_entry;	/* camera's, oldest first */
	char			 s_day[12];
	struct idx_seg		 s;
	int			 s_open;
};
TAILQ_HEAD(rsegs, rseg);

struct revt {
	TAILQ_ENTRY(revt)	 e_entry;	/* oldest first */
	char			 e_day[12];
	struct idx_event	 e;
};
TAILQ_HEAD(revts, revt);

struct pframe {
	int64_t		 pf_us;
	size_t		 pf_len;
	int		 pf_audio;
	uint8_t		 pf_data[];
};

struct mux;

struct rcam {
	RB_ENTRY(rcam)		 rc_entry;
	char			 rc_id[V720_ID_MAX];
	uint8_t			 rc_mode;	/* enum rec_mode */
	int			 rc_sens;	/* 0: motion off */
	struct rsegs		 rc_segs;
	struct revts		 rc_events;
	size_t			 rc_nevents;
	/* writing */
	struct mux		*rc_mux;
	struct rseg		*rc_cur;
	int64_t			 rc_last_us;	/* last frame, wall clock */
	int64_t			 rc_audio_us;	/* last audio chunk */
	int64_t			 rc_until_us;	/* record motion: post-roll */
	/* motion */
	struct motion		 rc_motion;
	int			 rc_motion_ok;	/* initialised */
	struct revt		*rc_event;	/* going on */
	/* pre-roll: frames and audio of the last seconds */
	struct pframe		**rc_pre;
	size_t			 rc_npre, rc_precap, rc_prebytes;
	int			 rc_told;	/* motion state sent to engine */
	/* counters */
	uint64_t		 rc_frames, rc_written, rc_errors;
	uint64_t		 rc_motion_ns;	/* total motion time */
};
RB_HEAD(rcamtree, rcam);
RB_PROTOTYPE(rcamtree, rcam, rc_entry, rcam_cmp);

struct recorder {
	struct chanev		 r_parent;
	struct chanev		 r_engine, r_web;
	int			 r_engine_up, r_web_up;
	struct fringtab		 r_rings;	/* the engine's, mapped */
	struct cfg_record	 r_cfg;
	int			 r_configured;
	struct rcamtree		 r_cams;
	size_t			 r_ncams;
	uint64_t		 r_total_bytes;
	int			 r_paused;	/* free space below the floor */
	struct event		 r_tick;
	/* counters */
	uint64_t		 r_frames, r_bytes_written, r_deleted;
	/* for the stats line: motion cost per frame (us), frame to event (ms) */
	uint32_t		 r_mot_us[REC_HIST];
	uint32_t		 r_ev_ms[REC_HIST];
};

extern struct recorder	*rec;

/* store.c */
struct rcam	*rcam_find(const char *);
struct rcam	*rcam_get(const char *);	/* find or create */
void		 store_scan(void);
void		 store_add_seg(struct rcam *, struct rseg *);
void		 store_seg_closed(struct rcam *, struct rseg *);
void		 store_add_event(struct rcam *, struct revt *);
void		 store_event_changed(struct rcam *, struct revt *);
void		 store_retention(void);
void		 store_check_space(void);
void		 store_free_all(void);
int		 store_day_of(int64_t us, char *day, size_t, char *hms, size_t);
int		 store_valid_id(const char *);

/* record.c */
void		 record_frame(struct rcam *, const uint8_t *, size_t,
		    int64_t us);
void		 record_audio(struct rcam *, const uint8_t *, size_t,
		    int64_t us);
void		 record_tick(int64_t now_us);
void		 record_stop(struct rcam *);	/* close segment, end event */
void		 record_pause_all(void);
void		 record_cam_free(struct rcam *);

/* play.c */
const char	*play_request(struct chanev *, struct chan_msg *);
void		 play_peer_gone(struct chanev *);
void		 play_free_all(void);

/* recorder.c */
void		 rec_tell_engine(struct rcam *, int motion);
int64_t		 rec_wall_us(void);

#endif
