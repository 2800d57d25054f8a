#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#include <jsmn.h>

#include "json.h"

int
json_parse(struct json_doc *d, const char *text, size_t len)
{
	jsmn_parser	p;
	jsmntok_t	t[JSON_MAX_TOKENS];
	int		i, n;

	memset(d, 0, sizeof(*d));
	if (len > 65536)
		return -1;
	jsmn_init(&p);
	n = jsmn_parse(&p, text, len, t, JSON_MAX_TOKENS);
	if (n < 1 || t[0].type != JSMN_OBJECT)
		return -1;
	for (i = 0; i < n; i++) {
		d->tok[i].type = t[i].type;
		d->tok[i].start = t[i].start;
		d->tok[i].end = t[i].end;
		d->tok[i].size = t[i].size;
	}
	d->text = text;
	d->len = len;
	d->ntok = n;
	return 0;
}

/* Index of the token after the subtree rooted at i. */
static int
json_skip(const struct json_doc *d, int i)
{
	int	j, n;

	if (i >= d->ntok)
		return d->ntok;
	n = d->tok[i].size;
	j = i + 1;
	while (n-- > 0 && j < d->ntok)
		j = json_skip(d, j);
	return j;
}

int
json_find(const struct json_doc *d, int obj, const char *key)
{
	size_t	klen = strlen(key);
	int	i, n;

	if (obj < 0 || obj >= d->ntok || d->tok[obj].type != JSON_OBJECT)
		return -1;
	n = d->tok[obj].size;
	i = obj + 1;
	while (n-- > 0 && i + 1 < d->ntok) {
		const struct json_tok *k = &d->tok[i];

		if (k->type == JSON_STRING && (size_t)(k->end - k->start) ==
		    klen && memcmp(d->text + k->start, key, klen) == 0)
			return i + 1;
		i = json_skip(d, i + 1);
	}
	return -1;
}

int
json_int(const struct json_doc *d, int i, int64_t min, int64_t max,
    int64_t *out)
{
	char		 buf[32];
	const char	*errstr;
	int64_t		 v;

	if (i < 0 || i >= d->ntok)
		return -1;
	if (d->tok[i].type != JSON_PRIMITIVE && d->tok[i].type != JSON_STRING)
		return -1;
	if (json_str(d, i, buf, sizeof(buf)) == -1)
		return -1;
	v = strtonum(buf, min, max, &errstr);
	if (errstr != NULL)
		return -1;
	*out = v;
	return 0;
}

int
json_str(const struct json_doc *d, int i, char *out, size_t outsz)
{
	const struct json_tok	*t;
	size_t			 o = 0;
	int			 k;

	if (i < 0 || i >= d->ntok || outsz == 0)
		return -1;
	t = &d->tok[i];
	if (t->type != JSON_STRING && t->type != JSON_PRIMITIVE)
		return -1;
	for (k = t->start; k < t->end; k++) {
		char	c = d->text[k];

		if (c == '\\' && k + 1 < t->end) {
			c = d->text[++k];
			if (c != '"' && c != '\\' && c != '/')
				return -1;
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int
json_get_int(const struct json_doc *d, const char *key, int64_t min,
    int64_t max, int64_t *out)
{
	return json_int(d, json_find(d, 0, key), min, max, out);
}

int
json_get_str(const struct json_doc *d, const char *key, char *out,
    size_t outsz)
{
	return json_str(d, json_find(d, 0, key), out, outsz);
}
