/*
 * libFuzzer target: v720-web's HTTP request parser and the helpers the
 * router runs on what it returns (v720-web/http.c).
 *
 * The input is offered to http_parse() whole and in every prefix the
 * server would see while bytes trickle in (capped, to stay fast).
 * Checked besides ASan/UBSan: the result is 0, 1 or an error status;
 * a complete head lies within the input and within HTTP_HEAD_MAX; path,
 * query and Authorization are NUL-terminated inside the request; path
 * splitting and query iteration terminate and stay in their buffers;
 * the Host classification (http_host_split, the DNS rebinding rule)
 * answers one of its three values and a name it returns is lowercase,
 * without a port, a trailing dot or anything outside [a-z0-9._-]; Origin
 * and Referer are NUL-terminated, and a request http_cross_site() refuses
 * http_other_site() refuses too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../v720-web/http.h"

static struct http_req	r;

static void
check(const char *buf, size_t len)
{
	char		 path[HTTP_TARGET_MAX], key[32], val[32], *seg[8];
	char		 name[HTTP_HOST_MAX], *p;
	const char	*q;
	uint8_t		 raw[HTTP_AUTH_MAX];
	int		 st, n, i;

	st = http_parse(buf, len, &r);
	if (st == 0)
		return;
	if (st != 1 && st != 400 && st != 413 && st != 414 && st != 431 &&
	    st != 501 && st != 505)
		abort();
	if (st != 1)
		return;
	if (r.head_len == 0 || r.head_len > len || r.head_len > HTTP_HEAD_MAX)
		abort();
	if (r.content_length > HTTP_STREAM_MAX || r.path != r.target ||
	    r.path[0] != '/')
		abort();
	if (memchr(r.target, '\0', sizeof(r.target)) == NULL ||
	    memchr(r.auth, '\0', sizeof(r.auth)) == NULL)
		abort();
	if (strlcpy(path, r.path, sizeof(path)) >= sizeof(path))
		abort();
	if ((n = http_path_split(path, seg, 8)) > 8)
		abort();
	for (i = 0; i < n; i++)
		if (seg[i] < path || seg[i] >= path + sizeof(path))
			abort();
	q = r.query;
	for (i = 0; i < 1000 && http_query_next(&q, key, sizeof(key), val,
	    sizeof(val)) != 0; i++)
		;
	if (i == 1000)
		abort();
	(void)http_b64_decode(r.auth, raw, sizeof(raw));
	if (memchr(r.host, '\0', sizeof(r.host)) == NULL ||
	    memchr(r.origin, '\0', sizeof(r.origin)) == NULL ||
	    memchr(r.referer, '\0', sizeof(r.referer)) == NULL)
		abort();
	/* What the router asks of a request that acts: the stricter rule
	 * refuses whatever the other one does. */
	if (http_cross_site(&r) && !http_other_site(&r))
		abort();
	switch (http_host_split(r.host, name, sizeof(name))) {
	case HTTP_HOST_NAME:
		if (name[0] == '\0' || name[strlen(name) - 1] == '.')
			abort();
		for (p = name; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' &&
			    *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
				abort();
		break;
	case HTTP_HOST_IP:
	case -1:
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*buf;
	size_t	 i, step;

	if (size > 4 * HTTP_HEAD_MAX)
		return 0;
	/* A copy of exactly size bytes, so ASan sees any overread. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	check(buf, size);
	step = size / 64 + 1;
	for (i = 0; i < size; i += step)
		check(buf, i);
	free(buf);
	return 0;
}
