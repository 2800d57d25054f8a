/* Pure media helpers: A-law decoding, WAV and MJPEG framing. */
#ifndef V720_WEB_CODEC_H
#define V720_WEB_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define CODEC_BOUNDARY	"v720frame"
#define WAV_HEADER_LEN	44

/* G.711 A-law byte to 16-bit linear PCM. */
int16_t	 alaw_to_pcm(uint8_t);
/* Decode n A-law bytes to 2n bytes of little-endian PCM. */
void	 alaw_decode(const uint8_t *in, size_t n, uint8_t *out);
/* RIFF/WAVE header for an endless 16-bit PCM, 8000 Hz, mono stream. */
void	 wav_header(uint8_t out[WAV_HEADER_LEN]);
/* "--boundary", Content-Type and Content-Length of one JPEG part, CRLF
 * CRLF: its length, or 0 if sz is too small. */
size_t	 mjpeg_part_header(char *buf, size_t sz, size_t len);

#endif
