/*
 * Forwards (code 301, PROTOCOL.md section 3): the camera's settings, what
 * each content code does to them, and the echo carrying the new state.
 * AP mode (code 502) answers with the same contents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "json.h"
#include "jsonw.h"
#include "camsim.h"

/* Plain integer settings: content code, key, bounds, where it lives. */
static const struct setting {
	int		 code;
	const char	*key;
	int		 min, max;
	size_t		 off;
} settings[] = {
	{ 201, "speedGrade",	0, 5, offsetof(struct cam, cam_speed) },
	{ 202, "IrLed",		0, 2, offsetof(struct cam, cam_irled) },
	{ 203, "sdMoveMode",	0, 1, offsetof(struct cam, cam_sdmove) },
	{ 205, "moveAlert",	0, 1, offsetof(struct cam, cam_movealert) },
	{ 206, "moveGrade",	0, 5, offsetof(struct cam, cam_movegrade) },
	{ 209, "sdCardReco",	0, 1, offsetof(struct cam, cam_sdreco) },
	{ 210, "instLed",	0, 1, offsetof(struct cam, cam_instled) },
	{ 212, "pirSysMode",	0, 2, offsetof(struct cam, cam_pirmode) },
	{ 213, "pirAlert",	0, 1, offsetof(struct cam, cam_piralert) },
	{ 215, "pirGrade",	0, 5, offsetof(struct cam, cam_pirgrade) },
	{ 216, "mirrorFlip",	0, 4, offsetof(struct cam, cam_flip) },
};

#define NSETTINGS	(sizeof(settings) / sizeof(settings[0]))
#define FIELD(c, s)	((int *)((char *)(c) + (s)->off))

void
fwd_defaults(struct cam *c)
{
	c->cam_irled = 0;
	c->cam_flip = 0;
	c->cam_instled = 1;
	c->cam_movealert = 0;
	c->cam_sdmove = 0;
	c->cam_speed = 1;
	c->cam_movegrade = 2;
	c->cam_pirgrade = 2;
	c->cam_sdreco = 1;
	c->cam_power = c->cam_sim->cs_o.o_battery;
	strlcpy(c->cam_wifi, "camsim-net", sizeof(c->cam_wifi));
}

/* [{"ssid":"camsim-net",..},{"ssid":"Neighbour 5G",..},{"ssid":"cafe,guest",..}] */
#define WIFI_SCAN_DEFAULT "W3sic3NpZCI6ImNhbXNpbS1uZXQiLCJyc3NpIjotNDJ9LHsic3Np" \
    "ZCI6Ik5laWdoYm91ciA1RyIsInJzc2kiOi03MH0seyJzc2lkIjoiY2FmZSxndWVzdCIs" \
    "InJzc2kiOi04MX1d"

static void
base_info(struct cam *c, struct jsonw *w)
{
	int	f = c->cam_sim->cs_o.o_features;

	jsonw_kint(w, "IrLed", c->cam_irled);
	jsonw_kint(w, "devPower", c->cam_power);
	if (f & FEAT_SPEEDGRADE)
		jsonw_kint(w, "speedGrade", c->cam_speed);
	if (f & FEAT_MOVEGRADE)
		jsonw_kint(w, "moveGrade", c->cam_movegrade);
	if (f & FEAT_LEDEI)
		jsonw_kint(w, "ledEI", c->cam_ledei);
	if (f & FEAT_SDCARDRECO)
		jsonw_kint(w, "sdCardReco", c->cam_sdreco);
	jsonw_kint(w, "moveAlert", c->cam_movealert);
	jsonw_kint(w, "sdMoveMode", c->cam_sdmove);
	jsonw_kstr(w, "wifiName", c->cam_wifi);
	jsonw_kint(w, "instLed", c->cam_instled);
	jsonw_kint(w, "sdDevStatus", 0);
	jsonw_kint(w, "mirrorFlip", c->cam_flip);
	jsonw_kstr(w, "version", CAMSIM_FIRMWARE);
}

/* 204: join a Wi-Fi; no s = disconnect.  Password 8..36 chars. */
static int
set_wifi(struct cam *c, const struct json_doc *d, int ct, struct jsonw *w)
{
	char	s[128], p[128];
	int	hs, hp;

	hs = json_str(d, json_find(d, ct, "s"), s, sizeof(s)) == 0;
	hp = json_str(d, json_find(d, ct, "p"), p, sizeof(p)) == 0;
	if (!hs) {
		jsonw_kstr(w, "s", "");
		return 200;
	}
	jsonw_kstr(w, "s", s);
	if (strlen(s) < 1 || strlen(s) > 32 || (hp && (strlen(p) < 8 ||
	    strlen(p) > 36)) || !hp)
		return 400;
	strlcpy(c->cam_wifi, s, sizeof(c->cam_wifi));
	return 200;
}

int
fwd_answer(struct cam *c, const struct json_doc *d, int ct, char *out,
    size_t outsz)
{
	const struct setting	*s = NULL;
	struct jsonw		 w;
	const char		*r;
	char			 pwd[64];
	int64_t			 code, v;
	size_t			 i, len;
	int			 status = 200;

	if (json_int(d, json_find(d, ct, "code"), 0, 100000, &code) == -1)
		return -1;
	for (i = 0; i < NSETTINGS; i++)
		if (settings[i].code == code)
			s = &settings[i];
	if (s == NULL && code > 4 && code != 204 && code != 207 &&
	    code != 208 && code != 211 && code != 218 && code != 220 &&
	    code != 221 && code != 298 && code != 299)
		return -1;		/* not acted on: no echo */
	jsonw_init(&w);
	jsonw_obj_open(&w);
	jsonw_kint(&w, "code", code);
	jsonw_kstr(&w, "devTarget", c->cam_uid);
	if (s != NULL) {
		if (json_int(d, json_find(d, ct, s->key), s->min, s->max,
		    &v) == 0 && !(s->code == 216 && v == 1))
			*FIELD(c, s) = (int)v;
		else
			status = 400;
		jsonw_kint(&w, s->key, *FIELD(c, s));
	} else switch (code) {
	case 4:
		base_info(c, &w);
		break;
	case 204:
		status = set_wifi(c, d, ct, &w);
		break;
	case 211:
		jsonw_key(&w, "wifiList");
		jsonw_arr_open(&w);
		jsonw_obj_open(&w);
		jsonw_kstr(&w, "ssid", c->cam_wifi);
		jsonw_kint(&w, "rssi", -42);
		jsonw_obj_close(&w);
		jsonw_arr_close(&w);
		/* As real cameras: base64 of the networks (JSON here). */
		jsonw_kstr(&w, "scanWifiBase64",
		    c->cam_sim->cs_o.o_wifi_scan != NULL ?
		    c->cam_sim->cs_o.o_wifi_scan : WIFI_SCAN_DEFAULT);
		break;
	case 218:
		jsonw_kint(&w, "sdDevStatus", 0);
		break;
	case 220:
		if (json_int(d, json_find(d, ct, "ledEI"), 0, 2, &v) == 0)
			c->cam_ledei = (int)v;
		if (json_int(d, json_find(d, ct, "lightGrade"), 0, 100, &v) == 0)
			c->cam_lightgrade = (int)v;
		jsonw_kint(&w, "ledEI", c->cam_ledei);
		jsonw_kint(&w, "lightGrade", c->cam_lightgrade);
		break;
	case 221:
		if (json_str(d, json_find(d, ct, "setApPwd"), pwd,
		    sizeof(pwd)) == -1 || strlen(pwd) < 8 || strlen(pwd) > 36)
			status = 400;
		break;
	case 299:
		jsonw_kint(&w, "reboot", 1);
		break;
	default:
		/* 0..3 streams, 207 format, 208 AP mode, 298: acknowledged. */
		break;
	}
	jsonw_kint(&w, "status", status);
	jsonw_obj_close(&w);
	if ((r = jsonw_result(&w, &len)) == NULL || len + 1 > outsz) {
		jsonw_free(&w);
		return -1;
	}
	memcpy(out, r, len + 1);
	jsonw_free(&w);
	return (int)len;
}

void
fwd_handle(struct cam *c, const char *p, size_t len)
{
	struct json_doc	 d;
	char		 target[80], ans[4096], msg[4352];
	int		 ct, n;
	int64_t		 code, v;

	if (json_parse(&d, p, len) == -1 ||
	    (ct = json_find(&d, 0, "content")) == -1 ||
	    d.tok[ct].type != JSON_OBJECT ||
	    json_int(&d, json_find(&d, ct, "code"), 0, 100000, &code) == -1) {
		log_debug("%s: bad forward", c->cam_uid);
		return;
	}
	if (json_get_str(&d, "target", target, sizeof(target)) == -1 ||
	    strspn(target, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.") != strlen(target))
		target[0] = '\0';
	c->cam_sim->cs_st.st_forwards++;
	camlog_forward(c, (int)code, p + d.tok[ct].start,
	    (size_t)(d.tok[ct].end - d.tok[ct].start));
	/* A PTZ model: over TCP 212 moves the motor (PIR only over MQTT). */
	if (c->cam_sim->cs_o.o_ptz && code == 212) {
		if (json_int(&d, json_find(&d, ct, "motorState"), 0, 4,
		    &v) == -1) {
			log_debug("%s: 212 without a motorState", c->cam_uid);
			return;
		}
		camlog_ptz(c, (int)v);
		n = snprintf(msg, sizeof(msg), "{\"code\": 301 , \"target\": "
		    "\"%s\", \"content\": {\"code\":212,\"devTarget\":\"%s\","
		    "\"motorState\":%d,\"status\":200}}", target, c->cam_uid,
		    (int)v);
		if (n > 0 && (size_t)n < sizeof(msg))
			cam_send_json(c, msg, (size_t)n);
		return;
	}
	if ((n = fwd_answer(c, &d, ct, ans, sizeof(ans))) == -1)
		return;
	/* Odd spacing as cameras write it (PROTOCOL.md section 2). */
	n = snprintf(msg, sizeof(msg), "{\"code\": 301 , \"target\": \"%s\", "
	    "\"content\": %s}", target, ans);
	if (n > 0 && (size_t)n < sizeof(msg))
		cam_send_json(c, msg, (size_t)n);
	switch (code) {
	case 0:
		media_stream(c, 0, 0);
		break;
	case 1:
		media_stream(c, 0, 1);
		break;
	case 2:
		media_stream(c, 1, 0);
		break;
	case 3:
		media_stream(c, 1, 1);
		break;
	case 299:
		cam_drop(c, "reboot", 1000);
		break;
	}
}
