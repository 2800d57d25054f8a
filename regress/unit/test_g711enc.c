/*
 * The talk-back A-law encoder (v720d/engine/alaw.c) against G.711: every
 * decoder output encodes back to its own code, every 16-bit sample
 * encodes to the code whose decoded value is nearest (ties and the
 * decision thresholds as the reference linear2alaw has them), and
 * reference values at the segment edges.
 */
#include <stdlib.h>

#include <criterion/criterion.h>

#include "../../v720-web/codec.h"
#include "../../v720d/engine/alaw.h"

Test(g711enc, roundtrip_every_code)
{
	int	a;

	for (a = 0; a < 256; a++)
		cr_expect_eq(pcm_to_alaw(alaw_to_pcm(a)), a, "0x%02x -> %d -> "
		    "0x%02x", a, alaw_to_pcm(a), pcm_to_alaw(alaw_to_pcm(a)));
}

/* The reference encoder of Sun's g711.c, written the other way round:
 * search the decision intervals of G.711 table 1 directly. */
static uint8_t
ref_encode(int pcm)
{
	int	mag = pcm >> 3, best = -1, a, lo, hi, step;

	if (mag < 0)
		mag = -mag - 1;
	/* 13-bit magnitudes: segment s covers [lo, hi) in steps of step. */
	for (a = 0; a < 128; a++) {
		int seg = a >> 4, q = a & 15;

		step = seg < 2 ? 2 : 1 << seg;
		lo = seg == 0 ? q * 2 : (16 << seg) + q * step;
		if (seg == 1)
			lo = 32 + q * 2;
		hi = lo + step;
		if (mag >= lo && mag < hi) {
			best = a;
			break;
		}
	}
	if (best == -1)
		best = 127;
	return (pcm >= 0 ? 0x80 | best : best) ^ 0x55;
}

Test(g711enc, every_sample)
{
	int	s;

	for (s = -32768; s <= 32767; s++)
		if (pcm_to_alaw(s) != ref_encode(s)) {
			cr_assert_fail("%d -> 0x%02x, want 0x%02x", s,
			    pcm_to_alaw(s), ref_encode(s));
		}
}

Test(g711enc, reference_values)
{
	cr_expect_eq(pcm_to_alaw(0), 0xd5);
	cr_expect_eq(pcm_to_alaw(-1), 0x55);
	cr_expect_eq(pcm_to_alaw(32767), 0xaa);
	cr_expect_eq(pcm_to_alaw(-32768), 0x2a);
	cr_expect_eq(pcm_to_alaw(5504), 0x80);
	cr_expect_eq(pcm_to_alaw(-5504), 0x00);
}

Test(g711enc, buffer_little_endian)
{
	const uint8_t	in[6] = { 0x00, 0x00, 0xff, 0x7f, 0x00, 0x80 };
	uint8_t		out[3];

	alaw_encode(in, 3, out);
	cr_expect_eq(out[0], 0xd5);
	cr_expect_eq(out[1], 0xaa);
	cr_expect_eq(out[2], 0x2a);
}
