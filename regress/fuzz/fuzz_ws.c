/*
 * libFuzzer target: v720-web's WebSocket frame reader (wsproto.c) the
 * way ws.c drives it: frames parsed one after another from the input,
 * each payload unmasked; close payloads checked; every prefix of the
 * first frame too.  Checked besides ASan/UBSan: a parsed header lies
 * within the input and its payload within the limit, and a header that
 * parsed from a prefix parses the same from the whole.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../v720-web/wsproto.h"

#define MAX	8192

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_frame	 f, g;
	uint8_t		*p;
	size_t		 off = 0, n, i;
	int		 r, code;

	for (i = 0; i <= size && i <= WS_HDR_MAX; i++) {
		if (ws_frame_parse(data, i, MAX, &f) != 1)
			continue;
		if (ws_frame_parse(data, size, MAX, &g) != 1 ||
		    memcmp(&f, &g, sizeof(f)) != 0)
			abort();
		break;
	}
	while (off < size) {
		r = ws_frame_parse(data + off, size - off, MAX, &f);
		if (r <= 0)
			break;
		if (f.wf_hdrlen > WS_HDR_MAX || f.wf_len > MAX ||
		    f.wf_hdrlen > size - off)
			abort();
		if (size - off - f.wf_hdrlen < f.wf_len)
			break;
		n = f.wf_len;
		if ((p = malloc(n + 1)) == NULL)
			abort();
		memcpy(p, data + off + f.wf_hdrlen, n);
		ws_unmask(p, n, f.wf_mask, 0);
		if (f.wf_op == WS_OP_CLOSE)
			(void)ws_close_payload(p, n, &code);
		(void)ws_utf8_valid(p, n);
		free(p);
		off += f.wf_hdrlen + n;
	}
	return 0;
}
