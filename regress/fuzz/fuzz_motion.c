/*
 * Motion detection (v720d/recorder/motion.c, jpegdc.c): any frame from a
 * camera through the DC-only reading of its entropy-coded data and
 * libjpeg's 1/8-scale decode, into the background compare.  The
 * picture stays its size; the recorder decodes whatever a fake camera
 * sends.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../v720d/recorder/motion.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct motion	m[2];
	static int		ready;
	int			i;

	if (!ready) {
		for (i = 0; i < 2; i++)
			if (motion_init(&m[i], 5) == -1)
				abort();
		m[1].m_libjpeg = 1;
		ready = 1;
	}
	/* Twice: the second frame compares with the first's background. */
	for (i = 0; i < 2; i++) {
		(void)motion_frame(&m[i], data, size, 0);
		(void)motion_frame(&m[i], data, size, 100);
		if (m[i].m_w * m[i].m_h > MOTION_MAXPIX)
			abort();
	}
	return 0;
}
