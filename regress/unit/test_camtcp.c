/*
 * Unit tests of v720d/camtcp.c: the real camera's TCP bytes from the
 * capture replayed through the framer and session (per segment, in
 * 1-byte writes, fully coalesced), with every answer checked; framing
 * bounds; the lenient JSON reader; the message builders.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "msg.h"
#include "wire.h"
#include "json.h"
#include "../../v720d/engine/camtcp.h"
#include "capture.h"

/* Answer of the capture's server to the registration (frame 39). */
static const uint8_t reg101[] = {
	0x1c, 0, 0, 0, 0, 0, 0, 0, '0', '0', '0', '0', '0', '0', '0', '0',
	0, 0, 0, 0,
	'{', '"', 'c', 'o', 'd', 'e', '"', ':', ' ', '1', '0', '1', ',', ' ',
	'"', 's', 't', 'a', 't', 'u', 's', '"', ':', ' ', '2', '0', '0', '}'
};
/* Our heartbeat answer: len 0, cmd 100, server forward id. */
static const uint8_t hb[] = {
	0, 0, 0, 0, 0x64, 0, 0, 0, '0', '0', '0', '0', '0', '0', '0', '0',
	0, 0, 0, 0
};

struct peer {
	uint8_t		out[65536];
	size_t		outlen;
	int		nauth;
	int		refuse;
	char		uid[V720_ID_MAX];
	char		token[V720_ID_MAX];
	int		njson;
	struct camjson	last;
};

static int
p_auth(void *arg, const char *uid, const char *token)
{
	struct peer	*p = arg;

	p->nauth++;
	strlcpy(p->uid, uid, sizeof(p->uid));
	strlcpy(p->token, token, sizeof(p->token));
	return p->refuse;	/* 0 accept, -1 refuse, 1 hold */
}

static int
p_json(void *arg, const struct camjson *j)
{
	struct peer	*p = arg;

	p->njson++;
	p->last = *j;
	return 0;
}

static int
p_send(void *arg, const uint8_t *b, size_t len)
{
	struct peer	*p = arg;

	cr_assert(p->outlen + len <= sizeof(p->out));
	memcpy(p->out + p->outlen, b, len);
	p->outlen += len;
	return 0;
}

static const struct camsess_ops	ops = { p_auth, p_json, p_send };


/* The answer the session must give to each camera segment. */
static void
expect_answer(const struct cap_msg *m, const uint8_t **exp, size_t *len)
{
	if (m->len == WIRE_HDR_LEN && wire_get16(m->data + 4) == 100) {
		*exp = hb;
		*len = sizeof(hb);
	} else {
		*exp = reg101;
		*len = sizeof(reg101);
	}
}

Test(camtcp, capture_per_segment, .init = cap_init, .fini = cap_fini)
{
	struct camsess	 s;
	struct peer	 p;
	const uint8_t	*exp;
	size_t		 elen, before;
	int		 i, nseg = 0, found39 = 0;

	memset(&p, 0, sizeof(p));
	camsess_init(&s, &ops, &p);
	for (i = 0; i < ncap; i++) {
		if (strcmp(cap[i].proto, "v720-tcp") != 0)
			continue;
		if (strcmp(cap[i].from, "server") == 0) {
			/* Our registration answer equals the capture's. */
			if (cap[i].frame == 39) {
				cr_assert_eq(cap[i].len, sizeof(reg101));
				cr_assert(memcmp(cap[i].data, reg101,
				    sizeof(reg101)) == 0);
				found39 = 1;
			}
			continue;
		}
		before = p.outlen;
		cr_assert_eq(camsess_feed(&s, cap[i].data, cap[i].len), 0,
		    "frame %d refused", cap[i].frame);
		expect_answer(&cap[i], &exp, &elen);
		cr_assert_eq(p.outlen - before, elen, "frame %d: %zu bytes out",
		    cap[i].frame, p.outlen - before);
		cr_assert(memcmp(p.out + before, exp, elen) == 0,
		    "frame %d: wrong answer", cap[i].frame);
		nseg++;
	}
	cr_assert(found39);
	cr_assert_gt(nseg, 60);
	cr_assert_eq(p.nauth, 1);
	cr_assert_str_eq(p.uid, "0800c00128F8");
	cr_assert_str_eq(p.token, "91edf41f");
	cr_assert(s.cs_registered);
	cr_assert_eq(s.cs_bad, 0);
	camsess_clear(&s);
}

/* All camera bytes as one buffer, and the answers they must produce. */
static void
camera_stream(uint8_t **in, size_t *inlen, uint8_t **out, size_t *outlen)
{
	const uint8_t	*exp;
	size_t		 elen;
	int		 i;

	*in = *out = NULL;
	*inlen = *outlen = 0;
	for (i = 0; i < ncap; i++) {
		if (strcmp(cap[i].proto, "v720-tcp") != 0 ||
		    strcmp(cap[i].from, "camera") != 0)
			continue;
		*in = realloc(*in, *inlen + cap[i].len);
		memcpy(*in + *inlen, cap[i].data, cap[i].len);
		*inlen += cap[i].len;
		expect_answer(&cap[i], &exp, &elen);
		*out = realloc(*out, *outlen + elen);
		memcpy(*out + *outlen, exp, elen);
		*outlen += elen;
	}
}

Test(camtcp, capture_one_byte_writes, .init = cap_init, .fini = cap_fini)
{
	struct camsess	 s;
	struct peer	 p;
	uint8_t		*in, *out;
	size_t		 inlen, outlen, i;

	camera_stream(&in, &inlen, &out, &outlen);
	memset(&p, 0, sizeof(p));
	camsess_init(&s, &ops, &p);
	for (i = 0; i < inlen; i++) {
		cr_assert_eq(camsess_feed(&s, in + i, 1), 0);
		/* Never more than one message held back. */
		cr_assert_lt(s.cs_tcp.ct_len, CAMTCP_MAX_MSG);
	}
	cr_assert_eq(p.outlen, outlen);
	cr_assert(memcmp(p.out, out, outlen) == 0);
	cr_assert_eq(s.cs_tcp.ct_len, 0);
	camsess_clear(&s);
	free(in);
	free(out);
}

Test(camtcp, capture_coalesced, .init = cap_init, .fini = cap_fini)
{
	struct camsess	 s;
	struct peer	 p;
	uint8_t		*in, *out;
	size_t		 inlen, outlen, cut;

	camera_stream(&in, &inlen, &out, &outlen);
	memset(&p, 0, sizeof(p));
	camsess_init(&s, &ops, &p);
	cr_assert_eq(camsess_feed(&s, in, inlen), 0);
	cr_assert_eq(p.outlen, outlen);
	cr_assert(memcmp(p.out, out, outlen) == 0);
	camsess_clear(&s);

	/* And split at every possible point into two writes. */
	for (cut = 1; cut < inlen; cut += 7) {
		memset(&p, 0, sizeof(p));
		camsess_init(&s, &ops, &p);
		cr_assert_eq(camsess_feed(&s, in, cut), 0);
		cr_assert_eq(camsess_feed(&s, in + cut, inlen - cut), 0);
		cr_assert_eq(p.outlen, outlen, "cut %zu", cut);
		cr_assert(memcmp(p.out, out, outlen) == 0);
		camsess_clear(&s);
	}
	free(in);
	free(out);
}

static size_t
mkmsg(uint8_t *buf, uint16_t cmd, const char *json)
{
	struct wire_hdr	h;
	size_t		len = json ? strlen(json) : 0;

	memset(&h, 0, sizeof(h));
	h.wh_len = len;
	h.wh_cmd = cmd;
	wire_hdr_encode(&h, buf);
	if (len > 0)
		memcpy(buf + WIRE_HDR_LEN, json, len);
	return WIRE_HDR_LEN + len;
}

Test(camtcp, oversized_length_drops)
{
	struct camsess	s;
	struct peer	p;
	uint8_t		buf[WIRE_HDR_LEN];

	memset(&p, 0, sizeof(p));
	camsess_init(&s, &ops, &p);
	mkmsg(buf, 0, NULL);
	wire_put32(buf, WIRE_TCP_MAX_PAYLOAD + 1);
	cr_assert_eq(camsess_feed(&s, buf, 3), 0);	/* not known yet */
	cr_assert_eq(camsess_feed(&s, buf + 3, sizeof(buf) - 3), -1);
	cr_assert_not_null(s.cs_tcp.ct_err);
	camsess_clear(&s);

	/* A length that wraps when the header's 20 bytes are added. */
	memset(&p, 0, sizeof(p));
	camsess_init(&s, &ops, &p);
	wire_put32(buf, 0xfffffff0);
	cr_assert_eq(camsess_feed(&s, buf, 3), 0);
	cr_assert_eq(camsess_feed(&s, buf + 3, sizeof(buf) - 3), -1);
	cr_assert_str_eq(s.cs_tcp.ct_err, "payload length over the bound");
	cr_assert_eq(s.cs_msgs, 0);
	camsess_clear(&s);

	/* The biggest legal message is taken. */
	memset(&p, 0, sizeof(p));
	camsess_init(&s, &ops, &p);
	{
		static uint8_t	big[CAMTCP_MAX_MSG];

		wire_put32(big, WIRE_TCP_MAX_PAYLOAD);
		wire_put16(big + 4, 7);
		cr_assert_eq(camsess_feed(&s, big, sizeof(big)), 0);
		cr_assert_eq(s.cs_msgs, 1);
	}
	camsess_clear(&s);
}

Test(camtcp, garbage_ignored_then_registration)
{
	struct camsess	s;
	struct peer	p;
	uint8_t		buf[1024];
	size_t		n;

	memset(&p, 0, sizeof(p));
	camsess_init(&s, &ops, &p);
	n = mkmsg(buf, 0, "not json at all");
	cr_assert_eq(camsess_feed(&s, buf, n), 0);
	n = mkmsg(buf, 0, "{\"code\": 12}");		/* before 100 */
	cr_assert_eq(camsess_feed(&s, buf, n), 0);
	n = mkmsg(buf, 0, "{\"nocode\": 1}");
	cr_assert_eq(camsess_feed(&s, buf, n), 0);
	n = mkmsg(buf, 100, NULL);		/* heartbeat, unregistered */
	cr_assert_eq(camsess_feed(&s, buf, n), 0);
	cr_assert_eq(p.outlen, 0);
	cr_assert_eq(s.cs_bad, 3);
	n = mkmsg(buf, 0, "{\"code\":100,\"uid\":\"ABC123\",\"token\":\"x\","
	    "\"udpPlayBack\": 1}");
	cr_assert_eq(camsess_feed(&s, buf, n), 0);
	cr_assert_eq(p.outlen, sizeof(reg101));
	n = mkmsg(buf, 0, "{\"code\" : 301 , \"target\": \"t\", \"content\": "
	    "{\"code\": 4, \"IrLed\": 2, \"devPower\": \"87\", \"mirrorFlip\":"
	    " 3, \"wifiName\": \"home\", \"version\": \"202212011602\", "
	    "\"instLed\": 1, \"moveAlert\": 0, \"new\": [1,2]}}");
	cr_assert_eq(camsess_feed(&s, buf, n), 0);
	cr_assert_eq(p.njson, 1);
	cr_assert_eq(p.last.cj_code, 301);
	cr_assert_eq(p.last.cj_fcode, 4);
	cr_assert_eq(p.last.cj_irled, 2);
	cr_assert_eq(p.last.cj_power, 87);
	cr_assert_eq(p.last.cj_flip, 3);
	cr_assert_eq(p.last.cj_instled, 1);
	cr_assert_eq(p.last.cj_movealert, 0);
	cr_assert_str_eq(p.last.cj_wifi, "home");
	cr_assert_str_eq(p.last.cj_version, "202212011602");
	/* A second registration with another uid is refused. */
	n = mkmsg(buf, 0, "{\"code\":100,\"uid\":\"OTHER\"}");
	cr_assert_eq(camsess_feed(&s, buf, n), -1);
	camsess_clear(&s);
}

Test(camtcp, refused_registration)
{
	struct camsess	 s;
	struct peer	 p;
	uint8_t		 buf[256];
	size_t		 n;
	const char	*want = "{\"code\": 101, \"status\": 403}";

	memset(&p, 0, sizeof(p));
	p.refuse = -1;
	camsess_init(&s, &ops, &p);
	n = mkmsg(buf, 0, "{\"code\":100,\"uid\":\"0800c00128F8\","
	    "\"token\":\"bad\"}");
	cr_assert_eq(camsess_feed(&s, buf, n), -1);
	cr_assert_eq(p.outlen, WIRE_HDR_LEN + strlen(want));
	cr_assert(memcmp(p.out + WIRE_HDR_LEN, want, strlen(want)) == 0);
	cr_assert(!s.cs_registered);
	camsess_clear(&s);

	/* A uid with characters we do not accept. */
	memset(&p, 0, sizeof(p));
	camsess_init(&s, &ops, &p);
	n = mkmsg(buf, 0, "{\"code\":100,\"uid\":\"../etc\"}");
	cr_assert_eq(camsess_feed(&s, buf, n), -1);
	cr_assert_eq(p.nauth, 0);
	camsess_clear(&s);
}

/*
 * A held registration (engine/camclaim.c) gets no answer until decided:
 * then 200 and registered, or 403 and dropped.  Nothing it sends in
 * between is taken for a registered camera's.
 */
Test(camtcp, held_registration)
{
	struct camsess	 s;
	struct peer	 p;
	uint8_t		 buf[256];
	size_t		 n;
	const char	*no = "{\"code\": 101, \"status\": 403}";
	int		 ok;

	for (ok = 0; ok <= 1; ok++) {
		memset(&p, 0, sizeof(p));
		p.refuse = 1;
		camsess_init(&s, &ops, &p);
		cr_assert_eq(camsess_decide(&s, 1), -1);	/* nothing held */
		n = mkmsg(buf, 0, "{\"code\":100,\"uid\":\"0800c00128F8\","
		    "\"token\":\"t\"}");
		cr_assert_eq(camsess_feed(&s, buf, n), 0);
		cr_assert(s.cs_held && !s.cs_registered);
		cr_assert_eq(p.outlen, 0);
		/* It repeats itself, beats, forwards: all ignored. */
		cr_assert_eq(camsess_feed(&s, buf, n), 0);
		n = mkmsg(buf, 100, NULL);
		cr_assert_eq(camsess_feed(&s, buf, n), 0);
		n = mkmsg(buf, 0, "{\"code\":12,\"status\":200}");
		cr_assert_eq(camsess_feed(&s, buf, n), 0);
		cr_assert_eq(p.nauth, 1);
		cr_assert_eq(p.njson, 0);
		cr_assert_eq(p.outlen, 0);
		if (ok) {
			cr_assert_eq(camsess_decide(&s, 1), 0);
			cr_assert(s.cs_registered && !s.cs_held);
			cr_assert_str_eq(s.cs_uid, "0800c00128F8");
			cr_assert_eq(p.outlen, sizeof(reg101));
			cr_assert(memcmp(p.out, reg101, sizeof(reg101)) == 0);
		} else {
			cr_assert_eq(camsess_decide(&s, 0), -1);
			cr_assert(!s.cs_registered && !s.cs_held);
			cr_assert_eq(p.outlen, WIRE_HDR_LEN + strlen(no));
			cr_assert(memcmp(p.out + WIRE_HDR_LEN, no,
			    strlen(no)) == 0);
		}
		camsess_clear(&s);
	}
}

Test(camtcp, builders)
{
	char		js[512];
	uint8_t		buf[600];
	struct json_doc	d;
	char		s[64];
	int64_t		v;
	int		n, m;

	n = camtcp_json_nat(js, sizeof(js), "0123456789abcdef0123456789abcdef");
	cr_assert_gt(n, 0);
	cr_assert_eq(json_parse(&d, js, n), 0);
	cr_assert_eq(json_get_int(&d, "code", 0, 1000, &v), 0);
	cr_assert_eq(v, 11);
	cr_assert_eq(json_get_str(&d, "cliNatIp", s, sizeof(s)), 0);
	cr_assert_str_eq(s, "255.255.255.255");
	cr_assert_eq(json_get_int(&d, "cliNatPort", 0, 65535, &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(json_get_str(&d, "cliTarget", s, sizeof(s)), 0);
	cr_assert_eq(strlen(s), 32);

	n = camtcp_json_forward(js, sizeof(js), "abc", 202, ",\"IrLed\":1");
	cr_assert_str_eq(js, "{\"code\":301,\"target\":\"abc\","
	    "\"content\":{\"code\":202,\"IrLed\":1}}");
	m = camtcp_msg(buf, sizeof(buf), WIRE_CMD_JSON, js, n);
	cr_assert_eq(m, WIRE_HDR_LEN + n);
	cr_assert_eq(wire_get32(buf), (uint32_t)n);
	cr_assert(memcmp(buf + 8, "00000000", 8) == 0);
	cr_assert_eq(camtcp_msg(buf, 10, WIRE_CMD_JSON, js, n), -1);
	cr_assert_eq(camtcp_json_forward(js, 10, "abc", 3, NULL), -1);

	camtcp_clientid(s);
	cr_assert_eq(strlen(s), CAMTCP_CLIENTID_LEN);
	cr_assert(camtcp_valid_uid("0800c00128F8"));
	cr_assert(!camtcp_valid_uid(""));
	cr_assert(!camtcp_valid_uid("a b"));
	cr_assert(!camtcp_valid_uid("0123456789012345678901234567890123"));
}

Test(camtcp, settings)
{
	char		 extra[64];
	const char	*err = NULL;
	int		 code;

	cr_assert_eq(camtcp_setting("ir_led", "auto", &code, extra,
	    sizeof(extra), &err), 0);
	cr_assert_eq(code, 202);
	cr_assert_str_eq(extra, ",\"IrLed\":2");
	cr_assert_eq(camtcp_setting("flip", "upside-down", &code, extra,
	    sizeof(extra), &err), 0);
	cr_assert_eq(code, 216);
	cr_assert_str_eq(extra, ",\"mirrorFlip\":4");
	cr_assert_eq(camtcp_setting("flip", "horizontal", &code, extra,
	    sizeof(extra), &err), 0);
	cr_assert_str_eq(extra, ",\"mirrorFlip\":2");
	cr_assert_eq(camtcp_setting("status_led", "off", &code, extra,
	    sizeof(extra), &err), 0);
	cr_assert_eq(code, 210);
	cr_assert_str_eq(extra, ",\"instLed\":0");
	cr_assert_eq(camtcp_setting("motion_alert", "on", &code, extra,
	    sizeof(extra), &err), 0);
	cr_assert_eq(code, 205);
	cr_assert_str_eq(extra, ",\"moveAlert\":1");
	cr_assert_eq(camtcp_setting("ir_led", "bright", &code, extra,
	    sizeof(extra), &err), -1);
	cr_assert_str_eq(err, "bad value");
	cr_assert_eq(camtcp_setting("volume", "on", &code, extra,
	    sizeof(extra), &err), -1);
	cr_assert_str_eq(err, "unknown setting");
	cr_assert_eq(camtcp_setting("video_quality", "4", &code, extra,
	    sizeof(extra), &err), 0);
	cr_assert_eq(code, 201);
	cr_assert_str_eq(extra, ",\"speedGrade\":4");
	cr_assert_eq(camtcp_setting("white_light", "auto", &code, extra,
	    sizeof(extra), &err), 0);
	cr_assert_eq(code, 220);
	cr_assert_str_eq(extra, ",\"ledEI\":2");
	cr_assert_eq(camtcp_setting("video_quality", "6", &code, extra,
	    sizeof(extra), &err), -1);
	/* Actions: only "confirm", and no field. */
	cr_assert_eq(camtcp_setting("sd_format", "confirm", &code, extra,
	    sizeof(extra), &err), 0);
	cr_assert_eq(code, 207);
	cr_assert_str_eq(extra, "");
	cr_assert_eq(camtcp_setting("ap_mode", "yes", &code, extra,
	    sizeof(extra), &err), -1);
	cr_assert_str_eq(err, "bad value");
}

Test(camjson, features)
{
	static const char msg[] = "{\"code\":301,\"content\":{\"code\":4,"
	    "\"IrLed\":0,\"moveGrade\":3,\"ledEI\":9,\"wifiName\":\"w\"}}";
	struct camjson	j;

	cr_assert_eq(camjson_parse((const uint8_t *)msg, sizeof(msg) - 1, &j),
	    0);
	cr_assert_eq(j.cj_features, CAMF_MOVEGRADE | CAMF_LEDEI |
	    CAMF_WIFINAME);
	cr_assert_eq(j.cj_xset[1], 3);
	cr_assert_eq(j.cj_xset[2], 9);
	cr_assert_eq(j.cj_xset[0], CAMJ_UNSET);
	cr_assert_eq(j.cj_xset[3], CAMJ_UNSET);
}

static int
fwd(const char *json, int *code, char *extra, size_t sz)
{
	const char	*err;

	return camtcp_forward_content(json, strlen(json), code, extra, sz,
	    &err);
}

Test(camtcp, web_forward)
{
	char	extra[600];
	int	code;

	cr_assert_eq(fwd("{\"code\":202,\"IrLed\":\"1\"}", &code, extra,
	    sizeof(extra)), 0);
	cr_assert_eq(code, 202);
	cr_assert_str_eq(extra, ",\"IrLed\":1");
	cr_assert_eq(fwd("{ \"code\" : \"216\" , \"mirrorFlip\": 3, "
	    "\"note\": \"a b\", \"x\": true}", &code, extra, sizeof(extra)), 0);
	cr_assert_eq(code, 216);
	cr_assert_str_eq(extra, ",\"mirrorFlip\":3,\"note\":\"a b\",\"x\":true");
	cr_assert_eq(fwd("{\"code\":299,\"reboot\":1}", &code, extra,
	    sizeof(extra)), 0);
	/* Refused: not allowed codes, nesting, odd primitives, no code. */
	cr_assert_eq(fwd("{\"code\":204,\"s\":\"x\",\"p\":\"y\"}", &code,
	    extra, sizeof(extra)), -1);
	cr_assert_eq(fwd("{\"code\":208}", &code, extra, sizeof(extra)), -1);
	cr_assert_eq(fwd("{\"code\":202,\"IrLed\":{\"a\":1}}", &code, extra,
	    sizeof(extra)), -1);
	cr_assert_eq(fwd("{\"code\":202,\"IrLed\":1\"}", &code, extra,
	    sizeof(extra)), -1);
	cr_assert_eq(fwd("{\"code\":202,\"IrLed\":abc}", &code, extra,
	    sizeof(extra)), -1);
	cr_assert_eq(fwd("{\"IrLed\":1}", &code, extra, sizeof(extra)), -1);
	cr_assert_eq(fwd("[1,2]", &code, extra, sizeof(extra)), -1);
	cr_assert_eq(fwd("{\"code\":202,\"IrLed\":\"123456789012\"}", &code,
	    extra, 20), -1);
}

/* The Wi-Fi scan answer (211): scanWifiBase64 read strictly. */
static int
scan(const char *b64, char out[][WIFISCAN_SSID_MAX], size_t *n)
{
	return wifiscan_decode(b64, strlen(b64), out, WIFISCAN_MAX, n);
}

Test(wifiscan, formats)
{
	char	out[WIFISCAN_MAX][WIFISCAN_SSID_MAX];
	size_t	n;

	/* [{"ssid":"a b","rssi":-4},"c"] */
	cr_assert_eq(scan("W3sic3NpZCI6ImEgYiIsInJzc2kiOi00fSwiYyJd", out, &n),
	    0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(out[0], "a b");
	cr_assert_str_eq(out[1], "c");
	/* "home\r\nguest net\n" */
	cr_assert_eq(scan("aG9tZQ0KZ3Vlc3QgbmV0Cg==", out, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(out[0], "home");
	cr_assert_str_eq(out[1], "guest net");
	/* "x,y" */
	cr_assert_eq(scan("eCx5", out, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(out[1], "y");
}

Test(wifiscan, hostile)
{
	char	out[WIFISCAN_MAX][WIFISCAN_SSID_MAX], *big;
	size_t	n = 77;

	cr_assert_eq(scan("", out, &n), -1);
	cr_assert_eq(scan("eCx", out, &n), -1);		/* not 4-aligned */
	cr_assert_eq(scan("eC!5", out, &n), -1);
	cr_assert_eq(scan("e=x5", out, &n), -1);	/* inner padding */
	cr_assert_eq(scan("eA==eA==", out, &n), -1);
	cr_assert_eq(scan("AA==", out, &n), -1);	/* a NUL */
	cr_assert_eq(scan("Cg==", out, &n), 0);		/* "\n": none */
	cr_assert_eq(n, 0);
	n = 77;
	cr_assert_eq(scan("AQ==", out, &n), -1);	/* control char */
	/* 33 bytes "aaa...": too long for an SSID */
	cr_assert_eq(scan("YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh", out,
	    &n), -1);
	/* 17 networks "a,a,...": over WIFISCAN_MAX */
	cr_assert_eq(scan("YSxhLGEsYSxhLGEsYSxhLGEsYSxhLGEsYSxhLGEsYSxh", out,
	    &n), -1);
	cr_assert_eq(scan("W3siYiI6MX1d", out, &n), -1);	/* [{"b":1}] */
	cr_assert_eq(scan("WzEsMl0=", out, &n), -1);		/* [1,2] */
	cr_assert_eq(n, 77);
	big = malloc(WIFISCAN_B64_MAX + 5);
	cr_assert_not_null(big);
	memset(big, 'Q', WIFISCAN_B64_MAX + 4);
	big[WIFISCAN_B64_MAX + 4] = '\0';
	cr_assert_eq(scan(big, out, &n), -1);
	free(big);
}

Test(wifiscan, camjson)
{
	static const char	m[] = "{\"code\":301,\"content\":{\"code\":211,"
	    "\"scanWifiBase64\":\"eCx5\"}}";
	static const char	bad[] = "{\"code\":301,\"content\":{\"code\":211,"
	    "\"scanWifiBase64\":\"eC!5\"}}";
	struct camjson		j;

	cr_assert_eq(camjson_parse((const uint8_t *)m, sizeof(m) - 1, &j), 0);
	cr_assert_eq(j.cj_wifiscan_ok, 1);
	cr_assert_eq(j.cj_nwifiscan, 2);
	cr_assert_str_eq(j.cj_wifiscan[0], "x");
	cr_assert_eq(camjson_parse((const uint8_t *)bad, sizeof(bad) - 1, &j),
	    0);
	cr_assert_eq(j.cj_wifiscan_ok, 0);
}
