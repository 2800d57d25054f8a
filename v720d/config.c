#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "proc.h"

struct config *
config_new(void)
{
	struct config	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	strlcpy(c->user, PROC_DEFAULT_USER, sizeof(c->user));
	strlcpy(c->chroot, PROC_DEFAULT_CHROOT, sizeof(c->chroot));
	strlcpy(c->camera.addr, "0.0.0.0", sizeof(c->camera.addr));
	c->camera.port = CONF_DEFAULT_CAMPORT;
	strlcpy(c->bootstrap.addr, "0.0.0.0", sizeof(c->bootstrap.addr));
	c->bootstrap.port = CONF_DEFAULT_BOOTPORT;
	TAILQ_INIT(&c->web);
	TAILQ_INIT(&c->webusers);
	TAILQ_INIT(&c->webnames);
	c->web_per_addr = CONF_DEFAULT_WEB_PER_ADDR;
	TAILQ_INIT(&c->cameras);
	strlcpy(c->control_path, CONF_DEFAULT_CONTROL, sizeof(c->control_path));
	c->unknown_accept = 1;
	c->idle_timeout = CONF_DEFAULT_IDLE;
	strlcpy(c->mqtt.discovery, "homeassistant", sizeof(c->mqtt.discovery));
	strlcpy(c->mqtt.prefix, "v720d", sizeof(c->mqtt.prefix));
	c->cam_per_addr = CONF_DEFAULT_CAM_PER_ADDR;
	strlcpy(c->recordings, CONF_DEFAULT_RECORDINGS, sizeof(c->recordings));
	c->rec_keep_s = CONF_DEFAULT_KEEP_S;
	c->rec_segment_s = CONF_DEFAULT_SEGMENT;
	TAILQ_INIT(&c->rtsp);
	strlcpy(c->rtsp_encoder, CONF_DEFAULT_RTSP_ENCODER,
	    sizeof(c->rtsp_encoder));
	c->rtsp_per_addr = CONF_DEFAULT_RTSP_PER_ADDR;
	return c;
}

void
config_free(struct config *c)
{
	struct conf_listen	*l;
	struct conf_webuser	*u;
	struct conf_webname	*wn;
	struct conf_camera	*cam;

	if (c == NULL)
		return;
	while ((l = TAILQ_FIRST(&c->web)) != NULL) {
		TAILQ_REMOVE(&c->web, l, entry);
		free(l);
	}
	while ((l = TAILQ_FIRST(&c->rtsp)) != NULL) {
		TAILQ_REMOVE(&c->rtsp, l, entry);
		free(l);
	}
	while ((u = TAILQ_FIRST(&c->webusers)) != NULL) {
		TAILQ_REMOVE(&c->webusers, u, entry);
		explicit_bzero(u, sizeof(*u));
		free(u);
	}
	while ((wn = TAILQ_FIRST(&c->webnames)) != NULL) {
		TAILQ_REMOVE(&c->webnames, wn, entry);
		free(wn);
	}
	while ((cam = TAILQ_FIRST(&c->cameras)) != NULL) {
		TAILQ_REMOVE(&c->cameras, cam, entry);
		free(cam);
	}
	explicit_bzero(&c->mqtt, sizeof(c->mqtt));
	free(c);
}

/*
 * Two sockets of one type collide on the same port when their addresses
 * are equal or one is the wildcard of the other's family (IPv6 sockets
 * are IPV6_V6ONLY, so the families never collide).
 */
static int
port_clash(const char *a1, unsigned p1, const char *a2, unsigned p2)
{
	int	six1 = strchr(a1, ':') != NULL, six2 = strchr(a2, ':') != NULL;

	return p1 == p2 && six1 == six2 && (strcmp(a1, a2) == 0 ||
	    strcmp(a1, six1 ? "::" : "0.0.0.0") == 0 ||
	    strcmp(a2, six2 ? "::" : "0.0.0.0") == 0);
}

static int
rtsp_tcp_taken(const struct config *c, const struct conf_listen *r)
{
	const struct conf_listen	*w;

	TAILQ_FOREACH(w, &c->web, entry)
		if (port_clash(r->addr, r->port, w->addr, w->port))
			return 1;
	return port_clash(r->addr, r->port, c->bootstrap.addr,
	    c->bootstrap.port) || port_clash(r->addr, r->port,
	    c->camera.addr, c->camera.port);
}

/*
 * An `rtsp listen` takes TCP P and UDP P..P+3: none of them may be
 * another listener's (the parent could not bind both).
 */
static int
rtsp_clashes(const struct config *c, const char *file)
{
	const struct conf_listen	*r, *o;
	int				 errors = 0, i;

	TAILQ_FOREACH(r, &c->rtsp, entry) {
		if (rtsp_tcp_taken(c, r)) {
			fprintf(stderr, "%s: rtsp listener %s port %u collides "
			    "with another listener\n", file, r->addr, r->port);
			errors++;
		}
		for (i = 0; i < CONF_RTSP_UDP_PORTS; i++)
			if (port_clash(r->addr, r->port + i, c->camera.addr,
			    c->camera.port)) {
				fprintf(stderr, "%s: rtsp listener %s port %u "
				    "needs udp port %u, the camera port\n",
				    file, r->addr, r->port, r->port + i);
				errors++;
			}
		for (o = TAILQ_NEXT(r, entry); o != NULL;
		    o = TAILQ_NEXT(o, entry))
			for (i = 1 - CONF_RTSP_UDP_PORTS;
			    i < CONF_RTSP_UDP_PORTS; i++)
				if (port_clash(r->addr, r->port, o->addr,
				    o->port + i)) {
					fprintf(stderr, "%s: rtsp listeners %s "
					    "port %u and %s port %u overlap "
					    "(each takes 4 udp ports)\n", file,
					    r->addr, r->port, o->addr, o->port);
					errors++;
					break;
				}
	}
	return errors;
}

int
config_finish(struct config *c, const char *file)
{
	struct conf_listen	*l;
	struct conf_camera	*cam;
	int			 tls = 0, errors = 0;

	/* No web listener given: the built-in one, loopback only. */
	if (TAILQ_EMPTY(&c->web)) {
		if ((l = calloc(1, sizeof(*l))) == NULL)
			return -1;
		strlcpy(l->addr, "127.0.0.1", sizeof(l->addr));
		l->port = CONF_DEFAULT_WEBPORT;
		TAILQ_INSERT_TAIL(&c->web, l, entry);
	}
	TAILQ_FOREACH(l, &c->web, entry) {
		if (l->tls)
			tls = 1;
		if (l->port == c->bootstrap.port &&
		    (strcmp(l->addr, c->bootstrap.addr) == 0 ||
		    strcmp(l->addr, "0.0.0.0") == 0 ||
		    strcmp(c->bootstrap.addr, "0.0.0.0") == 0)) {
			fprintf(stderr, "%s: web listener %s port %u collides "
			    "with the bootstrap listener\n", file, l->addr,
			    l->port);
			errors++;
		}
	}
	if (tls && (c->tls_cert[0] == '\0' || c->tls_key[0] == '\0')) {
		fprintf(stderr, "%s: a tls web listener needs both "
		    "\"tls certificate\" and \"tls key\"\n", file);
		errors++;
	}
	errors += rtsp_clashes(c, file);
	if (c->camera.port == c->bootstrap.port) {
		fprintf(stderr, "%s: camera and bootstrap ports must differ "
		    "(%u)\n", file, c->camera.port);
		errors++;
	}
	TAILQ_FOREACH(cam, &c->cameras, entry) {
		if (!cam->idle_set)
			cam->cc.cc_idle_timeout = c->idle_timeout;
	}
	if (c->mqtt.cam_set && !c->mqtt.enabled) {
		fprintf(stderr, "%s: \"mqtt camera broker\" needs \"mqtt "
		    "broker\"\n", file);
		errors++;
	}
	/*
	 * v720-mqtt runs chrooted: it could not read a CA bundle at
	 * connect time, and accepting "tls" without verifying would be
	 * worse than saying so.
	 */
	if ((c->mqtt.enabled && c->mqtt.broker.tls) ||
	    (c->mqtt.cam_set && c->mqtt.cam.tls)) {
		fprintf(stderr, "%s: mqtt over tls is not supported yet; use a "
		    "broker on this host or a TLS tunnel (stunnel) to it\n",
		    file);
		errors++;
	}
	return errors ? -1 : 0;
}

int
config_listen_equal(const struct conf_listen *a, const struct conf_listen *b)
{
	return a->port == b->port && a->tls == b->tls &&
	    strcmp(a->addr, b->addr) == 0;
}

int
config_valid_id(const char *id)
{
	size_t	n = 0;

	for (; *id != '\0'; id++, n++) {
		if (!isalnum((unsigned char)*id) && *id != '-' && *id != '_')
			return 0;
	}
	return n > 0 && n < V720_ID_MAX;
}

int
config_valid_addr(const char *a)
{
	struct in6_addr	in6;
	struct in_addr	in;

	if (strcmp(a, "*") == 0)
		return 1;
	if (strlen(a) >= V720_ADDR_MAX)
		return 0;
	return inet_pton(AF_INET, a, &in) == 1 ||
	    inet_pton(AF_INET6, a, &in6) == 1;
}

/*
 * Host names as browsers send them in Host: letters, digits, '-' and
 * '_', dot-separated labels of at most 63, 253 in all.  IP literals and
 * localhost are always accepted by v720-web, so naming them is a mistake.
 */
const char *
config_valid_webname(char *n)
{
	struct in_addr	 in;
	size_t		 len, label = 0;
	char		*p;

	len = strlen(n);
	if (len > 1 && n[len - 1] == '.')
		n[--len] = '\0';
	if (len == 0 || len > 253)
		return "must be 1-253 characters";
	for (p = n; *p != '\0'; p++) {
		*p = tolower((unsigned char)*p);
		if (*p == '.') {
			if (label == 0)
				return "has an empty label";
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return "may only hold letters, digits, '-', '_' and '.'";
		if (++label > 63)
			return "has a label longer than 63 characters";
	}
	if (inet_pton(AF_INET, n, &in) == 1 || strcmp(n, "localhost") == 0)
		return "is always accepted (IP literals and localhost are)";
	return NULL;
}

/* A host name (letters, digits, '-', '.') or a numeric address. */
int
config_valid_host(const char *h)
{
	size_t	n = strlen(h);

	if (config_valid_addr(h) && strcmp(h, "*") != 0)
		return 1;
	if (n == 0 || n >= CONF_MQTT_HOST_MAX || h[0] == '-' || h[0] == '.')
		return 0;
	for (; *h != '\0'; h++)
		if (!isalnum((unsigned char)*h) && *h != '-' && *h != '.')
			return 0;
	return 1;
}

/* A topic prefix: no wildcards, no empty levels, not $-reserved. */
int
config_valid_topic(const char *t)
{
	size_t	n = strlen(t);

	if (n == 0 || n >= V720_NAME_MAX || t[0] == '/' || t[n - 1] == '/' ||
	    t[0] == '$' || strstr(t, "//") != NULL)
		return 0;
	for (; *t != '\0'; t++)
		if (*t == '+' || *t == '#' || (unsigned char)*t < 0x20)
			return 0;
	return 1;
}

/* Print a string in double quotes, escaping what the lexer unescapes. */
static void
print_quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
print_broker(FILE *fp, const char *what, const struct conf_broker *b)
{
	fprintf(fp, "%s %s port %u", what, b->host, b->port);
	if (b->user[0] != '\0') {
		fprintf(fp, " user ");
		print_quoted(fp, b->user);
		if (b->password[0] != '\0') {
			fprintf(fp, " password ");
			print_quoted(fp, b->password);
		}
	}
	fprintf(fp, "%s\n", b->tls ? " tls" : "");
}

static void
print_size(FILE *fp, uint64_t b)
{
	static const char	 units[] = "TGMK";
	int			 i, shift;

	for (i = 0, shift = 40; i < 4; i++, shift -= 10)
		if (b % (1ULL << shift) == 0) {
			fprintf(fp, "record max size %llu%c\n",
			    (unsigned long long)(b >> shift), units[i]);
			return;
		}
	fprintf(fp, "record max size %llu\n", (unsigned long long)b);
}

int
config_rtsp(const struct config *c)
{
	return !TAILQ_EMPTY(&c->rtsp);
}

int
config_recording(const struct config *c)
{
	const struct conf_camera	*cam;

	TAILQ_FOREACH(cam, &c->cameras, entry)
		if (cam->cc.cc_record != REC_OFF)
			return 1;
	return 0;
}

void
config_print(const struct config *c, FILE *fp)
{
	const struct conf_listen	*l;
	const struct conf_webuser	*u;
	const struct conf_webname	*wn;
	const struct conf_camera	*cam;

	fprintf(fp, "user ");
	print_quoted(fp, c->user);
	fprintf(fp, "\nchroot ");
	print_quoted(fp, c->chroot);
	fprintf(fp, "\ncamera listen on %s port %u\n", c->camera.addr,
	    c->camera.port);
	fprintf(fp, "camera connections per address %u\n", c->cam_per_addr);
	fprintf(fp, "bootstrap listen on %s port %u\n", c->bootstrap.addr,
	    c->bootstrap.port);
	if (c->server_addr[0] != '\0')
		fprintf(fp, "server address %s\n", c->server_addr);
	TAILQ_FOREACH(l, &c->web, entry)
		fprintf(fp, "web listen on %s port %u%s\n", l->addr, l->port,
		    l->tls ? " tls" : "");
	if (c->tls_cert[0] != '\0') {
		fprintf(fp, "tls certificate ");
		print_quoted(fp, c->tls_cert);
		fputc('\n', fp);
	}
	if (c->tls_key[0] != '\0') {
		fprintf(fp, "tls key ");
		print_quoted(fp, c->tls_key);
		fputc('\n', fp);
	}
	TAILQ_FOREACH(u, &c->webusers, entry) {
		fprintf(fp, "web user ");
		print_quoted(fp, u->cw.cw_name);
		fprintf(fp, " password ");
		print_quoted(fp, u->cw.cw_hash);
		fputc('\n', fp);
	}
	TAILQ_FOREACH(wn, &c->webnames, entry) {
		fprintf(fp, "web server name ");
		print_quoted(fp, wn->wn.wn_name);
		fputc('\n', fp);
	}
	fprintf(fp, "web connections per address %u\n", c->web_per_addr);
	fprintf(fp, "web compatibility commands %s\n", c->web_compat_cmds ?
	    "on" : "off");
	fprintf(fp, "control socket ");
	print_quoted(fp, c->control_path);
	fprintf(fp, "\nunknown cameras %s\n", c->unknown_accept ? "accept" :
	    "reject");
	fprintf(fp, "stream %s\n", c->stream_always ? "always" : "on-demand");
	fprintf(fp, "idle timeout %u\n", c->idle_timeout);
	if (c->mqtt.enabled) {
		print_broker(fp, "mqtt broker", &c->mqtt.broker);
		if (c->mqtt.cam_set)
			print_broker(fp, "mqtt camera broker", &c->mqtt.cam);
		fprintf(fp, "mqtt discovery prefix ");
		print_quoted(fp, c->mqtt.discovery);
		fprintf(fp, "\nmqtt topic prefix ");
		print_quoted(fp, c->mqtt.prefix);
		fputc('\n', fp);
	}
	fprintf(fp, "recordings ");
	print_quoted(fp, c->recordings);
	if (c->rec_keep_s % 86400 == 0)
		fprintf(fp, "\nrecord keep %llu days\n",
		    (unsigned long long)c->rec_keep_s / 86400);
	else
		fprintf(fp, "\nrecord keep %llu hours\n",
		    (unsigned long long)c->rec_keep_s / 3600);
	if (c->rec_max_bytes > 0)
		print_size(fp, c->rec_max_bytes);
	fprintf(fp, "record segment %u\n", c->rec_segment_s);
	/* Only with a listener: without, there is no rtsp child. */
	TAILQ_FOREACH(l, &c->rtsp, entry)
		fprintf(fp, "rtsp listen on %s port %u\n", l->addr, l->port);
	if (config_rtsp(c)) {
		fprintf(fp, "rtsp h264 encoder ");
		print_quoted(fp, c->rtsp_encoder);
		fprintf(fp, "\nrtsp connections per address %u\n",
		    c->rtsp_per_addr);
	}
	TAILQ_FOREACH(cam, &c->cameras, entry) {
		fprintf(fp, "camera ");
		print_quoted(fp, cam->cc.cc_id);
		fprintf(fp, " {\n");
		if (cam->cc.cc_name[0] != '\0') {
			fprintf(fp, "\tname ");
			print_quoted(fp, cam->cc.cc_name);
			fputc('\n', fp);
		}
		fprintf(fp, "\tstream %s\n", cam->cc.cc_stream_always ?
		    "always" : "on-demand");
		fprintf(fp, "\tidle timeout %u\n", cam->cc.cc_idle_timeout);
		fprintf(fp, "\trecord %s\n", cam->cc.cc_record == REC_ALWAYS ?
		    "always" : cam->cc.cc_record == REC_MOTION ? "motion" :
		    "off");
		if (cam->cc.cc_motion == 0)
			fprintf(fp, "\tmotion off\n}\n");
		else
			fprintf(fp, "\tmotion sensitivity %u\n}\n",
			    cam->cc.cc_motion);
	}
}
