/*
 * The RTSP URLs users are shown for a camera (the viewer page, v720ctl):
 * rtsp://HOST:PORT/ID (RTP/JPEG and PCMA) and rtsp://HOST:PORT/ID/h264.
 */
#ifndef V720_RTSPURL_H
#define V720_RTSPURL_H

#include <stddef.h>

#define RTSPURL_MAX	384

struct jsonw;

/* Whether an `rtsp listen` address is a wildcard (any host name will do). */
int	rtspurl_wildcard(const char *addr);
/* The URL in buf (IPv6 literals get brackets): 0, or -1 if too long. */
int	rtspurl(char *buf, size_t bufsz, const char *host, unsigned port,
	    const char *id, int h264);
/* "rtsp": [both URLs of each (host, port)] in the open object of w. */
void	rtspurl_json(struct jsonw *w, const char *const *hosts,
	    const unsigned *ports, size_t n, const char *id);

#endif
