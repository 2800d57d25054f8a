/*
 * G.711 A-law encoder: the 16-bit sample keeps its 13 most significant
 * bits, is split into sign, a 3-bit segment (the position of the
 * leading one) and a 4-bit step, and every even bit is inverted
 * (ITU-T G.711 section 2; the same computation as the reference
 * linear2alaw).  v720-web/codec.c has the matching decoder table.
 */
#include "alaw.h"

static const int16_t	seg_end[8] = {
	0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff
};

uint8_t
pcm_to_alaw(int16_t sample)
{
	int	v = sample >> 3, mask, seg;
	uint8_t	a;

	if (v >= 0)
		mask = 0xd5;		/* sign bit 1, then even-bit inversion */
	else {
		mask = 0x55;
		v = -v - 1;
	}
	for (seg = 0; seg < 8; seg++)
		if (v <= seg_end[seg])
			break;
	if (seg >= 8)
		return 0x7f ^ mask;	/* clip to the largest code */
	a = seg << 4;
	a |= (seg < 2 ? v >> 1 : v >> seg) & 0x0f;
	return a ^ mask;
}

void
alaw_encode(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t	i;

	for (i = 0; i < n; i++)
		out[i] = pcm_to_alaw((int16_t)(in[2 * i] | in[2 * i + 1] << 8));
}
