/*
 * The camera's TCP protocol without any I/O: stream framing by the
 * 20-byte header, the lenient JSON message reader, the message builders
 * and the per-connection session (registration, heartbeat).  Pure
 * functions over buffers, so the unit tests and the fuzzer link them
 * without the engine.
 */
#ifndef V720_CAMTCP_H
#define V720_CAMTCP_H

#include <stddef.h>
#include <stdint.h>

#include "caminfo.h"
#include "msg.h"
#include "wifiscan.h"
#include "wire.h"

#define CAMTCP_MAX_MSG		(WIRE_HDR_LEN + WIRE_TCP_MAX_PAYLOAD)
#define CAMTCP_CLIENTID_LEN	32	/* cliTarget / forward target, hex */
#define CAMJ_UNSET		INT64_MIN

/* Called per complete message; return -1 to drop the connection. */
typedef int	(*camtcp_msg_cb)(void *arg, const struct wire_hdr *,
		    const uint8_t *payload);

struct camtcp {
	uint8_t		*ct_buf;	/* partial message kept between reads */
	size_t		 ct_len;
	camtcp_msg_cb	 ct_msg;
	void		*ct_arg;
	const char	*ct_err;	/* why the stream was refused */
};

void	 camtcp_init(struct camtcp *, camtcp_msg_cb, void *);
void	 camtcp_clear(struct camtcp *);
/* Feed received bytes: 0, or -1 if the stream is broken (ct_err says
 * why) or the callback refused a message. */
int	 camtcp_feed(struct camtcp *, const uint8_t *, size_t);

/* A JSON message from the camera, on TCP or UDP. */
struct camjson {
	int64_t		cj_code;
	int64_t		cj_status;
	char		cj_uid[V720_ID_MAX];	/* uid (100) or devTarget (51) */
	char		cj_token[V720_ID_MAX];
	char		cj_target[CAMTCP_CLIENTID_LEN + 8];
	/* 12's echo of our 11: present flags, then the values */
	int		cj_has_cli_target, cj_has_cli_token;
	char		cj_cli_target[CAMTCP_CLIENTID_LEN + 8];
	char		cj_cli_token[CAMTCP_CLIENTID_LEN + 8];
	int		cj_has_content;		/* 301 with a content object */
	int64_t		cj_fcode;		/* content.code */
	int64_t		cj_irled;
	int64_t		cj_flip;
	int64_t		cj_instled;
	int64_t		cj_movealert;
	int64_t		cj_power;
	int64_t		cj_reboot;
	char		cj_version[32];
	char		cj_wifi[V720_NAME_MAX];
	uint32_t	cj_features;		/* CAMF_* fields present */
	int64_t		cj_xset[CAMINFO_NXSET];	/* caminfo_settings slots */
	int		cj_wifiscan_ok;		/* a valid scanWifiBase64 */
	size_t		cj_nwifiscan;
	char		cj_wifiscan[WIFISCAN_MAX][WIFISCAN_SSID_MAX];
};

/* 0 if it is a JSON object with an integer "code", -1 otherwise. */
int	 camjson_parse(const uint8_t *, size_t, struct camjson *);

/*
 * Builders: a server header (forward id "00000000") plus payload into
 * out; they return the total length, or -1 if outsz is too small.
 */
int	 camtcp_msg(uint8_t *out, size_t outsz, uint16_t cmd,
	    const void *payload, size_t len);
/* JSON texts; return strlen or -1 when truncated. */
int	 camtcp_json_register(char *, size_t, int status);
int	 camtcp_json_nat(char *, size_t, const char *clientid);
int	 camtcp_json_udp_reply(char *, size_t, const char *ip, int port);
int	 camtcp_json_probe(char *, size_t);
int	 camtcp_json_devstatus(char *, size_t);
/* {"code":301,"target":T,"content":{"code":C<extra>}}; extra is either
 * "" or starts with ',' and holds already-valid JSON members. */
int	 camtcp_json_forward(char *, size_t, const char *target, int code,
	    const char *extra);
/* ndigits random lower-case hex digits and a NUL (ndigits <= 128). */
void	 camtcp_hexrand(char *out, size_t ndigits);
/*
 * A web API setting (ir_led, flip, status_led, motion_alert and their
 * values) as a forward: its code and extra members.  0, or -1 with *err.
 */
int	 camtcp_setting(const char *key, const char *val, int *code,
	    char *extra, size_t sz, const char **err);
/*
 * A forward content from the web compatibility route, re-checked: a flat
 * JSON object with an integer code from a whitelist; gives the code and
 * the other members re-emitted as extra.  0, or -1 with *err.
 */
int	 camtcp_forward_content(const char *json, size_t len, int *code,
	    char *extra, size_t sz, const char **err);
/* A random 32-hex-digit client id. */
void	 camtcp_clientid(char out[CAMTCP_CLIENTID_LEN + 1]);
/* A camera uid we accept: 1..31 of [A-Za-z0-9_-]. */
int	 camtcp_valid_uid(const char *);

/*
 * Session: one camera TCP connection.  The owner answers auth (0 accept,
 * -1 reject, 1 decide later with camsess_decide) and gets every other
 * JSON message once registered; send queues bytes on the connection.
 */
struct camsess_ops {
	int	(*auth)(void *arg, const char *uid, const char *token);
	int	(*json)(void *arg, const struct camjson *);
	int	(*send)(void *arg, const uint8_t *, size_t);
};

struct camsess {
	struct camtcp			 cs_tcp;
	const struct camsess_ops	*cs_ops;
	void				*cs_arg;
	int				 cs_registered;
	int				 cs_held;	/* auth said 1 */
	char				 cs_uid[V720_ID_MAX];
	uint64_t			 cs_msgs;
	uint64_t			 cs_bad;	/* unparsable, ignored */
	uint64_t			 cs_heartbeats;
};

void	 camsess_init(struct camsess *, const struct camsess_ops *, void *);
void	 camsess_clear(struct camsess *);
/* 0, or -1: drop the connection (after sending what was queued). */
int	 camsess_feed(struct camsess *, const uint8_t *, size_t);
/*
 * The answer to a held registration (cs_uid): the 101 with status 200
 * (ok) or 403.  0, or -1: drop the connection (after sending the 403).
 */
int	 camsess_decide(struct camsess *, int ok);

#endif
