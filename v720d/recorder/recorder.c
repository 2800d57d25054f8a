/*
 * v720-recorder (`v720d: recorder`): started by the parent with its
 * channel on fd 3, chrooted into the recordings directory, unprivileged
 * and under its own seccomp allow-list.  The engine sends it the frames
 * of the cameras that record; v720-web and the engine ask it for lists,
 * files and playback.  Only this process links libavformat.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "chan.h"
#include "log.h"
#include "msg.h"
#include "hist.h"
#include "proc.h"
#include "sandbox.h"
#include "sibling.h"
#include "testhook.h"
#include "mux.h"
#include "recorder.h"

#define TICK_MS		500
#define SPACE_EVERY	4	/* ticks between free-space checks */
#define RETAIN_EVERY	20	/* ticks between retention runs */

struct recorder	*rec;

/* The recorder's allow-list: files in its chroot, its channels. */
static const int rec_calls[] = {
	SANDBOX_CALL(read), SANDBOX_CALL(write), SANDBOX_CALL(readv),
	SANDBOX_CALL(writev), SANDBOX_CALL(openat), SANDBOX_CALL(lseek),
	SANDBOX_CALL(fstat), SANDBOX_CALL(newfstatat), SANDBOX_CALL(statx),
	SANDBOX_CALL(statfs), SANDBOX_CALL(fstatfs), SANDBOX_CALL(getdents64),
	SANDBOX_CALL(mkdir), SANDBOX_CALL(mkdirat), SANDBOX_CALL(unlink),
	SANDBOX_CALL(unlinkat), SANDBOX_CALL(rename), SANDBOX_CALL(renameat),
	SANDBOX_CALL(rmdir), SANDBOX_CALL(fsync), SANDBOX_CALL(fdatasync),
	SANDBOX_CALL(fcntl), SANDBOX_CALL(sendmsg), SANDBOX_CALL(recvmsg),
	SANDBOX_CALL(epoll_wait), SANDBOX_CALL(epoll_pwait),
	SANDBOX_CALL(epoll_ctl), SANDBOX_CALL(poll), SANDBOX_CALL(ppoll),
	SANDBOX_CALL(rt_sigaction), SANDBOX_CALL(futex),
	SANDBOX_CALL(sched_yield), SANDBOX_CALL(getuid),
	SANDBOX_CALL(sysinfo),
};

static void	rec_dispatch_parent(struct chanev *, struct chan_msg *, void *);
static void	rec_dispatch_engine(struct chanev *, struct chan_msg *, void *);
static void	rec_dispatch_web(struct chanev *, struct chan_msg *, void *);
static void	rec_parent_closed(struct chanev *, void *);
static void	rec_peer_closed(struct chanev *, void *);
static __attribute__((noreturn)) void rec_shutdown(void);

/* Config being received, between IMSG_CFG_START and IMSG_CFG_END. */
static struct {
	int			 active;
	struct cfg_record	 cfg;
	struct cfg_camera	*cams;
	size_t			 ncams;
} pend;

int64_t
rec_wall_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The engine's CLOCK_MONOTONIC receive time as wall-clock time. */
static int64_t
mono_to_wall(uint64_t mono_ns)
{
	struct timespec	rt, mt;
	int64_t		off;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	off = ((int64_t)rt.tv_sec - mt.tv_sec) * 1000000 +
	    (rt.tv_nsec - mt.tv_nsec) / 1000;
	return (int64_t)(mono_ns / 1000) + off;
}

void
rec_tell_engine(struct rcam *rc, int motion)
{
	struct rec_motion	rm;

	rc->rc_told = motion;
	if (!rec->r_engine_up)
		return;
	memset(&rm, 0, sizeof(rm));
	strlcpy(rm.rm_id, rc->rc_id, sizeof(rm.rm_id));
	rm.rm_motion = motion;
	rm.rm_recording = rc->rc_mode != REC_OFF;
	chanev_compose(&rec->r_engine, IMSG_REC_MOTION, 0, -1, &rm,
	    sizeof(rm));
}

/* A new engine: what it should know of motion and recording. */
static void
rec_resend_motion(void)
{
	struct rcam	*rc;

	RB_FOREACH(rc, rcamtree, &rec->r_cams)
		if (rc->rc_mode != REC_OFF || rc->rc_told)
			rec_tell_engine(rc, rc->rc_event != NULL);
}

static void
rec_log_stats(void)
{
	struct rcam	*rc;
	uint64_t	 mframes = 0, mns = 0;

	RB_FOREACH(rc, rcamtree, &rec->r_cams) {
		if (rc->rc_motion_ok) {
			mframes += rc->rc_motion.m_frames;
			mns += rc->rc_motion_ns;
		}
	}
	log_info("stats: cameras %zu, frames %llu, written %llu MB, total "
	    "%llu MB, deleted %llu, motion %llu frames %llu us avg p50 %u us "
	    "p99 %u us, frame to event p50 %u ms p99 %u ms, %s",
	    rec->r_ncams, (unsigned long long)rec->r_frames,
	    (unsigned long long)(rec->r_bytes_written >> 20),
	    (unsigned long long)(rec->r_total_bytes >> 20),
	    (unsigned long long)rec->r_deleted, (unsigned long long)mframes,
	    (unsigned long long)(mframes ? mns / mframes / 1000 : 0),
	    hist_percentile(rec->r_mot_us, REC_HIST, 50), hist_percentile(rec->r_mot_us, REC_HIST, 99),
	    hist_percentile(rec->r_ev_ms, REC_HIST, 50), hist_percentile(rec->r_ev_ms, REC_HIST, 99),
	    rec->r_paused ? "paused" : "recording");
}

static void
rec_tick(int fd, short ev, void *arg)
{
	static unsigned	n;

	record_tick(rec_wall_us());
	if (n % SPACE_EVERY == 0)
		store_check_space();
	if (n % RETAIN_EVERY == 0)
		store_retention();
	n++;
}

static void
rec_sig(int sig, short ev, void *arg)
{
	if (sig == SIGUSR1)
		rec_log_stats();
	else
		rec_shutdown();
}

/* The new config: cameras that no longer record stop now. */
static void
rec_cfg_end(void)
{
	struct rcam	*rc;
	size_t		 i;
	int		 first = !rec->r_configured;

	rec->r_cfg = pend.cfg;
	if (rec->r_cfg.cr_segment_s == 0)
		rec->r_cfg.cr_segment_s = 300;
	RB_FOREACH(rc, rcamtree, &rec->r_cams) {
		rc->rc_mode = REC_OFF;
		rc->rc_sens = 0;
	}
	for (i = 0; i < pend.ncams; i++) {
		if (pend.cams[i].cc_record == REC_OFF ||
		    (rc = rcam_get(pend.cams[i].cc_id)) == NULL)
			continue;
		rc->rc_mode = pend.cams[i].cc_record;
		rc->rc_sens = pend.cams[i].cc_motion;
		if (rc->rc_motion_ok)
			motion_set_sensitivity(&rc->rc_motion, rc->rc_sens);
	}
	RB_FOREACH(rc, rcamtree, &rec->r_cams)
		if (rc->rc_mode == REC_OFF || rc->rc_sens == 0)
			if (rc->rc_mux != NULL || rc->rc_event != NULL)
				record_stop(rc);
	free(pend.cams);
	pend.cams = NULL;
	pend.ncams = 0;
	pend.active = 0;
	rec->r_configured = 1;
	if (first)
		store_retention();
	log_debug("configuration applied: segments %u s, keep %llu s, max "
	    "%llu bytes", rec->r_cfg.cr_segment_s,
	    (unsigned long long)rec->r_cfg.cr_keep_s,
	    (unsigned long long)rec->r_cfg.cr_max_bytes);
}

static void
rec_dispatch_parent(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct cfg_camera	*cc;
	unsigned int		 peer;

	switch (m->hdr.ch_type) {
	case IMSG_CFG_START:
		free(pend.cams);
		memset(&pend, 0, sizeof(pend));
		pend.cfg.cr_segment_s = 300;
		pend.active = 1;
		break;
	case IMSG_REC_CFG:
		if (!pend.active || m->len != sizeof(pend.cfg))
			fatalx("%s: bad REC_CFG", __func__);
		memcpy(&pend.cfg, m->data, sizeof(pend.cfg));
		if (pend.cfg.cr_segment_s < 1 ||
		    pend.cfg.cr_segment_s > 86400)
			fatalx("%s: bad segment length", __func__);
		break;
	case IMSG_CFG_CAMERA:
		if (!pend.active || m->len != sizeof(*cc))
			fatalx("%s: bad CFG_CAMERA", __func__);
		if (pend.ncams >= REC_MAX_CAMERAS)
			break;
		if ((cc = reallocarray(pend.cams, pend.ncams + 1,
		    sizeof(*cc))) == NULL)
			fatal("%s", __func__);
		pend.cams = cc;
		cc = &pend.cams[pend.ncams];
		memcpy(cc, m->data, sizeof(*cc));
		if (chan_strfield(cc->cc_id, sizeof(cc->cc_id)) ||
		    cc->cc_record > REC_MOTION || cc->cc_motion > 10)
			fatalx("%s: bad CFG_CAMERA fields", __func__);
		pend.ncams++;
		break;
	case IMSG_CFG_END:
		proc_child_cfg_end(ce, pend.active, rec_cfg_end);
		break;
	case IMSG_CFG_PEER:
		if ((peer = proc_child_peer(m)) == PROC_ENGINE) {
			if (rec->r_engine_up) {
				play_peer_gone(&rec->r_engine);
				chanev_clear(&rec->r_engine);
			}
			if (sibling_open(&rec->r_engine, m, IMSG_REC_MOTION,
			    rec_dispatch_engine, rec_peer_closed, NULL) == -1)
				fatal("engine channel");
			/* It passes one kind of descriptor: frame rings. */
			fringtab_clear(&rec->r_rings);
			rec->r_engine_up = 1;
			rec_resend_motion();
		} else if (peer == PROC_WEB) {
			if (rec->r_web_up) {
				play_peer_gone(&rec->r_web);
				chanev_clear(&rec->r_web);
			}
			if (sibling_open(&rec->r_web, m, IMSG_REC_FILE,
			    rec_dispatch_web, rec_peer_closed, NULL) == -1)
				fatal("web channel");
			rec->r_web.c.nofds = 1;
			rec->r_web_up = 1;
		} else
			fatalx("%s: peer channel to process %u", __func__,
			    peer);
		return;
	case IMSG_CFG_LISTEN:
	case IMSG_CFG_WEBUSER:
	case IMSG_CFG_TLS_CERT:
	case IMSG_CFG_TLS_KEY:
	case IMSG_PROC_STATS:
		/* Not ours. */
		break;
	default:
		if (!proc_child_common(ce, m))
			fatalx("%s: unexpected message %u", __func__,
			    m->hdr.ch_type);
	}
	if (m->fd != -1)
		close(m->fd);
}

static void
rec_dispatch_engine(struct chanev *ce, struct chan_msg *m, void *arg)
{
	/* A frame copied out of the ring: the ring slot is not ours. */
	static uint8_t		 frame[V720_FRAME_MAX];
	struct cam_media	 cm;
	struct cam_fslot	 fs;
	struct fring		*fr;
	struct rcam		*rc;
	const char		*why;
	size_t			 n;

	switch (fringtab_dispatch(&rec->r_rings, m, &why)) {
	case -1:
		sibling_bad(ce, m, "%s", why);
		return;
	case 1:
		return;
	}
	switch (m->hdr.ch_type) {
	case IMSG_CAM_FSLOT:
		if ((fr = fringtab_notice(&rec->r_rings, m, &fs, &why)) ==
		    NULL) {
			sibling_bad(ce, m, "%s", why);
			return;
		}
		/* Only configured cameras record; the engine may lag. */
		if ((rc = rcam_find(fs.fs_media.cm_id)) == NULL ||
		    rc->rc_mode == REC_OFF)
			break;
		/*
		 * Decoded and written from this copy; what the recorder
		 * keeps (the pre-roll) it copies again (record.c), since
		 * this buffer is the next frame's.
		 */
		if (fringtab_copy(&rec->r_rings, fr, &fs, frame) == 0)
			record_frame(rc, frame, fs.fs_len,
			    mono_to_wall(fs.fs_media.cm_ts_ns));
		break;
	case IMSG_CAM_AUDIO:
		if (sibling_cam_media(ce, m, &cm, &n) == -1)
			return;
		/* Only configured cameras record; the engine may lag. */
		if ((rc = rcam_find(cm.cm_id)) == NULL || rc->rc_mode == REC_OFF)
			break;
		if (cm.cm_codec == 4)	/* WIRE_CMD_ALAW */
			record_audio(rc, m->data + sizeof(cm), n,
			    mono_to_wall(cm.cm_ts_ns));
		break;
	case IMSG_REC_LIST:
	case IMSG_REC_EVENTS:
		if ((why = play_request(ce, m)) != NULL) {
			sibling_bad(ce, m, "%s", why);
			return;
		}
		break;
	default:
		sibling_bad(ce, m, "a type it does not send");
		return;
	}
}

static void
rec_dispatch_web(struct chanev *ce, struct chan_msg *m, void *arg)
{
	const char	*why;

	switch (m->hdr.ch_type) {
	case IMSG_REC_LIST:
	case IMSG_REC_EVENTS:
	case IMSG_REC_OPEN:
	case IMSG_REC_PLAY:
	case IMSG_REC_PLAY_MORE:
	case IMSG_REC_PLAY_STOP:
		if ((why = play_request(ce, m)) != NULL) {
			sibling_bad(ce, m, "%s", why);
			return;
		}
		break;
	default:
		sibling_bad(ce, m, "a type it does not send");
		return;
	}
}

static void
rec_peer_closed(struct chanev *ce, void *arg)
{
	play_peer_gone(ce);
	chanev_clear(ce);
	if (ce == &rec->r_engine) {
		log_debug("engine channel closed");
		rec->r_engine_up = 0;
		fringtab_clear(&rec->r_rings);
	} else {
		log_debug("web channel closed");
		rec->r_web_up = 0;
	}
}

static void
rec_parent_closed(struct chanev *ce, void *arg)
{
	rec_shutdown();
}

static __attribute__((noreturn)) void
rec_shutdown(void)
{
	rec_log_stats();
	play_free_all();
	store_free_all();	/* closes open segments properly */
	free(pend.cams);
	if (rec->r_engine_up)
		chanev_clear(&rec->r_engine);
	if (rec->r_web_up)
		chanev_clear(&rec->r_web);
	chanev_clear(&rec->r_parent);
	free(rec);
	exit(0);
}

int
main(int argc, char *argv[])
{
	struct timeval		 tv = { 0, TICK_MS * 1000 };
	struct tm		 tm;
	time_t			 now;
	struct proc_child_opts	 co;

	proc_child_init(argc, argv, "recorder", 1, &co);
	proc_title("-v720d: recorder");
	/* The time zone, and libav's tables, before the chroot hides them. */
	tzset();
	now = time(NULL);
	localtime_r(&now, &tm);
	mux_quiet();
	if ((rec = calloc(1, sizeof(*rec))) == NULL)
		fatal("calloc");
	RB_INIT(&rec->r_cams);
	fringtab_init(&rec->r_rings);
	/* Without root there is no chroot: work inside the directory. */
	if (geteuid() != 0 && chdir(co.root) == -1)
		fatal("chdir %s", co.root);
	proc_privdrop(co.user, co.root);

	event_init();
	proc_child_signals(rec_sig, 1);
	proc_child_channel(&rec->r_parent, PROC_PARENT_FD, rec_dispatch_parent,
	    rec_parent_closed);
	store_scan();
	testhook_init(&rec->r_parent, IMSG_CTL_VERBOSE);
	sandbox_enter("recorder", rec_calls, sizeof(rec_calls) /
	    sizeof(rec_calls[0]));
	event_set(&rec->r_tick, -1, EV_PERSIST, rec_tick, NULL);
	event_add(&rec->r_tick, &tv);
	log_debug("started");
	event_dispatch();
	rec_shutdown();
}
