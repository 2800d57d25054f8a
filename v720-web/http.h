/*
 * HTTP/1.1 request parsing: pure functions over a byte buffer, no I/O,
 * so the parser can be unit-tested and fuzzed on its own.
 */
#ifndef V720_HTTP_H
#define V720_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_LINE_MAX		8192	/* request line, else 414 */
#define HTTP_FIELD_MAX		8192	/* one header line, else 431 */
#define HTTP_HEAD_MAX		16384	/* request line + headers, else 431 */
#define HTTP_FIELDS_MAX		64	/* header lines, else 431 */
#define HTTP_BODY_MAX		16384	/* request body read whole, else 413 */
#define HTTP_STREAM_MAX		(64ULL * 1024 * 1024)	/* streamed (talk) */
#define HTTP_TARGET_MAX		HTTP_LINE_MAX
#define HTTP_AUTH_MAX		512
#define HTTP_HOST_MAX		256	/* Host value, NUL included */

enum http_method {
	HTTP_OTHER = 0,
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_DELETE,
	HTTP_OPTIONS,
};

struct http_req {
	enum http_method method;
	int		 minor;		/* HTTP/1.x */
	int		 keepalive;	/* after this request */
	int		 has_body;
	size_t		 content_length;
	size_t		 head_len;	/* bytes of request line + headers */
	char		 target[HTTP_TARGET_MAX];	/* path?query, raw */
	char		*path;		/* into target, NUL-terminated */
	char		*query;		/* into target, or NULL */
	char		 auth[HTTP_AUTH_MAX];	/* Authorization value */
	char		 host[HTTP_HOST_MAX];	/* Host value, or the authority
					 * of an absolute-form target
					 * ("" if too long) */
	char		 origin[256];	/* Origin value ("" if absent) */
	int		 cross_site;	/* Sec-Fetch-Site: cross-site */
	int		 fetch_other;	/* ... neither same-origin nor none */
	char		 referer[256];	/* Referer value ("" if absent) */
	int		 expect_continue;	/* Expect: 100-continue */
	int		 has_host;
	int		 absolute;	/* absolute-form target */
	char		 target_host[HTTP_HOST_MAX];	/* its authority */
	/* WebSocket opening handshake (RFC 6455 4.2.1) */
	int		 upgrade_ws;	/* Upgrade: websocket */
	int		 conn_upgrade;	/* Connection: ... upgrade */
	int		 ws_version;	/* Sec-WebSocket-Version, -1 bad */
	char		 ws_key[32];	/* Sec-WebSocket-Key ("" bad/none) */
	char		 range[64];	/* Range value ("" if absent or long) */
};

/*
 * Parse the head of one request at buf.  Returns 0 when more bytes are
 * needed, 1 when a whole head is there (r filled, r->head_len set; the
 * caller checks content_length against HTTP_BODY_MAX for bodies it
 * reads whole: only HTTP_STREAM_MAX is checked here), or
 * the HTTP status to answer with (400, 413, 414, 431, 501, 505) for a
 * request that must be refused; the connection is then closed.
 */
int	 http_parse(const char *buf, size_t len, struct http_req *r);

/* Decode %XX in place (and '+' as space when plus is set); -1 on a bad
 * escape or an embedded NUL. */
int	 http_pct_decode(char *s, int plus);

/*
 * Iterate over "a=1&b=2": each call copies the next decoded key and value
 * and advances *q; returns 1, 0 at the end, -1 on a malformed or
 * oversized pair.
 */
int	 http_query_next(const char **q, char *key, size_t keysz, char *val,
	    size_t valsz);

/* Split a decoded-per-segment path into at most max segments; returns the
 * count or -1 (bad escape, too many, empty segment other than a trailing
 * slash).  path is modified. */
int	 http_path_split(char *path, char **seg, int max);

/* 1 if a browser marked this request as coming from another site: an
 * Origin whose host[:port] differs from Host, or Sec-Fetch-Site
 * cross-site.  Scripts send neither. */
int	 http_cross_site(const struct http_req *);

/* 1 also if a Referer names another host[:port] than Host, or if
 * Sec-Fetch-Site is anything but same-origin or none (typed, bookmarked):
 * for GETs that act, which any page can send. */
int	 http_other_site(const struct http_req *);

/*
 * What a Host value names (RFC 9110 7.2): HTTP_HOST_IP for an IPv4
 * literal or a bracketed IPv6 literal, HTTP_HOST_NAME for a DNS-like
 * name (copied to name, lowercased, one trailing dot removed), each with
 * an optional :port (1-5 digits, at most 65535); -1 for anything else.
 */
#define HTTP_HOST_IP	1
#define HTTP_HOST_NAME	2
int	 http_host_split(const char *host, char *name, size_t namesz);

const char	*http_method_name(enum http_method);
const char	*http_status_text(int status);

/* Base64 decode (RFC 4648, padding required): length or -1. */
int	 http_b64_decode(const char *in, uint8_t *out, size_t outsz);

#endif
