/* The RTSP request parser (v720d/rtsp/rtspreq.c): requests, limits,
 * Transport headers, URLs and interleaved frames. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../v720d/rtsp/rtspreq.h"

static struct rtsp_req	r;

static int
parse(const char *s)
{
	return rtspreq_parse(s, strlen(s), &r);
}

Test(rtspreq, describe)
{
	const char *s = "DESCRIBE rtsp://10.0.0.1:8554/cam1 RTSP/1.0\r\n"
	    "CSeq: 2\r\nAccept: application/sdp\r\n"
	    "Authorization: Basic YTpi\r\n\r\nNEXT";

	cr_assert_eq(parse(s), 1);
	cr_assert_eq(r.method, RTSP_M_DESCRIBE);
	cr_assert_eq(r.cseq, 2);
	cr_assert_str_eq(r.url, "rtsp://10.0.0.1:8554/cam1");
	cr_assert_str_eq(r.auth, "Basic YTpi");
	cr_assert_eq(r.head_len, strlen(s) - 4);
}

Test(rtspreq, head_len_and_body)
{
	const char *s = "SET_PARAMETER rtsp://h/c RTSP/1.0\r\nCSeq: 9\r\n"
	    "Session: ABCDEF;timeout=60\r\nContent-Length: 5\r\n\r\nhello";

	cr_assert_eq(parse(s), 1);
	cr_assert_eq(r.head_len, strlen(s) - 5);
	cr_assert_eq(r.content_length, 5);
	cr_assert_str_eq(r.session, "ABCDEF");
	cr_assert_eq(r.method, RTSP_M_SET_PARAMETER);
}

Test(rtspreq, incomplete)
{
	cr_assert_eq(parse("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n"), 0);
	cr_assert_eq(parse("OPTI"), 0);
	cr_assert_eq(parse(""), 0);
}

Test(rtspreq, malformed)
{
	cr_assert_eq(parse("OPTIONS * RTSP/1.0\r\n\r\n"), 400);	/* no CSeq */
	cr_assert_eq(parse("OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n"), 505);
	cr_assert_eq(parse("OPTIONS * HTTP/1.1\r\nCSeq: 1\r\n\r\n"), 400);
	cr_assert_eq(parse("OPTIONS  * RTSP/1.0\r\nCSeq: 1\r\n\r\n"), 400);
	cr_assert_eq(parse("OPTIONS * RTSP/1.0\r\nCSeq: x\r\n\r\n"), 400);
	cr_assert_eq(parse("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nCSeq: 2\r\n\r\n"), 400);
	cr_assert_eq(parse("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n folded\r\n\r\n"), 400);
	cr_assert_eq(parse("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nA\rB: c\r\n\r\n"), 400);
	cr_assert_eq(parse("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 1\r\n"
	    "Content-Length: 1\r\n\r\n"), 400);
	cr_assert_eq(parse("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 99999\r\n\r\n"), 413);
	cr_assert_eq(parse("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
	cr_assert_eq(parse("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nSession: 1\r\nSession: 2\r\n\r\n"), 400);
	cr_assert_eq(parse("$\x01\x02\x04" "abcd\r\n"), 400);
}

Test(rtspreq, nul_inside)
{
	static const char s[] = "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: a\0b\r\n\r\n";

	cr_assert_eq(rtspreq_parse(s, sizeof(s) - 1, &r), 400);
}

Test(rtspreq, limits)
{
	char	*s;
	size_t	 i, n;

	cr_assert_not_null(s = malloc(64 * 1024));
	/* A request line that never ends. */
	memset(s, 'A', RTSP_LINE_MAX + 2);
	cr_assert_eq(rtspreq_parse(s, RTSP_LINE_MAX + 2, &r), 414);
	/* One header line too long. */
	n = (size_t)sprintf(s, "OPTIONS * RTSP/1.0\r\nX: ");
	memset(s + n, 'b', RTSP_FIELD_MAX + 2);
	cr_assert_eq(rtspreq_parse(s, n + RTSP_FIELD_MAX + 2, &r), 431);
	/* Too many headers. */
	n = (size_t)sprintf(s, "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n");
	for (i = 0; i < RTSP_FIELDS_MAX; i++)
		n += (size_t)sprintf(s + n, "X: y\r\n");
	n += (size_t)sprintf(s + n, "\r\n");
	cr_assert_eq(rtspreq_parse(s, n, &r), 431);
	/* Headers adding up past the head limit. */
	n = (size_t)sprintf(s, "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n");
	for (i = 0; i < 20; i++) {
		memset(s + n, 'c', 500);
		n += 500;
		n += (size_t)sprintf(s + n, ": y\r\n");
	}
	cr_assert_eq(rtspreq_parse(s, n, &r), 431);
	/* A URL too long. */
	n = (size_t)sprintf(s, "DESCRIBE rtsp://h/");
	memset(s + n, 'u', RTSP_URL_MAX);
	n += RTSP_URL_MAX;
	n += (size_t)sprintf(s + n, " RTSP/1.0\r\nCSeq: 1\r\n\r\n");
	cr_assert_eq(rtspreq_parse(s, n, &r), 414);
	/* Authorization too long. */
	n = (size_t)sprintf(s, "DESCRIBE rtsp://h/a RTSP/1.0\r\nCSeq: 1\r\nAuthorization: ");
	memset(s + n, 'u', RTSP_AUTH_MAX);
	n += RTSP_AUTH_MAX;
	n += (size_t)sprintf(s + n, "\r\n\r\n");
	cr_assert_eq(rtspreq_parse(s, n, &r), 431);
	free(s);
}

Test(rtspreq, unknown_method)
{
	cr_assert_eq(parse("RECORD rtsp://h/a RTSP/1.0\r\nCSeq: 3\r\n\r\n"), 1);
	cr_assert_eq(r.method, RTSP_M_OTHER);
	cr_assert_eq(parse("play rtsp://h/a RTSP/1.0\r\nCSeq: 3\r\n\r\n"), 1);
	cr_assert_eq(r.method, RTSP_M_OTHER);	/* methods are case-sensitive */
}

Test(rtspreq, transport)
{
	struct rtsp_transport	t;

	cr_assert_eq(rtspreq_transport("RTP/AVP/TCP;unicast;interleaved=0-1", &t), 0);
	cr_assert(t.tcp);
	cr_assert_eq(t.interleaved[0], 0);
	cr_assert_eq(t.interleaved[1], 1);
	cr_assert_eq(rtspreq_transport("RTP/AVP/TCP;unicast", &t), 0);
	cr_assert_eq(t.interleaved[0], -1);
	cr_assert_eq(rtspreq_transport("RTP/AVP;unicast;client_port=5000-5001", &t), 0);
	cr_assert(!t.tcp);
	cr_assert_eq(t.client_port[0], 5000);
	cr_assert_eq(t.client_port[1], 5001);
	cr_assert_eq(rtspreq_transport("RTP/AVP/UDP;unicast;client_port=6000;mode=play", &t), 0);
	cr_assert_eq(t.client_port[1], 6001);
	/* The first one we serve wins. */
	cr_assert_eq(rtspreq_transport("RTP/AVP;multicast, RTP/AVP/TCP;interleaved=2-3", &t), 0);
	cr_assert(t.tcp);
	cr_assert_eq(t.interleaved[0], 2);
	/* GStreamer's way of asking for several */
	cr_assert_eq(rtspreq_transport("RTP/AVP;unicast;client_port=40000-40001,"
	    "RTP/AVP/TCP;unicast;interleaved=0-1", &t), 0);
	cr_assert(!t.tcp);
	cr_assert_eq(rtspreq_transport("RTP/AVP;unicast", &t), -1);	/* no port */
	cr_assert_eq(rtspreq_transport("RTP/AVP;unicast;client_port=0-1", &t), -1);
	cr_assert_eq(rtspreq_transport("RTP/AVP;unicast;client_port=70000-70001", &t), -1);
	cr_assert_eq(rtspreq_transport("RTP/AVP;unicast;client_port=5000-5009", &t), -1);
	cr_assert_eq(rtspreq_transport("RTP/AVP;destination=10.0.0.9;client_port=5000-5001", &t), -1);
	cr_assert_eq(rtspreq_transport("RTP/AVP/TCP;interleaved=255-256", &t), -1);
	cr_assert_eq(rtspreq_transport("RTP/AVP/TCP;interleaved=a-b", &t), -1);
	cr_assert_eq(rtspreq_transport("RTP/AVP/TCP;mode=record", &t), -1);
	cr_assert_eq(rtspreq_transport("RAW/RAW/UDP;unicast", &t), -1);
	cr_assert_eq(rtspreq_transport("", &t), -1);
	cr_assert_eq(rtspreq_transport(";;;", &t), -1);
}

Test(rtspreq, target)
{
	struct rtsp_target	t;

	cr_assert_eq(rtspreq_target("rtsp://127.0.0.1:8554/0800c00128F8", &t), 0);
	cr_assert_str_eq(t.id, "0800c00128F8");
	cr_assert(!t.h264);
	cr_assert_eq(t.track, -1);
	cr_assert_eq(rtspreq_target("rtsp://nas.local/cam/h264/", &t), 0);
	cr_assert(t.h264);
	cr_assert_eq(t.track, -1);
	cr_assert_eq(rtspreq_target("rtsp://nas.local/cam/h264/trackID=1", &t), 0);
	cr_assert(t.h264);
	cr_assert_eq(t.track, 1);
	cr_assert_eq(rtspreq_target("rtsp://nas.local/cam/trackID=0", &t), 0);
	cr_assert(!t.h264);
	cr_assert_eq(t.track, 0);
	cr_assert_eq(rtspreq_target("/cam?x=1", &t), 0);
	cr_assert_eq(rtspreq_target("*", &t), 0);
	cr_assert_str_eq(t.id, "");
	cr_assert_eq(rtspreq_target("rtsp://h/cam/trackID=2", &t), -1);
	cr_assert_eq(rtspreq_target("rtsp://h/cam/trackID=0/h264", &t), -1);
	cr_assert_eq(rtspreq_target("rtsp://h/cam/h264/h264", &t), -1);
	cr_assert_eq(rtspreq_target("rtsp://h/../etc", &t), -1);
	cr_assert_eq(rtspreq_target("rtsp://h//cam", &t), -1);
	cr_assert_eq(rtspreq_target("rtsp://h/", &t), -1);
	cr_assert_eq(rtspreq_target("rtsp://h", &t), -1);
	cr_assert_eq(rtspreq_target("http://h/cam", &t), -1);
	cr_assert_eq(rtspreq_target("rtsp://h/cam/x/y/z", &t), -1);
}

Test(rtspreq, interleaved)
{
	uint8_t	ch;
	size_t	n;

	cr_assert_eq(rtspreq_interleaved((const uint8_t *)"$\x01\x00\x02" "ab",
	    6, &ch, &n), 6);
	cr_assert_eq(ch, 1);
	cr_assert_eq(n, 2);
	cr_assert_eq(rtspreq_interleaved((const uint8_t *)"$\x01\x00\x02" "a",
	    5, &ch, &n), 0);
	cr_assert_eq(rtspreq_interleaved((const uint8_t *)"$\x01\x00", 3, &ch,
	    &n), 0);
}
