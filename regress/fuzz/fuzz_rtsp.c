/*
 * libFuzzer target: what an RTSP client sends (v720d/rtsp/rtspreq.c,
 * rtcp_parse in v720d/rtsp/rtp.c).  The input is read as a connection's
 * byte stream the way server.c consumes it: interleaved frames ('$')
 * whose data goes through rtcp_parse, and request heads, each offered
 * whole and in prefixes; a parsed request's Transport and URL go
 * through rtspreq_transport and rtspreq_target.  Checked besides
 * ASan/UBSan: results are in their documented ranges, a head lies inside
 * the input and RTSP_HEAD_MAX, strings are NUL-terminated in their
 * buffers, channels and ports are in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../v720d/rtsp/rtp.h"
#include "../../v720d/rtsp/rtspreq.h"

static struct rtsp_req	r;

static void
check_req(void)
{
	struct rtsp_transport	t;
	struct rtsp_target	g;

	if (memchr(r.url, '\0', sizeof(r.url)) == NULL ||
	    memchr(r.session, '\0', sizeof(r.session)) == NULL ||
	    memchr(r.auth, '\0', sizeof(r.auth)) == NULL ||
	    memchr(r.transport, '\0', sizeof(r.transport)) == NULL)
		abort();
	if (r.content_length > RTSP_BODY_MAX || !r.has_cseq)
		abort();
	if (rtspreq_transport(r.transport, &t) == 0) {
		if (t.tcp && t.interleaved[0] != -1 &&
		    (t.interleaved[0] < 0 || t.interleaved[1] > 255 ||
		    t.interleaved[1] != t.interleaved[0] + 1))
			abort();
		if (!t.tcp && (t.client_port[0] == 0 ||
		    t.client_port[1] != t.client_port[0] + 1))
			abort();
	}
	if (rtspreq_target(r.url, &g) == 0) {
		if (memchr(g.id, '\0', sizeof(g.id)) == NULL ||
		    g.track < -1 || g.track > 1)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	*buf, ch;
	size_t	 off = 0, n, dl, i, step;
	int	 st, what;

	if (size > 4 * RTSP_HEAD_MAX)
		return 0;
	/* A copy of exactly size bytes, so ASan sees any overread. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	while (off < size) {
		if (buf[off] == '$') {
			if ((n = rtspreq_interleaved(buf + off, size - off, &ch,
			    &dl)) == 0)
				break;
			if (n != 4 + dl || n > size - off)
				abort();
			what = rtcp_parse(buf + off + 4, dl);
			if (what < -1 || what > (RTCP_RR | RTCP_BYE))
				abort();
			off += n;
			continue;
		}
		step = (size - off) / 16 + 1;
		for (i = 0; i < size - off; i += step)
			if ((st = rtspreq_parse((char *)buf + off, i, &r)) == 1 &&
			    r.head_len > i)
				abort();
		st = rtspreq_parse((char *)buf + off, size - off, &r);
		if (st == 0)
			break;
		if (st != 1) {
			if (st != 400 && st != 413 && st != 414 && st != 431 &&
			    st != 505)
				abort();
			break;
		}
		if (r.head_len == 0 || r.head_len > size - off ||
		    r.head_len > RTSP_HEAD_MAX + 4)
			abort();
		check_req();
		(void)rtspreq_method_name(r.method);
		if (r.content_length > size - off - r.head_len)
			break;
		off += r.head_len + r.content_length;
	}
	free(buf);
	return 0;
}
