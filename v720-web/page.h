/* The viewer page served at GET /, compiled into the binary. */
#ifndef V720_WEB_PAGE_H
#define V720_WEB_PAGE_H

#include <stddef.h>

/*
 * The HTML of the viewer (UTF-8, self-contained: inline CSS, JavaScript and
 * SVG, no external resources).  Not NUL-terminated; *len gets its size.
 */
const char *web_page_index(size_t *len);

#endif
