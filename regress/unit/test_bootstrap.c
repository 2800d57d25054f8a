/*
 * Unit tests of v720d/bootproto.c: the real camera's getA9ConfCheck
 * request from the capture (whole, byte by byte), the answer and its
 * fields, the other endpoints, and hostile requests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "json.h"
#include "../../v720d/engine/bootproto.h"
#include "capture.h"


static const struct cap_msg *
find(int frame)
{
	int	i;

	for (i = 0; i < ncap; i++)
		if (cap[i].frame == frame)
			return &cap[i];
	cr_assert_fail("frame %d not in the capture", frame);
	return NULL;
}

Test(bootstrap, capture_request, .init = cap_init, .fini = cap_fini)
{
	const struct cap_msg	*m = find(28);
	struct bootreq		 r;
	size_t			 i;

	cr_assert_eq(bootproto_parse((const char *)m->data, m->len, &r), 1);
	cr_assert_eq(r.br_endpoint, BOOT_CONFCHECK);
	cr_assert_str_eq(r.br_method, "POST");
	cr_assert_str_eq(r.br_uid, "0800c00128F8");
	cr_assert_str_eq(r.br_token, "2d8c8b52f1");
	cr_assert_str_eq(r.br_version, "202212011602");
	cr_assert_eq(r.br_len, m->len);

	/* Byte by byte: incomplete until the last byte. */
	for (i = 1; i < m->len; i++)
		cr_assert_eq(bootproto_parse((const char *)m->data, i, &r), 0,
		    "complete after %zu of %zu bytes", i, m->len);
}

Test(bootstrap, capture_answer, .init = cap_init, .fini = cap_fini)
{
	const struct cap_msg	*srv = find(30);
	struct json_doc		 d, dc;
	char			 body[1024], http[2048], s[64];
	const char		*p;
	int64_t			 v;
	int			 n, data;

	n = bootproto_confcheck(body, sizeof(body), "0800c00128F8",
	    "10.42.0.1", 6123, "91edf41f", 1676097689);
	cr_assert_gt(n, 0);
	cr_assert_eq(json_parse(&d, body, n), 0);
	cr_assert_eq(json_get_int(&d, "code", 0, 1000, &v), 0);
	cr_assert_eq(v, 200);
	data = json_find(&d, 0, "data");
	cr_assert_gt(data, 0);
	cr_assert_eq(json_int(&d, json_find(&d, data, "tcpPort"), 0, 65535,
	    &v), 0);
	cr_assert_eq(v, 6123);
	cr_assert_eq(json_str(&d, json_find(&d, data, "host"), s, sizeof(s)),
	    0);
	cr_assert_str_eq(s, "10.42.0.1");
	cr_assert_eq(json_str(&d, json_find(&d, data, "pwd"), s, sizeof(s)),
	    0);
	cr_assert_str_eq(s, "91edf41f");
	cr_assert_eq(json_str(&d, json_find(&d, data, "currTime"), s,
	    sizeof(s)), 0);
	cr_assert_str_eq(s, "1676097689");
	cr_assert_eq(d.tok[json_find(&d, data, "currTime")].type, JSON_STRING);

	/* The same data fields, in the same order, as the capture's answer. */
	p = memmem(srv->data, srv->len, "\r\n\r\n", 4);
	cr_assert_not_null(p);
	p += 4;
	cr_assert_eq(json_parse(&dc, p, srv->len - (p - (char *)srv->data)),
	    0);
	{
		int	a = json_find(&dc, 0, "data"), i;

		cr_assert_eq(dc.tok[a].size, d.tok[data].size);
		for (i = 1; i <= 2 * dc.tok[a].size; i += 2) {
			const struct json_tok *x = &dc.tok[a + i];
			const struct json_tok *y = &d.tok[data + i];

			cr_assert_eq(x->end - x->start, y->end - y->start);
			cr_assert(memcmp(p + x->start, body + y->start,
			    x->end - x->start) == 0);
		}
	}

	n = bootproto_answer(http, sizeof(http), 200, body);
	cr_assert_gt(n, 0);
	cr_assert(strncmp(http, "HTTP/1.1 200\r\n", 14) == 0);
	cr_assert_not_null(strstr(http,
	    "\r\nContent-Type: application/json\r\n"));
	snprintf(s, sizeof(s), "\r\nContent-Length: %zu\r\n", strlen(body));
	cr_assert_not_null(strstr(http, s));
	cr_assert_str_eq(strstr(http, "\r\n\r\n") + 4, body);
}

static int
parse(const char *req, struct bootreq *r)
{
	return bootproto_parse(req, strlen(req), r);
}

Test(bootstrap, endpoints)
{
	struct bootreq	r;

	cr_assert_eq(parse("POST /app/api/ApiSysDevicesBatch/registerDevices?"
	    "batch=A9&random=x&token=y HTTP/1.1\r\nHost: h\r\n\r\n", &r), 1);
	cr_assert_eq(r.br_endpoint, BOOT_REGISTER);
	cr_assert_str_eq(r.br_batch, "A9");
	cr_assert_eq(parse("POST /app/api/ApiSysDevicesBatch/confirm?"
	    "devicesCode=0800c00128F8 HTTP/1.1\r\n\r\n", &r), 1);
	cr_assert_eq(r.br_endpoint, BOOT_CONFIRM);
	cr_assert_eq(parse("POST /app/api/ApiSysDevices/a9bindingAppDevice "
	    "HTTP/1.1\r\n\r\n", &r), 1);
	cr_assert_eq(r.br_endpoint, BOOT_BINDING);
	cr_assert_eq(parse("POST /app/api/ApiSysDevices/getDevInfo?"
	    "devicesCode=0800c00128F8 HTTP/1.1\n\n", &r), 1);
	cr_assert_eq(r.br_endpoint, BOOT_DEVINFO);
	cr_assert_eq(parse("GET /favicon.ico HTTP/1.1\r\n\r\n", &r), 1);
	cr_assert_eq(r.br_endpoint, BOOT_UNKNOWN);
	/* A uid we do not accept is dropped, not passed on. */
	cr_assert_eq(parse("POST /app/api/ApiServer/getA9ConfCheck?"
	    "devicesCode=..%2F..%2Fetc HTTP/1.1\r\n\r\n", &r), 1);
	cr_assert_str_eq(r.br_uid, "");
	cr_assert_eq(parse("POST /app/api/ApiServer/getA9ConfCheck?"
	    "devicesCode=%41BC HTTP/1.1\r\n\r\n", &r), 1);
	cr_assert_str_eq(r.br_uid, "ABC");
}

/*
 * A hostile "camera" puts terminal escapes and line breaks in its
 * version header: what reaches the log (and the firmware field shown by
 * v720ctl and the API) has no control byte left.
 */
Test(bootstrap, version_header_is_escaped)
{
	struct bootreq	r;
	size_t		i;

	cr_assert_eq(parse("POST /app/api/ApiServer/getA9ConfCheck?"
	    "devicesCode=0800c00128F8 HTTP/1.1\r\n"
	    "version: 20\x1b[2J\rX\\\x7f\x80\r\n\r\n", &r), 1);
	cr_assert_str_eq(r.br_version, "20\\x1b[2J\\x0dX\\\\\\x7f\\x80");
	/* Cut at a whole escape, never inside one. */
	cr_assert_eq(parse("GET / HTTP/1.1\r\nversion: "
	    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\r\n\r\n", &r), 1);
	cr_assert_str_eq(r.br_version, "\\x01\\x01\\x01\\x01\\x01\\x01\\x01");
	for (i = 0; r.br_version[i] != '\0'; i++)
		cr_assert(r.br_version[i] >= 0x20 && r.br_version[i] < 0x7f);
}

Test(bootstrap, body_and_bounds)
{
	struct bootreq	 r;
	char		*big;
	const char	*req = "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nab";

	cr_assert_eq(parse(req, &r), 0);		/* body incomplete */
	cr_assert_eq(parse("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\n"
	    "abcde", &r), 1);
	cr_assert_eq(r.br_len, strlen("POST /x HTTP/1.1\r\nContent-Length: "
	    "5\r\n\r\nabcde"));
	cr_assert_eq(parse("POST /x HTTP/1.1\r\nContent-Length: 99999\r\n\r\n",
	    &r), -1);
	cr_assert_eq(r.br_status, 413);
	cr_assert_eq(parse("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
	    &r), -1);
	cr_assert_eq(r.br_status, 400);
	cr_assert_eq(parse("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n", &r), -1);
	cr_assert_eq(r.br_status, 501);
	cr_assert_eq(parse("POST /x\r\n\r\n", &r), -1);
	cr_assert_eq(parse("POST x HTTP/1.1\r\n\r\n", &r), -1);
	cr_assert_eq(parse("POST /x HTTP/1.1\r\nno colon\r\n\r\n", &r), -1);
	cr_assert_eq(bootproto_parse("GET / HTTP/1.1\r\n\0\r\n\r\n", 20, &r),
	    -1);
	/* Headers that never end, over the bound. */
	big = malloc(BOOT_MAX_REQUEST + 10);
	memset(big, 'a', BOOT_MAX_REQUEST + 10);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	cr_assert_eq(bootproto_parse(big, BOOT_MAX_REQUEST + 10, &r), -1);
	cr_assert_eq(r.br_status, 413);
	cr_assert_eq(bootproto_parse(big, 100, &r), 0);
	free(big);
}

Test(bootstrap, other_answers)
{
	char	buf[256], pwd[BOOT_PWD_LEN + 1];
	size_t	i;

	cr_assert_gt(bootproto_ok(buf, sizeof(buf), "null"), 0);
	cr_assert_str_eq(buf, "{\"code\":200,\"message\":\"OK\",\"data\":null}");
	cr_assert_gt(bootproto_error(buf, sizeof(buf), 403, "unknown camera"),
	    0);
	cr_assert_str_eq(buf, "{\"code\":403,\"message\":\"unknown camera\","
	    "\"data\":null}");
	cr_assert_eq(bootproto_answer(buf, 20, 200, "{}"), -1);
	bootproto_pwd(pwd);
	cr_assert_eq(strlen(pwd), 8);
	for (i = 0; i < 8; i++)
		cr_assert(strchr("0123456789abcdef", pwd[i]) != NULL);
}

/* A reverse proxy's headers (etc/nginx-v720d.conf), kept as text. */
Test(bootstrap, proxy_headers)
{
	static const char	req[] = "POST /app/api/ApiServer/getA9ConfCheck"
	    "?devicesCode=0800c00128F8 HTTP/1.1\r\nHost: v720.naxclow.com\r\n"
	    "X-Real-IP: 192.168.1.77\r\nx-server-addr:  192.168.1.5\r\n"
	    "version: 202212011602\r\n\r\n";
	static const char	longer[] = "GET /app/api/x HTTP/1.1\r\n"
	    "X-Real-IP: 1111111111111111111111111111111111111111111111111111"
	    "\r\n\r\n";
	struct bootreq		r;

	cr_assert_eq(bootproto_parse(req, sizeof(req) - 1, &r), 1);
	cr_assert_str_eq(r.br_realip, "192.168.1.77");
	cr_assert_str_eq(r.br_srvaddr, "192.168.1.5");
	cr_assert_str_eq(r.br_version, "202212011602");
	/* Too long for the field: ignored, the request still parses. */
	cr_assert_eq(bootproto_parse(longer, sizeof(longer) - 1, &r), 1);
	cr_assert_str_eq(r.br_realip, "");
}
