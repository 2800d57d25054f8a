#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

void
jsonw_init(struct jsonw *w)
{
	memset(w, 0, sizeof(*w));
	w->first[0] = 1;
}

void
jsonw_free(struct jsonw *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

static void
put(struct jsonw *w, const char *s, size_t n)
{
	char	*p;
	size_t	 ncap;

	if (w->err)
		return;
	if (w->len + n + 1 > w->cap) {
		ncap = w->cap ? w->cap : 256;
		while (w->len + n + 1 > ncap)
			ncap *= 2;
		if ((p = realloc(w->buf, ncap)) == NULL) {
			w->err = 1;
			return;
		}
		w->buf = p;
		w->cap = ncap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* A comma before every value but the first at this depth. */
static void
sep(struct jsonw *w)
{
	if (w->first[w->depth])
		w->first[w->depth] = 0;
	else
		put(w, ",", 1);
}

static void
open_(struct jsonw *w, const char *c)
{
	sep(w);
	put(w, c, 1);
	if (w->depth + 1 >= (int)(sizeof(w->first) / sizeof(w->first[0]))) {
		w->err = 1;
		return;
	}
	w->first[++w->depth] = 1;
}

static void
close_(struct jsonw *w, const char *c)
{
	if (w->depth == 0) {
		w->err = 1;
		return;
	}
	w->depth--;
	put(w, c, 1);
}

void jsonw_obj_open(struct jsonw *w) { open_(w, "{"); }
void jsonw_obj_close(struct jsonw *w) { close_(w, "}"); }
void jsonw_arr_open(struct jsonw *w) { open_(w, "["); }
void jsonw_arr_close(struct jsonw *w) { close_(w, "]"); }

static void
putstr(struct jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	char	esc[7];

	put(w, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':  put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 0xf];
				put(w, esc, 6);
			} else if (*p == '<' || *p == '>' || *p == '&') {
				/* Safe to embed in HTML <script> too. */
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 0xf];
				put(w, esc, 6);
			} else
				put(w, (const char *)p, 1);
		}
	}
	put(w, "\"", 1);
}

void
jsonw_key(struct jsonw *w, const char *k)
{
	sep(w);
	putstr(w, k);
	put(w, ":", 1);
	/* The value that follows needs no comma. */
	w->first[w->depth] = 1;
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	sep(w);
	putstr(w, s);
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char	b[32];

	sep(w);
	put(w, b, snprintf(b, sizeof(b), "%" PRId64, v));
}

void
jsonw_uint(struct jsonw *w, uint64_t v)
{
	char	b[32];

	sep(w);
	put(w, b, snprintf(b, sizeof(b), "%" PRIu64, v));
}

void
jsonw_double(struct jsonw *w, double v)
{
	char	b[32];

	sep(w);
	if (v != v || v > 1e300 || v < -1e300)
		put(w, "null", 4);
	else
		put(w, b, snprintf(b, sizeof(b), "%.2f", v));
}

void
jsonw_bool(struct jsonw *w, int v)
{
	sep(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void
jsonw_null(struct jsonw *w)
{
	sep(w);
	put(w, "null", 4);
}

void
jsonw_kstr(struct jsonw *w, const char *k, const char *v)
{
	jsonw_key(w, k);
	jsonw_str(w, v);
}

void
jsonw_kint(struct jsonw *w, const char *k, int64_t v)
{
	jsonw_key(w, k);
	jsonw_int(w, v);
}

void
jsonw_kuint(struct jsonw *w, const char *k, uint64_t v)
{
	jsonw_key(w, k);
	jsonw_uint(w, v);
}

const char *
jsonw_result(struct jsonw *w, size_t *len)
{
	if (w->err || w->depth != 0) {
		return NULL;
	}
	if (w->buf == NULL)
		put(w, "", 0);
	if (len != NULL)
		*len = w->len;
	return w->err ? NULL : w->buf;
}
