/* G.711 A-law encoding of 16-bit linear PCM (the talk-back path). */
#ifndef V720_ALAW_H
#define V720_ALAW_H

#include <stddef.h>
#include <stdint.h>

/* One sample, ITU-T G.711 A-law (even bits inverted), exact. */
uint8_t	 pcm_to_alaw(int16_t);
/* n little-endian 16-bit samples at in (2n bytes) to n A-law bytes. */
void	 alaw_encode(const uint8_t *in, size_t n, uint8_t *out);

#endif
