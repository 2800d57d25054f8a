/*
 * Scene mode (--scene): camsim draws and encodes its own frames
 * (libjpeg) of a static scene, with a moving object at chosen times
 * (--motion-at T1,T2,... --motion-for S) and an IR-style switch of the
 * whole picture (--ir-at T: grey and much brighter from then on), so
 * the motion tests know exactly when motion happened.  Times are
 * seconds since camsim started.
 */
#ifndef CAMSIM_SCENE_H
#define CAMSIM_SCENE_H

#include <stddef.h>
#include <stdint.h>

#define SCENE_W		640
#define SCENE_H		480
#define SCENE_MAX_TIMES	16
#define SCENE_OBJ	96	/* object size, pixels */

struct scene_opts {
	int	sc_on;
	double	sc_motion_at[SCENE_MAX_TIMES];
	int	sc_nmotion;
	double	sc_motion_for;
	double	sc_ir_at[SCENE_MAX_TIMES];
	int	sc_nir;
};

/* Whether the object is in the picture at t, and where (0..1). */
int	scene_object(const struct scene_opts *, double t, double *pos);
int	scene_ir(const struct scene_opts *, double t);
/* Draw the frame of time t (RGB, SCENE_W x SCENE_H). */
void	scene_draw(const struct scene_opts *, double t, uint8_t *rgb);
/* Encode RGB as a baseline JPEG: malloc'd bytes, or NULL. */
uint8_t	*scene_jpeg(const uint8_t *rgb, int w, int h, int quality,
	    size_t *len);
/* Parse "10,30.5": 0 or -1. */
int	scene_times(const char *, double *, int *n);

#endif
