/*
 * The Host rule.  A web page on evil.example can make its own name point
 * at this server (DNS rebinding): the browser then sends the page's
 * requests here with "Host: evil.example" and an Origin that matches it,
 * so the same-site checks pass and the page can read the API and the
 * video.  The browser never lies about Host, so a request is served only
 * when its Host is something this server is reached by: an IP literal
 * (an attacker's page cannot be served from one), localhost, or a name
 * given with `web server name`.  Everything else is answered 421.
 */
#include <string.h>

#include "web.h"

int
host_allowed(const struct http_req *r)
{
	char	name[HTTP_HOST_MAX];
	size_t	i;

	/* HTTP/1.0 may omit Host (1.1 without one is a 400 already);
	 * browsers always send it. */
	if (!r->has_host)
		return 1;
	switch (http_host_split(r->host, name, sizeof(name))) {
	case HTTP_HOST_IP:
		return 1;
	case HTTP_HOST_NAME:
		if (strcmp(name, "localhost") == 0)
			return 1;
		for (i = 0; i < web->w_nnames; i++)
			if (strcmp(name, web->w_names[i].wn_name) == 0)
				return 1;
		return 0;
	default:
		return 0;
	}
}
