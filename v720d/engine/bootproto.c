/*
 * Camera bootstrap HTTP, pure part: a strict, bounded request parser and
 * the JSON answers cameras expect.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonw.h"
#include "bootproto.h"
#include "camtcp.h"

static const struct {
	const char		*name;
	enum boot_endpoint	 ep;
} endpoints[] = {
	{ "/app/api/ApiServer/getA9ConfCheck", BOOT_CONFCHECK },
	{ "/app/api/ApiSysDevicesBatch/registerDevices", BOOT_REGISTER },
	{ "/app/api/ApiSysDevicesBatch/confirm", BOOT_CONFIRM },
	{ "/app/api/ApiSysDevices/a9bindingAppDevice", BOOT_BINDING },
	{ "/app/api/ApiSysDevices/getDevInfo", BOOT_DEVINFO },
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode s[0..n) into out; -1 if it does not fit or is bad. */
static int
urldecode(const char *s, size_t n, char *out, size_t outsz)
{
	size_t	i, o = 0;
	int	hi, lo, c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return -1;
			if ((hi = hexval(s[i + 1])) == -1 ||
			    (lo = hexval(s[i + 2])) == -1)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		} else if (c == '+')
			c = ' ';
		if (c < 0x20 || c == 0x7f || o + 1 >= outsz)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

static void
parse_query(const char *q, size_t n, struct bootreq *r)
{
	const char	*p = q, *end = q + n, *amp, *eq;
	char		 key[32];
	char		*out;
	size_t		 outsz, klen;

	while (p < end) {
		if ((amp = memchr(p, '&', end - p)) == NULL)
			amp = end;
		if ((eq = memchr(p, '=', amp - p)) != NULL &&
		    (klen = eq - p) < sizeof(key)) {
			memcpy(key, p, klen);
			key[klen] = '\0';
			out = NULL;
			outsz = 0;
			if (strcmp(key, "devicesCode") == 0) {
				out = r->br_uid;
				outsz = sizeof(r->br_uid);
			} else if (strcmp(key, "token") == 0) {
				out = r->br_token;
				outsz = sizeof(r->br_token);
			} else if (strcmp(key, "batch") == 0) {
				out = r->br_batch;
				outsz = sizeof(r->br_batch);
			}
			if (out != NULL && urldecode(eq + 1, amp - eq - 1, out,
			    outsz) == -1)
				out[0] = '\0';
		}
		p = amp + 1;
	}
}

/* Find "\r\n\r\n" (or "\n\n") in buf; returns the header length. */
static size_t
header_end(const char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static int
fail(struct bootreq *r, int status)
{
	r->br_status = status;
	return -1;
}

int
bootproto_parse(const char *buf, size_t len, struct bootreq *r)
{
	const char	*line, *eol, *sp1, *sp2, *q, *colon, *v;
	const char	*errstr;
	size_t		 hlen, n, vlen, body = 0;
	char		 num[16];
	size_t		 i;

	memset(r, 0, sizeof(*r));
	if (len > BOOT_MAX_REQUEST)
		len = BOOT_MAX_REQUEST;
	if (memchr(buf, '\0', len) != NULL)
		return fail(r, 400);
	if ((hlen = header_end(buf, len)) == 0)
		return len >= BOOT_MAX_REQUEST ? fail(r, 413) : 0;

	/* Request line: METHOD SP target SP HTTP/1.x */
	if ((eol = memchr(buf, '\n', hlen)) == NULL)
		return fail(r, 400);
	n = eol - buf;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if ((sp1 = memchr(buf, ' ', n)) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', buf + n - sp1 - 1)) == NULL)
		return fail(r, 400);
	if ((size_t)(sp1 - buf) >= sizeof(r->br_method) || sp1 == buf)
		return fail(r, 400);
	memcpy(r->br_method, buf, sp1 - buf);
	if (buf + n - sp2 - 1 != 8 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return fail(r, 400);
	if ((q = memchr(sp1 + 1, '?', sp2 - sp1 - 1)) == NULL)
		q = sp2;
	if ((size_t)(q - sp1 - 1) >= sizeof(r->br_path) || q == sp1 + 1 ||
	    sp1[1] != '/')
		return fail(r, 400);
	memcpy(r->br_path, sp1 + 1, q - sp1 - 1);
	if (q < sp2)
		parse_query(q + 1, sp2 - q - 1, r);

	/* Headers: Content-Length, Transfer-Encoding, version, a proxy's. */
	for (line = eol + 1; line < buf + hlen; line = eol + 1) {
		if ((eol = memchr(line, '\n', buf + hlen - line)) == NULL)
			break;
		n = eol - line;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		if ((colon = memchr(line, ':', n)) == NULL)
			return fail(r, 400);
		v = colon + 1;
		while (v < line + n && (*v == ' ' || *v == '\t'))
			v++;
		vlen = line + n - v;
		if (colon - line == 14 &&
		    strncasecmp(line, "Content-Length", 14) == 0) {
			if (vlen == 0 || vlen >= sizeof(num))
				return fail(r, 400);
			memcpy(num, v, vlen);
			num[vlen] = '\0';
			for (i = 0; i < vlen; i++)
				if (!isdigit((unsigned char)num[i]))
					return fail(r, 400);
			body = strtonum(num, 0, BOOT_MAX_REQUEST, &errstr);
			if (errstr != NULL)
				return fail(r, 413);
		} else if (colon - line == 17 &&
		    strncasecmp(line, "Transfer-Encoding", 17) == 0)
			return fail(r, 501);
		else if (colon - line == 7 &&
		    strncasecmp(line, "version", 7) == 0 &&
		    vlen < sizeof(r->br_version))
			/* Logged and shown as the firmware: no raw bytes. */
			bootproto_escape(r->br_version, sizeof(r->br_version),
			    v, vlen);
		else if (colon - line == 9 &&
		    strncasecmp(line, "X-Real-IP", 9) == 0 &&
		    vlen < sizeof(r->br_realip)) {
			memcpy(r->br_realip, v, vlen);
			r->br_realip[vlen] = '\0';
		} else if (colon - line == 13 &&
		    strncasecmp(line, "X-Server-Addr", 13) == 0 &&
		    vlen < sizeof(r->br_srvaddr)) {
			memcpy(r->br_srvaddr, v, vlen);
			r->br_srvaddr[vlen] = '\0';
		}
	}
	if (hlen + body > BOOT_MAX_REQUEST)
		return fail(r, 413);
	if (len < hlen + body)
		return 0;
	r->br_len = hlen + body;
	for (i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++)
		if (strcmp(r->br_path, endpoints[i].name) == 0)
			r->br_endpoint = endpoints[i].ep;
	if (r->br_uid[0] != '\0' && !camtcp_valid_uid(r->br_uid))
		r->br_uid[0] = '\0';
	return 1;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "";
	case 400:
		return " Bad Request";
	case 403:
		return " Forbidden";
	case 404:
		return " Not Found";
	case 405:
		return " Method Not Allowed";
	case 408:
		return " Request Timeout";
	case 413:
		return " Payload Too Large";
	case 501:
		return " Not Implemented";
	case 503:
		return " Service Unavailable";
	default:
		return "";
	}
}

int
bootproto_answer(char *out, size_t outsz, int status, const char *body)
{
	int	n;

	/*
	 * "HTTP/1.1 200" without a reason phrase, as the capture shows.
	 * X-V720d lets v720ctl doctor tell v720d's answer from another web
	 * server's on port 80, also through a reverse proxy.
	 */
	n = snprintf(out, outsz, "HTTP/1.1 %d%s\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "X-V720d: bootstrap\r\n"
	    "Connection: close\r\n\r\n%s", status, reason(status),
	    strlen(body), body);
	return (n < 0 || (size_t)n >= outsz) ? -1 : n;
}

static int
jsonw_done(struct jsonw *w, char *out, size_t outsz)
{
	const char	*s;
	size_t		 len;
	int		 r = -1;

	if ((s = jsonw_result(w, &len)) != NULL && len < outsz) {
		memcpy(out, s, len + 1);
		r = len;
	}
	jsonw_free(w);
	return r;
}

int
bootproto_confcheck(char *out, size_t outsz, const char *uid,
    const char *host, unsigned port, const char *pwd, time_t now)
{
	struct jsonw	w;
	char		ts[32];

	snprintf(ts, sizeof(ts), "%lld", (long long)now);
	jsonw_init(&w);
	jsonw_obj_open(&w);
	jsonw_kint(&w, "code", 200);
	jsonw_kstr(&w, "message", "OK");
	jsonw_key(&w, "data");
	jsonw_obj_open(&w);
	jsonw_kint(&w, "tcpPort", port);
	jsonw_kstr(&w, "uid", uid);
	jsonw_kstr(&w, "isBind", "8");
	jsonw_kstr(&w, "domain", "v720.naxclow.com");
	jsonw_key(&w, "updateUrl");
	jsonw_null(&w);
	jsonw_kstr(&w, "host", host);
	jsonw_kstr(&w, "currTime", ts);
	jsonw_kstr(&w, "pwd", pwd);
	jsonw_key(&w, "version");
	jsonw_null(&w);
	jsonw_obj_close(&w);
	jsonw_obj_close(&w);
	return jsonw_done(&w, out, outsz);
}

int
bootproto_ok(char *out, size_t outsz, const char *data)
{
	int	n;

	n = snprintf(out, outsz, "{\"code\":200,\"message\":\"OK\","
	    "\"data\":%s}", data);
	return (n < 0 || (size_t)n >= outsz) ? -1 : n;
}

int
bootproto_error(char *out, size_t outsz, int code, const char *msg)
{
	struct jsonw	w;

	jsonw_init(&w);
	jsonw_obj_open(&w);
	jsonw_kint(&w, "code", code);
	jsonw_kstr(&w, "message", msg);
	jsonw_key(&w, "data");
	jsonw_null(&w);
	jsonw_obj_close(&w);
	return jsonw_done(&w, out, outsz);
}

void
bootproto_escape(char *dst, size_t dstsz, const char *src, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, o = 0, need;
	unsigned char		 ch;

	if (dstsz == 0)
		return;
	for (i = 0; i < len; i++) {
		ch = (unsigned char)src[i];
		need = (ch == '\\') ? 2 : (ch >= 0x20 && ch < 0x7f) ? 1 : 4;
		if (o + need >= dstsz)
			break;
		if (need == 1)
			dst[o++] = ch;
		else if (need == 2) {
			dst[o++] = '\\';
			dst[o++] = '\\';
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[ch >> 4];
			dst[o++] = hex[ch & 15];
		}
	}
	dst[o] = '\0';
}

void
bootproto_pwd(char out[BOOT_PWD_LEN + 1])
{
	camtcp_hexrand(out, BOOT_PWD_LEN);
}
