/*
 * Motion detection on the camera's own JPEGs: each frame is reduced to
 * its 8x8 luma block means (the DC coefficients alone, jpegdc.h; 80x60
 * grey for 640x480, what libjpeg-turbo decodes at 1/8 scale) and
 * compared with a slowly adapting background.
 * Changes over most of the picture (IR switching, exposure jumps) are
 * taken as global and reset the background instead of making an event.
 */
#ifndef V720_MOTION_H
#define V720_MOTION_H

#include <stddef.h>
#include <stdint.h>

#define MOTION_MAXPIX		(320 * 240)	/* 1/8 of 2560x1920 */
#define MOTION_QUIET_MS		3000	/* no motion this long: event over */
#define MOTION_CONFIRM		2	/* frames in a row to start one */
#define MOTION_GLOBAL_PCT	50	/* more changed: global change */
#define MOTION_HOLDOFF_MS	2000	/* after a global change */

enum motion_ev {
	MOTION_NONE = 0,
	MOTION_START,		/* an event began (at m_start_ms) */
	MOTION_END,		/* it ended (at m_end_ms) */
};

struct motion {
	int		 m_sens;		/* 1..10 */
	int		 m_w, m_h;
	uint16_t	*m_bg;			/* background, 8.8 fixed point */
	uint8_t		*m_cur;
	int		 m_have_bg;
	uint64_t	 m_holdoff_ms;		/* no events before this */
	/* event state */
	int		 m_active;
	int		 m_run;			/* frames with motion in a row */
	uint64_t	 m_run_start_ms;
	uint64_t	 m_start_ms, m_end_ms, m_last_ms;
	double		 m_score;		/* peak % of the picture changed */
	double		 m_last_pct;		/* this frame's */
	int		 m_last_global;		/* this frame was a global change */
	/* counters */
	uint64_t	 m_frames, m_bad, m_global;
	uint64_t	 m_dconly;		/* frames read by jpegdc */
	void		*m_dec;			/* libjpeg state */
	int		 m_libjpeg;		/* tests: libjpeg's decode only */
};

int		motion_init(struct motion *, int sensitivity);
void		motion_free(struct motion *);
void		motion_set_sensitivity(struct motion *, int);
/*
 * Feed one JPEG with its time.  Returns MOTION_START when an event
 * begins, MOTION_END when the open one ends (no motion for
 * MOTION_QUIET_MS), MOTION_NONE otherwise; -1 if the JPEG does not
 * decode (counted, ignored).
 */
int		motion_frame(struct motion *, const uint8_t *, size_t,
		    uint64_t ts_ms);
/* Time passes without frames: may end an open event. */
int		motion_tick(struct motion *, uint64_t now_ms);
/* Decode only: 1/8-scale grey of a JPEG into out (w, h set). */
int		motion_decode(struct motion *, const uint8_t *, size_t);
/* Width and height from a JPEG's SOF marker: 0 or -1. */
int		jpeg_size(const uint8_t *, size_t, int *w, int *h);

#endif
