/* v720-web's HTTP request parser: every limit and malformed request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../v720-web/http.h"

static struct http_req	r;

static int
parse(const char *s)
{
	return http_parse(s, strlen(s), &r);
}

/* A request whose request line or headers are padded to n bytes. */
static char *
long_target(size_t n)
{
	char	*s;
	size_t	 i;

	cr_assert_not_null(s = malloc(n + 64));
	strcpy(s, "GET /");
	for (i = 5; i < n; i++)
		s[i] = 'a';
	strcpy(s + n, " HTTP/1.1\r\nHost: x\r\n\r\n");
	return s;
}

Test(http, simple_get)
{
	cr_assert_eq(parse("GET /api/cameras?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	cr_assert_eq(r.method, HTTP_GET);
	cr_assert_str_eq(r.path, "/api/cameras");
	cr_assert_str_eq(r.query, "x=1");
	cr_assert_eq(r.minor, 1);
	cr_assert(r.keepalive);
	cr_assert_eq(r.head_len, strlen("GET /api/cameras?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"));
}

Test(http, head_len_stops_at_the_blank_line)
{
	const char *s = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\n";

	cr_assert_eq(parse(s), 1);
	cr_assert_eq(r.head_len, strlen("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
}

Test(http, bare_lf_accepted)
{
	cr_assert_eq(parse("GET / HTTP/1.1\nHost: a\n\n"), 1);
}

Test(http, leading_empty_line_ignored)
{
	cr_assert_eq(parse("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
}

Test(http, incomplete_needs_more)
{
	cr_assert_eq(parse(""), 0);
	cr_assert_eq(parse("GET / HT"), 0);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: a\r\n"), 0);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: a\r\n\r"), 0);
}

Test(http, http10_closes_unless_keepalive)
{
	cr_assert_eq(parse("GET / HTTP/1.0\r\n\r\n"), 1);
	cr_assert_eq(r.keepalive, 0);
	cr_assert_eq(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), 1);
	cr_assert_eq(r.keepalive, 1);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n"), 1);
	cr_assert_eq(r.keepalive, 0);
}

Test(http, methods)
{
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"), 1);
	cr_assert_eq(r.method, HTTP_POST);
	cr_assert_eq(r.content_length, 5);
	cr_assert_eq(parse("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	cr_assert_eq(r.method, HTTP_HEAD);
	cr_assert_eq(parse("BREW / HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	cr_assert_eq(r.method, HTTP_OTHER);
}

Test(http, malformed_request_lines)
{
	static const char *bad[] = {
		"GET\r\n\r\n",
		"GET /\r\n\r\n",
		" GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
		"GET x HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET http:// HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET http://a HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET http://a?x=/ HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET * HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n",
		"G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GETGETGETGETGETGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1x\r\nHost: a\r\n\r\n",
		"GET / http/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/11\r\nHost: a\r\n\r\n",
		"GET / FTP/1.1\r\nHost: a\r\n\r\n",
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(parse(bad[i]), 400, "case %zu: %s", i, bad[i]);
}

Test(http, other_versions_505)
{
	cr_assert_eq(parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
	cr_assert_eq(parse("GET / HTTP/0.9\r\nHost: a\r\n\r\n"), 505);
}

Test(http, request_line_limit_414)
{
	char	*s;

	s = long_target(HTTP_LINE_MAX - 20);
	cr_assert_eq(parse(s), 1);
	free(s);
	s = long_target(HTTP_LINE_MAX);
	cr_assert_eq(parse(s), 414);
	/* Refused before the line ends, too. */
	s[HTTP_LINE_MAX + 2] = '\0';
	cr_assert_eq(parse(s), 414);
	free(s);
}

Test(http, header_line_limit_431)
{
	char	*s;
	size_t	 n = HTTP_FIELD_MAX + 10, i;

	cr_assert_not_null(s = malloc(n + 100));
	i = sprintf(s, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: ");
	memset(s + i, 'b', n);
	strcpy(s + i + n, "\r\n\r\n");
	cr_assert_eq(parse(s), 431);
	/* Before the line ends. */
	s[i + n] = '\0';
	cr_assert_eq(parse(s), 431);
	free(s);
}

Test(http, total_header_limit_431)
{
	char	buf[HTTP_HEAD_MAX + 4096];
	size_t	o;
	int	i;

	o = sprintf(buf, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (i = 0; i < 45; i++)
		o += sprintf(buf + o, "X-F%d: %0400d\r\n", i, 0);
	o += sprintf(buf + o, "\r\n");
	cr_assert_gt(o, HTTP_HEAD_MAX);
	cr_assert_eq(http_parse(buf, o, &r), 431);
	/* Incomplete but already too long. */
	cr_assert_eq(http_parse(buf, HTTP_HEAD_MAX + 1, &r), 431);
}

Test(http, header_count_limit_431)
{
	char	buf[HTTP_HEAD_MAX];
	size_t	o;
	int	i;

	o = sprintf(buf, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (i = 0; i < HTTP_FIELDS_MAX - 1; i++)
		o += sprintf(buf + o, "X: %d\r\n", i);
	cr_assert_eq(http_parse(buf, o + sprintf(buf + o, "\r\n"), &r), 1);
	o += sprintf(buf + o, "Y: 1\r\n\r\n");
	cr_assert_eq(http_parse(buf, o, &r), 431);
}

Test(http, body_limit_413)
{
	char	s[128];

	snprintf(s, sizeof(s), "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n",
	    HTTP_BODY_MAX);
	cr_assert_eq(parse(s), 1);
	/* Bodies read whole are checked by the server (it knows the
	 * route); the parser bounds streamed ones. */
	snprintf(s, sizeof(s), "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %llu\r\n\r\n",
	    (unsigned long long)HTTP_STREAM_MAX);
	cr_assert_eq(parse(s), 1);
	snprintf(s, sizeof(s), "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %llu\r\n\r\n",
	    (unsigned long long)HTTP_STREAM_MAX + 1);
	cr_assert_eq(parse(s), 413);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 99999999999999999999999\r\n\r\n"), 413);
}

Test(http, content_length_malformed)
{
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"), 400);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n"), 400);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"), 400);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n"), 400);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
	    "Content-Length: 2\r\n\r\n"), 1);
}

Test(http, transfer_encoding_refused)
{
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Length: 3\r\n\r\n"), 400);
}

Test(http, malformed_fields)
{
	static const char *bad[] = {
		"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",	/* no Host in 1.1 */
		"GET / HTTP/1.1\r\nHost: a\r\nAuthorization: x\r\nAuthorization: y\r\n\r\n",
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(parse(bad[i]), 400, "case %zu", i);
}

Test(http, nul_inside_a_field)
{
	const char s[] = "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n";

	cr_assert_eq(http_parse(s, sizeof(s) - 1, &r), 400);
}

Test(http, authorization_copied_and_bounded)
{
	char	buf[HTTP_AUTH_MAX + 100];
	int	n;

	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: a\r\nauthorization:  Basic YTpi  \r\n\r\n"), 1);
	cr_assert_str_eq(r.auth, "Basic YTpi");
	n = snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: %0*d\r\n\r\n",
	    HTTP_AUTH_MAX, 0);
	cr_assert_eq(http_parse(buf, n, &r), 431);
}

Test(http, obs_text_in_values_allowed)
{
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n"), 1);
}

Test(http, pct_decode)
{
	char	s[64];

	strcpy(s, "a%20b%2Fc+d");
	cr_assert_eq(http_pct_decode(s, 0), 0);
	cr_assert_str_eq(s, "a b/c+d");
	strcpy(s, "a+b");
	cr_assert_eq(http_pct_decode(s, 1), 0);
	cr_assert_str_eq(s, "a b");
	strcpy(s, "a%2");
	cr_assert_eq(http_pct_decode(s, 0), -1);
	strcpy(s, "a%zz");
	cr_assert_eq(http_pct_decode(s, 0), -1);
	strcpy(s, "a%00b");
	cr_assert_eq(http_pct_decode(s, 0), -1);
}

Test(http, query_iteration)
{
	const char	*q = "code=202&IrLed=1&&x%41=%31+2";
	char		 k[16], v[16];

	cr_assert_eq(http_query_next(&q, k, sizeof(k), v, sizeof(v)), 1);
	cr_assert_str_eq(k, "code");
	cr_assert_str_eq(v, "202");
	cr_assert_eq(http_query_next(&q, k, sizeof(k), v, sizeof(v)), 1);
	cr_assert_str_eq(k, "IrLed");
	cr_assert_str_eq(v, "1");
	cr_assert_eq(http_query_next(&q, k, sizeof(k), v, sizeof(v)), 1);
	cr_assert_str_eq(k, "xA");
	cr_assert_str_eq(v, "1 2");
	cr_assert_eq(http_query_next(&q, k, sizeof(k), v, sizeof(v)), 0);
	q = "=1";
	cr_assert_eq(http_query_next(&q, k, sizeof(k), v, sizeof(v)), -1);
	q = "aaaaaaaaaaaaaaaaaaaaaaaaaa=1";
	cr_assert_eq(http_query_next(&q, k, sizeof(k), v, sizeof(v)), -1);
	q = NULL;
	cr_assert_eq(http_query_next(&q, k, sizeof(k), v, sizeof(v)), 0);
}

Test(http, path_split)
{
	char	 p[64], *seg[4];

	strcpy(p, "/");
	cr_assert_eq(http_path_split(p, seg, 4), 0);
	strcpy(p, "/api/cameras/ab%43/");
	cr_assert_eq(http_path_split(p, seg, 4), 3);
	cr_assert_str_eq(seg[2], "abC");
	strcpy(p, "/a//b");
	cr_assert_eq(http_path_split(p, seg, 4), -1);
	strcpy(p, "/a/b/c/d/e");
	cr_assert_eq(http_path_split(p, seg, 4), -1);
	strcpy(p, "/a%2Fb");
	cr_assert_eq(http_path_split(p, seg, 4), 1);
	cr_assert_str_eq(seg[0], "a/b");
}

Test(http, base64)
{
	uint8_t	out[32];

	cr_assert_eq(http_b64_decode("YWRtaW46c2VjcmV0", out, sizeof(out)), 12);
	cr_assert_eq(memcmp(out, "admin:secret", 12), 0);
	cr_assert_eq(http_b64_decode("YQ==", out, sizeof(out)), 1);
	cr_assert_eq(out[0], 'a');
	cr_assert_eq(http_b64_decode("YWI=", out, sizeof(out)), 2);
	cr_assert_eq(http_b64_decode("YQ=", out, sizeof(out)), -1);
	cr_assert_eq(http_b64_decode("Y=Q=", out, sizeof(out)), -1);
	cr_assert_eq(http_b64_decode("YQ==YQ==", out, sizeof(out)), -1);
	cr_assert_eq(http_b64_decode("Y*==", out, sizeof(out)), -1);
	cr_assert_eq(http_b64_decode("YWRtaW46c2VjcmV0", out, 4), -1);
}

Test(http, status_texts)
{
	cr_assert_str_eq(http_status_text(431), "Request Header Fields Too Large");
	cr_assert_str_eq(http_status_text(504), "Gateway Timeout");
}

Test(http, cross_site_detection)
{
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: cam:8080\r\n\r\n"), 1);
	cr_assert_eq(http_cross_site(&r), 0);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Origin: http://cam:8080\r\n\r\n"), 1);
	cr_assert_eq(http_cross_site(&r), 0);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Origin: https://CAM:8080\r\nSec-Fetch-Site: same-origin\r\n\r\n"), 1);
	cr_assert_eq(http_cross_site(&r), 0);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Origin: http://evil.example\r\n\r\n"), 1);
	cr_assert_eq(http_cross_site(&r), 1);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Origin: null\r\n\r\n"), 1);
	cr_assert_eq(http_cross_site(&r), 1);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Sec-Fetch-Site: cross-site\r\n\r\n"), 1);
	cr_assert_eq(http_cross_site(&r), 1);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: a\r\nOrigin: http://a\r\n"
	    "Origin: http://a\r\n\r\n"), 400);
}

/* The GET commands: Referer and any Sec-Fetch-Site but same-origin too. */
Test(http, other_site_detection)
{
	cr_assert_eq(parse("GET /dev/x/cmd?code=1 HTTP/1.1\r\nHost: cam:8080\r\n"
	    "\r\n"), 1);
	cr_assert_eq(http_other_site(&r), 0);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Referer: http://CAM:8080/index.html?a=b\r\n"
	    "Sec-Fetch-Site: same-origin\r\n\r\n"), 1);
	cr_assert_eq(http_other_site(&r), 0);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Sec-Fetch-Site: none\r\n\r\n"), 1);
	cr_assert_eq(http_other_site(&r), 0);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Referer: http://evil.example/page\r\n\r\n"), 1);
	cr_assert_eq(http_cross_site(&r), 0);
	cr_assert_eq(http_other_site(&r), 1);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Referer: http://cam:8081/\r\n\r\n"), 1);
	cr_assert_eq(http_other_site(&r), 1);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Referer: http://cam:8080.evil.example/\r\n\r\n"), 1);
	cr_assert_eq(http_other_site(&r), 1);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Referer: /relative\r\n\r\n"), 1);
	cr_assert_eq(http_other_site(&r), 1);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Sec-Fetch-Site: same-site\r\n\r\n"), 1);
	cr_assert_eq(http_cross_site(&r), 0);
	cr_assert_eq(http_other_site(&r), 1);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: cam:8080\r\n"
	    "Origin: http://evil.example\r\n\r\n"), 1);
	cr_assert_eq(http_other_site(&r), 1);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: a\r\nReferer: http://a/\r\n"
	    "Referer: http://a/\r\n\r\n"), 400);
}

Test(http, expect_continue)
{
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "Expect: 100-Continue\r\n\r\n"), 1);
	cr_assert_eq(r.expect_continue, 1);
	cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n"), 1);
	cr_assert_eq(r.expect_continue, 0);
}

Test(http, absolute_form_target)
{
	cr_assert_eq(parse("GET http://cam:8080/api/cameras?x=1 HTTP/1.1\r\nHost: cam\r\n\r\n"), 1);
	cr_assert_str_eq(r.path, "/api/cameras");
	cr_assert_str_eq(r.query, "x=1");
	cr_assert_eq(parse("GET HTTPS://cam/ HTTP/1.1\r\nHost: cam\r\n\r\n"), 1);
	cr_assert_str_eq(r.path, "/");
}

Test(http, absolute_form_authority_replaces_host)
{
	/* RFC 9112 3.2.2: the target's authority is what the Host rule sees. */
	cr_assert_eq(parse("GET http://evil.example/api/cameras HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n"), 1);
	cr_assert_str_eq(r.host, "evil.example");
	cr_assert_eq(parse("GET http://127.0.0.1:8080/ HTTP/1.1\r\n"
	    "Host: evil.example\r\n\r\n"), 1);
	cr_assert_str_eq(r.host, "127.0.0.1:8080");
	/* No userinfo in an http URI. */
	cr_assert_eq(parse("GET http://127.0.0.1@evil.example/ HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n"), 400);
	/* Origin-form keeps Host. */
	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: nas.local:80\r\n\r\n"), 1);
	cr_assert_str_eq(r.host, "nas.local:80");
	cr_assert_eq(r.absolute, 0);
}

Test(http, host_split)
{
	static const struct {
		const char	*host;
		int		 kind;
		const char	*name;
	} t[] = {
		{ "127.0.0.1", HTTP_HOST_IP, NULL },
		{ "127.0.0.1:8080", HTTP_HOST_IP, NULL },
		{ "192.168.1.5:65535", HTTP_HOST_IP, NULL },
		{ "[::1]", HTTP_HOST_IP, NULL },
		{ "[::1]:8080", HTTP_HOST_IP, NULL },
		{ "[fe80::1:2]:1", HTTP_HOST_IP, NULL },
		{ "localhost", HTTP_HOST_NAME, "localhost" },
		{ "LocalHost:8080", HTTP_HOST_NAME, "localhost" },
		{ "NAS.local.", HTTP_HOST_NAME, "nas.local" },
		{ "nas.local.:443", HTTP_HOST_NAME, "nas.local" },
		{ "evil.example", HTTP_HOST_NAME, "evil.example" },
		{ "127.0.0.1.evil.example", HTTP_HOST_NAME,
		    "127.0.0.1.evil.example" },
		/* Not IPv4 literals the way inet_pton reads them: names. */
		{ "127.1", HTTP_HOST_NAME, "127.1" },
		{ "0x7f000001", HTTP_HOST_NAME, "0x7f000001" },
		/* Malformed. */
		{ "", -1, NULL },
		{ ":80", -1, NULL },
		{ "127.0.0.1:", -1, NULL },
		{ "127.0.0.1:65536", -1, NULL },
		{ "127.0.0.1:123456", -1, NULL },
		{ "127.0.0.1:80x", -1, NULL },
		{ "127.0.0.1:80:80", -1, NULL },
		{ "[::1", -1, NULL },
		{ "[]", -1, NULL },
		{ "[::1]x", -1, NULL },
		{ "[::1]:", -1, NULL },
		{ "[127.0.0.1]", -1, NULL },
		{ "[fe80::1%25eth0]", -1, NULL },
		{ "::1", -1, NULL },
		{ "a b", -1, NULL },
		{ "a/b", -1, NULL },
		{ "user@host", -1, NULL },
		{ ".", -1, NULL },
		{ "..", -1, NULL },
		{ "a..b", -1, NULL },
		{ ".a", -1, NULL },
		{ "\xc3\xa9.example", -1, NULL },
	};
	char	name[HTTP_HOST_MAX];
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_assert_eq(http_host_split(t[i].host, name, sizeof(name)),
		    t[i].kind, "%s", t[i].host);
		if (t[i].name != NULL)
			cr_assert_str_eq(name, t[i].name, "%s", t[i].host);
	}
	/* A name longer than the buffer is refused, not cut. */
	cr_assert_eq(http_host_split("abcdefgh", name, 8), -1);
	cr_assert_eq(http_host_split("abcdefg", name, 8), HTTP_HOST_NAME);
}

Test(http, status_421)
{
	cr_assert_str_eq(http_status_text(421), "Misdirected Request");
}
