/*
 * What the RTP packetizers (rtpjpeg.c, rtph264.c) hand their caller: one
 * call per packet, the payload header and the payload bytes apart so
 * that the bytes can point into the frame (no copy).  The caller puts
 * the 12-byte RTP header in front and sets the marker bit on `last`.
 */
#ifndef V720_RTPPAY_H
#define V720_RTPPAY_H

#include <stddef.h>
#include <stdint.h>

/*
 * hdr: the payload header (RFC 2435 main, restart and quantization
 * headers, or RFC 6184's FU indicator and header; hdrlen may be 0).
 * data: the bytes after it, pointing into the frame or NAL unit.
 * last: this is the final packet of the frame or access unit.
 */
typedef void rtp_emit_fn(void *arg, const uint8_t *hdr, size_t hdrlen,
    const uint8_t *data, size_t datalen, int last);

#endif
