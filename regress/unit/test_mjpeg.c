/* The multipart/x-mixed-replace part writer and the WAV header. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../v720-web/codec.h"

Test(mjpeg, part_header_exact_bytes)
{
	char	buf[128];
	size_t	n;

	n = mjpeg_part_header(buf, sizeof(buf), 25776);
	cr_assert_str_eq(buf, "--" CODEC_BOUNDARY "\r\n"
	    "Content-Type: image/jpeg\r\n"
	    "Content-Length: 25776\r\n\r\n");
	cr_assert_eq(n, strlen(buf));
}

Test(mjpeg, part_header_too_small_buffer)
{
	char	buf[20];

	cr_assert_eq(mjpeg_part_header(buf, sizeof(buf), 1), 0);
}

Test(mjpeg, part_header_large_length)
{
	char	buf[128], want[64];

	/* SIZE_MAX: 20 digits on 64-bit systems, 10 on 32-bit ones. */
	snprintf(want, sizeof(want), "Content-Length: %zu\r\n", SIZE_MAX);
	cr_assert_gt(mjpeg_part_header(buf, sizeof(buf), SIZE_MAX), 0);
	cr_assert_not_null(strstr(buf, want), "no \"%s\" in \"%s\"", want, buf);
}

Test(mjpeg, boundary_is_a_valid_token)
{
	const char	*b = CODEC_BOUNDARY;

	cr_assert_gt(strlen(b), 0);
	cr_assert_leq(strlen(b), 70);	/* RFC 2046 */
	for (; *b; b++)
		cr_assert(strchr("abcdefghijklmnopqrstuvwxyz0123456789", *b));
}

Test(wav, header_fields)
{
	uint8_t	h[WAV_HEADER_LEN];

	wav_header(h);
	cr_assert_eq(memcmp(h, "RIFF", 4), 0);
	cr_assert_eq(memcmp(h + 4, "\xff\xff\xff\xff", 4), 0);
	cr_assert_eq(memcmp(h + 8, "WAVEfmt ", 8), 0);
	cr_assert_eq(memcmp(h + 16, "\x10\0\0\0\x01\0\x01\0", 8), 0);
	cr_assert_eq(memcmp(h + 24, "\x40\x1f\0\0\x80\x3e\0\0\x02\0\x10\0", 12), 0);
	cr_assert_eq(memcmp(h + 36, "data\xdb\xff\xff\xff", 8), 0);
}
