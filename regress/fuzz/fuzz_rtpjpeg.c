/*
 * RTP/JPEG (v720d/rtsp/rtpjpeg.c): any bytes from a camera through the
 * strict parse, the lossless transcode and the packetizer.  Packets
 * must stay within maxpayload, carry the whole scan in order and set
 * the marker on the last one only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../v720d/rtsp/rtpjpeg.h"

struct chk {
	size_t	 maxpayload, off, n;
	int	 ended;
	const struct rtpjpeg *rj;
};

static void
emit(void *arg, const uint8_t *hdr, size_t hdrlen, const uint8_t *data,
    size_t datalen, int last)
{
	struct chk	*c = arg;

	if (c->ended || hdrlen + datalen > c->maxpayload || datalen == 0 ||
	    hdrlen < 8 || data != c->rj->rj_scan + c->off ||
	    (size_t)(hdr[1] << 16 | hdr[2] << 8 | hdr[3]) != c->off)
		abort();
	c->off += datalen;
	c->n++;
	c->ended = last;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtpjpeg	 rj;
	struct chk	 c;
	const char	*why = NULL;
	uint8_t		*copy;
	size_t		 mp[] = { RTPJPEG_MAXHDR + 1, 1400 }, n, i;

	/* An exact-size copy, so that a read past the end is caught. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (rtpjpeg_prepare(&rj, copy, size, &why) == -1) {
		if (why == NULL)
			abort();
	} else {
		for (i = 0; i < 2; i++) {
			memset(&c, 0, sizeof(c));
			c.maxpayload = mp[i];
			c.rj = &rj;
			n = rtpjpeg_packetize(&rj, mp[i], emit, &c);
			if (n != c.n || !c.ended || c.off != rj.rj_scanlen)
				abort();
		}
	}
	rtpjpeg_clear(&rj);
	free(copy);
	return 0;
}
