/*
 * The head of a RIFF/WAVE file, read from the front of a byte stream:
 * what v720-web's talk route and v720ctl accept as talk-back audio.
 * Pure, no I/O; fuzzed (regress/fuzz/fuzz_wav.c).
 */
#ifndef V720_WAV_H
#define V720_WAV_H

#include <stddef.h>
#include <stdint.h>

#define WAV_HEAD_MAX	4096	/* bytes before the samples, at most */
#define WAV_RATE	8000
#define WAV_DATA_OPEN	UINT64_MAX	/* data chunk "to the end" */

struct wav_info {
	uint16_t	wi_format;	/* 1 = PCM, 0xfffe = extensible */
	uint16_t	wi_channels;
	uint32_t	wi_rate;
	uint16_t	wi_bits;
	size_t		wi_data_off;	/* first sample byte */
	uint64_t	wi_data_len;	/* bytes, or WAV_DATA_OPEN */
};

enum wav_result {
	WAV_MORE = 0,		/* need more bytes */
	WAV_OK = 1,		/* 8000 Hz, mono, 16-bit PCM */
	WAV_BAD = -1,		/* not a WAV file at all */
	WAV_UNSUPPORTED = -2,	/* a WAV file, of another format */
};

/*
 * Read the head at buf (len bytes so far; eof when no more will come).
 * WAV_OK fills wi.  Otherwise *err (if not NULL) says why, in words a
 * user can act on ("44100 Hz stereo 16-bit: need 8000 Hz mono 16-bit").
 */
enum wav_result	 wav_parse(const uint8_t *buf, size_t len, int eof,
		    struct wav_info *wi, char *err, size_t errsz);

#endif
