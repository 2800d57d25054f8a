/*
 * Deterministic audio: a 440 Hz tone at 8 kHz, G.711 A-law encoded
 * (ITU-T G.711), 8000 samples = exactly 440 periods, so the signal is
 * continuous from one chunk to the next.
 */
#include <stdint.h>
#include <string.h>

#include "camsim.h"

#define RATE	8000

static uint8_t	tone[RATE];
static int	tone_ready;

static uint8_t
alaw_encode(int16_t pcm)
{
	int	sign, exp, mant, v = pcm;
	uint8_t	a;

	sign = v >= 0 ? 0x80 : 0;
	if (v < 0)
		v = -v - 1;
	if (v > 32767)
		v = 32767;
	v >>= 3;		/* 13-bit magnitude */
	if (v < 32) {
		exp = 0;
		mant = v >> 1;
	} else {
		for (exp = 1; v >= (32 << exp) && exp < 7; exp++)
			;
		mant = (v >> exp) & 0x0f;
	}
	a = (uint8_t)(sign | (exp << 4) | mant);
	return a ^ 0x55;
}

void
audio_chunk(uint32_t pos, uint8_t *out, size_t n)
{
	/* cos and sin of 2 pi 440 / 8000: a rotating phasor, no libm. */
	const double	cw = 0.94088076895422545, sw = 0.33873792024529142;
	double		x = 1, y = 0, nx, v;
	size_t		i;

	if (!tone_ready) {
		for (i = 0; i < RATE; i++) {
			v = 8000.0 * y;
			tone[i] = alaw_encode((int16_t)(v < 0 ? v - 0.5 : v + 0.5));
			nx = x * cw - y * sw;
			y = x * sw + y * cw;
			x = nx;
		}
		tone_ready = 1;
	}
	for (i = 0; i < n; i++)
		out[i] = tone[(pos + i) % RATE];
}
