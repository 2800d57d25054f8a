/* The 20-byte camera header codec (PROTOCOL.md section 2). */
#include <string.h>

#include <criterion/criterion.h>

#include "wire.h"

/* Frame 39 of the capture: the server's code 101 answer. */
static const uint8_t reg101[] = {
	0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
	0x00, 0x00, 0x00, 0x00,
};

Test(wire, decodes_the_captured_101_header)
{
	struct wire_hdr	h;

	cr_assert_eq(wire_hdr_decode(reg101, sizeof(reg101), 8192, &h), 0);
	cr_assert_eq(h.wh_len, 28);
	cr_assert_eq(h.wh_cmd, WIRE_CMD_JSON);
	cr_assert_eq(memcmp(h.wh_fwd, "00000000", 8), 0);
	cr_assert_eq(h.wh_pkg_id, 0);
}

Test(wire, server_header_encodes_like_the_capture)
{
	struct wire_hdr	h;
	uint8_t		out[WIRE_HDR_LEN];

	wire_hdr_server(&h, WIRE_CMD_JSON, 28);
	wire_hdr_encode(&h, out);
	cr_assert_eq(memcmp(out, reg101, sizeof(out)), 0);
}

Test(wire, round_trips_every_field_little_endian)
{
	struct wire_hdr	h = { .wh_len = 1008, .wh_cmd = WIRE_CMD_CONFIRM,
			    .wh_msg_flag = 252, .wh_deal_flag = 1,
			    .wh_pkg_id = 0x0af20001 }, g;
	uint8_t		out[WIRE_HDR_LEN];

	memset(h.wh_fwd, 0xff, sizeof(h.wh_fwd));
	wire_hdr_encode(&h, out);
	cr_assert_eq(out[4], 0x5d);	/* 605 = 0x025d */
	cr_assert_eq(out[5], 0x02);
	cr_assert_eq(out[16], 0x01);
	cr_assert_eq(out[19], 0x0a);
	cr_assert_eq(wire_hdr_decode(out, sizeof(out), 2000, &g), 0);
	cr_assert_eq(memcmp(&g, &h, sizeof(g)), 0);
}

Test(wire, rejects_truncated_headers)
{
	struct wire_hdr	h;
	size_t		n;

	for (n = 0; n < WIRE_HDR_LEN; n++)
		cr_assert_eq(wire_hdr_decode(reg101, n, 8192, &h), -1);
	cr_assert_eq(wire_hdr_decode(NULL, 20, 8192, &h), -1);
}

Test(wire, rejects_lengths_over_the_bound)
{
	uint8_t		buf[WIRE_HDR_LEN];
	struct wire_hdr	h;

	memcpy(buf, reg101, sizeof(buf));
	buf[0] = 0xff; buf[1] = 0xff; buf[2] = 0xff; buf[3] = 0xff;
	cr_assert_eq(wire_hdr_decode(buf, sizeof(buf), WIRE_TCP_MAX_PAYLOAD,
	    &h), -1);
	buf[0] = 0x01; buf[1] = 0x20; buf[2] = 0; buf[3] = 0;	/* 8193 */
	cr_assert_eq(wire_hdr_decode(buf, sizeof(buf), 8192, &h), -1);
	buf[0] = 0x00;	/* 8192 */
	cr_assert_eq(wire_hdr_decode(buf, sizeof(buf), 8192, &h), 0);
}
