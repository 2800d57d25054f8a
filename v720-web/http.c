/*
 * HTTP/1.1 request head parser (RFC 9110/9112), strict where leniency
 * would open request smuggling or resource exhaustion, lenient about
 * bare LF line ends.  Pure: no I/O, no allocation.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "http.h"

/* RFC 9110 tchar */
static int
is_tchar(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return 1;
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* A field value byte: HTAB, visible ASCII, SP, obs-text. */
static int
is_vchar(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* Length of the line at p (without CRLF or LF), or -1 if no LF within n. */
static long
line_len(const char *p, size_t n, size_t *next)
{
	const char	*lf;
	size_t		 l;

	if ((lf = memchr(p, '\n', n)) == NULL)
		return -1;
	l = lf - p;
	*next = l + 1;
	if (l > 0 && p[l - 1] == '\r')
		l--;
	return (long)l;
}

static enum http_method
method_of(const char *m, size_t n)
{
	static const struct {
		const char		*name;
		enum http_method	 m;
	} tab[] = {
		{ "GET", HTTP_GET }, { "HEAD", HTTP_HEAD }, { "POST", HTTP_POST },
		{ "PUT", HTTP_PUT }, { "DELETE", HTTP_DELETE },
		{ "OPTIONS", HTTP_OPTIONS },
	};
	size_t	i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strlen(tab[i].name) == n && memcmp(tab[i].name, m, n) == 0)
			return tab[i].m;
	return HTTP_OTHER;
}

static int
parse_request_line(const char *p, size_t n, struct http_req *r)
{
	const char	*sp1, *sp2, *v, *t;
	size_t		 i, tlen, vlen, skip = 0;

	if ((sp1 = memchr(p, ' ', n)) == NULL || sp1 == p || sp1 - p > 15)
		return 400;
	for (i = 0; i < (size_t)(sp1 - p); i++)
		if (!is_tchar(p[i]))
			return 400;
	r->method = method_of(p, sp1 - p);
	if ((sp2 = memchr(sp1 + 1, ' ', n - (sp1 + 1 - p))) == NULL)
		return 400;
	tlen = sp2 - (sp1 + 1);
	if (tlen == 0 || tlen >= sizeof(r->target))
		return tlen == 0 ? 400 : 414;
	for (i = 0; i < tlen; i++) {
		unsigned char c = sp1[1 + i];

		if (c <= 0x20 || c >= 0x7f || c == '#')
			return 400;
	}
	t = sp1 + 1;
	/* RFC 9112 3.2.2: absolute-form is accepted; the authority is not
	 * used (Host is). */
	if (tlen > 7 && strncasecmp(t, "http://", 7) == 0)
		skip = 7;
	else if (tlen > 8 && strncasecmp(t, "https://", 8) == 0)
		skip = 8;
	if (skip > 0) {
		for (i = skip; i < tlen && t[i] != '/' && t[i] != '?'; i++)
			;
		if (i == skip || i == tlen || t[i] != '/')
			return 400;	/* no authority, or no path */
		/* RFC 9110 4.2.4: no userinfo in an http(s) URI. */
		if (memchr(t + skip, '@', i - skip) != NULL)
			return 400;
		/* RFC 9112 3.2.2: this authority replaces Host. */
		r->absolute = 1;
		if (i - skip < sizeof(r->target_host)) {
			memcpy(r->target_host, t + skip, i - skip);
			r->target_host[i - skip] = '\0';
		}
		t += i;
		tlen -= i;
	}
	if (t[0] != '/')
		return 400;
	memcpy(r->target, t, tlen);
	r->target[tlen] = '\0';
	v = sp2 + 1;
	vlen = n - (v - p);
	if (vlen != 8 || memcmp(v, "HTTP/", 5) != 0 || !isdigit((unsigned char)v[5]) ||
	    v[6] != '.' || !isdigit((unsigned char)v[7]))
		return 400;
	if (v[5] != '1')
		return 505;
	r->minor = v[7] - '0';
	r->keepalive = r->minor >= 1;
	r->path = r->target;
	if ((r->query = strchr(r->target, '?')) != NULL)
		*r->query++ = '\0';
	return 0;
}

/* Case-insensitive search for a token in a comma-separated list. */
static int
has_token(const char *v, size_t n, const char *tok)
{
	size_t	tl = strlen(tok), i = 0, s, e;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && strncasecmp(v + s, tok, tl) == 0)
			return 1;
	}
	return 0;
}

/* A header that may come once (else 400), kept cut to dstsz - 1. */
static int
field_once(char *dst, size_t dstsz, const char *v, size_t vlen)
{
	if (dst[0] != '\0')
		return 400;
	if (vlen >= dstsz)
		vlen = dstsz - 1;
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
	return 0;
}

static int
parse_field(const char *p, size_t n, struct http_req *r, int *seen)
{
	const char	*colon, *v;
	size_t		 nlen, vlen, i;
	uint64_t	 cl;

	if (n == 0 || p[0] == ' ' || p[0] == '\t')
		return 400;		/* obs-fold or whitespace before name */
	if ((colon = memchr(p, ':', n)) == NULL || colon == p)
		return 400;
	nlen = colon - p;
	for (i = 0; i < nlen; i++)
		if (!is_tchar(p[i]))
			return 400;
	v = colon + 1;
	vlen = n - nlen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	for (i = 0; i < vlen; i++)
		if (!is_vchar(v[i]))
			return 400;

#define IS(name) (nlen == sizeof(name) - 1 && strncasecmp(p, name, nlen) == 0)
	if (IS("Content-Length")) {
		if (vlen == 0 || vlen > 18)
			return vlen == 0 ? 400 : 413;
		for (cl = 0, i = 0; i < vlen; i++) {
			if (!isdigit((unsigned char)v[i]))
				return 400;
			cl = cl * 10 + (v[i] - '0');
		}
		if ((*seen & 1) && cl != r->content_length)
			return 400;
		*seen |= 1;
		r->content_length = cl;
		r->has_body = 1;
	} else if (IS("Transfer-Encoding")) {
		*seen |= 2;
	} else if (IS("Host")) {
		if (r->has_host)
			return 400;
		r->has_host = 1;
		if (vlen < sizeof(r->host)) {
			memcpy(r->host, v, vlen);
			r->host[vlen] = '\0';
		}
	} else if (IS("Origin")) {
		/* Too long to be ours: keep a value that never matches. */
		return field_once(r->origin, sizeof(r->origin), v, vlen);
	} else if (IS("Referer")) {
		/* Only its authority counts: the rest may be cut. */
		return field_once(r->referer, sizeof(r->referer), v, vlen);
	} else if (IS("Range")) {
		/* One value; a longer one is not a range we serve. */
		if (vlen < sizeof(r->range) && r->range[0] == '\0') {
			memcpy(r->range, v, vlen);
			r->range[vlen] = '\0';
		}
	} else if (IS("Expect")) {
		if (vlen == 12 && strncasecmp(v, "100-continue", 12) == 0)
			r->expect_continue = 1;
	} else if (IS("Sec-Fetch-Site")) {
		if (vlen == 10 && strncasecmp(v, "cross-site", 10) == 0)
			r->cross_site = 1;
		if (!(vlen == 11 && strncasecmp(v, "same-origin", 11) == 0) &&
		    !(vlen == 4 && strncasecmp(v, "none", 4) == 0))
			r->fetch_other = 1;
	} else if (IS("Connection")) {
		if (has_token(v, vlen, "close"))
			r->keepalive = 0;
		else if (has_token(v, vlen, "keep-alive"))
			r->keepalive = 1;
		if (has_token(v, vlen, "upgrade"))
			r->conn_upgrade = 1;
	} else if (IS("Upgrade")) {
		if (has_token(v, vlen, "websocket"))
			r->upgrade_ws = 1;
	} else if (IS("Sec-WebSocket-Key")) {
		if (r->ws_key[0] != '\0')
			return 400;
		if (vlen < sizeof(r->ws_key)) {
			memcpy(r->ws_key, v, vlen);
			r->ws_key[vlen] = '\0';
		}
	} else if (IS("Sec-WebSocket-Version")) {
		r->ws_version = (vlen == 2 && v[0] == '1' && v[1] == '3') ?
		    13 : -1;
	} else if (IS("Authorization")) {
		if (*seen & 4)
			return 400;
		*seen |= 4;
		if (vlen >= sizeof(r->auth))
			return 431;
		memcpy(r->auth, v, vlen);
		r->auth[vlen] = '\0';
	}
#undef IS
	return 0;
}

int
http_parse(const char *buf, size_t len, struct http_req *r)
{
	size_t	 off = 0, next, avail;
	long	 l;
	int	 st, nfields = 0, seen = 0;

	memset(r, 0, sizeof(*r));
	/* RFC 9112 2.2: ignore empty lines before the request line. */
	while (off < len && off < 4 && (buf[off] == '\r' || buf[off] == '\n'))
		off++;
	avail = len - off;
	if (avail > HTTP_LINE_MAX + 2)
		avail = HTTP_LINE_MAX + 2;
	if ((l = line_len(buf + off, avail, &next)) == -1)
		return len - off >= HTTP_LINE_MAX + 2 ? 414 : 0;
	if (l >= HTTP_LINE_MAX)
		return 414;
	if ((st = parse_request_line(buf + off, l, r)) != 0)
		return st;
	off += next;

	for (;;) {
		avail = len - off;
		if (avail > HTTP_FIELD_MAX + 2)
			avail = HTTP_FIELD_MAX + 2;
		if ((l = line_len(buf + off, avail, &next)) == -1) {
			if (len - off >= HTTP_FIELD_MAX + 2 || len >= HTTP_HEAD_MAX)
				return 431;
			return 0;
		}
		if (l > HTTP_FIELD_MAX || off + next > HTTP_HEAD_MAX)
			return 431;
		if (memchr(buf + off, '\r', l) != NULL ||
		    memchr(buf + off, '\0', l) != NULL)
			return 400;	/* bare CR or NUL inside a line */
		if (l == 0) {
			off += next;
			break;
		}
		if (++nfields > HTTP_FIELDS_MAX)
			return 431;
		if ((st = parse_field(buf + off, l, r, &seen)) != 0)
			return st;
		off += next;
	}
	r->head_len = off;
	if (seen & 2)		/* no chunked bodies here; CL+TE is smuggling */
		return (seen & 1) ? 400 : 501;
	if (r->minor >= 1 && !r->has_host)
		return 400;
	if (r->absolute) {
		memcpy(r->host, r->target_host, sizeof(r->host));
		r->has_host = 1;
	}
	if (r->content_length > HTTP_STREAM_MAX)
		return 413;
	return 1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
http_pct_decode(char *s, int plus)
{
	char	*d = s;
	int	 h, l;

	for (; *s != '\0'; s++) {
		if (*s == '%') {
			if ((h = hexval(s[1])) == -1 || (l = hexval(s[2])) == -1)
				return -1;
			if (h == 0 && l == 0)
				return -1;
			*d++ = (char)(h << 4 | l);
			s += 2;
		} else if (plus && *s == '+')
			*d++ = ' ';
		else
			*d++ = *s;
	}
	*d = '\0';
	return 0;
}

int
http_query_next(const char **q, char *key, size_t keysz, char *val,
    size_t valsz)
{
	const char	*p = *q, *amp, *eq;
	size_t		 n, kl, vl;

	if (p == NULL)
		return 0;
	while (*p == '&')
		p++;
	if (*p == '\0') {
		*q = p;
		return 0;
	}
	amp = strchr(p, '&');
	n = amp ? (size_t)(amp - p) : strlen(p);
	eq = memchr(p, '=', n);
	kl = eq ? (size_t)(eq - p) : n;
	vl = eq ? n - kl - 1 : 0;
	*q = p + n;
	if (kl == 0 || kl >= keysz || vl >= valsz)
		return -1;
	memcpy(key, p, kl);
	key[kl] = '\0';
	memcpy(val, eq ? eq + 1 : "", vl);
	val[vl] = '\0';
	if (http_pct_decode(key, 1) == -1 || http_pct_decode(val, 1) == -1)
		return -1;
	return 1;
}

int
http_path_split(char *path, char **seg, int max)
{
	char	*p, *s;
	int	 n = 0;

	if (path[0] != '/')
		return -1;
	p = path + 1;
	while (*p != '\0') {
		s = p;
		if ((p = strchr(s, '/')) != NULL)
			*p++ = '\0';
		else
			p = s + strlen(s);
		if (*s == '\0')
			return -1;	/* "//" */
		if (n == max || http_pct_decode(s, 0) == -1)
			return -1;
		seg[n++] = s;
	}
	return n;
}

/* Whether url ("scheme://host[:port][/...]") names host[:port]. */
static int
same_authority(const char *url, const char *host)
{
	const char	*p;
	size_t		 len;

	if ((p = strstr(url, "://")) == NULL)
		return 0;	/* "null" and other opaque origins */
	p += 3;
	len = strcspn(p, "/?#");
	return len == strlen(host) && strncasecmp(p, host, len) == 0;
}

int
http_cross_site(const struct http_req *r)
{
	if (r->cross_site)
		return 1;
	return r->origin[0] != '\0' && !same_authority(r->origin, r->host);
}

int
http_other_site(const struct http_req *r)
{
	if (http_cross_site(r) || r->fetch_other)
		return 1;
	return r->referer[0] != '\0' && !same_authority(r->referer, r->host);
}

int
http_host_split(const char *host, char *name, size_t namesz)
{
	struct in6_addr	 in6;
	struct in_addr	 in;
	const char	*end, *p;
	char		 lit[INET6_ADDRSTRLEN];
	size_t		 hlen, i;
	long		 port;
	int		 kind;

	if (namesz > 0)
		name[0] = '\0';
	if (host[0] == '[') {
		if ((end = strchr(host, ']')) == NULL ||
		    (hlen = end - host - 1) == 0 || hlen >= sizeof(lit))
			return -1;
		memcpy(lit, host + 1, hlen);
		lit[hlen] = '\0';
		if (inet_pton(AF_INET6, lit, &in6) != 1)
			return -1;
		kind = HTTP_HOST_IP;
		end++;
	} else {
		if ((end = strchr(host, ':')) == NULL)
			end = host + strlen(host);
		hlen = end - host;
		if (hlen == 0 || hlen >= namesz)
			return -1;
		for (i = 0; i < hlen; i++) {
			unsigned char c = host[i];

			if (!isalnum(c) && c != '-' && c != '.' && c != '_')
				return -1;
			name[i] = tolower(c);
		}
		name[hlen] = '\0';
		if (inet_pton(AF_INET, name, &in) == 1)
			kind = HTTP_HOST_IP;
		else {
			/* "nas.local." is "nas.local"; ".", "a..b" are not names. */
			if (hlen > 1 && name[hlen - 1] == '.')
				name[--hlen] = '\0';
			if (name[0] == '.' || name[hlen - 1] == '.' ||
			    strstr(name, "..") != NULL)
				return -1;
			kind = HTTP_HOST_NAME;
		}
	}
	if (*end == '\0')
		return kind;
	if (*end != ':' || end[1] == '\0')
		return -1;
	for (p = end + 1, port = 0; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || p - end > 5)
			return -1;
		port = port * 10 + (*p - '0');
	}
	return port <= 65535 ? kind : -1;
}

const char *
http_method_name(enum http_method m)
{
	switch (m) {
	case HTTP_GET:		return "GET";
	case HTTP_HEAD:		return "HEAD";
	case HTTP_POST:		return "POST";
	case HTTP_PUT:		return "PUT";
	case HTTP_DELETE:	return "DELETE";
	case HTTP_OPTIONS:	return "OPTIONS";
	default:		return "OTHER";
	}
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200:	return "OK";
	case 202:	return "Accepted";
	case 204:	return "No Content";
	case 400:	return "Bad Request";
	case 401:	return "Unauthorized";
	case 403:	return "Forbidden";
	case 404:	return "Not Found";
	case 405:	return "Method Not Allowed";
	case 408:	return "Request Timeout";
	case 409:	return "Conflict";
	case 411:	return "Length Required";
	case 413:	return "Content Too Large";
	case 414:	return "URI Too Long";
	case 415:	return "Unsupported Media Type";
	case 421:	return "Misdirected Request";
	case 426:	return "Upgrade Required";
	case 429:	return "Too Many Requests";
	case 431:	return "Request Header Fields Too Large";
	case 500:	return "Internal Server Error";
	case 501:	return "Not Implemented";
	case 503:	return "Service Unavailable";
	case 504:	return "Gateway Timeout";
	case 505:	return "HTTP Version Not Supported";
	default:	return "Unknown";
	}
}

/* One decoder for the web and RTSP (common/base64.c). */
int
http_b64_decode(const char *in, uint8_t *out, size_t outsz)
{
	size_t	n;

	if (b64_decode(in, strlen(in), out, outsz, &n) == -1 || n > INT_MAX)
		return -1;
	return (int)n;
}
