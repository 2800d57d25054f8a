/* The WAV head reader (common/wav.c): what talk-back accepts and why not. */
#include <string.h>

#include <criterion/criterion.h>

#include "wav.h"
#include "wire.h"

static size_t
mkwav(uint8_t *b, int fmt, int ch, int rate, int bits, int list,
    uint32_t datalen)
{
	size_t	o = 0;

	memcpy(b, "RIFF", 4);
	wire_put32(b + 4, 36 + datalen);
	memcpy(b + 8, "WAVEfmt ", 8);
	wire_put32(b + 16, 16);
	wire_put16(b + 20, fmt);
	wire_put16(b + 22, ch);
	wire_put32(b + 24, rate);
	wire_put32(b + 28, rate * ch * bits / 8);
	wire_put16(b + 32, ch * bits / 8);
	wire_put16(b + 34, bits);
	o = 36;
	if (list) {
		memcpy(b + o, "LIST", 4);
		wire_put32(b + o + 4, 5);	/* odd: padded */
		memcpy(b + o + 8, "INFOx\0", 6);
		o += 14;
	}
	memcpy(b + o, "data", 4);
	wire_put32(b + o + 4, datalen);
	return o + 8;
}

Test(wav, ok_and_every_prefix)
{
	uint8_t		b[128];
	struct wav_info	wi;
	size_t		n = mkwav(b, 1, 1, 8000, 16, 1, 1000), i;

	cr_assert_eq(wav_parse(b, n, 0, &wi, NULL, 0), WAV_OK);
	cr_expect_eq(wi.wi_data_off, n);
	cr_expect_eq(wi.wi_data_len, 1000);
	for (i = 0; i < n; i++) {
		cr_expect_eq(wav_parse(b, i, 0, &wi, NULL, 0), WAV_MORE,
		    "prefix %zu", i);
		cr_expect_eq(wav_parse(b, i, 1, &wi, NULL, 0), WAV_BAD,
		    "prefix %zu at eof", i);
	}
}

Test(wav, open_length)
{
	uint8_t		b[128];
	struct wav_info	wi;
	size_t		n = mkwav(b, 1, 1, 8000, 16, 0, 0xffffffffU);

	cr_assert_eq(wav_parse(b, n, 0, &wi, NULL, 0), WAV_OK);
	cr_expect_eq(wi.wi_data_len, WAV_DATA_OPEN);
}

Test(wav, unsupported_says_why)
{
	uint8_t		b[128];
	struct wav_info	wi;
	char		err[160];
	size_t		n = mkwav(b, 1, 2, 44100, 16, 0, 0);

	cr_assert_eq(wav_parse(b, n, 0, &wi, err, sizeof(err)),
	    WAV_UNSUPPORTED);
	cr_expect(strstr(err, "44100 Hz") != NULL, "%s", err);
	cr_expect(strstr(err, "2 channels") != NULL, "%s", err);
	cr_expect(strstr(err, "8000 Hz, mono") != NULL, "%s", err);
	n = mkwav(b, 1, 1, 8000, 8, 0, 0);
	cr_expect_eq(wav_parse(b, n, 0, &wi, err, sizeof(err)),
	    WAV_UNSUPPORTED);
	n = mkwav(b, 6, 1, 8000, 8, 0, 0);
	cr_expect_eq(wav_parse(b, n, 0, &wi, err, sizeof(err)),
	    WAV_UNSUPPORTED);
	cr_expect(strstr(err, "A-law") != NULL, "%s", err);
}

Test(wav, not_wav)
{
	uint8_t		b[4200];
	struct wav_info	wi;
	char		err[160];
	size_t		n = mkwav(b, 1, 1, 8000, 16, 0, 0);

	memcpy(b, "RIFX", 4);
	cr_expect_eq(wav_parse(b, n, 0, &wi, err, sizeof(err)), WAV_BAD);
	cr_expect(strstr(err, "not a WAV") != NULL);
	/* data before fmt */
	memcpy(b, "RIFF", 4);
	memcpy(b + 12, "data", 4);
	cr_expect_eq(wav_parse(b, n, 0, &wi, NULL, 0), WAV_BAD);
	/* a chunk that claims 4 GB, and one that leads past the head */
	mkwav(b, 1, 1, 8000, 16, 0, 0);
	memcpy(b + 12, "junk", 4);
	wire_put32(b + 16, 0xfffffff0U);
	cr_expect_eq(wav_parse(b, n, 0, &wi, NULL, 0), WAV_BAD);
	wire_put32(b + 16, 4000);
	memset(b + 20, 0, sizeof(b) - 20);
	cr_expect_eq(wav_parse(b, sizeof(b), 0, &wi, NULL, 0), WAV_BAD);
	/* a fmt chunk too small */
	mkwav(b, 1, 1, 8000, 16, 0, 0);
	wire_put32(b + 16, 8);
	cr_expect_eq(wav_parse(b, n, 0, &wi, NULL, 0), WAV_BAD);
}
