/* The recorder's day index parser (v720d/recorder/recindex.c) on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../v720d/recorder/recindex.h"

static void
seg(void *arg, const struct idx_seg *s)
{
	char	line[INDEX_LINE_MAX + 1];

	/* What parses must be a name we accept and format back. */
	if (!index_valid_segname(s->file) || s->end_ms < s->start_ms ||
	    index_fmt_seg(line, sizeof(line), s) == -1)
		__builtin_trap();
	(*(size_t *)arg)++;
}

static void
event(void *arg, const struct idx_event *e)
{
	char	line[INDEX_LINE_MAX + 1];

	if (!index_valid_thumbname(e->thumb) || e->score > 10000 ||
	    index_fmt_event(line, sizeof(line), e) == -1)
		__builtin_trap();
	(*(size_t *)arg)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct idx_cb	cb = { seg, event, NULL };
	size_t		n = 0;

	cb.arg = &n;
	if (index_parse((const char *)data, len, &cb) != n)
		__builtin_trap();
	return 0;
}
