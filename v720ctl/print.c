/* Text helpers for v720ctl's output. */
#include <stddef.h>
#include <stdint.h>

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

const char *
state_name(uint8_t s)
{
	switch (s) {
	case CAM_OFFLINE:	return "offline";
	case CAM_ONLINE:	return "online";
	case CAM_CONNECTING:	return "connecting";
	case CAM_STREAMING:	return "streaming";
	default:		return "unknown";
	}
}

const char *
irled_name(uint8_t v)
{
	switch (v) {
	case 0:		return "off";
	case 1:		return "on";
	case 2:		return "auto";
	default:	return "unknown";
	}
}

const char *
flip_name(uint8_t v)
{
	switch (v) {
	case 0:		return "normal";
	case 2:		return "horizontal";
	case 3:		return "vertical";
	case 4:		return "upside-down";
	default:	return "unknown";
	}
}

const char *
onoff_name(uint8_t v)
{
	switch (v) {
	case 0:		return "off";
	case 1:		return "on";
	default:	return "unknown";
	}
}
