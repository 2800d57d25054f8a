/*
 * libFuzzer target: the WAV head reader (common/wav.c), over the whole
 * input and every prefix, with and without end of input.  Checked
 * besides ASan/UBSan: an accepted head lies within the input and
 * WAV_HEAD_MAX, and a longer input never turns an answer back into
 * "need more".
 */
#include <stdint.h>
#include <stdlib.h>

#include "wav.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wav_info	wi;
	char		err[160];
	size_t		n, lim = size < WAV_HEAD_MAX + 64 ? size :
			    WAV_HEAD_MAX + 64;
	int		r, done = 0;

	for (n = 0; n <= lim; n++) {
		r = wav_parse(data, n, 0, &wi, err, sizeof(err));
		if (r == WAV_OK && (wi.wi_data_off > n ||
		    wi.wi_data_off > WAV_HEAD_MAX + 8))
			abort();
		if (done && r == WAV_MORE)
			abort();
		if (r != WAV_MORE)
			done = 1;
		if (wav_parse(data, n, 1, &wi, err, sizeof(err)) == WAV_MORE)
			abort();
	}
	return 0;
}
