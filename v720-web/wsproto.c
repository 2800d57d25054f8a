/*
 * RFC 6455 frames and handshake, pure.  SHA-1 (FIPS 180-4) is here, not
 * from a library, for the one place it is needed: the handshake's
 * accept key, whose known answer the unit test checks.
 */
#include <string.h>

#include "http.h"
#include "wsproto.h"

#define ROL(x, n)	(((x) << (n)) | ((x) >> (32 - (n))))

static void
sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t	w[80], a, b, c, d, e, f, k, t;
	int		i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20)
			f = (b & c) | (~b & d), k = 0x5a827999;
		else if (i < 40)
			f = b ^ c ^ d, k = 0x6ed9eba1;
		else if (i < 60)
			f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
		else
			f = b ^ c ^ d, k = 0xca62c1d6;
		t = ROL(a, 5) + f + e + k + w[i];
		e = d, d = c, c = ROL(b, 30), b = a, a = t;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

void
sha1(const void *data, size_t n, uint8_t out[20])
{
	const uint8_t	*p = data;
	uint32_t	 h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe,
			    0x10325476, 0xc3d2e1f0 };
	uint8_t		 last[128];
	uint64_t	 bits = (uint64_t)n * 8;
	size_t		 rest, tail, i;

	for (; n >= 64; n -= 64, p += 64)
		sha1_block(h, p);
	rest = n;
	memset(last, 0, sizeof(last));
	memcpy(last, p, rest);
	last[rest] = 0x80;
	tail = rest + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		last[tail - 1 - i] = bits >> (8 * i);
	sha1_block(h, last);
	if (tail == 128)
		sha1_block(h, last + 64);
	for (i = 0; i < 20; i++)
		out[i] = h[i / 4] >> (24 - 8 * (i % 4));
}

void
b64_encode(const uint8_t *in, size_t n, char *out)
{
	static const char	tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			i;
	uint32_t		v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		*out++ = tab[v >> 18];
		*out++ = tab[(v >> 12) & 63];
		*out++ = tab[(v >> 6) & 63];
		*out++ = tab[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		*out++ = tab[v >> 18];
		*out++ = tab[(v >> 12) & 63];
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | in[i + 1] << 8;
		*out++ = tab[v >> 18];
		*out++ = tab[(v >> 12) & 63];
		*out++ = tab[(v >> 6) & 63];
		*out++ = '=';
	}
	*out = '\0';
}

int
ws_accept(const char *key, char out[WS_ACCEPT_LEN + 1])
{
	uint8_t		raw[18], md[20];
	char		buf[64];

	if (strlen(key) != 24 || http_b64_decode(key, raw, sizeof(raw)) != 16)
		return -1;
	memcpy(buf, key, 24);
	memcpy(buf + 24, WS_GUID, sizeof(WS_GUID) - 1);
	sha1(buf, 24 + sizeof(WS_GUID) - 1, md);
	b64_encode(md, sizeof(md), out);
	return 0;
}

int
ws_frame_parse(const uint8_t *b, size_t len, size_t max, struct ws_frame *f)
{
	uint64_t	n;
	size_t		off = 2;
	int		i;

	memset(f, 0, sizeof(*f));
	if (len < 2)
		return 0;
	f->wf_fin = (b[0] & 0x80) != 0;
	f->wf_op = b[0] & 0x0f;
	if (b[0] & 0x70)
		return -WS_CLOSE_PROTOCOL;	/* no extension negotiated */
	switch (f->wf_op) {
	case WS_OP_CONT: case WS_OP_TEXT: case WS_OP_BINARY:
		break;
	case WS_OP_CLOSE: case WS_OP_PING: case WS_OP_PONG:
		if (!f->wf_fin || (b[1] & 0x7f) > WS_CONTROL_MAX)
			return -WS_CLOSE_PROTOCOL;
		break;
	default:
		return -WS_CLOSE_PROTOCOL;
	}
	if (!(b[1] & 0x80))
		return -WS_CLOSE_PROTOCOL;	/* clients must mask */
	n = b[1] & 0x7f;
	if (n == 126) {
		if (len < 4)
			return 0;
		n = (uint64_t)b[2] << 8 | b[3];
		if (n < 126)
			return -WS_CLOSE_PROTOCOL;
		off = 4;
	} else if (n == 127) {
		if (len < 10)
			return 0;
		for (n = 0, i = 0; i < 8; i++)
			n = n << 8 | b[2 + i];
		if (n >> 63 || n < 65536)
			return -WS_CLOSE_PROTOCOL;
		off = 10;
	}
	if (n > max)
		return -WS_CLOSE_TOO_BIG;
	if (len < off + 4)
		return 0;
	memcpy(f->wf_mask, b + off, 4);
	f->wf_len = n;
	f->wf_hdrlen = off + 4;
	return 1;
}

void
ws_unmask(uint8_t *p, size_t n, const uint8_t mask[4], uint64_t off)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] ^= mask[(off + i) & 3];
}

size_t
ws_frame_header(uint8_t out[WS_HDR_MAX], int op, uint64_t len)
{
	int	i;

	out[0] = 0x80 | (op & 0x0f);
	if (len < 126) {
		out[1] = len;
		return 2;
	}
	if (len < 65536) {
		out[1] = 126;
		out[2] = len >> 8;
		out[3] = len & 0xff;
		return 4;
	}
	out[1] = 127;
	for (i = 0; i < 8; i++)
		out[2 + i] = len >> (56 - 8 * i);
	return 10;
}

int
ws_utf8_valid(const uint8_t *s, size_t n)
{
	size_t		i = 0, k, need;
	uint32_t	cp, min;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			need = 1, cp = s[i] & 0x1f, min = 0x80;
		else if ((s[i] & 0xf0) == 0xe0)
			need = 2, cp = s[i] & 0x0f, min = 0x800;
		else if ((s[i] & 0xf8) == 0xf0)
			need = 3, cp = s[i] & 0x07, min = 0x10000;
		else
			return 0;
		if (n - i - 1 < need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

int
ws_close_payload(const uint8_t *p, size_t n, int *code)
{
	int	c;

	if (n == 0) {
		*code = 1005;	/* no status received */
		return 0;
	}
	if (n == 1)
		return -WS_CLOSE_PROTOCOL;
	c = p[0] << 8 | p[1];
	/* 1004-1006 and 1015 are reserved; 1012-2999 are not assigned to
	 * anything a client may send; 5000 up are invalid. */
	if (c < 1000 || (c >= 1004 && c <= 1006) || (c >= 1012 && c < 3000) ||
	    c >= 5000)
		return -WS_CLOSE_PROTOCOL;
	if (!ws_utf8_valid(p + 2, n - 2))
		return -WS_CLOSE_BAD_DATA;
	*code = c;
	return 0;
}
