/*
 * Camera TCP protocol, pure part: framing, JSON reading, builders and the
 * registration/heartbeat session.  No I/O and no engine globals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "camtcp.h"

void
camtcp_init(struct camtcp *t, camtcp_msg_cb cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->ct_msg = cb;
	t->ct_arg = arg;
}

void
camtcp_clear(struct camtcp *t)
{
	free(t->ct_buf);
	t->ct_buf = NULL;
	t->ct_len = 0;
}

/*
 * Handle every complete message at p; returns the bytes consumed, or -1.
 * A length field over the bound cannot be resynchronised: the stream is
 * broken and the connection must go.
 */
static ssize_t
camtcp_run(struct camtcp *t, const uint8_t *p, size_t len)
{
	struct wire_hdr	h;
	size_t		off = 0;

	while (len - off >= WIRE_HDR_LEN) {
		if (wire_hdr_decode(p + off, len - off, WIRE_TCP_MAX_PAYLOAD,
		    &h) == -1) {
			t->ct_err = "payload length over the bound";
			return -1;
		}
		if (len - off < WIRE_HDR_LEN + (size_t)h.wh_len)
			break;
		if (t->ct_msg(t->ct_arg, &h, p + off + WIRE_HDR_LEN) == -1) {
			if (t->ct_err == NULL)
				t->ct_err = "message refused";
			return -1;
		}
		off += WIRE_HDR_LEN + h.wh_len;
	}
	return off;
}

int
camtcp_feed(struct camtcp *t, const uint8_t *data, size_t len)
{
	uint8_t	*nb;
	ssize_t	 used;
	size_t	 need, take;

	/*
	 * Complete the held partial message first, taking only the bytes it
	 * needs, so the hold buffer never exceeds one bounded message.
	 */
	while (t->ct_len > 0 && len > 0) {
		if (t->ct_len < WIRE_HDR_LEN)
			need = WIRE_HDR_LEN;
		else {
			/*
			 * Bound the length before adding: 20 + 0xfffffff0
			 * wraps to 4 in 32-bit arithmetic (uint32_t, and
			 * size_t on 32-bit systems).
			 */
			if (wire_get32(t->ct_buf) >
			    CAMTCP_MAX_MSG - WIRE_HDR_LEN) {
				t->ct_err = "payload length over the bound";
				return -1;
			}
			need = WIRE_HDR_LEN + wire_get32(t->ct_buf);
		}
		take = need - t->ct_len;
		if (take > len)
			take = len;
		if ((nb = realloc(t->ct_buf, t->ct_len + take)) == NULL) {
			t->ct_err = "out of memory";
			return -1;
		}
		t->ct_buf = nb;
		memcpy(t->ct_buf + t->ct_len, data, take);
		t->ct_len += take;
		data += take;
		len -= take;
		if (t->ct_len >= WIRE_HDR_LEN &&
		    wire_get32(t->ct_buf) > CAMTCP_MAX_MSG - WIRE_HDR_LEN) {
			t->ct_err = "payload length over the bound";
			return -1;
		}
		if (t->ct_len < WIRE_HDR_LEN ||
		    t->ct_len < WIRE_HDR_LEN + wire_get32(t->ct_buf))
			continue;	/* still partial (len is 0 now) */
		if ((used = camtcp_run(t, t->ct_buf, t->ct_len)) == -1)
			return -1;
		camtcp_clear(t);
	}
	if (len == 0)
		return 0;
	if ((used = camtcp_run(t, data, len)) == -1)
		return -1;
	if ((size_t)used < len) {
		if ((t->ct_buf = malloc(len - used)) == NULL) {
			t->ct_err = "out of memory";
			return -1;
		}
		memcpy(t->ct_buf, data + used, len - used);
		t->ct_len = len - used;
	}
	return 0;
}

static int64_t
jint(const struct json_doc *d, int obj, const char *key)
{
	int64_t	v;

	if (json_int(d, json_find(d, obj, key), -1000000000LL, 1000000000LL,
	    &v) == -1)
		return CAMJ_UNSET;
	return v;
}

static void
jstr(const struct json_doc *d, int obj, const char *key, char *out,
    size_t outsz)
{
	if (json_str(d, json_find(d, obj, key), out, outsz) == -1)
		out[0] = '\0';
}

int
camjson_parse(const uint8_t *p, size_t len, struct camjson *j)
{
	const struct caminfo_setting	*s;
	struct json_doc			 d;
	size_t				 i;
	int				 c, ws;

	memset(j, 0, sizeof(*j));
	if (json_parse(&d, (const char *)p, len) == -1)
		return -1;
	if ((j->cj_code = jint(&d, 0, "code")) == CAMJ_UNSET)
		return -1;
	j->cj_status = jint(&d, 0, "status");
	jstr(&d, 0, "uid", j->cj_uid, sizeof(j->cj_uid));
	if (j->cj_uid[0] == '\0')
		jstr(&d, 0, "devTarget", j->cj_uid, sizeof(j->cj_uid));
	jstr(&d, 0, "token", j->cj_token, sizeof(j->cj_token));
	jstr(&d, 0, "target", j->cj_target, sizeof(j->cj_target));
	j->cj_has_cli_target = json_find(&d, 0, "cliTarget") != -1;
	j->cj_has_cli_token = json_find(&d, 0, "cliToken") != -1;
	jstr(&d, 0, "cliTarget", j->cj_cli_target, sizeof(j->cj_cli_target));
	jstr(&d, 0, "cliToken", j->cj_cli_token, sizeof(j->cj_cli_token));
	j->cj_fcode = CAMJ_UNSET;
	j->cj_irled = j->cj_flip = j->cj_instled = j->cj_movealert =
	    j->cj_power = j->cj_reboot = CAMJ_UNSET;
	for (i = 0; i < CAMINFO_NXSET; i++)
		j->cj_xset[i] = CAMJ_UNSET;
	if ((c = json_find(&d, 0, "content")) == -1 ||
	    d.tok[c].type != JSON_OBJECT)
		return 0;
	j->cj_fcode = jint(&d, c, "code");
	if (j->cj_fcode == CAMJ_UNSET)
		return 0;
	j->cj_has_content = 1;
	j->cj_irled = jint(&d, c, "IrLed");
	j->cj_flip = jint(&d, c, "mirrorFlip");
	j->cj_instled = jint(&d, c, "instLed");
	j->cj_movealert = jint(&d, c, "moveAlert");
	j->cj_power = jint(&d, c, "devPower");
	j->cj_reboot = jint(&d, c, "reboot");
	jstr(&d, c, "version", j->cj_version, sizeof(j->cj_version));
	jstr(&d, c, "wifiName", j->cj_wifi, sizeof(j->cj_wifi));
	if (json_find(&d, c, "wifiName") != -1)
		j->cj_features |= CAMF_WIFINAME;
	/* 211's answer; a hostile one is as if it had not come. */
	if ((ws = json_find(&d, c, "scanWifiBase64")) != -1 &&
	    d.tok[ws].type == JSON_STRING &&
	    wifiscan_decode((const char *)p + d.tok[ws].start,
	    (size_t)(d.tok[ws].end - d.tok[ws].start), j->cj_wifiscan,
	    WIFISCAN_MAX, &j->cj_nwifiscan) == 0)
		j->cj_wifiscan_ok = 1;
	for (i = 0; i < caminfo_nsettings; i++) {
		s = &caminfo_settings[i];
		if (s->slot < 0 || s->mqtt_only ||
		    json_find(&d, c, s->field) == -1)
			continue;
		j->cj_features |= s->feature;
		j->cj_xset[s->slot] = jint(&d, c, s->field);
	}
	return 0;
}

int
camtcp_msg(uint8_t *out, size_t outsz, uint16_t cmd, const void *payload,
    size_t len)
{
	struct wire_hdr	h;

	if (len > WIRE_TCP_MAX_PAYLOAD || outsz < WIRE_HDR_LEN + len)
		return -1;
	wire_hdr_server(&h, cmd, len);
	wire_hdr_encode(&h, out);
	if (len > 0)
		memcpy(out + WIRE_HDR_LEN, payload, len);
	return WIRE_HDR_LEN + len;
}

static int
fit(int n, size_t sz)
{
	return (n < 0 || (size_t)n >= sz) ? -1 : n;
}

int
camtcp_json_register(char *buf, size_t sz, int status)
{
	/* Byte for byte what the capture's server sent (frame 39). */
	return fit(snprintf(buf, sz, "{\"code\": 101, \"status\": %d}",
	    status), sz);
}

int
camtcp_json_nat(char *buf, size_t sz, const char *id)
{
	/*
	 * 255.255.255.255 and port 0 make the camera send its UDP to the
	 * address of this TCP server, on the same port number (PROTOCOL.md
	 * section 4.5): the simplest choice for a LAN server.
	 */
	return fit(snprintf(buf, sz, "{\"code\":11,\"cliTarget\":\"%s\","
	    "\"cliToken\":\"%s\",\"cliIp\":\"255.255.255.255\",\"cliPort\":0,"
	    "\"cliNatIp\":\"255.255.255.255\",\"cliNatPort\":0}", id, id), sz);
}

int
camtcp_json_udp_reply(char *buf, size_t sz, const char *ip, int port)
{
	return fit(snprintf(buf, sz, "{\"code\":21,\"ip\":\"%s\",\"port\":%d}",
	    ip, port), sz);
}

int
camtcp_json_probe(char *buf, size_t sz)
{
	return fit(snprintf(buf, sz, "{\"code\":50}"), sz);
}

int
camtcp_json_devstatus(char *buf, size_t sz)
{
	return fit(snprintf(buf, sz, "{\"code\":53,\"status\":1}"), sz);
}

int
camtcp_json_forward(char *buf, size_t sz, const char *target, int code,
    const char *extra)
{
	return fit(snprintf(buf, sz, "{\"code\":301,\"target\":\"%s\","
	    "\"content\":{\"code\":%d%s}}", target, code,
	    extra ? extra : ""), sz);
}

void
camtcp_hexrand(char *out, size_t ndigits)
{
	static const char	hex[] = "0123456789abcdef";
	uint8_t			r[64];
	size_t			i;

	if (ndigits > 2 * sizeof(r))
		ndigits = 2 * sizeof(r);
	arc4random_buf(r, (ndigits + 1) / 2);
	for (i = 0; i < ndigits; i++)
		out[i] = hex[(i & 1) ? r[i / 2] & 15 : r[i / 2] >> 4];
	out[ndigits] = '\0';
}

void
camtcp_clientid(char out[CAMTCP_CLIENTID_LEN + 1])
{
	camtcp_hexrand(out, CAMTCP_CLIENTID_LEN);
}

int
camtcp_valid_uid(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= V720_ID_MAX - 1)
			return 0;
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' || s[i] == '-'))
			return 0;
	}
	return i > 0;
}

int
camtcp_setting(const char *key, const char *val, int *code, char *extra,
    size_t sz, const char **err)
{
	const struct caminfo_setting	*s;
	int				 i;

	if ((s = caminfo_setting(key)) == NULL) {
		*err = "unknown setting";
		return -1;
	}
	if ((i = caminfo_setting_value(s, val)) == -1) {
		*err = "bad value";
		return -1;
	}
	*code = s->code;
	if (s->field == NULL)
		extra[0] = '\0';
	else if (fit(snprintf(extra, sz, ",\"%s\":%d", s->field,
	    s->values[i]), sz) == -1) {
		*err = "too long";
		return -1;
	}
	return 0;
}

/* Forward contents a user may send through the web compatibility route:
 * not Wi-Fi, AP mode, SD formatting or passwords. */
static const int forward_ok[] = {
	0, 1, 2, 3, 4, 201, 202, 203, 205, 206, 209, 210, 212, 213, 215,
	216, 218, 220, 298, 299,
};

/* A JSON number we pass on: -?digits(.digits)?, or true/false/null. */
static int
plain_value(const char *p, size_t n, int strict_int)
{
	size_t	i = 0, digits = 0;

	if (!strict_int && ((n == 4 && (memcmp(p, "true", 4) == 0 ||
	    memcmp(p, "null", 4) == 0)) || (n == 5 &&
	    memcmp(p, "false", 5) == 0)))
		return 1;
	if (i < n && p[i] == '-')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		digits++;
	if (!strict_int && i < n && p[i] == '.' && digits > 0)
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			;
	return digits > 0 && digits <= 9 && i == n;
}

static int
plain_text(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

int
camtcp_forward_content(const char *json, size_t len, int *codep,
    char *extra, size_t sz, const char **err)
{
	struct json_doc	 d;
	int64_t		 code;
	size_t		 i, n = 0, kl, vl;
	int		 c, q, m;

	if (json_parse(&d, json, len) == -1) {
		*err = "not a JSON object";
		return -1;
	}
	if (json_get_int(&d, "code", 0, 65535, &code) == -1) {
		*err = "no integer code";
		return -1;
	}
	for (i = 0; i < sizeof(forward_ok) / sizeof(forward_ok[0]); i++)
		if (forward_ok[i] == code)
			break;
	if (i == sizeof(forward_ok) / sizeof(forward_ok[0])) {
		*err = "forward code not allowed";
		return -1;
	}
	/*
	 * Re-emit every member but code from the parsed tokens: a key, then
	 * a string or a plain number/true/false/null (jsmn's lenient
	 * primitives could hold anything); a string holding an integer
	 * becomes a number, as query strings make everything a string.
	 */
	if (sz == 0)
		return -1;
	extra[0] = '\0';
	for (c = 1; c + 1 < d.ntok; c += 2) {
		const struct json_tok *k = &d.tok[c], *v = &d.tok[c + 1];

		kl = k->end - k->start;
		vl = v->end - v->start;
		if (k->type != JSON_STRING || !plain_text(json + k->start, kl) ||
		    (v->type == JSON_STRING &&
		    !plain_text(json + v->start, vl)) ||
		    (v->type == JSON_PRIMITIVE &&
		    !plain_value(json + v->start, vl, 0)) ||
		    (v->type != JSON_STRING && v->type != JSON_PRIMITIVE)) {
			*err = "only flat members with plain values allowed";
			return -1;
		}
		if (kl == 4 && memcmp(json + k->start, "code", 4) == 0)
			continue;
		q = v->type == JSON_STRING &&
		    !plain_value(json + v->start, vl, 1);
		m = snprintf(extra + n, sz - n, ",\"%.*s\":%s%.*s%s",
		    (int)kl, json + k->start, q ? "\"" : "", (int)vl,
		    json + v->start, q ? "\"" : "");
		if (m < 0 || (size_t)m >= sz - n) {
			*err = "too long";
			return -1;
		}
		n += m;
	}
	*codep = (int)code;
	return 0;
}

static int
camsess_send(struct camsess *s, uint16_t cmd, const char *json, int jlen)
{
	uint8_t	buf[512];
	int	n;

	if (jlen < 0 || (n = camtcp_msg(buf, sizeof(buf), cmd, json,
	    json ? (size_t)jlen : 0)) == -1)
		return -1;
	return s->cs_ops->send(s->cs_arg, buf, n);
}

static int	camsess_decide_uid(struct camsess *, const char *, int);

static int
camsess_msg(void *arg, const struct wire_hdr *h, const uint8_t *payload)
{
	struct camsess	*s = arg;
	struct camjson	 j;
	int		 ok;

	s->cs_msgs++;
	switch (h->wh_cmd) {
	case WIRE_CMD_HEARTBEAT:
		s->cs_heartbeats++;
		/* The capture's server stayed silent; answering is harmless
		 * and tells the camera the server is alive. */
		if (s->cs_registered)
			return camsess_send(s, WIRE_CMD_HEARTBEAT, NULL, 0);
		return 0;
	case WIRE_CMD_JSON:
		break;
	default:
		/* Pings, motion reports, anything new: not needed here. */
		return 0;
	}
	if (camjson_parse(payload, h->wh_len, &j) == -1) {
		s->cs_bad++;
		return 0;
	}
	if (j.cj_code != 100) {
		if (!s->cs_registered) {
			s->cs_bad++;
			return 0;
		}
		return s->cs_ops->json(s->cs_arg, &j);
	}

	/* Registration. */
	if (!camtcp_valid_uid(j.cj_uid)) {
		s->cs_tcp.ct_err = "registration without a valid uid";
		return -1;
	}
	if (s->cs_held)
		return 0;	/* the camera repeats itself: still deciding */
	if (s->cs_registered) {
		if (strcmp(j.cj_uid, s->cs_uid) != 0) {
			s->cs_tcp.ct_err = "registration with a second uid";
			return -1;
		}
		ok = 0;
	} else
		ok = s->cs_ops->auth(s->cs_arg, j.cj_uid, j.cj_token);
	if (ok == 1) {
		s->cs_held = 1;
		strlcpy(s->cs_uid, j.cj_uid, sizeof(s->cs_uid));
		return 0;
	}
	return camsess_decide_uid(s, j.cj_uid, ok == 0);
}

static int
camsess_decide_uid(struct camsess *s, const char *uid, int ok)
{
	char	js[64];

	s->cs_held = 0;
	if (ok) {
		s->cs_registered = 1;
		strlcpy(s->cs_uid, uid, sizeof(s->cs_uid));
		return camsess_send(s, WIRE_CMD_JSON, js,
		    camtcp_json_register(js, sizeof(js), 200));
	}
	/*
	 * Refused: the camera gets a 101 with status 403 and the connection
	 * is closed; it retries later (bootstrap, then TCP) like after any
	 * lost connection.
	 */
	camsess_send(s, WIRE_CMD_JSON, js, camtcp_json_register(js,
	    sizeof(js), 403));
	s->cs_tcp.ct_err = "registration refused";
	return -1;
}

int
camsess_decide(struct camsess *s, int ok)
{
	char	uid[V720_ID_MAX];

	if (!s->cs_held)
		return -1;
	strlcpy(uid, s->cs_uid, sizeof(uid));
	return camsess_decide_uid(s, uid, ok);
}

void
camsess_init(struct camsess *s, const struct camsess_ops *ops, void *arg)
{
	memset(s, 0, sizeof(*s));
	camtcp_init(&s->cs_tcp, camsess_msg, s);
	s->cs_ops = ops;
	s->cs_arg = arg;
}

void
camsess_clear(struct camsess *s)
{
	camtcp_clear(&s->cs_tcp);
}

int
camsess_feed(struct camsess *s, const uint8_t *data, size_t len)
{
	return camtcp_feed(&s->cs_tcp, data, len);
}
