/*
 * RTP payload format for JPEG (RFC 2435).  RFC 2435 carries only
 * baseline, 8-bit, 3-component JPEG with 4:2:2 (type 0) or 4:2:0 (type 1)
 * sampling and the standard Huffman tables (JPEG Annex K); the receiver
 * rebuilds the headers from the type, the size in 8-pixel units, the
 * restart interval and the quantization tables.  We send the camera's
 * own tables in-band (Q = 255), so a client decodes exactly the camera's
 * pixels.  A frame whose Huffman tables are not the standard ones (or
 * whose components come in more than one scan) has its entropy coding
 * re-encoded losslessly by libjpeg-turbo (coefficients in, the same
 * coefficients out): never re-quantized.
 *
 * Every frame is parsed strictly and bounded: the camera may be a fake.
 */
#ifndef V720_RTPJPEG_H
#define V720_RTPJPEG_H

#include <stddef.h>
#include <stdint.h>

#include "rtppay.h"

#define RTPJPEG_MAXDIM		2040	/* 255 * 8: the header's limit */
#define RTPJPEG_MAXSCAN		0xffffff /* 24-bit fragment offset */
#define RTPJPEG_TYPE_422	0
#define RTPJPEG_TYPE_420	1
#define RTPJPEG_TYPE_DRI	64	/* added: restart markers follow */
#define RTPJPEG_Q		255	/* tables in-band, in every frame */
/* Main header 8, restart header 4, quantization header 4 + 128. */
#define RTPJPEG_MAXHDR		(8 + 4 + 4 + 128)

struct rtpjpeg {
	uint8_t		 rj_type;	/* 0 = 4:2:2, 1 = 4:2:0, +64 with DRI */
	uint8_t		 rj_width;	/* pixels / 8, rounded up */
	uint8_t		 rj_height;
	uint16_t	 rj_dri;	/* restart interval (MCUs) or 0 */
	uint8_t		 rj_qt[128];	/* luma then chroma table, zigzag */
	uint16_t	 rj_qtlen;	/* 128 */
	const uint8_t	*rj_scan;	/* entropy-coded data, without EOI */
	size_t		 rj_scanlen;
	uint8_t		*rj_owned;	/* the transcoded JPEG, or NULL */
	size_t		 rj_ownedlen;
	int		 rj_transcoded;	/* Huffman coding was re-encoded */
};

/*
 * Parse jpeg (and transcode it if needed) into rj: 0, or -1 with *why
 * saying why the frame cannot be carried (the caller drops it and
 * counts).  rj_scan points into jpeg (or into rj_owned): keep jpeg until
 * the frame is sent.  Call rtpjpeg_clear when done with either result.
 */
int	 rtpjpeg_prepare(struct rtpjpeg *rj, const uint8_t *jpeg, size_t len,
	    const char **why);
void	 rtpjpeg_clear(struct rtpjpeg *rj);
/*
 * One emit per packet, each at most maxpayload bytes (header included),
 * last set on the final one.  Returns the packet count; 0 when
 * maxpayload cannot hold a header and one byte (RTPJPEG_MAXHDR + 1).
 */
size_t	 rtpjpeg_packetize(const struct rtpjpeg *rj, size_t maxpayload,
	    rtp_emit_fn *emit, void *arg);

#endif
