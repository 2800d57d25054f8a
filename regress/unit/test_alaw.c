/* The A-law table against ITU-T G.711 (table 1a/1b) reference values. */
#include <string.h>

#include <criterion/criterion.h>

#include "../../v720-web/codec.h"

/*
 * Decoder outputs of G.711 for every segment's first and last step, as
 * 16-bit values (the 13-bit values of the standard shifted left by 3).
 * A-law characters are transmitted with even bits inverted (XOR 0x55).
 */
static const struct {
	uint8_t	a;
	int	pcm;
} ref[] = {
	{ 0xd5, 8 }, { 0x55, -8 },		/* smallest magnitudes */
	{ 0xd4, 24 }, { 0x54, -24 },
	{ 0xda, 248 }, { 0x5a, -248 },	/* end of segment 0 */
	{ 0xc5, 264 }, { 0x45, -264 },	/* segment 1 */
	{ 0xe5, 1056 }, { 0x65, -1056 },	/* segment 3 start */
	{ 0x85, 4224 }, { 0x05, -4224 },	/* segment 5 start */
	{ 0xa5, 16896 }, { 0x25, -16896 },	/* segment 7 start */
	{ 0xaa, 32256 }, { 0x2a, -32256 },	/* largest magnitudes */
	{ 0x80, 5504 }, { 0x00, -5504 },
	{ 0xff, 848 }, { 0x7f, -848 },
};

Test(alaw, reference_values)
{
	size_t	i;

	for (i = 0; i < sizeof(ref) / sizeof(ref[0]); i++)
		cr_expect_eq(alaw_to_pcm(ref[i].a), ref[i].pcm,
		    "0x%02x -> %d, want %d", ref[i].a, alaw_to_pcm(ref[i].a),
		    ref[i].pcm);
}

/* The reference decoder of G.711's appendix (and Sun's g711.c). */
static int
g711_alaw2linear(uint8_t a)
{
	int	t, seg;

	a ^= 0x55;
	t = (a & 0x0f) << 4;
	seg = (a & 0x70) >> 4;
	if (seg == 0)
		t += 8;
	else
		t = (t + 0x108) << (seg - 1);
	return (a & 0x80) ? t : -t;
}

Test(alaw, whole_table_matches_the_reference_decoder)
{
	int	i;

	for (i = 0; i < 256; i++)
		cr_expect_eq(alaw_to_pcm(i), g711_alaw2linear(i), "0x%02x", i);
}

Test(alaw, sign_symmetry_and_monotonic)
{
	int	i, prev = 0, v;

	for (i = 0; i < 128; i++)
		cr_assert_eq(alaw_to_pcm(i | 0x80), -alaw_to_pcm(i));
	/* Magnitude grows with the un-inverted code. */
	for (i = 0; i < 128; i++) {
		v = alaw_to_pcm((i ^ 0x55) | 0x80);
		cr_assert_gt(v, prev, "code %d", i);
		prev = v;
	}
}

Test(alaw, decode_little_endian)
{
	const uint8_t	in[] = { 0xd5, 0x2a, 0xaa };
	uint8_t		out[6];

	alaw_decode(in, sizeof(in), out);
	cr_assert_eq(memcmp(out, "\x08\x00\x00\x82\x00\x7e", 6), 0);
}
