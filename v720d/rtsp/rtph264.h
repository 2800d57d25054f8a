/*
 * RTP payload format for H.264 (RFC 6184), packetization-mode 1: a NAL
 * unit that fits goes as a single NAL unit packet, a larger one as FU-A
 * fragments.  No aggregation: SPS and PPS are small and go as single
 * packets before each IDR.
 */
#ifndef V720_RTPH264_H
#define V720_RTPH264_H

#include <stddef.h>
#include <stdint.h>

#include "rtppay.h"

#define RTPH264_FU_A		28
#define RTPH264_MAXPARAM	256	/* longest SPS or PPS in the fmtp */
#define RTPH264_FMTPLEN		1024	/* enough for those */

/*
 * One NAL unit (no start code) into packets of at most maxpayload
 * bytes; last is set on the final packet when last_in_au.  Returns the
 * packet count; 0 for an empty NAL or maxpayload < 3.
 */
size_t	 rtph264_packetize(const uint8_t *nal, size_t len, size_t maxpayload,
	    int last_in_au, rtp_emit_fn *emit, void *arg);
/*
 * The SDP's a=fmtp parameters:
 * "packetization-mode=1;profile-level-id=XXXXXX;sprop-parameter-sets=A,B".
 * 0, or -1 if the SPS is too short or buf too small.
 */
int	 rtph264_fmtp(const uint8_t *sps, size_t spslen, const uint8_t *pps,
	    size_t ppslen, char *buf, size_t bufsz);

#endif
