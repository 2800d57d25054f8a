/*
 * RFC 6455 without I/O: the opening handshake's accept key (SHA-1 and
 * base64, both here), the client frame header parser, unmasking, server
 * frame headers and the checks on close frames.  Pure, unit-tested and
 * fuzzed (regress/fuzz/fuzz_ws.c).
 */
#ifndef V720_WSPROTO_H
#define V720_WSPROTO_H

#include <stddef.h>
#include <stdint.h>

#define WS_GUID		"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WS_ACCEPT_LEN	28	/* base64 of 20 bytes */
#define WS_HDR_MAX	14	/* 2 + 8 (length) + 4 (mask) */
#define WS_CONTROL_MAX	125

#define WS_OP_CONT	0x0
#define WS_OP_TEXT	0x1
#define WS_OP_BINARY	0x2
#define WS_OP_CLOSE	0x8
#define WS_OP_PING	0x9
#define WS_OP_PONG	0xa

/* Close codes (RFC 6455 7.4.1) */
#define WS_CLOSE_NORMAL		1000
#define WS_CLOSE_GOING_AWAY	1001
#define WS_CLOSE_PROTOCOL	1002
#define WS_CLOSE_UNSUPPORTED	1003
#define WS_CLOSE_BAD_DATA	1007
#define WS_CLOSE_POLICY		1008
#define WS_CLOSE_TOO_BIG	1009
#define WS_CLOSE_ERROR		1011

void	 sha1(const void *, size_t, uint8_t out[20]);
/* Base64 (RFC 4648, padded) of n bytes into out (4 * ((n + 2) / 3) + 1). */
void	 b64_encode(const uint8_t *, size_t n, char *out);
/* Sec-WebSocket-Accept for a Sec-WebSocket-Key: 0, or -1 if the key is
 * not base64 of 16 bytes. */
int	 ws_accept(const char *key, char out[WS_ACCEPT_LEN + 1]);

struct ws_frame {
	int		wf_fin;
	int		wf_op;
	uint64_t	wf_len;		/* payload bytes */
	uint8_t		wf_mask[4];
	size_t		wf_hdrlen;	/* bytes before the payload */
};

/*
 * The header of a client frame at buf: 0 if more bytes are needed, 1
 * with f filled, or -(close code) for a frame that breaks the protocol:
 * reserved bits, an unknown opcode, no mask (clients must mask), a
 * fragmented or oversized control frame, a length in a longer form than
 * needed or with the top bit set, or a payload over max (1009).
 */
int	 ws_frame_parse(const uint8_t *buf, size_t len, size_t max,
	    struct ws_frame *f);
/* XOR n payload bytes with the mask, off bytes into the payload. */
void	 ws_unmask(uint8_t *p, size_t n, const uint8_t mask[4], uint64_t off);
/* A server frame header (FIN, no mask) for len bytes: its length. */
size_t	 ws_frame_header(uint8_t out[WS_HDR_MAX], int op, uint64_t len);
/*
 * A close frame's payload from the peer: 0 with *code (1005 when empty),
 * or -(close code to answer with): a one-byte payload, a code nobody may
 * send, a reason that is not UTF-8.
 */
int	 ws_close_payload(const uint8_t *, size_t, int *code);
/* 1 if the n bytes are valid UTF-8 (RFC 3629). */
int	 ws_utf8_valid(const uint8_t *, size_t);

#endif
