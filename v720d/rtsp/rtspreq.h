/*
 * RTSP/1.0 request parsing (RFC 2326): pure functions over a byte buffer,
 * no I/O, no allocation, so the parser can be unit-tested and fuzzed on
 * its own.  Strict and bounded: whatever a client sends is hostile.
 */
#ifndef V720_RTSPREQ_H
#define V720_RTSPREQ_H

#include <stddef.h>
#include <stdint.h>

#define RTSP_LINE_MAX		1024	/* request line, else 414 */
#define RTSP_FIELD_MAX		1024	/* one header line, else 431 */
#define RTSP_HEAD_MAX		8192	/* request line + headers, else 431 */
#define RTSP_FIELDS_MAX		32	/* header lines, else 431 */
#define RTSP_BODY_MAX		4096	/* Content-Length, else 413 */
#define RTSP_URL_MAX		512
#define RTSP_SESSION_MAX	64	/* Session id, NUL included */
#define RTSP_AUTH_MAX		512	/* Authorization value, NUL included */
#define RTSP_TRANSPORT_MAX	512	/* Transport value, NUL included */
#define RTSP_ID_MAX		64	/* camera id in a URL, NUL included */

enum rtsp_method {
	RTSP_M_OTHER = 0,
	RTSP_M_OPTIONS,
	RTSP_M_DESCRIBE,
	RTSP_M_SETUP,
	RTSP_M_PLAY,
	RTSP_M_PAUSE,
	RTSP_M_TEARDOWN,
	RTSP_M_GET_PARAMETER,
	RTSP_M_SET_PARAMETER,
};

struct rtsp_req {
	enum rtsp_method method;
	size_t		 head_len;	/* request line + headers + blank line */
	size_t		 content_length;	/* body bytes after the head */
	uint32_t	 cseq;
	int		 has_cseq;
	int		 has_require;	/* Require: we support no option */
	char		 url[RTSP_URL_MAX];
	char		 session[RTSP_SESSION_MAX];	/* "" if absent */
	char		 auth[RTSP_AUTH_MAX];		/* "" if absent */
	char		 transport[RTSP_TRANSPORT_MAX];	/* "" if absent */
};

/*
 * Parse one request head at buf.  Returns 0 when more bytes are needed,
 * 1 when a whole head is there (r filled; the body of content_length
 * bytes follows head_len), or the status to answer before closing the
 * connection: 400, 413, 414, 431, 505.  An unknown method parses (it is
 * answered 501 on a healthy connection).
 */
int	 rtspreq_parse(const char *buf, size_t len, struct rtsp_req *r);

/* One transport the client offered (RFC 2326 12.39). */
struct rtsp_transport {
	int		 tcp;		/* RTP/AVP/TCP: interleaved */
	int		 interleaved[2];	/* channels, -1 if not given */
	uint16_t	 client_port[2];	/* UDP; 0 if not given */
};

/*
 * The first transport in a Transport value that this server can serve:
 * RTP/AVP or RTP/AVP/UDP unicast with client_port, or RTP/AVP/TCP
 * (interleaved optional).  Multicast, destination= other than none, and
 * anything malformed are skipped.  Returns 0, or -1 (answer 461).
 */
int	 rtspreq_transport(const char *value, struct rtsp_transport *t);

/* What a request URL names. */
struct rtsp_target {
	char		 id[RTSP_ID_MAX];	/* camera, "" for "*" */
	int		 h264;		/* the /h264 path */
	int		 track;		/* 0 video, 1 audio, -1 aggregate */
};

/*
 * Split rtsp://host[:port]/{id}[/h264][/trackID=N][/] (also a bare
 * /{id}... path, and "*").  The id is [A-Za-z0-9_-]+.  Returns 0 or -1
 * (answer 404: nothing we serve has that name).
 */
int	 rtspreq_target(const char *url, struct rtsp_target *t);

/*
 * Interleaved data from the client at buf ('$', channel, 16-bit length,
 * data; RFC 2326 10.12).  Returns 0 when more bytes are needed, else
 * the whole frame's size (4 + *datalen) with *channel set.
 */
size_t	 rtspreq_interleaved(const uint8_t *buf, size_t len, uint8_t *channel,
	    size_t *datalen);

const char	*rtspreq_method_name(enum rtsp_method);
const char	*rtspreq_status_text(int status);

#endif
