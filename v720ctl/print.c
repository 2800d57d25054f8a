/* Text helpers for v720ctl's output. */
#include <stddef.h>
#include <stdint.h>

#include "caminfo.h"
#include "msg.h"
#include "v720ctl.h"

void
ctl_printable(char *out, size_t outsz, const char *in, size_t inlen)
{
	size_t	i, o = 0;

	if (outsz == 0)
		return;
	for (i = 0; i < inlen && in[i] != '\0' && o + 1 < outsz; i++) {
		unsigned char c = in[i];

		out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[o] = '\0';
}

/* Text output says "unknown" where the API says null. */
static const char *
or_unknown(const char *s)
{
	return s != NULL ? s : "unknown";
}

const char *
state_name(uint8_t s)
{
	return caminfo_state(s);
}

const char *
irled_name(uint8_t v)
{
	return or_unknown(caminfo_irled(v));
}

const char *
flip_name(uint8_t v)
{
	return or_unknown(caminfo_flip(v));
}

const char *
onoff_name(uint8_t v)
{
	return or_unknown(caminfo_onoff(v));
}
