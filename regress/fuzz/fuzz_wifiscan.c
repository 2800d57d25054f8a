/*
 * libFuzzer target: the Wi-Fi scan reader (common/wifiscan.c), over the
 * input as base64 text and over the base64 of the input (so the list
 * readers behind the decoder are reached).  Checked besides ASan/UBSan:
 * at most max networks, each 1..32 bytes without control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wifiscan.h"

static void
check(const char *p, size_t len)
{
	char	out[WIFISCAN_MAX][WIFISCAN_SSID_MAX];
	size_t	n = 99, i, j, l;

	if (wifiscan_decode(p, len, out, WIFISCAN_MAX, &n) == -1)
		return;
	if (n > WIFISCAN_MAX)
		abort();
	for (i = 0; i < n; i++) {
		if ((l = strlen(out[i])) == 0 || l >= WIFISCAN_SSID_MAX)
			abort();
		for (j = 0; j < l; j++)
			if ((unsigned char)out[i][j] < 0x20)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			*b;
	size_t			 i, o = 0;
	uint32_t		 v;

	check((const char *)data, size);
	if (size > WIFISCAN_B64_MAX / 4 * 3 ||
	    (b = malloc((size + 2) / 3 * 4 + 1)) == NULL)
		return 0;
	for (i = 0; i < size; i += 3) {
		v = (uint32_t)data[i] << 16;
		if (i + 1 < size)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < size)
			v |= data[i + 2];
		b[o++] = tab[v >> 18 & 63];
		b[o++] = tab[v >> 12 & 63];
		b[o++] = i + 1 < size ? tab[v >> 6 & 63] : '=';
		b[o++] = i + 2 < size ? tab[v & 63] : '=';
	}
	check(b, o);
	free(b);
	return 0;
}
