/*
 * Frames as the camera ships them (PROTOCOL.md section 5): a JPEG made
 * unique by a COM segment right after SOI, followed by a 4-byte
 * little-endian size trailer, cut into 1004-byte payloads flagged
 * 250 (first) / 251 (middle) / 252 (last), or 255 for a one-packet frame.
 * Pure functions, no I/O: unit-tested in regress/unit/test_camsim_frag.c.
 */
#ifndef CAMSIM_FRAG_H
#define CAMSIM_FRAG_H

#include <stddef.h>
#include <stdint.h>

#define FRAG_PAYLOAD	1004		/* WIRE_MEDIA_PAYLOAD */
#define FRAG_TRAILER	4
#define FRAG_COM_MAX	(FRAG_PAYLOAD + 256)	/* comment + padding */

/*
 * Bytes needed in the out buffer of frag_build for a JPEG of jlen bytes
 * (frame, comment with any padding, trailer).
 */
size_t	frag_bufsize(size_t jlen);

/*
 * Write into out the JPEG with a COM segment (FF FE, length, comment)
 * inserted after SOI, then the 4-byte LE trailer holding the frame size.
 * If tail is in 1..FRAG_PAYLOAD, pad the comment with spaces so that the
 * last packet carries exactly tail bytes (frame + trailer); 0 = no padding.
 * Returns the frame size (without trailer), or 0 if jpeg does not start
 * with SOI or out is too small.
 */
size_t	frag_build(uint8_t *out, size_t outsz, const uint8_t *jpeg,
	    size_t jlen, const char *comment, int tail);

/* Number of packets for a frame of framelen bytes (trailer included). */
int	frag_count(size_t framelen);
/* Payload bytes of packet i (0-based) of a frame of framelen bytes. */
size_t	frag_len(size_t framelen, int i);
/* msg_flag of packet i of n. */
uint8_t	frag_flag(int i, int n);
/*
 * Camera-side header of packet i: payload length, cmd, flag, deal 0,
 * forward id 8 zero bytes, pkg_id.
 */
void	frag_header(uint8_t hdr[20], size_t framelen, int i, int n,
	    uint32_t pkg_id);

#endif
