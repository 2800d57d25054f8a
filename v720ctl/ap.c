/*
 * AP mode (PROTOCOL.md section 8): a new camera is its own access point
 * at 192.168.169.1 and speaks the camera protocol on TCP 6123.  We send
 * a bare cmd 115 header and learn its devId, connect with code 501, then
 * send code 502 commands wrapping a forward content: 4 (base info) or
 * 204 (join a Wi-Fi network).  No daemon is involved.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "jsonw.h"
#include "proc.h"
#include "wire.h"
#include "v720ctl.h"

#define AP_CODE_CONNECT		501
#define AP_CODE_COMMAND		502
#define FWD_BASE_INFO		4
#define FWD_SET_WIFI		204

struct ap {
	int		 fd;
	char		 where[300];	/* "host:port" for messages */
	char		 devid[V720_ID_MAX];
	int		 json;
	/* the last JSON message received */
	uint16_t	 cmd;
	char		 buf[WIRE_TCP_MAX_PAYLOAD + 1];
	size_t		 len;
	struct json_doc	 doc;
};

int
ap_split_hostport(const char *arg, char *host, size_t hostsz, char *port,
    size_t portsz)
{
	const char	*p, *errstr, *end;
	size_t		 hlen;

	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL)
			return -1;
		hlen = end - arg - 1;
		arg++;
		p = end[1] == ':' ? end + 2 : NULL;
		if (p == NULL && end[1] != '\0')
			return -1;
	} else if ((p = strchr(arg, ':')) != NULL && strchr(p + 1, ':') ==
	    NULL) {
		hlen = p - arg;
		p++;
	} else {
		/* No port, or a bare IPv6 address. */
		hlen = strlen(arg);
		p = NULL;
	}
	if (hlen == 0 || hlen >= hostsz)
		return -1;
	memcpy(host, arg, hlen);
	host[hlen] = '\0';
	if (p == NULL)
		p = AP_DEFAULT_PORT;
	strtonum(p, 1, 65535, &errstr);
	if (errstr != NULL || strlcpy(port, p, portsz) >= portsz)
		return -1;
	return 0;
}

/* Wait for events on fd until the deadline: 1 ready, 0 timed out, -1. */
static int
ap_poll(int fd, short events, unsigned long long deadline)
{
	struct pollfd		 pfd;
	unsigned long long	 now;
	int			 n;

	for (;;) {
		if ((now = proc_now_ms()) >= deadline)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		if ((n = poll(&pfd, 1, (int)(deadline - now))) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n > 0)
			return 1;
	}
}

static int
ap_connect(struct ap *ap, const char *arg)
{
	struct addrinfo		 hints, *res0, *res;
	unsigned long long	 deadline;
	socklen_t		 sl;
	char			 host[256], port[8];
	int			 fd = -1, error, err = 0, r;

	if (ap_split_hostport(arg, host, sizeof(host), port,
	    sizeof(port)) == -1) {
		fprintf(stderr, "v720ctl: invalid camera address \"%.60s\": "
		    "use host or host:port\n", arg);
		return -1;
	}
	snprintf(ap->where, sizeof(ap->where), strchr(host, ':') ?
	    "[%s]:%s" : "%s:%s", host, port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((error = getaddrinfo(host, port, &hints, &res0)) != 0) {
		fprintf(stderr, "v720ctl: %s: %s\n", host,
		    gai_strerror(error));
		return -1;
	}
	deadline = proc_now_ms() + AP_TIMEOUT_MS;
	for (res = res0; res != NULL; res = res->ai_next) {
		if ((fd = socket(res->ai_family, res->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, res->ai_protocol)) == -1) {
			err = errno;
			continue;
		}
		if (connect(fd, res->ai_addr, res->ai_addrlen) == 0)
			break;
		err = errno;
		if (err == EINPROGRESS) {
			if ((r = ap_poll(fd, POLLOUT, deadline)) == 1) {
				sl = sizeof(err);
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
				    &sl) == -1)
					err = errno;
				if (err == 0)
					break;
			} else
				err = r == 0 ? ETIMEDOUT : errno;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res0);
	if (fd == -1) {
		fprintf(stderr, "v720ctl: cannot connect to the camera at %s: "
		    "%s (is this machine on the camera's Wi-Fi?)\n",
		    ap->where, strerror(err));
		return -1;
	}
	ap->fd = fd;
	return 0;
}

static int
ap_send(struct ap *ap, uint16_t cmd, const char *payload, size_t len)
{
	struct wire_hdr		 h;
	uint8_t			 buf[WIRE_HDR_LEN + WIRE_TCP_MAX_PAYLOAD];
	unsigned long long	 deadline;
	size_t			 off = 0;
	ssize_t			 n;
	int			 r;

	if (len > WIRE_TCP_MAX_PAYLOAD)
		return -1;
	wire_hdr_server(&h, cmd, len);
	wire_hdr_encode(&h, buf);
	if (len > 0)
		memcpy(buf + WIRE_HDR_LEN, payload, len);
	len += WIRE_HDR_LEN;
	deadline = proc_now_ms() + AP_TIMEOUT_MS;
	while (off < len) {
		if ((n = send(ap->fd, buf + off, len - off, MSG_NOSIGNAL)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				goto fail;
			if ((r = ap_poll(ap->fd, POLLOUT, deadline)) != 1) {
				if (r == 0)
					errno = ETIMEDOUT;
				goto fail;
			}
			continue;
		}
		off += n;
	}
	return 0;
fail:
	if (errno == ECONNRESET || errno == EPIPE)
		fprintf(stderr, "v720ctl: the camera at %s closed the "
		    "connection\n", ap->where);
	else
		fprintf(stderr, "v720ctl: sending to the camera at %s: %s\n",
		    ap->where, strerror(errno));
	return -1;
}

/* Read exactly len bytes: 1, 0 on EOF before any byte of a message, -1. */
static int
ap_readn(struct ap *ap, uint8_t *p, size_t len, unsigned long long deadline,
    int first)
{
	size_t	off = 0;
	ssize_t	n;
	int	r;

	while (off < len) {
		if ((n = recv(ap->fd, p + off, len - off, 0)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if ((r = ap_poll(ap->fd, POLLIN, deadline)) != 1) {
				if (r == 0)
					errno = ETIMEDOUT;
				return -1;
			}
			continue;
		}
		if (n == 0) {
			if (first && off == 0)
				return 0;
			errno = ECONNRESET;
			return -1;
		}
		off += n;
	}
	return 1;
}

/*
 * Receive the next JSON message before the deadline, skipping heartbeats
 * and anything else that is not a JSON object.  1 with ap->doc filled, 0
 * if the camera closed the connection, -1 on timeout or error (errno).
 */
static int
ap_recv_json(struct ap *ap, unsigned long long deadline)
{
	struct wire_hdr		 h;
	uint8_t			 hb[WIRE_HDR_LEN];
	int			 r;

	for (;;) {
		if ((r = ap_readn(ap, hb, sizeof(hb), deadline, 1)) != 1)
			return r;
		if (wire_hdr_decode(hb, sizeof(hb), WIRE_TCP_MAX_PAYLOAD,
		    &h) == -1) {
			errno = EBADMSG;
			return -1;
		}
		if (h.wh_len > 0 && ap_readn(ap, (uint8_t *)ap->buf,
		    h.wh_len, deadline, 0) != 1)
			return -1;
		ap->buf[h.wh_len] = '\0';
		ap->len = h.wh_len;
		ap->cmd = h.wh_cmd;
		if (h.wh_len == 0 || (h.wh_cmd != WIRE_CMD_JSON &&
		    h.wh_cmd != WIRE_CMD_MOTION_DIRECT &&
		    h.wh_cmd != WIRE_CMD_MOTION_LIVE))
			continue;
		if (json_parse(&ap->doc, ap->buf, ap->len) == 0)
			return 1;
	}
}

static void
ap_recv_error(struct ap *ap, int r, const char *what)
{
	if (r == 0 || errno == ECONNRESET || errno == EPIPE)
		fprintf(stderr, "v720ctl: the camera at %s closed the "
		    "connection before answering %s\n", ap->where, what);
	else if (errno == ETIMEDOUT)
		fprintf(stderr, "v720ctl: no answer from the camera at %s to "
		    "%s within %d s\n", ap->where, what, AP_TIMEOUT_MS / 1000);
	else if (errno == EBADMSG)
		fprintf(stderr, "v720ctl: the camera at %s sent a malformed "
		    "message in answer to %s\n", ap->where, what);
	else
		fprintf(stderr, "v720ctl: the camera at %s: %s\n", ap->where,
		    strerror(errno));
}

static int
ap_send_json(struct ap *ap, struct jsonw *w)
{
	const char	*s;
	size_t		 len;
	int		 rv;

	if ((s = jsonw_result(w, &len)) == NULL) {
		fprintf(stderr, "v720ctl: out of memory\n");
		jsonw_free(w);
		return -1;
	}
	rv = ap_send(ap, WIRE_CMD_JSON, s, len);
	jsonw_free(w);
	return rv;
}

/* Hello (cmd 115, learn devId), then code 501. */
static int
ap_hello(struct ap *ap)
{
	struct jsonw	 w;
	char		 id[V720_ID_MAX];
	int64_t		 st;
	int		 r;

	if (ap_send(ap, WIRE_CMD_MOTION_LIVE, NULL, 0) == -1)
		return -1;
	if ((r = ap_recv_json(ap, proc_now_ms() + AP_TIMEOUT_MS)) != 1) {
		ap_recv_error(ap, r, "the hello (cmd 115)");
		return -1;
	}
	if (json_get_str(&ap->doc, "devId", id, sizeof(id)) == -1 ||
	    valid_camid(id) == -1) {
		fprintf(stderr, "v720ctl: the device at %s answered without "
		    "a valid devId: is it a V720 camera?\n", ap->where);
		return -1;
	}
	strlcpy(ap->devid, id, sizeof(ap->devid));

	jsonw_init(&w);
	jsonw_obj_open(&w);
	jsonw_kint(&w, "code", AP_CODE_CONNECT);
	jsonw_kstr(&w, "target", ap->devid);
	jsonw_kstr(&w, "token", "v720ctl");
	jsonw_kint(&w, "unixTimer", (int64_t)time(NULL));
	jsonw_obj_close(&w);
	if (ap_send_json(ap, &w) == -1)
		return -1;
	if ((r = ap_recv_json(ap, proc_now_ms() + AP_TIMEOUT_MS)) != 1) {
		ap_recv_error(ap, r, "the connect request (code 501)");
		return -1;
	}
	if (json_get_int(&ap->doc, "status", INT32_MIN, INT32_MAX,
	    &st) == 0 && st != 200) {
		fprintf(stderr, "v720ctl: the camera at %s refused the "
		    "connection (code 501, status %lld)\n", ap->where,
		    (long long)st);
		return -1;
	}
	return 0;
}

/*
 * Wait for the answer to a forward content code: the first JSON message
 * whose "content" object has that code (or no code).  Returns the index
 * of the content object, -1 with errno/r as for ap_recv_json.  One
 * deadline for all the messages read: a device that keeps sending
 * something else (heartbeats, other codes) cannot hold v720ctl longer.
 */
static int
ap_answer(struct ap *ap, int code, int *r)
{
	unsigned long long	deadline = proc_now_ms() + AP_TIMEOUT_MS;
	int64_t			c;
	int			ci;

	for (;;) {
		if ((*r = ap_recv_json(ap, deadline)) != 1)
			return -1;
		if ((ci = json_find(&ap->doc, 0, "content")) == -1 ||
		    ap->doc.tok[ci].type != JSON_OBJECT)
			continue;
		if (json_int(&ap->doc, json_find(&ap->doc, ci, "code"),
		    0, 100000, &c) == -1 || c == code)
			return ci;
	}
}

static void
ap_content_start(struct ap *ap, struct jsonw *w, int code)
{
	jsonw_init(w);
	jsonw_obj_open(w);
	jsonw_kint(w, "code", AP_CODE_COMMAND);
	jsonw_key(w, "content");
	jsonw_obj_open(w);
	jsonw_kint(w, "code", code);
	jsonw_kstr(w, "devTarget", ap->devid);
}

static void
ap_content_end(struct jsonw *w)
{
	jsonw_obj_close(w);
	jsonw_obj_close(w);
}

/* A string field of the content object, printable, or "" if absent. */
static void
ap_field(struct ap *ap, int ci, const char *key, char *out, size_t outsz)
{
	char	tmp[128];

	if (json_str(&ap->doc, json_find(&ap->doc, ci, key), tmp,
	    sizeof(tmp)) == -1) {
		out[0] = '\0';
		return;
	}
	ctl_printable(out, outsz, tmp, strlen(tmp));
}

/* Settings the base-info answer may carry, shown like v720ctl show camera. */
static const struct {
	const char	*key, *label, *jkey;
	const char	*(*name)(uint8_t);
} ap_extra[] = {
	{ "wifiName", "wifi", "wifi", NULL },
	{ "IrLed", "ir-led", "ir_led", irled_name },
	{ "mirrorFlip", "flip", "flip", flip_name },
	{ "instLed", "status-led", "status_led", onoff_name },
	{ "moveAlert", "motion-alert", "motion_alert", onoff_name },
	{ "sdCapacity", "sd-capacity", "sd_capacity", NULL },
	{ "SD_freeDisk", "sd-free", "sd_free", NULL },
};

/* The text of an extra field, or NULL if the camera did not send it. */
static const char *
ap_extra_value(struct ap *ap, int ci, size_t i, char *buf, size_t bufsz)
{
	int64_t	n;

	ap_field(ap, ci, ap_extra[i].key, buf, bufsz);
	if (buf[0] == '\0')
		return NULL;
	if (ap_extra[i].name == NULL)
		return buf;
	if (json_int(&ap->doc, json_find(&ap->doc, ci, ap_extra[i].key), 0,
	    254, &n) == -1)
		return buf;
	return ap_extra[i].name((uint8_t)n);
}

static int
ap_info(struct ap *ap)
{
	struct jsonw	 w;
	char		 fw[64], bat[16], sd[16], v[128];
	const char	*sdtext, *val;
	int64_t		 n;
	size_t		 i;
	int		 ci, r;

	ap_content_start(ap, &w, FWD_BASE_INFO);
	jsonw_kint(&w, "unixTimer", (int64_t)time(NULL));
	ap_content_end(&w);
	if (ap_send_json(ap, &w) == -1)
		return -1;
	if ((ci = ap_answer(ap, FWD_BASE_INFO, &r)) == -1) {
		ap_recv_error(ap, r, "the base-info request");
		return -1;
	}
	ap_field(ap, ci, "version", fw, sizeof(fw));
	ap_field(ap, ci, "devPower", bat, sizeof(bat));
	ap_field(ap, ci, "sdDevStatus", sd, sizeof(sd));
	if (sd[0] == '\0')
		sdtext = "unknown";
	else if (json_int(&ap->doc, json_find(&ap->doc, ci, "sdDevStatus"),
	    INT32_MIN, INT32_MAX, &n) == 0)
		sdtext = n > 0 ? "card present" : "no card";
	else
		sdtext = sd;

	if (ap->json) {
		jsonw_init(&w);
		jsonw_obj_open(&w);
		jsonw_kstr(&w, "id", ap->devid);
		jsonw_kstr(&w, "firmware", fw);
		jsonw_key(&w, "battery");
		if (json_int(&ap->doc, json_find(&ap->doc, ci, "devPower"),
		    0, 100, &n) == 0)
			jsonw_int(&w, n);
		else
			jsonw_null(&w);
		jsonw_kstr(&w, "sd_card", sdtext);
		jsonw_key(&w, "sd_status");
		if (json_int(&ap->doc, json_find(&ap->doc, ci, "sdDevStatus"),
		    INT32_MIN, INT32_MAX, &n) == 0)
			jsonw_int(&w, n);
		else
			jsonw_null(&w);
		for (i = 0; i < sizeof(ap_extra) / sizeof(ap_extra[0]); i++)
			if ((val = ap_extra_value(ap, ci, i, v,
			    sizeof(v))) != NULL)
				jsonw_kstr(&w, ap_extra[i].jkey, val);
		jsonw_obj_close(&w);
		if ((val = jsonw_result(&w, NULL)) != NULL)
			printf("%s\n", val);
		jsonw_free(&w);
		return 0;
	}
	printf("id: %s\n", ap->devid);
	printf("firmware: %s\n", fw[0] ? fw : "unknown");
	if (bat[0] != '\0')
		printf("battery: %s%%\n", bat);
	else
		printf("battery: unknown\n");
	if (sd[0] != '\0' && strcmp(sd, sdtext) != 0)
		printf("sd-card: %s (sdDevStatus %s)\n", sdtext, sd);
	else
		printf("sd-card: %s\n", sdtext);
	for (i = 0; i < sizeof(ap_extra) / sizeof(ap_extra[0]); i++)
		if ((val = ap_extra_value(ap, ci, i, v, sizeof(v))) != NULL)
			printf("%s: %s\n", ap_extra[i].label, val);
	return 0;
}

static int
ap_wifi(struct ap *ap, const char *ssid, const char *password)
{
	struct jsonw	 w;
	char		 name[64], status[16];
	int64_t		 st;
	int		 ci, r;

	ctl_printable(name, sizeof(name), ssid, strlen(ssid));
	ap_content_start(ap, &w, FWD_SET_WIFI);
	jsonw_kstr(&w, "s", ssid);
	jsonw_kstr(&w, "p", password);
	ap_content_end(&w);
	if (ap_send_json(ap, &w) == -1)
		return -1;
	if ((ci = ap_answer(ap, FWD_SET_WIFI, &r)) == -1) {
		if (r == 0) {
			/* It may well drop the AP at once to join. */
			printf("camera %s: Wi-Fi command sent; it closed the "
			    "connection, which usually means it is now "
			    "joining \"%s\"\n", ap->devid, name);
			return 0;
		}
		ap_recv_error(ap, r, "the Wi-Fi command");
		return -1;
	}
	/* A status other than 200, where given, is a refusal. */
	ap_field(ap, ci, "status", status, sizeof(status));
	if (json_int(&ap->doc, json_find(&ap->doc, ci, "status"), INT32_MIN,
	    INT32_MAX, &st) == 0 && st != 200 && st != 0 && st != 1) {
		fprintf(stderr, "v720ctl: camera %s refused the Wi-Fi "
		    "settings (status %s)\n", ap->devid, status);
		return -1;
	}
	if (ap->json) {
		jsonw_init(&w);
		jsonw_obj_open(&w);
		jsonw_kstr(&w, "id", ap->devid);
		jsonw_kstr(&w, "ssid", ssid);
		jsonw_kstr(&w, "result", "accepted");
		jsonw_obj_close(&w);
		if (jsonw_result(&w, NULL) != NULL)
			printf("%s\n", jsonw_result(&w, NULL));
		jsonw_free(&w);
	} else
		printf("camera %s accepted the Wi-Fi settings: it leaves AP "
		    "mode and joins \"%s\"\n", ap->devid, name);
	return 0;
}

int
ap_run(const struct parse_result *res, int json)
{
	struct ap	*ap;
	int		 rv = -1;

	/* The parser checked these already; never send what we refuse. */
	if (res->action == AP_WIFI && (res->ssid == NULL ||
	    res->password == NULL || valid_ssid(res->ssid) == -1 ||
	    valid_password(res->password) == -1)) {
		fprintf(stderr, "v720ctl: invalid Wi-Fi name or password\n");
		return 1;
	}
	if ((ap = calloc(1, sizeof(*ap))) == NULL) {
		fprintf(stderr, "v720ctl: out of memory\n");
		return 1;
	}
	ap->fd = -1;
	ap->json = json;
	if (ap_connect(ap, res->host ? res->host : AP_DEFAULT_HOST) == 0 &&
	    ap_hello(ap) == 0) {
		if (res->action == AP_INFO)
			rv = ap_info(ap);
		else
			rv = ap_wifi(ap, res->ssid, res->password);
	}
	if (ap->fd != -1)
		close(ap->fd);
	free(ap);
	return rv == 0 ? 0 : 1;
}
