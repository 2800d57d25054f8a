/*
 * The H.264 path's JPEG side (v720d/rtsp/h264enc.c): any bytes from a
 * camera, as a frame of the size the encoder is open at (32x24, the
 * seeds' size), through libjpeg-turbo's raw 4:2:0/4:2:2 planes or the
 * other samplings' row path, the range mapping and libx264.  Every NAL
 * unit handed out must lie within bounds and carry no start code.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../v720d/rtsp/h264enc.h"

static struct h264enc	*enc;
static int64_t		 pts;

static void
nal(void *arg, const uint8_t *n, size_t len, int last)
{
	volatile uint8_t	sum = 0;
	size_t			i;

	if (len == 0 || (len >= 3 && n[0] == 0 && n[1] == 0 && n[2] == 1))
		abort();
	for (i = 0; i < len; i++)
		sum += n[i];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 err[256];
	uint8_t	*copy;
	int	 w, h;

	if (enc == NULL && (enc = h264enc_open(H264ENC_DEFAULT, 32, 24, 10, 1,
	    err, sizeof(err))) == NULL)
		abort();
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	(void)jpeg_dims(copy, size, &w, &h);
	pts += 100;
	(void)h264enc_frame(enc, copy, size, pts, size % 7 == 0, nal, NULL);
	free(copy);
	return 0;
}
