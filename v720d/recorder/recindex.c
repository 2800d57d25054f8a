/* Parser and writer of the per-day index; see recindex.h. */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recindex.h"

#define MAXFIELDS	6

static int
digits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* "HH-MM-SS.mkv" or "HH-MM-SS.N.mkv" (N: 1 to 3 digits). */
int
index_valid_segname(const char *s)
{
	size_t	len = strlen(s), n;

	if (len < 12 || len >= INDEX_FILE_MAX)
		return 0;
	if (!digits(s, 2) || s[2] != '-' || !digits(s + 3, 2) ||
	    s[5] != '-' || !digits(s + 6, 2))
		return 0;
	if (strcmp(s + 8, ".mkv") == 0)
		return 1;
	if (s[8] != '.' || strcmp(s + len - 4, ".mkv") != 0)
		return 0;
	n = len - 4 - 9;
	return n >= 1 && n <= 3 && digits(s + 9, n);
}

/* "ev-<ms>.jpg", ms 1 to 15 digits. */
int
index_valid_thumbname(const char *s)
{
	size_t	len = strlen(s);

	if (len < 8 || len >= INDEX_FILE_MAX || strncmp(s, "ev-", 3) != 0 ||
	    strcmp(s + len - 4, ".jpg") != 0)
		return 0;
	return len - 7 <= 15 && digits(s + 3, len - 7);
}

/* A decimal number up to max, no sign, no leading junk. */
static int
num(const char *s, uint64_t max, uint64_t *out)
{
	char		*end;
	uint64_t	 v;

	if (*s == '\0' || strlen(s) > 19 || !digits(s, strlen(s)))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

#define MS_MAX	((uint64_t)1 << 52)	/* beyond any real date */

static int
parse_line(char *line, const struct idx_cb *cb)
{
	struct idx_seg	 s;
	struct idx_event e;
	char		*f[MAXFIELDS], *p, *last;
	uint64_t	 a, b, c, d;
	int		 n = 0;

	for (p = strtok_r(line, " ", &last); p != NULL;
	    p = strtok_r(NULL, " ", &last)) {
		if (n == MAXFIELDS)
			return -1;
		f[n++] = p;
	}
	if (n == 6 && strcmp(f[0], "seg") == 0) {
		if (!index_valid_segname(f[1]) || num(f[2], MS_MAX, &a) ||
		    num(f[3], MS_MAX, &b) || num(f[4], UINT32_MAX, &c) ||
		    num(f[5], (uint64_t)1 << 48, &d) || b < a)
			return -1;
		memset(&s, 0, sizeof(s));
		strlcpy(s.file, f[1], sizeof(s.file));
		s.start_ms = a;
		s.end_ms = b;
		s.frames = c;
		s.bytes = d;
		if (cb->seg != NULL)
			cb->seg(cb->arg, &s);
		return 0;
	}
	if (n == 5 && strcmp(f[0], "event") == 0) {
		if (num(f[1], MS_MAX, &a) || num(f[2], MS_MAX, &b) ||
		    num(f[3], 10000, &c) || !index_valid_thumbname(f[4]) ||
		    (b != 0 && b < a))
			return -1;
		memset(&e, 0, sizeof(e));
		e.start_ms = a;
		e.end_ms = b;
		e.score = c;
		strlcpy(e.thumb, f[4], sizeof(e.thumb));
		if (cb->event != NULL)
			cb->event(cb->arg, &e);
		return 0;
	}
	return -1;
}

size_t
index_parse(const char *buf, size_t len, const struct idx_cb *cb)
{
	char		 line[INDEX_LINE_MAX + 1];
	const char	*p = buf, *end = buf + len, *nl;
	size_t		 n, used = 0;

	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			break;	/* a line cut short by a crash */
		n = nl - p;
		if (n <= INDEX_LINE_MAX && memchr(p, '\0', n) == NULL) {
			memcpy(line, p, n);
			line[n] = '\0';
			if (parse_line(line, cb) == 0)
				used++;
		}
		p = nl + 1;
	}
	return used;
}

int
index_fmt_seg(char *buf, size_t sz, const struct idx_seg *s)
{
	int	n;

	n = snprintf(buf, sz, "seg %s %" PRId64 " %" PRId64 " %" PRIu64
	    " %" PRIu64 "\n", s->file, s->start_ms, s->end_ms, s->frames,
	    s->bytes);
	return n < 0 || (size_t)n >= sz ? -1 : n;
}

int
index_fmt_event(char *buf, size_t sz, const struct idx_event *e)
{
	int	n;

	n = snprintf(buf, sz, "event %" PRId64 " %" PRId64 " %u %s\n",
	    e->start_ms, e->end_ms, e->score, e->thumb);
	return n < 0 || (size_t)n >= sz ? -1 : n;
}
