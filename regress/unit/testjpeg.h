/*
 * JPEG helpers for the RTSP media unit tests (test_rtpjpeg, test_h264):
 * the scene files, libjpeg's own decode, and test JPEGs made from a
 * scene's pixels with the encoder settings a test needs.
 */
#ifndef V720_TESTJPEG_H
#define V720_TESTJPEG_H

#include <stddef.h>
#include <stdint.h>

struct tj_pix {
	uint8_t	*rgb;
	int	 w, h;
};

struct tj_mk {
	int	 quality, h, v;		/* luma sampling */
	int	 restart;		/* MCUs */
	int	 optimize, progressive, multiscan, cmyk, gray, rgb;
};

/* regress/data/sceneK.jpg (K = 1..5), malloc'd. */
uint8_t		*tj_scene(int k, size_t *len);
/* RGB as libjpeg decodes it; asserts it decodes without a warning. */
struct tj_pix	 tj_decode(const uint8_t *jpeg, size_t len);
/* A JPEG of px made as m says, malloc'd. */
uint8_t		*tj_make(const struct tj_pix *px, const struct tj_mk *m,
		    size_t *len);
/* tj_make of sceneK's pixels. */
uint8_t		*tj_make_scene(int k, const struct tj_mk *m, size_t *len);

#endif
