/*
 * RIFF/WAVE head: "RIFF" size "WAVE", then chunks (id, u32 LE size,
 * body padded to even), of which "fmt " must come before "data".
 * Anything between them (LIST, fact, ...) is skipped, within
 * WAV_HEAD_MAX bytes.
 */
#include <stdio.h>
#include <string.h>

#include "wire.h"
#include "wav.h"

static enum wav_result
fail(enum wav_result r, char *err, size_t errsz, const char *msg)
{
	if (err != NULL && errsz > 0)
		strlcpy(err, msg, errsz);
	return r;
}

enum wav_result
wav_parse(const uint8_t *buf, size_t len, int eof, struct wav_info *wi,
    char *err, size_t errsz)
{
	size_t		off = 12;
	uint32_t	csz;
	int		have_fmt = 0;
	char		msg[160];

	memset(wi, 0, sizeof(*wi));
	if (len < 12)
		return eof ? fail(WAV_BAD, err, errsz, "not a WAV file "
		    "(too short)") : WAV_MORE;
	if (memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0)
		return fail(WAV_BAD, err, errsz, "not a WAV file (no "
		    "RIFF/WAVE header)");
	for (;;) {
		if (off > WAV_HEAD_MAX)
			return fail(WAV_BAD, err, errsz, "no audio data in the "
			    "first 4096 bytes of the WAV file");
		if (off > len || len - off < 8)
			return eof ? fail(WAV_BAD, err, errsz, "WAV file ends "
			    "before its audio data") : WAV_MORE;
		csz = wire_get32(buf + off + 4);
		if (memcmp(buf + off, "data", 4) == 0) {
			if (!have_fmt)
				return fail(WAV_BAD, err, errsz, "WAV file "
				    "without a format chunk before its data");
			wi->wi_data_off = off + 8;
			/* 0 and ~0 are what streaming writers leave. */
			wi->wi_data_len = (csz == 0 || csz == 0xffffffffU) ?
			    WAV_DATA_OPEN : csz;
			break;
		}
		if (memcmp(buf + off, "fmt ", 4) == 0) {
			if (csz < 16 || csz > 256)
				return fail(WAV_BAD, err, errsz, "WAV format "
				    "chunk of a strange size");
			if (len - off - 8 < 16)
				return eof ? fail(WAV_BAD, err, errsz, "WAV "
				    "file ends inside its format chunk") :
				    WAV_MORE;
			wi->wi_format = wire_get16(buf + off + 8);
			wi->wi_channels = wire_get16(buf + off + 10);
			wi->wi_rate = wire_get32(buf + off + 12);
			wi->wi_bits = wire_get16(buf + off + 22);
			/* Extensible: the sub-format GUID starts with the tag. */
			if (wi->wi_format == 0xfffe && csz >= 40) {
				if (len - off - 8 < 26)
					return eof ? fail(WAV_BAD, err, errsz,
					    "WAV file ends inside its format "
					    "chunk") : WAV_MORE;
				if (wire_get16(buf + off + 8 + 24) == 1)
					wi->wi_format = 1;
			}
			have_fmt = 1;
		}
		off += 8 + (size_t)csz + (csz & 1);
	}
	if (wi->wi_format != 1 || wi->wi_channels != 1 ||
	    wi->wi_rate != WAV_RATE || wi->wi_bits != 16) {
		snprintf(msg, sizeof(msg), "unsupported WAV format (%s, %u Hz, "
		    "%u channel%s, %u-bit): need 16-bit PCM, 8000 Hz, mono",
		    wi->wi_format == 1 ? "PCM" : wi->wi_format == 3 ? "float" :
		    wi->wi_format == 6 ? "A-law" : wi->wi_format == 7 ?
		    "mu-law" : "not PCM", wi->wi_rate, wi->wi_channels,
		    wi->wi_channels == 1 ? "" : "s", wi->wi_bits);
		return fail(WAV_UNSUPPORTED, err, errsz, msg);
	}
	return WAV_OK;
}
