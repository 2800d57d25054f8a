/*
 * The camera's HTTP bootstrap (PROTOCOL.md section 1) without I/O: a
 * bounded HTTP/1.1 request parser and the answer builders.  Pure, for
 * the unit tests and the fuzzer.
 */
#ifndef V720_BOOTPROTO_H
#define V720_BOOTPROTO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "msg.h"

#define BOOT_MAX_REQUEST	8192	/* request line + headers + body */
#define BOOT_PWD_LEN		8

enum boot_endpoint {
	BOOT_UNKNOWN = 0,
	BOOT_CONFCHECK,		/* getA9ConfCheck */
	BOOT_REGISTER,		/* registerDevices */
	BOOT_CONFIRM,		/* confirm */
	BOOT_BINDING,		/* a9bindingAppDevice */
	BOOT_DEVINFO,		/* getDevInfo */
};

struct bootreq {
	char			br_method[8];
	char			br_path[256];	/* without the query */
	enum boot_endpoint	br_endpoint;
	char			br_uid[V720_ID_MAX];	/* devicesCode */
	char			br_token[64];
	char			br_batch[64];
	char			br_version[32];	/* "version:" header, escaped */
	/* Set by a reverse proxy on port 80 (etc/nginx-v720d.conf): the
	 * camera's address and the address it reached; unchecked text. */
	char			br_realip[48];	/* "X-Real-IP:" */
	char			br_srvaddr[48];	/* "X-Server-Addr:" */
	size_t			br_len;		/* bytes of the whole request */
	int			br_status;	/* error status when -1 */
};

/*
 * Parse the request at buf.  1: complete (br_len bytes used), 0: need
 * more bytes, -1: bad request, br_status holds the HTTP status to answer
 * (400, 413, 501).  A POST without Content-Length has no body.
 */
int	bootproto_parse(const char *buf, size_t len, struct bootreq *);

/* An HTTP answer with a JSON body into out; its length, or -1. */
int	bootproto_answer(char *out, size_t outsz, int status, const char *body);

/* The JSON of getA9ConfCheck, field order as the capture's server. */
int	bootproto_confcheck(char *out, size_t outsz, const char *uid,
	    const char *host, unsigned port, const char *pwd, time_t now);
/* {"code":200,"message":"OK","data":<data>}; data is raw JSON. */
int	bootproto_ok(char *out, size_t outsz, const char *data);
int	bootproto_error(char *out, size_t outsz, int code, const char *msg);
/*
 * Copy len bytes of src for a log line or a display: printable ASCII as
 * is, a backslash as \\, any other byte as \xNN; cut before an escape
 * that would not fit.  dst is always terminated.
 */
void	bootproto_escape(char *dst, size_t dstsz, const char *src, size_t len);
/* A random pwd: 8 lower-case hex digits. */
void	bootproto_pwd(char out[BOOT_PWD_LEN + 1]);

#endif
