/*
 * RTSP/1.0 request head parser (RFC 2326 6, 12), the Transport header
 * (12.39), request URLs and interleaved frames from the client (10.12).
 * RTSP borrows HTTP/1.1's message syntax; we take its strict reading:
 * no folded lines, no NUL or bare CR, one Content-Length, bounded lines,
 * header count and head size.  Pure: no I/O, no allocation.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rtspreq.h"

static const struct {
	const char		*name;
	enum rtsp_method	 m;
} methods[] = {
	{ "OPTIONS", RTSP_M_OPTIONS },
	{ "DESCRIBE", RTSP_M_DESCRIBE },
	{ "SETUP", RTSP_M_SETUP },
	{ "PLAY", RTSP_M_PLAY },
	{ "PAUSE", RTSP_M_PAUSE },
	{ "TEARDOWN", RTSP_M_TEARDOWN },
	{ "GET_PARAMETER", RTSP_M_GET_PARAMETER },
	{ "SET_PARAMETER", RTSP_M_SET_PARAMETER },
};

const char *
rtspreq_method_name(enum rtsp_method m)
{
	size_t	i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].m == m)
			return methods[i].name;
	return "OTHER";
}

const char *
rtspreq_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Request Entity Too Large";
	case 414: return "Request-URI Too Large";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 453: return "Not Enough Bandwidth";
	case 454: return "Session Not Found";
	case 455: return "Method Not Valid in This State";
	case 459: return "Aggregate Operation Not Allowed";
	case 460: return "Only Aggregate Operation Allowed";
	case 461: return "Unsupported Transport";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "RTSP Version Not Supported";
	case 551: return "Option not supported";
	default: return "Error";
	}
}

/* RFC 2616 token characters (RTSP's header names and methods). */
static int
tokenchar(unsigned char c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/*
 * The line at p within n bytes: its length without CR LF (or bare LF),
 * and where the next starts; -1 if no LF yet.
 */
static long
next_line(const char *p, size_t n, size_t *adv)
{
	const char	*lf = memchr(p, '\n', n);
	size_t		 l;

	if (lf == NULL)
		return -1;
	*adv = (size_t)(lf - p) + 1;
	l = lf - p;
	return (long)(l > 0 && p[l - 1] == '\r' ? l - 1 : l);
}

static int
request_line(const char *p, size_t n, struct rtsp_req *r)
{
	const char	*sp1, *sp2;
	size_t		 i, ml, ul;

	if ((sp1 = memchr(p, ' ', n)) == NULL || sp1 == p || sp1 - p > 16)
		return 400;
	ml = sp1 - p;
	for (i = 0; i < ml; i++)
		if (!tokenchar(p[i]))
			return 400;
	r->method = RTSP_M_OTHER;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strlen(methods[i].name) == ml &&
		    memcmp(methods[i].name, p, ml) == 0)
			r->method = methods[i].m;
	if ((sp2 = memchr(sp1 + 1, ' ', n - ml - 1)) == NULL)
		return 400;
	ul = sp2 - sp1 - 1;
	if (ul == 0)
		return 400;
	if (ul >= sizeof(r->url))
		return 414;
	for (i = 0; i < ul; i++)
		if ((unsigned char)sp1[1 + i] <= 0x20 ||
		    (unsigned char)sp1[1 + i] >= 0x7f)
			return 400;
	memcpy(r->url, sp1 + 1, ul);
	r->url[ul] = '\0';
	n -= sp2 + 1 - p;
	if (n != 8 || memcmp(sp2 + 1, "RTSP/", 5) != 0 ||
	    !isdigit((unsigned char)sp2[6]) || sp2[7] != '.' ||
	    !isdigit((unsigned char)sp2[8]))
		return 400;
	if (sp2[6] != '1' || sp2[8] != '0')
		return 505;
	return 0;
}

/* A decimal number of at most maxdig digits, the whole of v. */
static int
decimal(const char *v, size_t n, size_t maxdig, uint64_t *out)
{
	size_t	i;

	if (n == 0 || n > maxdig)
		return -1;
	for (*out = 0, i = 0; i < n; i++) {
		if (!isdigit((unsigned char)v[i]))
			return -1;
		*out = *out * 10 + (v[i] - '0');
	}
	return 0;
}

/* Copy a header value once; a repeat or an overlong value is status. */
static int
keep(char *dst, size_t dstsz, const char *v, size_t n, int toolong)
{
	if (dst[0] != '\0')
		return 400;
	if (n >= dstsz)
		return toolong;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int
field(const char *p, size_t n, struct rtsp_req *r, int *seen)
{
	const char	*colon, *v;
	size_t		 nl, vl, i;
	uint64_t	 num;

	if ((colon = memchr(p, ':', n)) == NULL || colon == p)
		return 400;
	nl = colon - p;
	for (i = 0; i < nl; i++)
		if (!tokenchar(p[i]))
			return 400;	/* also folded lines: SP before name */
	v = colon + 1;
	vl = n - nl - 1;
	for (; vl > 0 && (*v == ' ' || *v == '\t'); v++, vl--)
		;
	for (; vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'); vl--)
		;
	for (i = 0; i < vl; i++)
		if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
			return 400;

#define IS(s) (nl == sizeof(s) - 1 && strncasecmp(p, s, nl) == 0)
	if (IS("CSeq")) {
		if (r->has_cseq || decimal(v, vl, 9, &num) == -1)
			return 400;
		r->cseq = (uint32_t)num;
		r->has_cseq = 1;
	} else if (IS("Content-Length")) {
		if ((*seen & 1) || decimal(v, vl, 18, &num) == -1)
			return vl > 18 ? 413 : 400;
		*seen |= 1;
		if (num > RTSP_BODY_MAX)
			return 413;
		r->content_length = num;
	} else if (IS("Session")) {
		/* "id" or "id;timeout=N": keep the id only. */
		for (i = 0; i < vl && v[i] != ';'; i++)
			;
		for (; i > 0 && (v[i - 1] == ' ' || v[i - 1] == '\t'); i--)
			;
		if (i == 0)
			return 400;
		return keep(r->session, sizeof(r->session), v, i, 400);
	} else if (IS("Authorization")) {
		return keep(r->auth, sizeof(r->auth), v, vl, 431);
	} else if (IS("Transport")) {
		return keep(r->transport, sizeof(r->transport), v, vl, 431);
	} else if (IS("Require") || IS("Proxy-Require")) {
		r->has_require = 1;
	} else if (IS("Transfer-Encoding")) {
		return 400;	/* RTSP has no chunked bodies */
	}
#undef IS
	return 0;
}

int
rtspreq_parse(const char *buf, size_t len, struct rtsp_req *r)
{
	size_t	 off = 0, adv, avail;
	long	 l;
	int	 st, nfields = 0, seen = 0;

	memset(r, 0, sizeof(*r));
	/* Tolerate the CRLF some clients send after a body or keep-alive. */
	while (off < len && off < 4 && (buf[off] == '\r' || buf[off] == '\n'))
		off++;
	avail = len - off < RTSP_LINE_MAX + 2 ? len - off : RTSP_LINE_MAX + 2;
	if ((l = next_line(buf + off, avail, &adv)) == -1)
		return avail >= RTSP_LINE_MAX + 2 ? 414 : 0;
	if (l >= RTSP_LINE_MAX)
		return 414;
	if (memchr(buf + off, '\0', l) != NULL ||
	    memchr(buf + off, '\r', l) != NULL)
		return 400;
	if ((st = request_line(buf + off, l, r)) != 0)
		return st;
	off += adv;
	for (;;) {
		avail = len - off < RTSP_FIELD_MAX + 2 ? len - off :
		    RTSP_FIELD_MAX + 2;
		if ((l = next_line(buf + off, avail, &adv)) == -1) {
			if (avail >= RTSP_FIELD_MAX + 2 || len >= RTSP_HEAD_MAX)
				return 431;
			return 0;
		}
		if (l > RTSP_FIELD_MAX || off + adv > RTSP_HEAD_MAX)
			return 431;
		if (memchr(buf + off, '\0', l) != NULL ||
		    memchr(buf + off, '\r', l) != NULL)
			return 400;
		off += adv;
		if (l == 0)
			break;
		if (++nfields > RTSP_FIELDS_MAX)
			return 431;
		if ((st = field(buf + off - adv, l, r, &seen)) != 0)
			return st;
	}
	r->head_len = off;
	/* RFC 2326 12.17: every request carries a CSeq. */
	if (!r->has_cseq)
		return 400;
	return 1;
}

/* Parse "a" or "a-b" (decimals up to max) into v[0], v[1] (b = a+1). */
static int
range(const char *s, size_t n, unsigned max, int v[2])
{
	const char	*dash = memchr(s, '-', n);
	uint64_t	 a, b;

	if (decimal(s, dash ? (size_t)(dash - s) : n, 5, &a) == -1 || a > max)
		return -1;
	if (dash == NULL)
		b = a + 1;
	else if (decimal(dash + 1, n - (dash + 1 - s), 5, &b) == -1 || b > max)
		return -1;
	if (b != a + 1)
		return -1;	/* RTP and RTCP on adjacent channels/ports */
	v[0] = (int)a;
	v[1] = (int)b;
	return 0;
}

/* One transport-spec of n bytes: 0 if we serve it (t filled). */
static int
transport_spec(const char *s, size_t n, struct rtsp_transport *t)
{
	const char	*p, *semi, *eq;
	size_t		 pl, kl;
	int		 v[2], udp = 0, mode_ok = 1;

	memset(t, 0, sizeof(*t));
	t->interleaved[0] = t->interleaved[1] = -1;
	for (p = s; n > 0 && (*p == ' ' || *p == '\t'); p++, n--)
		;
	for (; n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'); n--)
		;
	semi = memchr(p, ';', n);
	pl = semi ? (size_t)(semi - p) : n;
	if ((pl == 7 && strncasecmp(p, "RTP/AVP", 7) == 0) ||
	    (pl == 11 && strncasecmp(p, "RTP/AVP/UDP", 11) == 0))
		udp = 1;
	else if (pl == 11 && strncasecmp(p, "RTP/AVP/TCP", 11) == 0)
		t->tcp = 1;
	else
		return -1;
	while (semi != NULL) {
		n -= semi + 1 - p;
		p = semi + 1;
		semi = memchr(p, ';', n);
		pl = semi ? (size_t)(semi - p) : n;
		eq = memchr(p, '=', pl);
		kl = eq ? (size_t)(eq - p) : pl;
#define K(s) (kl == sizeof(s) - 1 && strncasecmp(p, s, kl) == 0)
#define VAL eq + 1, pl - kl - 1
		if (K("multicast"))
			return -1;
		else if (K("unicast") && eq == NULL)
			continue;
		else if (K("interleaved") && eq != NULL) {
			if (range(VAL, 255, v) == -1)
				return -1;
			t->interleaved[0] = v[0];
			t->interleaved[1] = v[1];
		} else if (K("client_port") && eq != NULL) {
			if (range(VAL, 65535, v) == -1 || v[0] == 0)
				return -1;
			t->client_port[0] = (uint16_t)v[0];
			t->client_port[1] = (uint16_t)v[1];
		} else if (K("destination") && eq != NULL)
			return -1;	/* never send to a third party */
		else if (K("mode") && eq != NULL)
			mode_ok = (pl - kl - 1 == 4 &&
			    strncasecmp(eq + 1, "PLAY", 4) == 0) ||
			    (pl - kl - 1 == 6 &&
			    strncasecmp(eq + 1, "\"PLAY\"", 6) == 0);
		else if (kl == 0)
			return -1;
		/* ttl, ssrc, layers, append, port: not ours to honour */
#undef K
#undef VAL
	}
	if (!mode_ok)
		return -1;
	if (udp && t->client_port[0] == 0)
		return -1;
	return 0;
}

int
rtspreq_transport(const char *value, struct rtsp_transport *t)
{
	const char	*p = value, *comma;
	size_t		 n = strlen(value), sl;
	int		 specs = 0;

	while (n > 0 && specs++ < 8) {
		comma = memchr(p, ',', n);
		sl = comma ? (size_t)(comma - p) : n;
		if (transport_spec(p, sl, t) == 0)
			return 0;
		if (comma == NULL)
			break;
		n -= sl + 1;
		p = comma + 1;
	}
	memset(t, 0, sizeof(*t));
	t->interleaved[0] = t->interleaved[1] = -1;
	return -1;
}

static int
idchar(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-';
}

int
rtspreq_target(const char *url, struct rtsp_target *t)
{
	const char	*p = url, *seg;
	size_t		 sl;
	int		 nseg = 0;

	memset(t, 0, sizeof(*t));
	t->track = -1;
	if (strcmp(url, "*") == 0)
		return 0;
	if (strncasecmp(p, "rtsp://", 7) == 0) {
		p += 7;
		/* The authority is whatever name the client used. */
		if ((p = strchr(p, '/')) == NULL)
			return -1;
	}
	if (*p != '/')
		return -1;
	while (*p == '/') {
		seg = ++p;
		p += strcspn(p, "/?");
		sl = p - seg;
		if (sl == 0) {
			if (*p == '/')
				return -1;	/* "//" */
			break;			/* one trailing slash */
		}
		switch (nseg++) {
		case 0:
			if (sl >= sizeof(t->id))
				return -1;
			memcpy(t->id, seg, sl);
			t->id[sl] = '\0';
			for (; sl > 0; sl--)
				if (!idchar(t->id[sl - 1]))
					return -1;
			break;
		case 1:
			if (sl == 4 && strncmp(seg, "h264", 4) == 0) {
				t->h264 = 1;
				break;
			}
			/* FALLTHROUGH */
		case 2:
			if (t->track != -1 || sl != 9 ||
			    strncmp(seg, "trackID=", 8) != 0 ||
			    (seg[8] != '0' && seg[8] != '1'))
				return -1;
			t->track = seg[8] - '0';
			break;
		default:
			return -1;
		}
	}
	/* A query string carries nothing for us; anything else is junk. */
	if (*p != '\0' && *p != '?')
		return -1;
	return nseg == 0 ? -1 : 0;
}

size_t
rtspreq_interleaved(const uint8_t *buf, size_t len, uint8_t *channel,
    size_t *datalen)
{
	if (len < 4 || buf[0] != '$')
		return 0;
	*channel = buf[1];
	*datalen = (size_t)buf[2] << 8 | buf[3];
	if (len < 4 + *datalen)
		return 0;
	return 4 + *datalen;
}
