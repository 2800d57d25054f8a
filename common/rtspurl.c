/* The RTSP URLs of a camera; see rtspurl.h. */
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "rtspurl.h"

int
rtspurl_wildcard(const char *addr)
{
	return strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0 ||
	    addr[0] == '\0';
}

int
rtspurl(char *buf, size_t bufsz, const char *host, unsigned port,
    const char *id, int h264)
{
	int	six = strchr(host, ':') != NULL && host[0] != '[', n;

	n = snprintf(buf, bufsz, "rtsp://%s%s%s:%u/%s%s", six ? "[" : "",
	    host, six ? "]" : "", port, id, h264 ? "/h264" : "");
	return n < 0 || (size_t)n >= bufsz ? -1 : 0;
}

void
rtspurl_json(struct jsonw *w, const char *const *hosts, const unsigned *ports,
    size_t n, const char *id)
{
	char	url[RTSPURL_MAX];
	size_t	i;
	int	h;

	jsonw_key(w, "rtsp");
	jsonw_arr_open(w);
	for (i = 0; i < n; i++)
		for (h = 0; h < 2; h++)
			if (rtspurl(url, sizeof(url), hosts[i], ports[i], id,
			    h) == 0)
				jsonw_str(w, url);
	jsonw_arr_close(w);
}
