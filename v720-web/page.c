/*
 * The viewer page.  The HTML lives in v720-web/assets/index.html; the build
 * turns it into an array initialiser ($(B)v720-web/page-html.inc, see
 * v720-web/build.mk and embed.sh), so the chrooted process needs no files.
 */
#include <stddef.h>

#include "page.h"

static const char page_index[] = {
#include <page-html.inc>
};

const char *
web_page_index(size_t *len)
{
	*len = sizeof(page_index);
	return page_index;
}
