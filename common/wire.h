/*
 * The 20-byte header of every camera message (PROTOCOL.md section 2),
 * little-endian on the wire, on TCP and UDP alike.
 */
#ifndef V720_WIRE_H
#define V720_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_HDR_LEN		20
#define WIRE_FWD_LEN		8

/* Bounds: nothing legitimate on TCP exceeds a few KB; a UDP datagram holds one message. */
#define WIRE_TCP_MAX_PAYLOAD	8192
#define WIRE_UDP_MAX_PAYLOAD	1500
#define WIRE_MEDIA_PAYLOAD	1004	/* middle fragments of a JPEG frame */
#define WIRE_TRAILER_LEN	4	/* frame size at the end of the last fragment */

/* cmd values */
#define WIRE_CMD_JSON		0
#define WIRE_CMD_JPEG		1
#define WIRE_CMD_RGB		2
#define WIRE_CMD_AAC		3
#define WIRE_CMD_ALAW		4
#define WIRE_CMD_RAW		5
#define WIRE_CMD_PCM		6
#define WIRE_CMD_AVI		7
#define WIRE_CMD_XML		8
#define WIRE_CMD_HEARTBEAT	100
#define WIRE_CMD_PING		101
#define WIRE_CMD_PONG		102
#define WIRE_CMD_MOTION_DIRECT	114
#define WIRE_CMD_MOTION_LIVE	115
#define WIRE_CMD_CONFIRM	605

/* msg_flag: fragment position of media packets */
#define WIRE_FLAG_NONE		0
#define WIRE_FLAG_FIRST		250
#define WIRE_FLAG_MIDDLE	251
#define WIRE_FLAG_LAST		252
#define WIRE_FLAG_SINGLE	255

struct wire_hdr {
	uint32_t	wh_len;		/* payload bytes after the header */
	uint16_t	wh_cmd;
	uint8_t		wh_msg_flag;
	uint8_t		wh_deal_flag;
	uint8_t		wh_fwd[WIRE_FWD_LEN];
	uint32_t	wh_pkg_id;
};

/*
 * Decode the header at buf (buflen bytes available).  Returns 0 and fills
 * h if at least WIRE_HDR_LEN bytes are there and the payload length is at
 * most maxpayload; -1 otherwise.  Never reads past buflen.
 */
int	 wire_hdr_decode(const uint8_t *buf, size_t buflen, size_t maxpayload,
	    struct wire_hdr *h);
/* Encode h into out[WIRE_HDR_LEN]. */
void	 wire_hdr_encode(const struct wire_hdr *h, uint8_t *out);
/* A server-side header: forward id ASCII "00000000", other fields zero. */
void	 wire_hdr_server(struct wire_hdr *h, uint16_t cmd, uint32_t len);

uint32_t wire_get32(const uint8_t *p);
uint16_t wire_get16(const uint8_t *p);
void	 wire_put32(uint8_t *p, uint32_t v);
void	 wire_put16(uint8_t *p, uint16_t v);

#endif
