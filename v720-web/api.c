/*
 * Routing and the JSON API of INTERFACE.md, compatibility routes
 * included.  Every route is a pattern of path segments ("*" is the
 * camera id); a path that matches with another method gets 405.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caminfo.h"
#include "json.h"
#include "jsonw.h"
#include "log.h"
#include "page.h"
#include "rtspurl.h"
#include "web.h"

#define MAX_SEGS	8

enum route {
	R_PAGE, R_METRICS, R_LIST, R_CAM, R_MJPEG, R_SNAP, R_AUDIO, R_DEBUG,
	R_SETTINGS, R_WIFISCAN, R_REBOOT, R_START, R_STOP, R_GSTART, R_GSTOP,
	R_DEVLIST, R_CMD, R_TALK, R_DIAG, R_WSTALK, R_RECS, R_EVENTS, R_PLAY,
	R_RECFILE, R_PTZ,
};

#define WIFISCAN_BODY	"{\"wifi_scan\":\"confirm\"}"

static const struct {
	const char	*pattern;	/* segments after the leading '/' */
	int		 post;		/* POST, else GET (and HEAD) */
	enum route	 route;
} routes[] = {
	{ "",				0, R_PAGE },
	{ "index.html",			0, R_PAGE },
	{ "metrics",			0, R_METRICS },
	{ "api/cameras",		0, R_LIST },
	{ "api/diagnostics",		0, R_DIAG },
	{ "api/cameras/*",		0, R_CAM },
	{ "api/cameras/*/mjpeg",	0, R_MJPEG },
	{ "api/cameras/*/snapshot",	0, R_SNAP },
	{ "api/cameras/*/audio",	0, R_AUDIO },
	{ "api/cameras/*/debug",	0, R_DEBUG },
	{ "api/cameras/*/settings",	1, R_SETTINGS },
	{ "api/cameras/*/wifi/scan",	1, R_WIFISCAN },
	{ "api/cameras/*/reboot",	1, R_REBOOT },
	{ "api/cameras/*/ptz",		1, R_PTZ },
	{ "api/cameras/*/stream/start",	1, R_START },
	{ "api/cameras/*/stream/stop",	1, R_STOP },
	{ "api/cameras/*/talk",		1, R_TALK },
	{ "api/cameras/*/talk",		0, R_WSTALK },
	{ "api/cameras/*/streaming/start", 0, R_GSTART },
	{ "api/cameras/*/streaming/stop", 0, R_GSTOP },
	{ "api/cameras/*/recordings",	0, R_RECS },
	{ "api/cameras/*/events",	0, R_EVENTS },
	{ "api/cameras/*/playback",	0, R_PLAY },
	{ "api/recordings/%/%/%",	0, R_RECFILE },
	{ "dev/list",			0, R_DEVLIST },
	{ "dev/*/live",			0, R_MJPEG },
	{ "dev/*/video",		0, R_MJPEG },
	{ "dev/*/snapshot",		0, R_SNAP },
	{ "dev/*/audio",		0, R_AUDIO },
	{ "dev/*/cmd",			0, R_CMD },
	{ "stream/*",			0, R_MJPEG },
};

/* The fields of a camera object, without the braces. */
static void
cam_fields(struct jsonw *w, struct cam *c)
{
	struct cam_info	*ci = &c->cam_info;
	const char	*name;

	name = ci->ci_name[0] ? ci->ci_name : c->cam_cfgname[0] ?
	    c->cam_cfgname : c->cam_id;
	/* Our own viewers are counted here at once; RTSP sessions come
	 * from the engine. */
	caminfo_json(w, ci, name, c->cam_known ? ci->ci_state : CAM_OFFLINE,
	    c->cam_nviewers + ci->ci_rtsp_viewers);
}

/*
 * The camera's RTSP URLs.  A wildcard listener is reached by whatever
 * name the browser used for this page: the request's Host (already
 * checked by the Host rule), or without one the listener's address.
 */
static void
cam_rtsp(struct jsonw *w, struct cam *c, const struct conn *cn)
{
	const char	*hosts[WEB_RTSP_MAX];
	unsigned	 ports[WEB_RTSP_MAX];
	char		 reqhost[HTTP_HOST_MAX], *e;
	size_t		 i;

	if (web->w_nrtsp == 0)
		return;
	reqhost[0] = '\0';
	if (cn != NULL && cn->c_req.has_host) {
		strlcpy(reqhost, cn->c_req.host, sizeof(reqhost));
		/* Without the port: "[v6]:p", "name:p". */
		if ((e = strrchr(reqhost, ':')) != NULL &&
		    (reqhost[0] != '[' || e[-1] == ']'))
			*e = '\0';
	}
	for (i = 0; i < web->w_nrtsp; i++) {
		hosts[i] = rtspurl_wildcard(web->w_rtsp[i].cl_addr) &&
		    reqhost[0] != '\0' ? reqhost : web->w_rtsp[i].cl_addr;
		ports[i] = web->w_rtsp[i].cl_port;
	}
	rtspurl_json(w, hosts, ports, web->w_nrtsp, c->cam_id);
}

void
api_cam_json(struct jsonw *w, struct cam *c, const struct conn *cn)
{
	jsonw_obj_open(w);
	cam_fields(w, c);
	cam_rtsp(w, c, cn);
	jsonw_obj_close(w);
}

static int
cam_listed(struct cam *c)
{
	return c->cam_cfg || c->cam_known;
}

static void
send_json(struct conn *c, int status, struct jsonw *w)
{
	const char	*s;
	size_t		 len;

	if ((s = jsonw_result(w, &len)) == NULL)
		reply_error(c, 500, "cannot build the answer");
	else
		reply_json(c, status, s, len);
	jsonw_free(w);
}

static void
reply_cam(struct conn *c, int status, struct cam *cam)
{
	struct jsonw	w;

	jsonw_init(&w);
	api_cam_json(&w, cam, c);
	send_json(c, status, &w);
}

static void
route_list(struct conn *c)
{
	struct jsonw	 w;
	struct cam	*cam;

	jsonw_init(&w);
	jsonw_arr_open(&w);
	RB_FOREACH(cam, camtree, &web->w_cams)
		if (cam_listed(cam))
			api_cam_json(&w, cam, c);
	jsonw_arr_close(&w);
	send_json(c, 200, &w);
}

/* GET /dev/list: [{"host","port","uid"}] of cameras that are connected. */
static void
route_devlist(struct conn *c)
{
	struct jsonw	 w;
	struct cam	*cam;
	char		 host[V720_ADDR_MAX], *p;
	const char	*errstr;
	long long	 port;

	jsonw_init(&w);
	jsonw_arr_open(&w);
	RB_FOREACH(cam, camtree, &web->w_cams) {
		if (!cam->cam_known || cam->cam_info.ci_state == CAM_OFFLINE ||
		    cam->cam_info.ci_state == CAM_STANDBY)
			continue;
		strlcpy(host, cam->cam_info.ci_address, sizeof(host));
		port = 0;
		if ((p = strrchr(host, ':')) != NULL) {
			*p++ = '\0';
			port = strtonum(p, 0, 65535, &errstr);
		}
		if (host[0] == '[' && (p = strchr(host, ']')) != NULL) {
			*p = '\0';
			memmove(host, host + 1, strlen(host));
		}
		jsonw_obj_open(&w);
		jsonw_kstr(&w, "host", host);
		jsonw_kint(&w, "port", port);
		jsonw_kstr(&w, "uid", cam->cam_id);
		jsonw_obj_close(&w);
	}
	jsonw_arr_close(&w);
	send_json(c, 200, &w);
}

static void
route_debug(struct conn *c, struct cam *cam)
{
	struct cam_info	*ci = &cam->cam_info;
	struct jsonw	 w;

	jsonw_init(&w);
	jsonw_obj_open(&w);
	cam_fields(&w, cam);
	jsonw_kuint(&w, "drop_incomplete", ci->ci_drop_incomplete);
	jsonw_kuint(&w, "drop_size", ci->ci_drop_size);
	jsonw_kuint(&w, "drop_jpeg", ci->ci_drop_jpeg);
	jsonw_kuint(&w, "drop_toobig", ci->ci_drop_toobig);
	jsonw_kuint(&w, "drop_backlog", ci->ci_drop_backlog);
	jsonw_kuint(&w, "packets", ci->ci_packets);
	jsonw_kuint(&w, "packets_dup", ci->ci_packets_dup);
	jsonw_kuint(&w, "packets_late", ci->ci_packets_late);
	jsonw_kuint(&w, "confirms", ci->ci_confirms);
	jsonw_kuint(&w, "audio_chunks", ci->ci_audio_chunks);
	jsonw_kuint(&w, "stream_restarts", ci->ci_stream_restarts);
	jsonw_kuint(&w, "strangers", ci->ci_strangers);
	jsonw_kuint(&w, "web_deliveries", cam->cam_deliveries);
	jsonw_kuint(&w, "web_skipped", cam->cam_skipped);
	jsonw_obj_close(&w);
	send_json(c, 200, &w);
}

/*
 * POST settings: validate everything, then one IMSG_WEB_SET per key.
 * The settings are caminfo_settings; one the camera has not shown it
 * has is 409.
 */
static void
route_settings(struct conn *c, struct cam *cam, const char *body, size_t len)
{
	const struct caminfo_setting	*s;
	struct json_doc	*doc;
	struct ctl_set	 set[16];
	size_t		 i, n = 0;
	int		 t, status = 400;
	const char	*err = NULL;

	if ((doc = malloc(sizeof(*doc))) == NULL) {
		reply_error(c, 500, "out of memory");
		return;
	}
	if (body == NULL || json_parse(doc, body, len) == -1) {
		err = "body must be a JSON object";
		goto done;
	}
	for (i = 0; i < caminfo_nsettings && n < sizeof(set) / sizeof(set[0]); i++) {
		s = &caminfo_settings[i];
		if ((t = json_find(doc, 0, s->key)) == -1)
			continue;
		if (s->feature != 0 &&
		    (cam->cam_info.ci_features & s->feature) == 0) {
			err = "the camera has not shown it has this setting";
			status = 409;
			goto done;
		}
		memset(&set[n], 0, sizeof(set[n]));
		if (doc->tok[t].type != JSON_STRING ||
		    json_str(doc, t, set[n].value, sizeof(set[n].value)) == -1 ||
		    caminfo_setting_value(s, set[n].value) == -1) {
			err = s->field == NULL ? "an action needs \"confirm\"" :
			    "bad setting value";
			goto done;
		}
		strlcpy(set[n].id, cam->cam_id, sizeof(set[n].id));
		strlcpy(set[n].key, s->key, sizeof(set[n].key));
		n++;
	}
	if (n == 0 || (int)n != doc->tok[0].size) {
		err = n == 0 ? "no setting given" : "unknown setting";
		goto done;
	}
	for (i = 0; i < n; i++)
		if (web_to_engine(IMSG_WEB_SET, &set[i], sizeof(set[i])) == -1) {
			reply_error(c, 503, "camera engine unavailable");
			free(doc);
			return;
		}
done:
	free(doc);
	if (err != NULL)
		reply_error(c, status, err);
	else
		reply_cam(c, 202, cam);
}

/* GET /dev/{id}/cmd?code=202&IrLed=1: the query as a forward command. */
static void
route_cmd(struct conn *c, struct cam *cam)
{
	struct web_forward	 wf;
	struct jsonw		 w;
	const char		*q = c->c_req.query, *s, *errstr, *err = NULL;
	char			 key[32], val[32], seen[16][32];
	long long		 v;
	size_t			 len, i;
	int			 r, n = 0, code = 0;

	jsonw_init(&w);
	jsonw_obj_open(&w);
	while ((r = http_query_next(&q, key, sizeof(key), val,
	    sizeof(val))) == 1) {
		for (s = key; *s != '\0'; s++)
			if (!(*s == '_' || (*s >= '0' && *s <= '9') ||
			    ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')))
				break;
		v = strtonum(val, INT32_MIN, INT32_MAX, &errstr);
		if (*s != '\0' || errstr != NULL) {
			err = "parameters must be name=integer";
			break;
		}
		for (i = 0; i < (size_t)n; i++)
			if (strcmp(seen[i], key) == 0)
				err = "duplicate parameter";
		if (err != NULL)
			break;
		if (n == 16) {
			err = "too many parameters";
			break;
		}
		strlcpy(seen[n++], key, sizeof(seen[0]));
		if (strcmp(key, "code") == 0)
			code = 1;
		jsonw_kint(&w, key, v);
	}
	jsonw_obj_close(&w);
	if (err == NULL && r == -1)
		err = "malformed query";
	if (err == NULL && !code)
		err = "code is required";
	if (err == NULL && ((s = jsonw_result(&w, &len)) == NULL ||
	    len >= sizeof(wf.wf_json)))
		err = "command too long";
	if (err != NULL) {
		reply_error(c, 400, err);
		jsonw_free(&w);
		return;
	}
	memset(&wf, 0, sizeof(wf));
	strlcpy(wf.wf_id, cam->cam_id, sizeof(wf.wf_id));
	memcpy(wf.wf_json, s, len);
	jsonw_free(&w);
	if (web_to_engine(IMSG_WEB_FORWARD, &wf, sizeof(wf)) == -1) {
		reply_error(c, 503, "camera engine unavailable");
		return;
	}
	reply_cam(c, 200, cam);
}

static void
route_stream(struct conn *c, struct cam *cam, int on, int status)
{
	struct ctl_req	req;

	memset(&req, 0, sizeof(req));
	strlcpy(req.id, cam->cam_id, sizeof(req.id));
	req.value = on;
	if (web_to_engine(IMSG_WEB_STREAM, &req, sizeof(req)) == -1) {
		reply_error(c, 503, "camera engine unavailable");
		return;
	}
	reply_cam(c, status, cam);
}

static void
route_reboot(struct conn *c, struct cam *cam)
{
	struct ctl_id	id;

	memset(&id, 0, sizeof(id));
	strlcpy(id.id, cam->cam_id, sizeof(id.id));
	if (web_to_engine(IMSG_WEB_REBOOT, &id, sizeof(id)) == -1) {
		reply_error(c, 503, "camera engine unavailable");
		return;
	}
	reply_cam(c, 202, cam);
}

/*
 * {"move":"left"}: the engine resends it every 80 ms for PTZ_HOLD_WEB_MS,
 * so a client holding a button posts it again every ~500 ms.
 */
static void
route_ptz(struct conn *c, struct cam *cam, const char *body, size_t len)
{
	static const char *const moves[] = { "calibrate", "right", "left",
	    "up", "down", "stop" };
	struct json_doc	*doc;
	struct ptz_req	 pr;
	char		 move[16];
	size_t		 i;
	int		 t;

	if ((doc = malloc(sizeof(*doc))) == NULL) {
		reply_error(c, 500, "out of memory");
		return;
	}
	if (body == NULL || json_parse(doc, body, len) == -1 ||
	    doc->tok[0].type != JSON_OBJECT) {
		free(doc);
		reply_error(c, 400, "body must be a JSON object");
		return;
	}
	if ((t = json_find(doc, 0, "move")) == -1 || doc->tok[0].size != 1 ||
	    doc->tok[t].type != JSON_STRING ||
	    json_str(doc, t, move, sizeof(move)) == -1) {
		free(doc);
		reply_error(c, 400, "expected {\"move\":\"left|right|up|down|"
		    "stop|calibrate\"}");
		return;
	}
	free(doc);
	for (i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (strcmp(move, moves[i]) == 0)
			break;
	if (i == sizeof(moves) / sizeof(moves[0])) {
		reply_error(c, 400, "move must be left, right, up, down, stop "
		    "or calibrate");
		return;
	}
	/* PTZ needs the camera's TCP connection (over MQTT 212 is PIR). */
	if (!cam->cam_known || (cam->cam_info.ci_state != CAM_ONLINE &&
	    cam->cam_info.ci_state != CAM_CONNECTING &&
	    cam->cam_info.ci_state != CAM_STREAMING)) {
		reply_error(c, 409, "camera offline: PTZ needs its "
		    "connection to this server");
		return;
	}
	memset(&pr, 0, sizeof(pr));
	strlcpy(pr.id, cam->cam_id, sizeof(pr.id));
	pr.move = (int32_t)i;
	pr.hold_ms = PTZ_HOLD_WEB_MS;
	if (web_to_engine(IMSG_WEB_PTZ, &pr, sizeof(pr)) == -1) {
		reply_error(c, 503, "camera engine unavailable");
		return;
	}
	reply_cam(c, 202, cam);
}

/* Match segs against a pattern; the "*" segment goes to *id. */
static int
match(const char *pat, char **seg, int n, const char **id)
{
	char		 buf[64], *p, *s;
	int		 i = 0;

	strlcpy(buf, pat, sizeof(buf));
	*id = NULL;
	for (p = buf; (s = strsep(&p, "/")) != NULL; ) {
		if (*s == '\0')
			continue;
		if (i == n)
			return 0;
		if (strcmp(s, "*") == 0)
			*id = seg[i];
		else if (strcmp(s, "%") == 0)
			;	/* any segment, the route looks at it */
		else if (strcmp(s, seg[i]) != 0)
			return 0;
		i++;
	}
	return i == n;
}

void
api_request(struct conn *c, const char *body, size_t len)
{
	char		 path[HTTP_TARGET_MAX], *seg[MAX_SEGS];
	const char	*id = NULL, *page;
	struct cam	*cam = NULL;
	size_t		 i, plen;
	int		 n, found = -1, allow = 0, foreign;
	enum http_method m = c->c_req.method;
	static const char err405[] = "{\"error\":\"method not allowed\"}";

	strlcpy(path, c->c_req.path, sizeof(path));
	if ((n = http_path_split(path, seg, MAX_SEGS)) == -1) {
		reply_error(c, 404, "not found");
		return;
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!match(routes[i].pattern, seg, n, &id))
			continue;
		allow |= routes[i].post ? 2 : 1;
		if ((routes[i].post && m == HTTP_POST) || (!routes[i].post &&
		    (m == HTTP_GET || m == HTTP_HEAD))) {
			found = i;
			break;
		}
	}
	if (found == -1) {
		if (allow == 0) {
			reply_error(c, 404, "not found");
			return;
		}
		reply(c, 405, "application/json", err405, strlen(err405),
		    allow == 2 ? "Allow: POST\r\n" : allow == 1 ?
		    "Allow: GET, HEAD\r\n" : "Allow: GET, HEAD, POST\r\n");
		return;
	}
	/*
	 * The compatibility GETs that act: any page can send a GET
	 * (<img src=...> carries no Origin, and with referrerpolicy no
	 * Referer either), so they are off unless the configuration says
	 * otherwise, and even then refused when the browser tells of
	 * another site.
	 */
	switch (routes[found].route) {
	case R_CMD: case R_GSTART: case R_GSTOP:
		if (!web->w_compat_cmds) {
			reply_error(c, 403, "GET commands are off; POST to the "
			    "API, or set \"web compatibility commands on\" in "
			    "v720d.conf");
			return;
		}
		foreign = http_other_site(&c->c_req);
		break;
	/* Browsers may not change anything on behalf of another site. */
	case R_SETTINGS: case R_WIFISCAN: case R_REBOOT: case R_START:
	case R_STOP: case R_PTZ: case R_TALK: case R_WSTALK:
		foreign = http_cross_site(&c->c_req);
		break;
	default:
		foreign = 0;
		break;
	}
	if (foreign) {
		reply_error(c, 403, "cross-site request refused");
		return;
	}
	if (id != NULL && ((cam = cam_find(id)) == NULL || !cam_listed(cam))) {
		reply_error(c, 404, "unknown camera");
		return;
	}

	/* A camera known only over MQTT has no video channel (yet). */
	if (cam != NULL && cam->cam_known &&
	    cam->cam_info.ci_state == CAM_STANDBY)
		switch (routes[found].route) {
		case R_MJPEG: case R_SNAP: case R_AUDIO: case R_START:
		case R_GSTART:
			reply_error(c, 409, "live view is not possible for this "
			    "camera yet: it is known only over MQTT (standby)");
			return;
		default:
			break;
		}

	switch (routes[found].route) {
	case R_PAGE:
		page = web_page_index(&plen);
		reply(c, 200, "text/html; charset=utf-8", page, plen, NULL);
		break;
	case R_METRICS:
		metrics_reply(c);
		break;
	case R_LIST:
		route_list(c);
		break;
	case R_CAM:
		reply_cam(c, 200, cam);
		break;
	case R_MJPEG:
		mjpeg_start(c, cam);
		break;
	case R_SNAP:
		snap_wait(c, cam);
		break;
	case R_AUDIO:
		audio_start(c, cam);
		break;
	case R_DEBUG:
		route_debug(c, cam);
		break;
	case R_SETTINGS:
		route_settings(c, cam, body, len);
		break;
	case R_WIFISCAN:
		/* The wifi_scan action: 211, its answer later in wifi_scan. */
		route_settings(c, cam, WIFISCAN_BODY,
		    sizeof(WIFISCAN_BODY) - 1);
		break;
	case R_REBOOT:
		route_reboot(c, cam);
		break;
	case R_PTZ:
		route_ptz(c, cam, body, len);
		break;
	case R_START:
	case R_STOP:
		route_stream(c, cam, routes[found].route == R_START, 202);
		break;
	case R_GSTART:
	case R_GSTOP:
		route_stream(c, cam, routes[found].route == R_GSTART, 200);
		break;
	case R_DEVLIST:
		route_devlist(c);
		break;
	case R_DIAG:
		diag_reply(c);
		break;
	case R_CMD:
		route_cmd(c, cam);
		break;
	case R_TALK:
		talk_post(c, cam);
		break;
	case R_WSTALK:
		talk_ws(c, cam);
		break;
	case R_RECS:
	case R_EVENTS:
		recweb_list(c, cam, routes[found].route == R_EVENTS);
		break;
	case R_PLAY:
		recweb_play(c, cam);
		break;
	case R_RECFILE:
		/* A camera that is gone keeps its recordings: no lookup. */
		recweb_file(c, seg[2], seg[3], seg[4]);
		break;
	}
}

/* The talk route, whose body talk.c reads as it goes. */
int
api_is_talk(const char *p)
{
	char		 path[HTTP_TARGET_MAX], *seg[MAX_SEGS];
	const char	*id;
	int		 n;

	if (strlcpy(path, p, sizeof(path)) >= sizeof(path) ||
	    (n = http_path_split(path, seg, MAX_SEGS)) == -1)
		return 0;
	return match("api/cameras/*/talk", seg, n, &id);
}
