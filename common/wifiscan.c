#include <string.h>

#include "base64.h"
#include "json.h"
#include "wifiscan.h"

/* One SSID: 1..32 bytes, no control characters, no quotes. */
static int
add(const char *s, size_t len, char out[][WIFISCAN_SSID_MAX], size_t max,
    size_t *n)
{
	size_t	i;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	if (len >= WIFISCAN_SSID_MAX || *n >= max)
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    s[i] == '"' || s[i] == '\\')
			return -1;
	memcpy(out[*n], s, len);
	out[*n][len] = '\0';
	(*n)++;
	return 0;
}

static int
fromjson(const char *p, size_t len, char out[][WIFISCAN_SSID_MAX],
    size_t max, size_t *n)
{
	struct json_doc		 d;
	char			 wrap[WIFISCAN_B64_MAX];
	char			 s[WIFISCAN_SSID_MAX];
	int			 a, i, e, end = -1;

	if (len + 8 > sizeof(wrap))
		return -1;
	memcpy(wrap, "{\"l\":", 5);
	memcpy(wrap + 5, p, len);
	wrap[5 + len] = '}';
	if (json_parse(&d, wrap, len + 6) == -1 ||
	    (a = json_find(&d, 0, "l")) == -1 || d.tok[a].type != JSON_ARRAY)
		return -1;
	for (i = a + 1; i < d.ntok && d.tok[i].start < d.tok[a].end; i++) {
		if (d.tok[i].start < end)
			continue;	/* inside the previous element */
		end = d.tok[i].end;
		if (d.tok[i].type == JSON_STRING)
			e = i;
		else if (d.tok[i].type != JSON_OBJECT ||
		    ((e = json_find(&d, i, "ssid")) == -1 &&
		    (e = json_find(&d, i, "SSID")) == -1))
			return -1;
		if (d.tok[e].type != JSON_STRING ||
		    json_str(&d, e, s, sizeof(s)) == -1 ||
		    add(s, strlen(s), out, max, n) == -1)
			return -1;
	}
	return 0;
}

int
wifiscan_decode(const char *b64, size_t len, char out[][WIFISCAN_SSID_MAX],
    size_t max, size_t *np)
{
	unsigned char	buf[WIFISCAN_B64_MAX / 4 * 3];
	const char	*p, *q, *e;
	size_t		blen, n = 0;

	if (len == 0 || len > WIFISCAN_B64_MAX ||
	    b64_decode(b64, len, buf, sizeof(buf), &blen) == -1)
		return -1;
	if (memchr(buf, '\0', blen) != NULL)
		return -1;
	p = (const char *)buf;
	e = p + blen;
	while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	if (p < e && *p == '[') {
		if (fromjson(p, (size_t)(e - p), out, max, &n) == -1)
			return -1;
	} else {
		for (; p < e; p = q + 1) {
			for (q = p; q < e && *q != '\n' && *q != ','; q++)
				;
			if (q > p && q[-1] == '\r' && add(p, (size_t)(q - p - 1),
			    out, max, &n) == -1)
				return -1;
			if ((q == p || q[-1] != '\r') &&
			    add(p, (size_t)(q - p), out, max, &n) == -1)
				return -1;
		}
	}
	*np = n;
	return 0;
}
