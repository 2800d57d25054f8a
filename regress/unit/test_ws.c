/* RFC 6455 pieces of v720-web (wsproto.c): known answers and refusals. */
#include <string.h>

#include <criterion/criterion.h>

#include "../../v720-web/wsproto.h"

static void
hex(const uint8_t *p, size_t n, char *out)
{
	size_t	i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

Test(ws, sha1_known_answers)
{
	/* FIPS 180-2 appendix A and the empty string. */
	static const struct {
		const char	*in, *md;
	} kat[] = {
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	uint8_t	md[20], big[1000000];
	char	s[41];
	size_t	i;

	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		sha1(kat[i].in, strlen(kat[i].in), md);
		hex(md, 20, s);
		cr_expect_str_eq(s, kat[i].md, "sha1(\"%s\")", kat[i].in);
	}
	memset(big, 'a', sizeof(big));
	sha1(big, sizeof(big), md);
	hex(md, 20, s);
	cr_expect_str_eq(s, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	/* Every length around the padding boundaries. */
	for (i = 50; i < 70; i++)
		sha1(big, i, md);
}

Test(ws, accept_key_rfc6455_example)
{
	char	out[WS_ACCEPT_LEN + 1];

	cr_assert_eq(ws_accept("dGhlIHNhbXBsZSBub25jZQ==", out), 0);
	cr_expect_str_eq(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	cr_expect_eq(ws_accept("dGhlIHNhbXBsZSBub25j", out), -1);
	cr_expect_eq(ws_accept("dGhlIHNhbXBsZSBub25jZQ=", out), -1);
	cr_expect_eq(ws_accept("!!!!IHNhbXBsZSBub25jZQ==", out), -1);
}

Test(ws, b64)
{
	char	out[16];

	b64_encode((const uint8_t *)"f", 1, out);
	cr_expect_str_eq(out, "Zg==");
	b64_encode((const uint8_t *)"fo", 2, out);
	cr_expect_str_eq(out, "Zm8=");
	b64_encode((const uint8_t *)"foob", 4, out);
	cr_expect_str_eq(out, "Zm9vYg==");
}

Test(ws, frames)
{
	struct ws_frame	f;
	/* RFC 6455 5.7: a masked "Hello". */
	uint8_t		hello[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f,
			    0x9f, 0x4d, 0x51, 0x58 };
	uint8_t		b[16];
	size_t		i;

	for (i = 0; i < 6; i++)
		cr_expect_eq(ws_frame_parse(hello, i, 100, &f), 0);
	cr_assert_eq(ws_frame_parse(hello, sizeof(hello), 100, &f), 1);
	cr_expect(f.wf_fin && f.wf_op == WS_OP_TEXT && f.wf_len == 5 &&
	    f.wf_hdrlen == 6);
	ws_unmask(hello + 6, 5, f.wf_mask, 0);
	cr_expect(memcmp(hello + 6, "Hello", 5) == 0);
	/* unmasked */
	memcpy(b, "\x82\x05Hello", 7);
	cr_expect_eq(ws_frame_parse(b, 7, 100, &f), -WS_CLOSE_PROTOCOL);
	/* reserved bits, unknown opcode */
	memcpy(b, "\xc2\x80xxxx", 6);
	cr_expect_eq(ws_frame_parse(b, 6, 100, &f), -WS_CLOSE_PROTOCOL);
	memcpy(b, "\x83\x80xxxx", 6);
	cr_expect_eq(ws_frame_parse(b, 6, 100, &f), -WS_CLOSE_PROTOCOL);
	/* fragmented ping, long ping */
	memcpy(b, "\x09\x80xxxx", 6);
	cr_expect_eq(ws_frame_parse(b, 6, 100, &f), -WS_CLOSE_PROTOCOL);
	memcpy(b, "\x89\xfe\x00\x7e", 4);
	cr_expect_eq(ws_frame_parse(b, 4, 1000, &f), -WS_CLOSE_PROTOCOL);
	/* 16-bit length: too big for max, and not minimal */
	memcpy(b, "\x82\xfe\x01\x00xxxx", 8);
	cr_expect_eq(ws_frame_parse(b, 8, 255, &f), -WS_CLOSE_TOO_BIG);
	cr_expect_eq(ws_frame_parse(b, 8, 256, &f), 1);
	cr_expect_eq(f.wf_len, 256);
	memcpy(b, "\x82\xfe\x00\x10xxxx", 8);
	cr_expect_eq(ws_frame_parse(b, 8, 1000, &f), -WS_CLOSE_PROTOCOL);
	/* 64-bit length: the top bit, and a huge one */
	memcpy(b, "\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00xxxx", 14);
	cr_expect_eq(ws_frame_parse(b, 14, 1000, &f), -WS_CLOSE_PROTOCOL);
	memcpy(b, "\x82\xff\x7f\xff\xff\xff\xff\xff\xff\xffxxxx", 14);
	cr_expect_eq(ws_frame_parse(b, 14, 1 << 20, &f), -WS_CLOSE_TOO_BIG);
	/* the server's own headers */
	cr_expect_eq(ws_frame_header(b, WS_OP_PONG, 5), 2);
	cr_expect(b[0] == 0x8a && b[1] == 5);
	cr_expect_eq(ws_frame_header(b, WS_OP_BINARY, 300), 4);
	cr_expect(b[1] == 126 && b[2] == 1 && b[3] == 44);
	cr_expect_eq(ws_frame_header(b, WS_OP_BINARY, 70000), 10);
}

Test(ws, close_payloads)
{
	int	code;

	cr_expect_eq(ws_close_payload(NULL, 0, &code), 0);
	cr_expect_eq(code, 1005);
	cr_expect_eq(ws_close_payload((const uint8_t *)"\x03", 1, &code),
	    -WS_CLOSE_PROTOCOL);
	cr_expect_eq(ws_close_payload((const uint8_t *)"\x03\xe8ok", 4,
	    &code), 0);
	cr_expect_eq(code, 1000);
	cr_expect_eq(ws_close_payload((const uint8_t *)"\x03\xed", 2, &code),
	    -WS_CLOSE_PROTOCOL);	/* 1005 may not be sent */
	cr_expect_eq(ws_close_payload((const uint8_t *)"\x03\xe7", 2, &code),
	    -WS_CLOSE_PROTOCOL);	/* 999 */
	cr_expect_eq(ws_close_payload((const uint8_t *)"\x0f\xa0", 2, &code),
	    0);				/* 4000: the application's */
	cr_expect_eq(ws_close_payload((const uint8_t *)"\x03\xe8\xc0\xaf", 4,
	    &code), -WS_CLOSE_BAD_DATA);	/* overlong UTF-8 */
}

Test(ws, utf8)
{
	cr_expect(ws_utf8_valid((const uint8_t *)"h\xc3\xa9llo \xe2\x82\xac "
	    "\xf0\x9f\x98\x80", 15));
	cr_expect(!ws_utf8_valid((const uint8_t *)"\xed\xa0\x80", 3));
	cr_expect(!ws_utf8_valid((const uint8_t *)"\xf4\x90\x80\x80", 4));
	cr_expect(!ws_utf8_valid((const uint8_t *)"\xe2\x82", 2));
	cr_expect(!ws_utf8_valid((const uint8_t *)"\x80", 1));
}
