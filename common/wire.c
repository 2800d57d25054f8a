#include <string.h>

#include "wire.h"

uint32_t
wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint16_t
wire_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

void
wire_put32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

int
wire_hdr_decode(const uint8_t *buf, size_t buflen, size_t maxpayload,
    struct wire_hdr *h)
{
	if (buf == NULL || buflen < WIRE_HDR_LEN)
		return -1;
	h->wh_len = wire_get32(buf);
	if (h->wh_len > maxpayload)
		return -1;
	h->wh_cmd = wire_get16(buf + 4);
	h->wh_msg_flag = buf[6];
	h->wh_deal_flag = buf[7];
	memcpy(h->wh_fwd, buf + 8, WIRE_FWD_LEN);
	h->wh_pkg_id = wire_get32(buf + 16);
	return 0;
}

void
wire_hdr_encode(const struct wire_hdr *h, uint8_t *out)
{
	wire_put32(out, h->wh_len);
	wire_put16(out + 4, h->wh_cmd);
	out[6] = h->wh_msg_flag;
	out[7] = h->wh_deal_flag;
	memcpy(out + 8, h->wh_fwd, WIRE_FWD_LEN);
	wire_put32(out + 16, h->wh_pkg_id);
}

void
wire_hdr_server(struct wire_hdr *h, uint16_t cmd, uint32_t len)
{
	memset(h, 0, sizeof(*h));
	h->wh_len = len;
	h->wh_cmd = cmd;
	memset(h->wh_fwd, '0', WIRE_FWD_LEN);
}
