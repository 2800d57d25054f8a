/* RTP/H.264 (RFC 6184) packetization-mode 1: single NAL units and FU-A. */
#include <stdio.h>
#include <string.h>

#include <libavutil/base64.h>

#include "rtph264.h"

size_t
rtph264_packetize(const uint8_t *nal, size_t len, size_t maxpayload,
    int last_in_au, rtp_emit_fn *emit, void *arg)
{
	uint8_t		 fu[2];
	const uint8_t	*p;
	size_t		 left, chunk, count = 0;

	if (len == 0 || maxpayload < 3)
		return 0;
	if (len <= maxpayload) {
		/* No header; never NULL, for callers that memcpy it. */
		emit(arg, nal, 0, nal, len, last_in_au);
		return 1;
	}
	/*
	 * FU-A: the indicator keeps F and NRI with type 28, the header has
	 * S on the first and E on the last fragment and the NAL type; the
	 * NAL header byte itself is not sent (RFC 6184 5.8).
	 */
	fu[0] = (nal[0] & 0xe0) | RTPH264_FU_A;
	p = nal + 1;
	left = len - 1;
	while (left > 0) {
		chunk = left < maxpayload - 2 ? left : maxpayload - 2;
		fu[1] = (nal[0] & 0x1f) | (p == nal + 1 ? 0x80 : 0) |
		    (chunk == left ? 0x40 : 0);
		emit(arg, fu, 2, p, chunk, last_in_au && chunk == left);
		p += chunk;
		left -= chunk;
		count++;
	}
	return count;
}

int
rtph264_fmtp(const uint8_t *sps, size_t spslen, const uint8_t *pps,
    size_t ppslen, char *buf, size_t bufsz)
{
	char	 s[AV_BASE64_SIZE(RTPH264_MAXPARAM)];
	char	 p[AV_BASE64_SIZE(RTPH264_MAXPARAM)];
	int	 n;

	/* profile_idc, constraint flags, level_idc follow the NAL header. */
	if (spslen < 4 || (sps[0] & 0x1f) != 7 || spslen > RTPH264_MAXPARAM ||
	    ppslen < 1 || (pps[0] & 0x1f) != 8 || ppslen > RTPH264_MAXPARAM)
		return -1;
	if (av_base64_encode(s, sizeof(s), sps, spslen) == NULL ||
	    av_base64_encode(p, sizeof(p), pps, ppslen) == NULL)
		return -1;
	n = snprintf(buf, bufsz, "packetization-mode=1;"
	    "profile-level-id=%02X%02X%02X;sprop-parameter-sets=%s,%s",
	    sps[1], sps[2], sps[3], s, p);
	if (n < 0 || (size_t)n >= bufsz)
		return -1;
	return 0;
}
